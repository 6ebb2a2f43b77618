import Foundation

/// A tokenized folder (FORMAT.md, "Tokenized shards"): where each shard's files live, how the
/// writer publishes them and how a reader lists and opens them.
///
/// ```
/// <folder>/
///   <stem>.tok.zst      TokenizedShard: zstd stream of magic "SGTOKSHD" · u32 version · header JSON
///                       · length-prefixed records (TokenizedSample) · u32 0 · u64 count
///   <stem>.stats.json   ShardTokenizeStats: the done-marker, written last
///   *.tmp-<pid>         a writer's temporary files (AtomicFile), removed before the shard is redone
/// ```
/// The stem is the input shard's (`laion-000123.tar` → `laion-000123`). A shard counts as done when
/// its marker says `complete` and its data file exists.
public struct TokenizedFolder: Sendable {
    /// File name ending of done-markers.
    public static let markerExtension = ".stats.json"

    /// The folder.
    public let path: String

    public init(_ path: String) { self.path = path }

    /// The path of the file `name` in the folder.
    public func path(of name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// The data file and the done-marker of the shard `stem`.
    public func paths(for stem: String) -> (data: String, stats: String) {
        let base = path(of: stem)
        return (base + TokenizedShard.fileExtension, base + Self.markerExtension)
    }

    /// File names of every done-marker in the folder, sorted.
    public func markerNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(Self.markerExtension) }.sorted()
    }

    /// Every done-marker in the folder, sorted by file name.
    public func markers() throws -> [(name: String, stats: ShardTokenizeStats)] {
        try markerNames().map { name in (name, try ShardTokenizeStats.load(path: path(of: name))) }
    }

    /// Paths of the data files of the complete shards (marker `complete` and data file present),
    /// sorted by name, and the marker names of the others.
    public func shards() throws -> (complete: [String], incomplete: [String]) {
        var complete: [String] = [], incomplete: [String] = []
        for (name, stats) in try markers() {
            let data = path(of: stats.output)
            if stats.complete && FileManager.default.fileExists(atPath: data) { complete.append(data) } else { incomplete.append(name) }
        }
        return (complete, incomplete)
    }

    /// The done-marker of the shard `stem` when the shard is done with the configuration `configHash`.
    public func finishedMarker(for stem: String, configHash: String) -> ShardTokenizeStats? {
        let paths = paths(for: stem)
        guard FileManager.default.fileExists(atPath: paths.data),
              let stats = try? ShardTokenizeStats.load(path: paths.stats),
              stats.complete, stats.configHash == configHash else { return nil }
        return stats
    }

    /// Removes what a killed run left of the shard `stem` (`*.tmp-<pid>` of its two files).
    public func removeLeftovers(of stem: String) {
        let paths = paths(for: stem)
        AtomicFile.removeLeftovers(in: path, of: [(paths.data as NSString).lastPathComponent, (paths.stats as NSString).lastPathComponent])
    }

    /// A writer for the data file of the shard `stem`; the file appears on `finish()`.
    public func makeWriter(for stem: String, header: TokenizedShard.Header) throws -> TokenizedShardWriter {
        try TokenizedShardWriter(path: paths(for: stem).data, header: header)
    }

    /// Publishes the done-marker of the shard `stem` atomically (after its data file is in place).
    public func writeMarker(_ stats: ShardTokenizeStats, for stem: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(Array(try encoder.encode(stats)), to: paths(for: stem).stats)
    }
}
