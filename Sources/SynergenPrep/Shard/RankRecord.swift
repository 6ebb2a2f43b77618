import Foundation

/// What one rank of a job did, in `ranks/<stage>-rank-RRRRR-of-WWWWW.json` of the output folder:
/// written when the rank starts (`running`) and again when it ends (`finished` or `failed`), so a
/// rank that was killed is seen as one that started and never ended. Only that rank writes it.
///
/// Rank records depend on the world size and the clock; they are the only files of a folder that
/// do, and no reader of the data needs them: `merge` uses them to say which rank a missing item
/// belongs to and `stats` to report per rank.
public struct RankRecord: Codable, Sendable, Equatable {
    public static let folderName = "ranks"

    public enum Status: String, Codable, Sendable { case running, finished, failed, interrupted }

    /// One item that failed, with its error.
    public struct Failure: Codable, Sendable, Equatable {
        public var item: String
        public var message: String
        public init(item: String, message: String) { self.item = item; self.message = message }
    }

    public var stage: String
    public var rank: Int
    public var worldSize: Int
    /// Where the rank was read from (`WorldRank.source`).
    public var source: String
    public var host: String
    public var pid: Int32
    public var status: Status
    public var startedAt: String
    public var endedAt: String?
    /// The items (shard stems or group names) assigned to the rank, in order.
    public var assigned: [String]
    /// Items done by this run, found done already, and failed.
    public var done: [String] = []
    public var skipped: [String] = []
    public var failed: [Failure] = []
    public var samples = 0
    public var wallSeconds = 0.0
    /// Item → where its time went (seconds by name: `wall`, `vq`, `prepare`, `write`), for the items
    /// this run did. Kept here, not in the items' markers, so those do not depend on the clock.
    public var timings: [String: [String: Double]] = [:]

    /// A `running` record for `items` of `stage`, stamped now.
    public init(stage: String, rank: WorldRank, assigned: [String]) {
        self.stage = stage
        self.rank = rank.rank
        self.worldSize = rank.worldSize
        self.source = rank.source
        host = ProcessInfo.processInfo.hostName
        pid = getpid()
        status = .running
        startedAt = Self.now()
        self.assigned = assigned
    }

    /// The record's file name: `<stage>-rank-00001-of-00003.json`.
    public static func fileName(stage: String, rank: Int, worldSize: Int) -> String {
        String(format: "%@-rank-%05d-of-%05d.json", stage, rank, worldSize)
    }

    /// Marks the record ended now: `failed` when any item failed.
    public mutating func end() {
        status = failed.isEmpty ? .finished : .failed
        endedAt = Self.now()
    }

    /// Publishes the record atomically in `folder/ranks/`.
    public func write(in folder: String) throws {
        let dir = (folder as NSString).appendingPathComponent(Self.folderName)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = (dir as NSString).appendingPathComponent(Self.fileName(stage: stage, rank: rank, worldSize: worldSize))
        try AtomicFile.write(try prettyJSON(), to: path)
    }

    /// The latest timings of every item over `records` (later-started records win).
    public static func latestTimings(_ records: [RankRecord]) -> [String: [String: Double]] {
        var timings: [String: [String: Double]] = [:]
        for r in records.sorted(by: { $0.startedAt < $1.startedAt }) { timings.merge(r.timings) { $1 } }
        return timings
    }

    /// Every rank record of `stage` in `folder`, sorted by world size then rank; unreadable ones skipped.
    public static func all(in folder: String, stage: String) -> [RankRecord] {
        let dir = (folder as NSString).appendingPathComponent(folderName)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasPrefix(stage + "-rank-") && $0.hasSuffix(".json") }
        return names.compactMap { name in
            FileManager.default.contents(atPath: (dir as NSString).appendingPathComponent(name))
                .flatMap { try? JSONDecoder().decode(RankRecord.self, from: $0) }
        }.sorted { ($0.worldSize, $0.rank) < ($1.worldSize, $1.rank) }
    }

    /// One line: `rank 1 of 3 (SLURM_ARRAY_TASK_ID) on host, pid: finished, 2 done, 0 failed, …`.
    public var summary: String {
        var text = "rank \(rank) of \(worldSize) (\(source)) on \(host), pid \(pid): \(status.rawValue)"
        text += ", \(assigned.count) assigned, \(done.count) done, \(skipped.count) already done, \(failed.count) failed"
        text += String(format: ", %d samples, %.1f s; started %@", samples, wallSeconds, startedAt)
        if let endedAt { text += ", ended \(endedAt)" }
        return text
    }

    private static func now() -> String { ISO8601DateFormatter().string(from: Date()) }
}

/// A rank record shared by the threads of one run: each change is written through at once, so a
/// killed rank leaves a record of what it finished.
public final class RankLog: @unchecked Sendable {
    private let lock = NSLock()
    private var record: RankRecord
    private let folder: String

    /// Writes `record` (as `running`) into `folder`.
    public init(_ record: RankRecord, folder: String) throws {
        self.record = record
        self.folder = folder
        try record.write(in: folder)
    }

    /// Applies `change` and writes the record (a failed write is not fatal: the record is advisory).
    public func update(_ change: (inout RankRecord) -> Void) {
        lock.withLock {
            change(&record)
            try? record.write(in: folder)
        }
    }
}
