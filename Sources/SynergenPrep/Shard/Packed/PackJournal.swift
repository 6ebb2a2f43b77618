import Foundation

/// What lets a killed (or repeated) `pack` run reuse the shards an earlier run with the same inputs
/// and configuration already wrote: one journal per pack group (`pack-GGGGGG.journal`), written only
/// by the rank packing that group, JSON lines — first the run key, then one `PackShardEntry` per
/// shard, appended after the shard's atomic rename. A line cut
/// short by a kill is ignored (and that shard written again); a journal of another run key is
/// started afresh.
public struct PackJournal {
    /// The run this journal belongs to.
    public let runKey: String
    /// Shards finished by the earlier run of the same key, in order.
    public let finished: [PackShardEntry]
    private let path: String

    /// Reads the journal of group `group` in `folder` if it is of `runKey`; otherwise starts a new
    /// one (nothing is written until `start()`).
    public init(folder: String, group: Int, runKey: String) {
        self.runKey = runKey
        path = PackedFolder(folder).path(of: PackedFolder.journalName(group: group))
        var finished: [PackShardEntry] = []
        if let data = FileManager.default.contents(atPath: path) {
            let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            let head = lines.first.flatMap { try? JSONDecoder().decode(Head.self, from: Data($0)) }
            if head?.run == runKey {
                // Only whole lines (each ends in "\n"): the last element after the split is the unfinished rest.
                for line in lines.dropFirst().dropLast() {
                    guard let entry = try? JSONDecoder().decode(PackShardEntry.self, from: Data(line)) else { break }
                    finished.append(entry)
                }
            }
        }
        self.finished = finished
    }

    /// The earlier run's entry for shard `index` if its file is still there with the recorded size
    /// and the shard about to be written has the same counts (same inputs and configuration make
    /// the same sequences, so the bytes need not be encoded again).
    public func reusable(index: Int, file: String, sequences: Int, documents: Int, folder: String) -> PackShardEntry? {
        guard index < finished.count else { return nil }
        let e = finished[index]
        guard e.file == file && e.sequences == sequences && e.documents == documents else { return nil }
        return PackedFolder(folder).size(of: file) == e.bytes ? e : nil
    }

    /// Writes the journal's first line (atomically, replacing any other journal) and the entries
    /// this run keeps from the earlier one (`kept`, a prefix of `finished`).
    public func start(keeping kept: Int = 0) throws {
        var text = try Self.line(Head(run: runKey))
        for e in finished.prefix(kept) { text += try Self.line(e) }
        try AtomicFile.write(text, to: path)
    }

    /// Appends `entry` (after its shard was renamed into place) and syncs the journal.
    public func append(_ entry: PackShardEntry) throws {
        let bytes = Array(try Self.line(entry).utf8)
        let fd = open(path, O_WRONLY | O_APPEND)
        guard fd >= 0 else { throw AtomicFileError(path: path, operation: "open", code: errno) }
        defer { close(fd) }
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress!, $0.count) }
        guard n == bytes.count else { throw AtomicFileError(path: path, operation: "write", code: errno) }
        guard fsync(fd) == 0 else { throw AtomicFileError(path: path, operation: "fsync", code: errno) }
    }

    private struct Head: Codable { var run: String }

    private static func line<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
