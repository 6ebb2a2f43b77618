import Foundation

/// The result of a whole `tokenize` run.
public struct TokenizeSummary: Sendable {
    public var shards = 0
    /// Shards whose done-marker matched the configuration: not redone.
    public var skipped = 0
    /// Shards that failed (VQ or write error): no done-marker, redone next time.
    public var failed: [(shard: String, message: String)] = []
    public var samplesIn = 0
    public var samplesOut = 0
    public var sampleErrors = 0
    public var errors: [String: Int] = [:]
    public var images = 0
    /// Samples and images of the skipped shards (already done).
    public var skippedSamples = 0
    public var skippedImages = 0
    public var vqSeconds = 0.0
    public var prepareSeconds = 0.0
    /// Sum of the shards' wall times (shards run in parallel with `workers` > 1).
    public var shardSeconds = 0.0
    public var wallSeconds = 0.0

    /// Share of the shards' time spent in the VQ: the rest is what did not hide behind it.
    public var vqShare: Double { shardSeconds > 0 ? vqSeconds / shardSeconds : 0 }

    mutating func add(_ stats: ShardTokenizeStats) {
        samplesIn += stats.samplesIn
        samplesOut += stats.samplesOut
        sampleErrors += stats.sampleErrors
        errors.merge(stats.errors, uniquingKeysWith: +)
        images += stats.views.values.reduce(0, +)
    }
}

/// Tokenizes every shard of a manifest into a folder: skips shards already done with the same
/// configuration (unless `overwrite`), runs `workers` shards at once, and never leaves a partial
/// file under a final name — a killed run, re-run, ends with the bytes of an uninterrupted one.
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

    /// The done-marker of a shard if it can be reused as is.
    public func finishedStats(for location: ShardLocation) -> ShardTokenizeStats? {
        let paths = ShardTokenizer.outputPaths(for: location, in: folder)
        guard !overwrite, FileManager.default.fileExists(atPath: paths.data),
              let data = FileManager.default.contents(atPath: paths.stats),
              let stats = try? JSONDecoder().decode(ShardTokenizeStats.self, from: data),
              stats.complete, stats.configHash == config.hash else { return nil }
        return stats
    }

    public func run(_ shards: [ShardLocation], progress: ProgressReporter? = nil) throws -> TokenizeSummary {
        try config.validate()
        var stems: [String: ShardLocation] = [:]
        for shard in shards {
            if let other = stems[shard.stem] {
                throw TokenizeConfigError.message("two input shards would write the same output \(shard.stem): \(other) and \(shard)")
            }
            stems[shard.stem] = shard
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let start = Date()
        let shardTokenizer = ShardTokenizer(config: config, tokenizer: tokenizer)
        let results = WorkerPool.map(count: shards.count, workers: workers) { index -> Result<(ShardTokenizeStats, Bool), Error> in
            let shard = shards[index]
            defer { progress?.add(shards: 1) }
            if let done = finishedStats(for: shard) { return .success((done, true)) }
            removeTemporaryFiles(of: shard)
            do {
                let stats = try shardTokenizer.run(shard, into: folder, encoder: try makeEncoder(), progress: progress)
                return .success((stats, false))
            } catch {
                return .failure(error)
            }
        }
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
        summary.wallSeconds = Date().timeIntervalSince(start)
        return summary
    }

    /// Leftovers of a killed run for this shard (`*.tmp-PID`).
    private func removeTemporaryFiles(of shard: ShardLocation) {
        let paths = ShardTokenizer.outputPaths(for: shard, in: folder)
        let names = [(paths.data as NSString).lastPathComponent, (paths.stats as NSString).lastPathComponent]
        for file in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        where names.contains(where: { file.hasPrefix($0 + ".tmp-") }) {
            try? FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(file))
        }
    }
}
