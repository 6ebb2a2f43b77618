import Foundation

/// Tokenizes every shard of a manifest into a folder: skips shards already done with the same
/// configuration (unless `overwrite`), runs `workers` shards at once, and never leaves a partial
/// file under a final name — a killed run, re-run, ends with the bytes of an uninterrupted one.
///
/// Under a world of several ranks each takes the shards `i` with `i % worldSize == rank`
/// (`WorldRank`), writes only those shards' files and its own rank record, and leaves `index.json`
/// to `merge`; a single rank writes it itself once every shard is done. Either way the folder ends
/// with the same bytes (rank records aside).
///
/// The steps: check the configuration and the output names (`checkInputs`) → publish the plan and
/// this rank's record (`start`) → per shard of this rank, reuse its done-marker or clear its
/// leftovers and tokenize it (`tokenize`), then run the `--after-shard` command (`publish`) → add
/// the results up (`summary`) → record the rank's end and, with one rank, the index (`finish`).
public struct TokenizeRun: Sendable {
    public var config: TokenizeConfig
    public var tokenizer: Tokenizer
    public var folder: String
    public var workers: Int
    public var overwrite: Bool
    public var rank = WorldRank.single
    public var afterShard: AfterShardHook?
    /// SIGTERM/SIGINT: no shard is started after it, the running ones stop at their next sample.
    public var interruption: Interruption?
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
        let mine = rank.share(of: shards.count).map { shards[$0] }
        let log = try start(shards, mine: mine)
        let start = Date()
        var shardTokenizer = ShardTokenizer(config: config, tokenizer: tokenizer)
        shardTokenizer.unpublishedUntilHook = afterShard != nil
        shardTokenizer.interruption = interruption
        let results = WorkerPool.map(count: mine.count, workers: workers) { [shardTokenizer] index -> ShardResult in
            defer { progress?.add(shards: 1) }
            if let signal = interruption?.signal { return .failure(Interrupted(signal: signal)) }
            let result = tokenize(mine[index], with: shardTokenizer, progress: progress)
            log.update { Self.note(result, of: mine[index].stem, in: &$0) }
            return result
        }
        if let signal = interruption?.signal {
            log.update { $0.end(); $0.status = .interrupted }
            throw Interrupted(signal: signal)
        }
        var summary = Self.summary(of: results, for: mine)
        summary.rank = rank
        summary.wallSeconds = Date().timeIntervalSince(start)
        try finish(&summary, log: log)
        return summary
    }

    /// Publishes the plan (the same for every rank) and this rank's `running` record; removes a
    /// stale index (the folder is not whole again until the last shard is done).
    func start(_ shards: [ShardLocation], mine: [ShardLocation]) throws -> RankLog {
        try AtomicFile.checkWritable(folder: folder)
        // A single rank owns the folder: every temporary file is a killed run's. With several, each
        // rank clears its own shards' (below); folder-level ones (plan, index) are merge's to clear.
        if rank.worldSize == 1 { AtomicFile.removeLeftovers(in: folder) }
        let plan = TokenizePlan(configHash: config.hash, shards: shards.map { .init(stem: $0.stem, source: $0.description) })
        try plan.publish(in: folder, replace: overwrite || rank.worldSize == 1)
        try? FileManager.default.removeItem(atPath: TokenizedFolder(folder).path(of: TokenizedIndex.fileName))
        return try RankLog(RankRecord(stage: "tokenize", rank: rank, assigned: mine.map(\.stem)), folder: folder)
    }

    /// What became of one shard, in the rank's record (with its timings when this run did it).
    static func note(_ result: ShardResult, of stem: String, in record: inout RankRecord) {
        switch result {
        case .success(let (stats, skipped)):
            record.samples += stats.samplesIn
            if skipped { record.skipped.append(stem); return }
            record.done.append(stem)
            let t = stats.timings
            record.timings[stem] = ["wall": t.wallSeconds, "vq": t.vqSeconds, "prepare": t.prepareSeconds, "write": t.writeSeconds]
        case .failure(let error): record.failed.append(.init(item: stem, message: "\(error)"))
        }
    }

    /// Records how the rank ended; a single rank whose every shard is done writes `index.json`
    /// (what `merge` writes for several), and says so in the summary.
    func finish(_ summary: inout TokenizeSummary, log: RankLog) throws {
        log.update {
            $0.wallSeconds = summary.wallSeconds
            $0.end()
        }
        guard rank.worldSize == 1 else { return }
        switch TokenizedIndex.assemble(folder: folder, verify: false) {
        case .success(let index):
            try index.write(in: folder)
            summary.indexWritten = true
        case .failure(let problems): summary.notIndexed = problems.all.map(\.description)
        }
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
    /// leftovers and tokenize it; then, with `--after-shard`, publish it.
    func tokenize(_ shard: ShardLocation, with shardTokenizer: ShardTokenizer, progress: ProgressReporter?) -> ShardResult {
        let output = TokenizedFolder(folder)
        do {
            if let done = finishedStats(for: shard) {
                if output.isUnpublished(shard.stem) { try publish(shard) }
                return .success((done, true))
            }
            output.removeLeftovers(of: shard.stem)
            let stats = try shardTokenizer.run(shard, into: folder, encoder: try makeEncoder(), progress: progress)
            try publish(shard)
            return .success((stats, false))
        } catch {
            return .failure(error)
        }
    }

    /// Runs the `--after-shard` command on the shard's data file and done-marker; on success the
    /// shard's `unpublished` flag goes. A failure is logged with the rank and kept as the shard's error.
    func publish(_ shard: ShardLocation) throws {
        guard let afterShard else { return }
        let output = TokenizedFolder(folder), paths = output.paths(for: shard.stem)
        do { try afterShard.run([paths.data, paths.stats]) } catch {
            StandardError.write("\(error.logLine) \(rank.logFields) stage=tokenize shard=\(shard.stem)\n")
            throw error
        }
        try output.setUnpublished(shard.stem, false)
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
