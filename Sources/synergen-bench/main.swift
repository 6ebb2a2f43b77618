import SynergenPrep
print("bench")
