import Foundation

/// A packed folder (FORMAT.md, "Packed shards"): where each of its files lives, how a writer
/// publishes them and what a reader opens.
///
/// ```
/// <folder>/
///   pack-000000.pack …   PackedShard: magic "SGPACKSH" · u32 version · u32 0 · u64 N · u64 offsets[N+1]
///                        · one zstd frame per sequence (PackedSequenceCoding: the sequence record)
///   pack.journal         PackJournal: {"run": KEY} then one shard entry per line (readers ignore it)
///   index.json           PackIndex: config, configHash, shards, totals — written last
///   *.tmp-<pid>          a writer's temporary files (AtomicFile), removed by the next run
/// ```
/// A folder without `index.json` is a run that did not finish. Writers: `PackedShard.encode`,
/// `PackJournal`, `writeShard`, `writeIndex`; readers: `PackedShardReader`, `PackedDataset`, `loadIndex`.
public struct PackedFolder: Sendable {
    /// Name of the index, written last.
    public static let indexName = "index.json"
    /// Every shard's name starts with this.
    public static let shardPrefix = "pack-"

    /// The folder.
    public let path: String

    public init(_ path: String) { self.path = path }

    /// Name of shard `number`: `pack-NNNNNN.pack`.
    public static func shardName(_ number: Int) -> String {
        String(format: "\(shardPrefix)%06d", number) + PackedShard.fileExtension
    }

    /// Whether `name` is a packed shard's name.
    public static func isShardName(_ name: String) -> Bool {
        name.hasPrefix(shardPrefix) && name.hasSuffix(PackedShard.fileExtension)
    }

    /// The path of the file `name` in the folder.
    public func path(of name: String) -> String { (path as NSString).appendingPathComponent(name) }

    public var indexPath: String { path(of: Self.indexName) }
    public var journalPath: String { path(of: PackJournal.fileName) }

    /// True when the folder holds an index (a finished pack run).
    public var isPacked: Bool { FileManager.default.fileExists(atPath: indexPath) }

    /// The folder's `index.json`.
    public func loadIndex() throws -> PackIndex { try PackIndex.load(folder: path) }

    /// Size of the file `name`, nil when it is missing.
    public func size(of name: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path(of: name))[.size]) as? Int
    }

    /// Makes the folder ready for a new run: creates it, removes the index (the folder is not valid
    /// until the run ends) and the temporary files a killed run left.
    public func prepareForWriting() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: indexPath)
        AtomicFile.removeLeftovers(in: path)
    }

    /// Encodes `sequences` as shard `number` and publishes it atomically; returns its index entry.
    public func writeShard(_ sequences: [PackedSequence], number: Int) throws -> PackShardEntry {
        let name = Self.shardName(number)
        let bytes = try PackedShard.encode(sequences)
        try AtomicFile.write(bytes, to: path(of: name))
        return PackShardEntry(file: name, sequences: sequences.count, documents: sequences.reduce(0) { $0 + $1.documents.count },
                              bytes: bytes.count, sha256: SHA256.hex(bytes))
    }

    /// Removes the shards of an earlier run that are not in `kept` (file names).
    public func removeShards(except kept: Set<String>) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: path) where Self.isShardName(name) && !kept.contains(name) {
            try FileManager.default.removeItem(atPath: path(of: name))
        }
    }

    /// Publishes `index` atomically, which marks the folder finished.
    public func writeIndex(_ index: PackIndex) throws { try AtomicFile.write(try index.json(), to: indexPath) }
}
