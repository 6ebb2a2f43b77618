import Foundation

/// Which part of a job this process is: rank `rank` of `worldSize` processes that share one output
/// folder, and where that was read from. Work items (input shards, pack groups) are dealt out by
/// index — item `i` belongs to rank `i % worldSize` — so the assignment is deterministic, balanced
/// (counts differ by at most one) and needs nothing shared but the item list.
///
/// Sources, first match wins: the `--rank`/`--world-size` flags; torchrun's `RANK`/`WORLD_SIZE`;
/// a Kubernetes Indexed Job's `JOB_COMPLETION_INDEX` with the world size from `--world-size` or
/// `SYNERGEN_WORLD_SIZE`; a Slurm array job's `SLURM_ARRAY_TASK_ID` − `SLURM_ARRAY_TASK_MIN` of
/// `SLURM_ARRAY_TASK_COUNT` (times `SLURM_NTASKS` tasks each, `SLURM_PROCID` within, when a task
/// runs several); Slurm's `SLURM_PROCID`/`SLURM_NTASKS`. Nothing set: rank 0 of 1.
public struct WorldRank: Sendable, Equatable, CustomStringConvertible {
    public let rank: Int
    public let worldSize: Int
    /// Where the pair came from, e.g. `flags`, `RANK/WORLD_SIZE`, `SLURM_ARRAY_TASK_ID`, `default`.
    public let source: String

    public static let single = WorldRank(uncheckedRank: 0, worldSize: 1, source: "default")

    init(uncheckedRank rank: Int, worldSize: Int, source: String) {
        self.rank = rank; self.worldSize = worldSize; self.source = source
    }

    /// A checked pair: world size ≥ 1 and 0 ≤ rank < world size.
    public init(rank: Int, worldSize: Int, source: String) throws(WorldRankError) {
        guard worldSize >= 1 else { throw .badWorldSize(worldSize, source: source) }
        guard (0..<worldSize).contains(rank) else { throw .rankOutOfRange(rank: rank, worldSize: worldSize, source: source) }
        self.init(uncheckedRank: rank, worldSize: worldSize, source: source)
    }

    /// Whether item `index` of the job's list is this rank's.
    public func owns(_ index: Int) -> Bool { index % worldSize == rank }

    /// The indices of `count` items that are this rank's, ascending.
    public func share(of count: Int) -> [Int] { Array(stride(from: rank, to: count, by: worldSize)) }

    /// The rank that owns item `index` under this world size.
    public func owner(of index: Int) -> Int { index % worldSize }

    /// `rank=R world=W` — the fields every log line of a ranked run carries.
    public var logFields: String { "rank=\(rank) world=\(worldSize)" }

    public var description: String { "rank \(rank) of \(worldSize) (from \(source))" }

    /// Environment variables read by `detect`.
    public static let environmentNames = ["RANK", "WORLD_SIZE", "JOB_COMPLETION_INDEX", "SYNERGEN_WORLD_SIZE",
                                          "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT",
                                          "SLURM_PROCID", "SLURM_NTASKS"]

    /// The rank from the flags (`rank`, `worldSize`, nil when not given) or else the environment.
    /// A half-given pair, a value that is not a number, or a rank outside the world is an error.
    public static func detect(rank: Int?, worldSize: Int?,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws(WorldRankError) -> WorldRank {
        if let rank {
            guard let worldSize else { throw .halfSet(given: "--rank", missing: "--world-size") }
            return try WorldRank(rank: rank, worldSize: worldSize, source: "flags")
        }
        let env = EnvironmentReader(values: environment)
        if let pair = try env.pair("RANK", "WORLD_SIZE") {
            return try WorldRank(rank: pair.0, worldSize: worldSize ?? pair.1, source: "RANK/WORLD_SIZE")
        }
        if let index = try env.number("JOB_COMPLETION_INDEX") {
            let fromEnvironment = try env.number("SYNERGEN_WORLD_SIZE")
            guard let world = worldSize ?? fromEnvironment else {
                throw .halfSet(given: "JOB_COMPLETION_INDEX", missing: "--world-size or SYNERGEN_WORLD_SIZE")
            }
            return try WorldRank(rank: index, worldSize: world, source: "JOB_COMPLETION_INDEX")
        }
        if let task = try env.pair("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT") {
            let first = try env.number("SLURM_ARRAY_TASK_MIN") ?? 0
            let tasks = try env.number("SLURM_NTASKS") ?? 1, proc = try env.number("SLURM_PROCID") ?? 0
            let rank = (task.0 - first) * tasks + proc, world = task.1 * tasks
            return try WorldRank(rank: rank, worldSize: worldSize ?? world, source: "SLURM_ARRAY_TASK_ID")
        }
        if let pair = try env.pair("SLURM_PROCID", "SLURM_NTASKS") {
            return try WorldRank(rank: pair.0, worldSize: worldSize ?? pair.1, source: "SLURM_PROCID/SLURM_NTASKS")
        }
        if worldSize != nil { throw .halfSet(given: "--world-size", missing: "--rank (or a scheduler's rank variable)") }
        return .single
    }
}

/// Reads integer variables; a variable set to something that is not a non-negative integer is an error.
private struct EnvironmentReader {
    let values: [String: String]

    func number(_ name: String) throws(WorldRankError) -> Int? {
        guard let text = values[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let value = Int(text), value >= 0 else { throw .notANumber(name: name, value: text) }
        return value
    }

    /// Both variables, nil when neither is set; one without the other is an error.
    func pair(_ first: String, _ second: String) throws(WorldRankError) -> (Int, Int)? {
        switch (try number(first), try number(second)) {
        case (nil, nil): return nil
        case let (a?, b?): return (a, b)
        case (_?, nil): throw .halfSet(given: first, missing: second)
        case (nil, _?): throw .halfSet(given: second, missing: first)
        }
    }
}

/// A rank or world size that cannot be used; reported before any work.
public enum WorldRankError: Error, Equatable, CustomStringConvertible {
    case halfSet(given: String, missing: String)
    case notANumber(name: String, value: String)
    case badWorldSize(Int, source: String)
    case rankOutOfRange(rank: Int, worldSize: Int, source: String)

    public var description: String {
        switch self {
        case .halfSet(let given, let missing): return "\(given) is set but \(missing) is not: give both"
        case .notANumber(let name, let value): return "\(name)=\(value) is not a non-negative integer"
        case .badWorldSize(let w, let source): return "world size \(w) (from \(source)) must be at least 1"
        case .rankOutOfRange(let r, let w, let source): return "rank \(r) (from \(source)) is not below the world size \(w)"
        }
    }
}
