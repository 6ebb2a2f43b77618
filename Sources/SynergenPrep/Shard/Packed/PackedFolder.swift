import Foundation

/// A packed folder (FORMAT.md, "Packed shards"): where each of its files lives, how a writer
/// publishes them and what a reader opens.
///
/// ```
/// <folder>/
///   pack-GGGGGG-NNNNNN.pack  PackedShard N of pack group G: magic "SGPACKSH" · u32 version · u32 0 · u64 N
///                            · u64 offsets[N+1] · one zstd frame per sequence (the sequence record)
///   pack-GGGGGG.journal      PackJournal of group G: {"run": KEY} then one shard entry per line
///   pack-GGGGGG.group.json   PackGroupRecord: group G's done-marker (its shards and totals), written last
///   index.json               PackIndex: config, configHash, groups, shards, totals — written when every
///                            group is done (by a single-rank pack, or by merge)
///   ranks/                   RankRecord per rank (the only files that depend on the world size)
///   *.tmp-<host>-<pid>       a writer's temporary files (AtomicFile), removed by the next run of the group
/// ```
/// A folder without `index.json` is a job that did not finish. Writers: `PackedShard.encode`,
/// `PackJournal`, `writeShard`, `writeGroup`, `publishIndex`; readers: `PackedShardReader`,
/// `PackedDataset`, `loadIndex`, `groupRecords`.
public struct PackedFolder: Sendable {
    /// Name of the index, written last.
    public static let indexName = "index.json"
    /// Every shard's name starts with this.
    public static let shardPrefix = "pack-"
    static let groupMarkerExtension = ".group.json"

    /// The folder.
    public let path: String

    public init(_ path: String) { self.path = path }

    /// `pack-GGGGGG`: what every file of group `group` starts with.
    public static func groupName(_ group: Int) -> String { String(format: "\(shardPrefix)%06d", group) }

    /// Name of shard `number` of group `group`: `pack-GGGGGG-NNNNNN.pack`.
    public static func shardName(group: Int, number: Int) -> String {
        groupName(group) + String(format: "-%06d", number) + PackedShard.fileExtension
    }

    /// Names of group `group`'s journal and done-marker.
    public static func journalName(group: Int) -> String { groupName(group) + ".journal" }
    public static func groupMarkerName(group: Int) -> String { groupName(group) + groupMarkerExtension }

    /// Whether `name` is a packed shard's name.
    public static func isShardName(_ name: String) -> Bool {
        name.hasPrefix(shardPrefix) && name.hasSuffix(PackedShard.fileExtension)
    }

    /// The group a file of the folder belongs to (`pack-GGGGGG…`), nil for other files.
    public static func group(ofFile name: String) -> Int? {
        guard name.hasPrefix(shardPrefix) else { return nil }
        return Int(name.dropFirst(shardPrefix.count).prefix(6))
    }

    /// The path of the file `name` in the folder.
    public func path(of name: String) -> String { (path as NSString).appendingPathComponent(name) }

    public var indexPath: String { path(of: Self.indexName) }

    /// True when the folder holds a packed index (a finished pack job; a tokenized folder's index is another format).
    public var isPacked: Bool {
        struct Head: Decodable { var format: String? }
        guard let data = FileManager.default.contents(atPath: indexPath) else { return false }
        return (try? JSONDecoder().decode(Head.self, from: data))?.format == PackIndex.formatName
    }

