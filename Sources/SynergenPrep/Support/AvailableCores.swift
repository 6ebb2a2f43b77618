import Foundation

/// The cores this process should use by default: Slurm's `SLURM_CPUS_PER_TASK` when set (a task
/// sees the whole node's cores, not its allocation), else every core the system reports.
/// (Foundation's count ignores CPU affinity and container quotas: pass `--workers` there.)
public enum AvailableCores {
    public static func count(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        if let text = environment["SLURM_CPUS_PER_TASK"], let n = Int(text), n >= 1 { return n }
        return ProcessInfo.processInfo.activeProcessorCount
    }
}
