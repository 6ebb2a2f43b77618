import Foundation

/// Per-rank lines of `stats` over a folder that ranks wrote: what each rank's record says
/// (`RankRecord`), for every world size the folder has seen.
public struct RankStats: Sendable {
    public let records: [RankRecord]

    public init(folder: String, stage: String) { records = RankRecord.all(in: folder, stage: stage) }

    /// One line per rank, under a heading; empty when no rank wrote a record.
    public var lines: [String] {
        records.isEmpty ? [] : ["ranks (\(records.first!.stage)):"] + records.map { "  " + $0.summary }
    }

    /// One object per rank for `--json`.
    public var jsonObjects: [[String: Any]] {
        records.map { r in
            ["rank": r.rank, "world_size": r.worldSize, "source": r.source, "host": r.host, "pid": Int(r.pid), "status": r.status.rawValue,
             "assigned": r.assigned.count, "done": r.done.count, "skipped": r.skipped.count, "failed": r.failed.map(\.item),
             "samples": r.samples, "wall_seconds": r.wallSeconds, "started_at": r.startedAt, "ended_at": r.endedAt ?? NSNull()] as [String: Any]
        }
    }
}