    /// True when pack groups are done here but no index is written yet (ranks still running, or merge not run).
    public var isUnmergedPack: Bool {
        !isPacked && ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).contains { $0.hasSuffix(Self.groupMarkerExtension) }
    }

    /// The folder's `index.json`.
    public func loadIndex() throws -> PackIndex { try PackIndex.load(folder: path) }

    /// Size of the file `name`, nil when it is missing.
    public func size(of name: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path(of: name))[.size]) as? Int
    }

    /// Makes the folder ready for packing `groups`: creates it, removes the index (the folder is
    /// not valid until the job ends) and the temporary files a killed run left of those groups
    /// (other ranks' files are left alone).
    public func prepareForWriting(groups: [Int]) throws {
        try AtomicFile.checkWritable(folder: path)
        try? FileManager.default.removeItem(atPath: indexPath)
        let mine = Set(groups)
        AtomicFile.removeLeftovers(in: path) { name in Self.group(ofFile: name).map(mine.contains) ?? false }
    }

    /// Encodes `sequences` as shard `number` of `group` and publishes it atomically; returns its index entry.
    public func writeShard(_ sequences: [PackedSequence], group: Int, number: Int) throws -> PackShardEntry {
        let name = Self.shardName(group: group, number: number)
        let bytes = try PackedShard.encode(sequences)
        try AtomicFile.write(bytes, to: path(of: name))
        return PackShardEntry(file: name, sequences: sequences.count, documents: sequences.reduce(0) { $0 + $1.documents.count },
                              bytes: bytes.count, sha256: SHA256.hex(bytes))
    }

    /// Removes the files of an earlier run that `keep` (file names) rejects: packed shards,
    /// journals and group markers, and the journal of the format before groups (`pack.journal`).
    public func removeStale(keeping keep: (String) -> Bool) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: path)
        where (Self.isShardName(name) || name.hasSuffix(".journal") || name.hasSuffix(Self.groupMarkerExtension)) && !keep(name) {
            try FileManager.default.removeItem(atPath: path(of: name))
        }
    }

    /// Whether shard `entry` is in the folder as recorded: its size, and with `verify` its SHA-256
    /// and sequence count; nil when it is, else what is wrong.
    public func check(_ entry: PackShardEntry, verify: Bool) -> MergeProblem.Kind? {
        guard let size = size(of: entry.file) else { return .dataMissing(file: entry.file) }
        guard size == entry.bytes else { return .sizeDiffers(file: entry.file, found: size, expected: entry.bytes) }
        guard verify else { return nil }
        do {
            if try SHA256.hex(file: path(of: entry.file)) != entry.sha256 { return locateDamage(in: entry) }
            let count = try PackedShardReader(path: path(of: entry.file)).count
            if count != entry.sequences { return .countDiffers(file: entry.file, found: count, expected: entry.sequences) }
        } catch {
            return .unreadable(file: entry.file, message: "\(error)")
        }
        return nil
    }

    /// For a shard whose SHA-256 differs: the first sequence that cannot be read, when one cannot.
    func locateDamage(in entry: PackShardEntry) -> MergeProblem.Kind {
        let reader: PackedShardReader
        do { reader = try PackedShardReader(path: path(of: entry.file)) } catch {
            return .damaged(file: entry.file, at: "the offset table", message: "\(error)")
        }
        for i in 0..<reader.count {
            do { _ = try reader.sequence(i) } catch { return .damaged(file: entry.file, at: "sequence \(i)", message: "\(error)") }
        }
        return .sha256Differs(file: entry.file)
    }

    /// Group `group`'s done-marker, nil when it has none (or an unreadable one).
    public func groupRecord(_ group: Int) -> PackGroupRecord? {
        FileManager.default.contents(atPath: path(of: Self.groupMarkerName(group: group)))
            .flatMap { try? JSONDecoder().decode(PackGroupRecord.self, from: $0) }
    }

    /// Every group done-marker in the folder, by group.
    public func groupRecords() throws -> [Int: PackGroupRecord] {
        var records: [Int: PackGroupRecord] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) where name.hasSuffix(Self.groupMarkerExtension) {
            if let g = Self.group(ofFile: name), let r = groupRecord(g) { records[g] = r }
        }
        return records
    }

    /// Publishes group `record.group`'s done-marker atomically (after its shards are in place).
    public func writeGroup(_ record: PackGroupRecord) throws { try AtomicFile.write(try record.json(), to: path(of: Self.groupMarkerName(group: record.group))) }

    /// When every group is done: the index of the folder (with `verify`, every shard's SHA-256 and
    /// sequence count checked), files of earlier jobs removed, `index.json` written last. Otherwise
    /// the problems, and nothing is changed.
    public func publishIndex(verify: Bool) throws -> Result<PackIndex, MergeProblems> {
        let assembled = PackIndex.assemble(folder: self, verify: verify)
        guard case .success(let index) = assembled else { return assembled }
        let kept = Set(index.shards.map(\.file) + (0..<(index.groups?.count ?? 0)).map(Self.groupMarkerName(group:))
                       + (0..<(index.groups?.count ?? 0)).map(Self.journalName(group:)))
        try removeStale(keeping: kept.contains)
        try AtomicFile.write(try index.json(), to: indexPath)
        return assembled
    }
}
