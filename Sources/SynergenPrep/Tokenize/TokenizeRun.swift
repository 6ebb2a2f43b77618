import Foundation

/// Tokenizes every shard of a manifest into a folder: skips shards already done with the same
/// configuration (unless `overwrite`), runs `workers` shards at once, and never leaves a partial
/// file under a final name — a killed run, re-run, ends with the bytes of an uninterrupted one.
///
/// The steps: check the configuration and the output names (`checkInputs`) → per shard, reuse its
/// done-marker or clear its leftovers and tokenize it (`tokenize`) → add the results up (`summary`).
public struct TokenizeRun: Sendable {
    public var config: TokenizeConfig
    public var tokenizer: Tokenizer
    public var folder: String
    public var workers: Int
    public var overwrite: Bool
    /// The VQ encoder for a shard job (called once per shard; may return one shared encoder, see `BuiltOnce`).
    public var makeEncoder: @Sendable () throws -> CodeGridEncoder

    public init(config: TokenizeConfig, tokenizer: Tokenizer, folder: String, workers: Int = 1, overwrite: Bool = false,
                makeEncoder: @escaping @Sendable () throws -> CodeGridEncoder) {
        self.config = config
        self.tokenizer = tokenizer
        self.folder = folder
        self.workers = workers
        self.overwrite = overwrite
        self.makeEncoder = makeEncoder
    }

    /// What became of one shard: its stats, and whether they are an earlier run's (skipped).
    typealias ShardResult = Result<(stats: ShardTokenizeStats, skipped: Bool), Error>

    /// The done-marker of a shard if it can be reused as is.
    public func finishedStats(for location: ShardLocation) -> ShardTokenizeStats? {
        overwrite ? nil : TokenizedFolder(folder).finishedMarker(for: location.stem, configHash: config.hash)
    }

    public func run(_ shards: [ShardLocation], progress: ProgressReporter? = nil) throws -> TokenizeSummary {
        try checkInputs(shards)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let start = Date()
        let shardTokenizer = ShardTokenizer(config: config, tokenizer: tokenizer)
        let results = WorkerPool.map(count: shards.count, workers: workers) { index -> ShardResult in
            defer { progress?.add(shards: 1) }
            return tokenize(shards[index], with: shardTokenizer, progress: progress)
        }
        var summary = Self.summary(of: results, for: shards)
        summary.wallSeconds = Date().timeIntervalSince(start)
        return summary
    }

    /// Refuses, before any work, a configuration that cannot work and two shards with one output stem.
    func checkInputs(_ shards: [ShardLocation]) throws(TokenizeConfigError) {
        try config.validate()
        var stems: [String: ShardLocation] = [:]
        for shard in shards {
            if let other = stems[shard.stem] {
                throw .sameOutputStem(stem: shard.stem, first: other.description, second: shard.description)
            }
            stems[shard.stem] = shard
        }
    }

    /// One shard job: the earlier run's done-marker when it matches, else clear the shard's
    /// leftovers and tokenize it.
    func tokenize(_ shard: ShardLocation, with shardTokenizer: ShardTokenizer, progress: ProgressReporter?) -> ShardResult {
        if let done = finishedStats(for: shard) { return .success((done, true)) }
        TokenizedFolder(folder).removeLeftovers(of: shard.stem)
        do {
            let stats = try shardTokenizer.run(shard, into: folder, encoder: try makeEncoder(), progress: progress)
            return .success((stats, false))
        } catch {
            return .failure(error)
        }
    }

    /// The shards' results added up, in manifest order (wall time left to the caller).
    static func summary(of results: [ShardResult], for shards: [ShardLocation]) -> TokenizeSummary {
        var summary = TokenizeSummary()
        summary.shards = shards.count
        for (shard, result) in zip(shards, results) {
            switch result {
            case .success(let (stats, skipped)):
                summary.add(stats)
                if skipped {
                    summary.skipped += 1
                    summary.skippedSamples += stats.samplesIn
                    summary.skippedImages += stats.views.values.reduce(0, +)
                } else {
                    summary.vqSeconds += stats.timings.vqSeconds
                    summary.prepareSeconds += stats.timings.prepareSeconds
                    summary.shardSeconds += stats.timings.wallSeconds
                }
            case .failure(let error):
                summary.failed.append((shard.description, "\(error)"))
            }
        }
        return summary
    }
}
