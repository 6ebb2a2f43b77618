import Foundation

/// Tokenizes one input shard into one tokenized shard plus its stats (the done-marker).
///
/// Two threads per shard joined by a bounded queue: a producer reads, decodes, cuts views and
/// tokenizes text while the consumer runs the VQ, folds and writes — so decoding hides behind the
/// VQ and at most `queueCapacity` prepared samples wait in memory. Samples keep their tar order,
/// so the output does not depend on timing.
///
/// The steps, in order: input shard → samples (`ShardReader`) → prepared views and caption ids
/// (`SamplePreparation`, `produce`) → code grids (`CodeGridEncoder`) → folded records
/// (`tokenized`) → shard file (`TokenizedShardWriter`) → done-marker (`publish`).
public struct ShardTokenizer: Sendable {
    public var config: TokenizeConfig
    public var tokenizer: Tokenizer
    public var queueCapacity = 4
    /// Set the shard's `unpublished` flag before its done-marker (an `--after-shard` command will run).
    public var unpublishedUntilHook = false
    /// Checked before every sample: a signal stops the shard (its temporary file goes, no marker).
    public var interruption: Interruption?

    public init(config: TokenizeConfig, tokenizer: Tokenizer) {
        self.config = config
        self.tokenizer = tokenizer
    }

    /// What the producer hands the consumer, in tar order.
    enum Item {
        case prepared(PreparedSample)
        case rejected(SampleRejection)
        case end(ShardFailure?, prepareSeconds: Double)
    }

    private struct Cancelled: Error {}

    /// Tokenizes `location` into `folder`; returns the stats it wrote. A thrown error (VQ or write
    /// failure) leaves no done-marker, so the shard is redone next time.
    public func run(_ location: ShardLocation, into folder: String, encoder: CodeGridEncoder,
                    progress: ProgressReporter? = nil) throws -> ShardTokenizeStats {
        let start = Date()
        let output = TokenizedFolder(folder)
        var stats = ShardTokenizeStats(source: location.description,
                                       output: (output.paths(for: location.stem).data as NSString).lastPathComponent,
                                       configHash: config.hash)
        let writer = try output.makeWriter(for: location.stem, header: TokenizedShard.Header(
            source: location.description, configHash: config.hash, config: config.canonicalJSON))
        let queue = BoundedQueue<Item>(capacity: queueCapacity)
        let finished = DispatchSemaphore(value: 0)
        let producer = Thread { [self] in
            defer { finished.signal() }
            produce(location, into: queue)
        }
        producer.start()
        defer {
            queue.close()
            finished.wait()
        }
        while let item = queue.pop() {
            try interruption?.check()
            try consume(item, stats: &stats, writer: writer, encoder: encoder, progress: progress)
        }
        try writer.finish()
        try publish(stats: &stats, of: location, in: output, start: start)
        return stats
    }

    /// The producer thread: reads the shard and prepares each sample, pushing one item per sample
    /// and a last `.end`; stops early when the consumer closed the queue.
    func produce(_ location: ShardLocation, into queue: BoundedQueue<Item>) {
        var busy = 0.0
        var preparation = SamplePreparation(config: config, tokenizer: tokenizer)
        let reader = ShardReader(maxMemberBytes: config.maxMemberBytes)
        do {
            let failure = try reader.read(location) { event in
                let item: Item
                switch event {
                case .rejected(let rejection): item = .rejected(rejection)
                case .sample(let sample):
                    let clock = Date()
                    do throws(SampleRejection) { item = .prepared(try preparation.prepare(sample)) } catch { item = .rejected(error) }
                    busy += Date().timeIntervalSince(clock)
                }
                if !queue.push(item) { throw Cancelled() }
            }
            queue.push(.end(failure, prepareSeconds: busy))
        } catch {
            // The consumer stopped; nothing more to do.
        }
        queue.close()
    }

    /// The consumer's step for one item: counts a rejection, or encodes, folds and writes a sample,
    /// or records how the shard ended.
    func consume(_ item: Item, stats: inout ShardTokenizeStats, writer: TokenizedShardWriter, encoder: CodeGridEncoder,
                 progress: ProgressReporter?) throws {
        switch item {
        case .rejected(let rejection):
            stats.samplesIn += 1
            stats.count(rejection.reason, key: rejection.key)
            progress?.add(samples: 1, errors: 1)
        case .prepared(let prepared):
            stats.samplesIn += 1
            let vqStart = Date()
            let grids = try encoder.codeGrids(for: prepared.batch)
            stats.timings.vqSeconds += Date().timeIntervalSince(vqStart)
            let writeStart = Date()
            let sample = try tokenized(prepared, grids: grids, encoder: encoder)
            try writer.append(sample)
            stats.count(sample)
            stats.timings.writeSeconds += Date().timeIntervalSince(writeStart)
            progress?.add(samples: 1, images: sample.views.count)
        case .end(let failure, let prepareSeconds):
            stats.timings.prepareSeconds = prepareSeconds
            if let failure { record(failure, in: &stats, progress: progress) }
        }
    }

    /// Counts a shard that broke off or could not be read; only a truncated one is complete.
    func record(_ failure: ShardFailure, in stats: inout ShardTokenizeStats, progress: ProgressReporter?) {
        stats.shardError = .init(reason: failure.reason, message: failure.message)
        stats.count(failure.reason, key: failure.shard)
        stats.complete = failure.reason == .truncatedShard
        progress?.add(errors: 1)
    }

    /// Once the data file is in place: its size and SHA-256 and the wall time go into the stats,
    /// which are then published as the done-marker.
    func publish(stats: inout ShardTokenizeStats, of location: ShardLocation, in output: TokenizedFolder, start: Date) throws {
        let data = output.paths(for: location.stem).data
        stats.outputBytes = (try FileManager.default.attributesOfItem(atPath: data)[.size] as? Int) ?? 0
        stats.outputSHA256 = try SHA256.hex(file: data)
        stats.timings.wallSeconds = Date().timeIntervalSince(start)
        if unpublishedUntilHook { try output.setUnpublished(location.stem, true) }
        try output.writeMarker(stats, for: location.stem)
    }

    /// One prepared sample and its code grids (one per view) as a tokenized record: codes folded.
    func tokenized(_ prepared: PreparedSample, grids: [[UInt16]], encoder: CodeGridEncoder) throws -> TokenizedSample {
        let side = config.views.generation.size
        let (rows, cols) = encoder.gridSize(imageSize: side)
        guard grids.count == prepared.roles.count else {
            throw TokenizeConfigError.gridCountDiffers(grids: grids.count, views: prepared.roles.count, key: prepared.key)
        }
        var views: [TokenizedView] = []
        for (role, grid) in zip(prepared.roles, grids) {
            let folded = try config.fold.fold(grid, gridRows: rows, gridCols: cols)
            views.append(TokenizedView(role: role, gridRows: rows, gridCols: cols, fold: config.fold, codes: folded))
        }
        return TokenizedSample(key: prepared.key, ordinal: prepared.ordinal, originalSize: prepared.originalSize,
                               imageSHA256: prepared.imageSHA256, caption: prepared.caption,
                               captionIDs: prepared.captionIDs, views: views)
    }
}
