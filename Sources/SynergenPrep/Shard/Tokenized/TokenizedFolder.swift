import Foundation

/// A tokenized folder (FORMAT.md, "Tokenized shards"): where each shard's files live, how the
/// writer publishes them and how a reader lists and opens them.
///
/// ```
/// <folder>/
///   <stem>.tok.zst      TokenizedShard: zstd stream of magic "SGTOKSHD" · u32 version · header JSON
///                       · length-prefixed records (TokenizedSample) · u32 0 · u64 count
///   <stem>.stats.json   ShardTokenizeStats: the done-marker, written last
///   <stem>.unpublished  only with --after-shard: the shard is done but its command has not succeeded
///   plan.json           TokenizePlan: every shard of the job in manifest order (same for every rank)
///   index.json          TokenizedIndex: written when every planned shard is done (tokenize or merge)
///   ranks/              RankRecord per rank (the only files that depend on the world size)
///   *.tmp-<host>-<pid>  a writer's temporary files (AtomicFile), removed before the shard is redone
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

    /// The done-marker of the shard `stem` when the shard is done with the configuration `configHash`
    /// (with any configuration when nil).
    public func finishedMarker(for stem: String, configHash: String?) -> ShardTokenizeStats? {
        let paths = paths(for: stem)
        guard FileManager.default.fileExists(atPath: paths.data),
              let stats = try? ShardTokenizeStats.load(path: paths.stats),
              stats.complete, configHash.map({ stats.configHash == $0 }) ?? true else { return nil }
        return stats
    }

    /// Whether the shard `stem` is done with `configHash` and, with `verify`, its data file still has
    /// the marker's SHA-256 and record count (without `verify`: its size); the marker, or what is wrong.
    public func checkDone(_ stem: String, configHash: String, verify: Bool) -> Result<ShardTokenizeStats, MergeProblem.Kind> {
        let paths = paths(for: stem)
        let name = (paths.data as NSString).lastPathComponent
        guard FileManager.default.fileExists(atPath: paths.stats) else { return .failure(.notDone) }
        let stats: ShardTokenizeStats
        do { stats = try ShardTokenizeStats.load(path: paths.stats) } catch {
            return .failure(.unreadable(file: (paths.stats as NSString).lastPathComponent, message: "\(error)"))
        }
        guard stats.complete else {
            return .failure(.incomplete(stats.shardError.map { "\($0.reason.rawValue): \($0.message)" } ?? "not complete"))
        }
        guard stats.configHash == configHash else { return .failure(.configurationDiffers(found: stats.configHash, expected: configHash)) }
        if isUnpublished(stem) { return .failure(.unpublished) }
        guard let size = (try? FileManager.default.attributesOfItem(atPath: paths.data)[.size]) as? Int else {
            return .failure(.dataMissing(file: name))
        }
        guard size == stats.outputBytes else { return .failure(.sizeDiffers(file: name, found: size, expected: stats.outputBytes)) }
        if verify, let problem = verifyData(of: stats) { return .failure(problem) }
        return .success(stats)
    }

    /// Re-reads the data file of `stats`: nil when its SHA-256 and record count match the marker.
    public func verifyData(of stats: ShardTokenizeStats) -> MergeProblem.Kind? {
        let file = path(of: stats.output)
        let hashMatches: Bool
        do { hashMatches = try SHA256.hex(file: file) == stats.outputSHA256 } catch { return .unreadable(file: stats.output, message: "\(error)") }
        var count = 0
        do {
            let reader = try TokenizedShardReader(path: file)
            while try reader.next() != nil { count += 1 }
        } catch {
            // The stream is read ahead in blocks: a bad checksum shows at the block, the damage is in it or before.
            let at = "record \(count) (or the block of the zstd stream before it)"
            return hashMatches ? .unreadable(file: stats.output, message: "\(at): \(error)") : .damaged(file: stats.output, at: at, message: "\(error)")
        }
        if !hashMatches { return .sha256Differs(file: stats.output) }
        if count != stats.samplesOut { return .countDiffers(file: stats.output, found: count, expected: stats.samplesOut) }
        return nil
    }

    /// The flag of a shard that is done but whose `--after-shard` command has not succeeded.
    public func unpublishedPath(of stem: String) -> String { path(of: stem + ".unpublished") }
    public func isUnpublished(_ stem: String) -> Bool { FileManager.default.fileExists(atPath: unpublishedPath(of: stem)) }

    /// Sets (before the done-marker is published) or clears (after the command succeeded) the flag.
    public func setUnpublished(_ stem: String, _ flag: Bool) throws {
        if flag { try AtomicFile.write("{\"state\":\"after-shard command pending\"}\n", to: unpublishedPath(of: stem)) } else {
            try? FileManager.default.removeItem(atPath: unpublishedPath(of: stem))
        }
    }

    /// Removes what a killed run left of the shard `stem` (`*.tmp-<host>-<pid>` of its files).
    public func removeLeftovers(of stem: String) {
        let paths = paths(for: stem)
        AtomicFile.removeLeftovers(in: path, of: [(paths.data as NSString).lastPathComponent, (paths.stats as NSString).lastPathComponent,
                                                  (unpublishedPath(of: stem) as NSString).lastPathComponent])
    }

    /// A writer for the data file of the shard `stem`; the file appears on `finish()`.
    public func makeWriter(for stem: String, header: TokenizedShard.Header) throws -> TokenizedShardWriter {
        try TokenizedShardWriter(path: paths(for: stem).data, header: header)
    }

    /// Publishes the done-marker of the shard `stem` atomically (after its data file is in place).
    public func writeMarker(_ stats: ShardTokenizeStats, for stem: String) throws {
        try AtomicFile.write(try stats.prettyJSON(), to: paths(for: stem).stats)
    }
}
