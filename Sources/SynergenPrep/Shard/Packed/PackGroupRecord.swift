import Foundation

/// `pack-GGGGGG.group.json`: the done-marker of one pack group — a run of `groupShards` tokenized
/// shards (in plan order) packed on their own, seeded by the group's number, so that its bytes do
/// not depend on which rank packed it or how many ranks there were. Written after the group's
/// shards (and their `--after-shard` commands); `index.json` is these records put end to end.
public struct PackGroupRecord: Codable, Sendable, Equatable {
    public var formatVersion = Int(PackedShard.version)
    public var group: Int
    /// Groups in the job (the same in every record of one job).
    public var groups: Int
    /// The journal's run key of the group: configuration, shard size, group and its inputs.
    public var runKey: String
    public var config: PackConfig
    public var configHash: String
    /// Stems of the tokenized shards the group was cut from (incomplete ones included, and counted as dropped).
    public var inputs: [String]
    public var shards: [PackShardEntry]
    public var totals: PackTotals

    /// Pretty JSON with sorted keys (deterministic).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Whether every shard of the group is in `folder` with its recorded size.
    public func filesPresent(in folder: PackedFolder) -> Bool {
        shards.allSatisfy { folder.size(of: $0.file) == $0.bytes }
    }
}

/// One group in `index.json`: which tokenized shards it was cut from and which packed shards it made.
public struct PackGroupEntry: Codable, Sendable, Equatable {
    public var group: Int
    public var inputs: [String]
    public var shards: [String]
    public var sequences: Int
}
