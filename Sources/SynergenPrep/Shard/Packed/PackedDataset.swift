import Foundation

/// A packed folder: the index plus random access to any sequence.
public final class PackedDataset {
    public let folder: String
    public let index: PackIndex
    private var readers: [Int: PackedShardReader] = [:]
    private let starts: [Int]

    public init(folder: String) throws {
        self.folder = folder
        index = try PackedFolder(folder).loadIndex()
        var s = [0]
        for e in index.shards { s.append(s.last! + e.sequences) }
        starts = s
    }

    public var count: Int { starts.last! }

    /// Sequence `i` of the folder (shards in index order).
    public func sequence(_ i: Int) throws -> PackedSequence {
        guard i >= 0 && i < count else { throw ShardFormatError(path: folder, message: "no sequence \(i) (\(count) in folder)") }
        var shard = 0
        while starts[shard + 1] <= i { shard += 1 }
        let reader: PackedShardReader
        if let r = readers[shard] { reader = r } else {
            reader = try PackedShardReader(path: PackedFolder(folder).path(of: index.shards[shard].file))
            readers[shard] = reader
        }
        return try reader.sequence(i - starts[shard])
    }

    /// Checks every shard's size, SHA-256 and sequence count against the index; returns the problems found.
    public func verify() -> [String] {
        let packed = PackedFolder(folder)
        return index.shards.compactMap { e in packed.check(e, verify: true).map { MergeProblem(item: e.file, index: nil, kind: $0).description } }
    }
}
