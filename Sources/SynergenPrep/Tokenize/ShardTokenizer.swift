import Foundation

/// Tokenizes one input shard into one tokenized shard plus its stats (the done-marker).
///
/// Two threads per shard joined by a bounded queue: a producer reads, decodes, cuts views and
/// tokenizes text while the consumer runs the VQ, folds and writes — so decoding hides behind the
/// VQ and at most `queueCapacity` prepared samples wait in memory. Samples keep their tar order,
/// so the output does not depend on timing.
public struct ShardTokenizer: Sendable {
    public var config: TokenizeConfig
    public var tokenizer: Tokenizer
    public var queueCapacity = 4

    public init(config: TokenizeConfig, tokenizer: Tokenizer) {
        self.config = config
        self.tokenizer = tokenizer
    }

    /// File names of a shard's outputs in `folder`.
    public static func outputPaths(for location: ShardLocation, in folder: String) -> (data: String, stats: String) {
        let stem = (folder as NSString).appendingPathComponent(location.stem)
        return (stem + TokenizedShard.fileExtension, stem + ".stats.json")
    }

    private enum Item {
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
        let paths = Self.outputPaths(for: location, in: folder)
        var stats = ShardTokenizeStats(source: location.description, output: (paths.data as NSString).lastPathComponent,
                                       configHash: config.hash)
        let writer = try TokenizedShardWriter(path: paths.data, header: TokenizedShard.Header(
            source: location.description, configHash: config.hash, config: config.canonicalJSON))

        let queue = BoundedQueue<Item>(capacity: queueCapacity)
        let finished = DispatchSemaphore(value: 0)
        let producer = Thread { [config, tokenizer] in
            defer { finished.signal() }
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
        producer.start()
        defer {
            queue.close()
            finished.wait()
        }

        var shardFailure: ShardFailure?
        while let item = queue.pop() {
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
                shardFailure = failure
                stats.timings.prepareSeconds = prepareSeconds
            }
        }
        if let failure = shardFailure {
            stats.shardError = .init(reason: failure.reason.rawValue, message: failure.message)
            stats.count(failure.reason, key: failure.shard)
            stats.complete = failure.reason == .truncatedShard
            progress?.add(errors: 1)
        }
        try writer.finish()
        stats.outputBytes = (try FileManager.default.attributesOfItem(atPath: paths.data)[.size] as? Int) ?? 0
        stats.outputSHA256 = try SHA256.hex(file: paths.data)
        stats.timings.wallSeconds = Date().timeIntervalSince(start)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(Array(try encoder.encode(stats)), to: paths.stats)
        return stats
    }

    private func tokenized(_ prepared: PreparedSample, grids: [[UInt16]], encoder: CodeGridEncoder) throws -> TokenizedSample {
        let side = config.views.generation.size
        let (rows, cols) = encoder.gridSize(imageSize: side)
        guard grids.count == prepared.roles.count else {
            throw TokenizeConfigError.message("the encoder returned \(grids.count) grids for \(prepared.roles.count) views")
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
