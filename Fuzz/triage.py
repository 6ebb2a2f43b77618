#!/usr/bin/env python3
"""Groups the findings of scripts/fuzz.sh by cause and keeps one small input per cause.

    python3 Fuzz/triage.py [--work Fuzz/.build/fuzz] [--minimize SECONDS] [--save Fuzz/crashes]

Every finding in WORK/findings/<target>/ is run again through its target; the cause is the kind
of failure (Swift runtime failure message, ASan error, libFuzzer OOM/timeout) and the first stack
frame inside Sources/SynergenPrep (file:line). Per cause the smallest input is kept; with
--minimize it is shrunk first (libFuzzer -minimize_crash for SECONDS); with --save it is copied to
SAVE/<target>/<cause>.bin next to a .txt with the reason and the stack.
"""
import argparse
import collections
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ENV = dict(os.environ, SWIFT_BACKTRACE="enable=no", ASAN_OPTIONS="detect_leaks=0:handle_abort=1",
           PYTHONPATH=os.path.join(os.path.dirname(HERE), "python"))


def bin_path():
    out = subprocess.run(["swift", "build", "-c", "release", "--sanitize", "fuzzer", "-Xswiftc", "-sanitize=fuzzer,address",
                          "-Xcc", "-fsanitize=address", "--show-bin-path"], cwd=HERE, capture_output=True, text=True)
    return out.stdout.strip()


def binary(binary_dir, target):
    if target == "PyPackedReader":
        return ["python3", os.path.join(HERE, "python/fuzz_packed_reader.py")]
    return [os.path.join(binary_dir, target)]


def run(command, path, extra=()):
    with tempfile.TemporaryDirectory() as scratch:
        p = subprocess.run([*command, "-rss_limit_mb=2048", "-timeout=10", *extra, path], cwd=scratch,
                           env=dict(ENV, TMPDIR=scratch), capture_output=True, text=True, errors="replace", timeout=600)
    return p.returncode, p.stdout + p.stderr


def python_cause(log):
    """(kind, location, frames) of a Python traceback (Atheris prints it before its crash report)."""
    frames = re.findall(r'File "([^"]+)", line (\d+), in (\S+)', log)
    ours = [(f, n, fn) for f, n, fn in frames if "synergen_reader" in f]
    lines = [l for l in log.split("Traceback")[-1].splitlines() if re.match(r"^[A-Za-z_][\w.]*(Error|Exception)\b", l)]
    kind = lines[0].split(":")[0] if lines else ("out-of-memory" if "out-of-memory" in log else "unknown")
    location = f"python/synergen_reader/{os.path.basename(ours[-1][0])}:{ours[-1][1]}" if ours else "?"
    stack = [f"{os.path.relpath(f, os.path.dirname(HERE))}:{n}  {fn}" for f, n, fn in frames][-8:]
    if lines:
        stack.append(lines[0][:200])
    return kind, location, stack


def cause(log):
    """(kind, location, frames) of one reproduced finding."""
    if "Traceback (most recent call last)" in log or "fuzz_packed_reader" in log:
        return python_cause(log)
    kind = "unknown"
    m = re.search(r"Swift runtime failure: ([^/\n]+?) */", log)
    if m:
        kind = "Swift runtime failure: " + m.group(1).strip()
    elif re.search(r"Fatal error: ([^\n]+)", log):
        kind = "Fatal error: " + re.search(r"Fatal error: ([^\n]+)", log).group(1)[:100]
    elif "ERROR: libFuzzer: out-of-memory" in log:
        m = re.search(r"out-of-memory \((malloc\(\d+\)|used: \d+Mb; exceeds: \d+Mb)\)", log)
        kind = "out-of-memory " + (m.group(1) if m else "")
        kind = re.sub(r"malloc\(\d+\)", "malloc(N)", kind)
        kind = re.sub(r"used: \d+Mb", "used: NMb", kind)
    elif "ERROR: libFuzzer: timeout" in log:
        kind = "timeout"
    elif "ERROR: AddressSanitizer:" in log:
        kind = "ASan: " + re.search(r"ERROR: AddressSanitizer: ([\w-]+)", log).group(1)
    elif "deadly signal" in log:
        kind = "deadly signal"
    frames = re.findall(r"#\d+ 0x[0-9a-f]+ in (\S+) (/\S+?:\d+)", log)
    ours = [(fn, loc) for fn, loc in frames if "/Sources/SynergenPrep/" in loc or "/Sources/CPNGShim/" in loc]
    location = frames[0][1] if frames else "?"
    if ours:  # Sources/...swift:line, without the column
        location = ":".join(ours[0][1].split("/Sources/", 1)[1].split(":")[:2])
    stack = [f"{loc.split('/Sources/', 1)[-1]}  {fn}" for fn, loc in frames
             if "/llvm-project/" not in loc and "compiler-generated" not in loc][:12]
    return kind, location, stack


def reproduce(target):
    if target == "PyPackedReader":
        return "PYTHONPATH=python python3 Fuzz/python/fuzz_packed_reader.py"
    return f"SWIFT_BACKTRACE=enable=no Fuzz/.build/release/{target}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default=os.path.join(HERE, ".build/fuzz"))
    ap.add_argument("--minimize", type=int, default=0)
    ap.add_argument("--save")
    args = ap.parse_args()
    binary_dir = bin_path()
    root = os.path.join(args.work, "findings")
    groups = collections.defaultdict(list)
    for target in sorted(os.listdir(root)) if os.path.isdir(root) else []:
        for name in sorted(os.listdir(os.path.join(root, target))):
            path = os.path.join(root, target, name)
            rc, log = run(binary(binary_dir, target), path)
            if rc == 0:
                print(f"{target}/{name}: does not reproduce", file=sys.stderr)
                continue
            kind, location, stack = cause(log)
            groups[(target, kind, location)].append((os.path.getsize(path), path, stack))
    for (target, kind, location), items in sorted(groups.items()):
        items.sort()
        size, path, stack = items[0]
        keep = path
        if args.minimize:
            out = os.path.join(tempfile.mkdtemp(), "min")
            run(binary(binary_dir, target), path,
                ["-minimize_crash=1", f"-max_total_time={args.minimize}", f"-exact_artifact_path={out}"])
            if os.path.exists(out) and os.path.getsize(out) <= size:
                _, log = run(binary(binary_dir, target), out)
                if cause(log)[:2] == (kind, location):
                    keep = out
        print(f"{target}: {kind} at {location}: {len(items)} finding(s), kept {os.path.getsize(keep)} bytes")
        for line in stack:
            print("    " + line)
        if args.save:
            tag = re.sub(r"[^A-Za-z0-9]+", "-", f"{os.path.basename(location)}-{kind}").strip("-").lower()[:80]
            folder = os.path.join(args.save, target)
            os.makedirs(folder, exist_ok=True)
            dest = os.path.join(folder, tag + ".bin")
            shutil.copyfile(keep, dest)
            with open(os.path.join(folder, tag + ".txt"), "w") as f:
                f.write(f"target: {target}\nreason: {kind}\nlocation: Sources/{location}\n"
                        f"reproduce: {reproduce(target)} Fuzz/crashes/{target}/{tag}.bin\n"
                        f"sha1: {hashlib.sha1(open(dest, 'rb').read()).hexdigest()}\nstack:\n")
                f.writelines("    " + line + "\n" for line in stack)


if __name__ == "__main__":
    main()
