import Foundation

/// `synergen-prep pack`: tokenized shards → documents → packed sequences → packed shards + index.json.
///
/// The steps, in order: the input folder's complete shards, checked to agree (`PackInputs`) → the
/// configuration the trainer must share (`packConfig`) → the output folder cleared of the index and
/// leftovers (`PackedFolder.prepareForWriting`) → per sample, its documents (`DocumentSelection`) →
/// sequences (`Packer`) → shards, reused from the journal or written (`ShardBatcher`) → stale shards
/// removed → `index.json` last.
public struct PackRun {
    public let input: String
    public let output: String
    public let options: PackOptions
    public let tokenizer: Tokenizer
    public let tokenizerSHA256: String
    /// Tests: fail after writing this many new shards, as a run killed there would stop.
    var failAfterWrites: Int?

    public init(input: String, output: String, options: PackOptions, tokenizer: Tokenizer, tokenizerSHA256: String) {
        self.input = input; self.output = output; self.options = options
        self.tokenizer = tokenizer; self.tokenizerSHA256 = tokenizerSHA256
    }

    /// Runs the whole stage; writes the shards, then `index.json` last. Shards that an earlier run
    /// of the same inputs and configuration finished (`PackJournal`) are kept, not encoded again;
    /// `reusedShards` says how many.
    @discardableResult
    public func run(progress: ProgressReporter? = nil) throws -> (index: PackIndex, reusedShards: Int) {
        let inputs = try PackInputs(folder: input, tokenizerSHA256: tokenizerSHA256)
        let (config, builder) = try packConfig(for: inputs)
        let folder = PackedFolder(output)
        try folder.prepareForWriting()
        let journal = PackJournal(folder: output, runKey: runKey(config: config, inputs: inputs))
        var batcher = try ShardBatcher(folder: folder, journal: journal, sequencesPerShard: options.sequencesPerShard,
                                       failAfterWrites: failAfterWrites)
        var totals = PackTotals()
        try pack(inputs.paths, builder: builder, into: &batcher, totals: &totals, progress: progress)
        if !inputs.incomplete.isEmpty { totals.dropped["incomplete-shard", default: 0] += inputs.incomplete.count }
        // Shards of an earlier run that this one did not rewrite.
        try folder.removeShards(except: Set(batcher.shards.map(\.file)))
        let index = PackIndex(config: config, configHash: SHA256.hex(Array(config.canonicalJSON.utf8)), shards: batcher.shards,
                              totals: totals)
        try folder.writeIndex(index)
        return (index, batcher.reused)
    }

    /// What the trainer and the inference model must agree on, and the document builder that follows it.
    func packConfig(for inputs: PackInputs) throws -> (PackConfig, DocumentBuilder) {
        let first = inputs.config
        let template = try ChatTemplate(tokenizer: tokenizer, config: options.template)
        let builder = DocumentBuilder(template: template, delimiting: options.delimiting)
        let turnStart = tokenizer.id(forToken: options.template.turnStart)!, turnEnd = tokenizer.id(forToken: options.template.turnEnd)!
        let config = PackConfig(
            sequenceLength: options.sequenceLength, seed: options.seed, generationShare: options.generationShare,
            cfgDrop: options.cfgDrop, buffer: options.buffer, viewDelimiting: options.delimiting, template: options.template,
            imageTokens: template.imageTokens, imagePlaceholderID: builder.imagePlaceholder,
            padID: tokenizer.id(forToken: "<|endoftext|>") ?? turnEnd, vocabularySize: template.imageTokens.vocabularySize,
            turnStartID: turnStart, turnEndID: turnEnd, fold: first.fold, codebookSize: first.vq.codebookSize,
            vqPreset: first.vq.preset, vqWeightsSHA256: first.vq.weightsSHA256, randomVQWeights: first.vq.randomWeights,
            tokenizerSHA256: first.tokenizerSHA256, tokenizedConfigHashes: inputs.configHashes, packing: options.packing.rawValue)
        return (config, builder)
    }

    /// The journal's run key: SHA-256 over the canonical configuration, the shard size and each input.
    func runKey(config: PackConfig, inputs: PackInputs) -> String {
        SHA256.hex(Array(([config.canonicalJSON, "sequences-per-shard \(options.sequencesPerShard)"] + inputs.identities)
            .joined(separator: "\n").utf8))
    }

    /// Reads the shards in order, sample by sample, and packs their documents; every finished
    /// sequence is counted and handed to `batcher`, which is flushed at the end.
    func pack(_ paths: [String], builder: DocumentBuilder, into batcher: inout ShardBatcher, totals: inout PackTotals,
              progress: ProgressReporter?) throws {
        var packer = Packer(sequenceLength: options.sequenceLength, buffer: options.buffer, seed: options.seed, strategy: options.packing)
        var selection = DocumentSelection(builder: builder, options: options)
        func emit(_ bins: [Packer.Bin]) throws {
            for bin in bins {
                let sequence = PackedSequence(sequenceLength: options.sequenceLength, documents: bin.documents)
                totals.add(sequence)
                try batcher.add(sequence)
            }
        }
        for path in paths {
            let reader = try TokenizedShardReader(path: path)
            var n = 0
            while let sample = try reader.next() {
                n += 1
                totals.samples += 1
                for document in selection.documents(from: sample, dropped: &totals.dropped) { try emit(packer.add(document)) }
            }
            progress?.add(samples: n, shards: 1)
        }
        try emit(packer.finish())
        try batcher.flush()
        totals.dropped.merge(packer.dropped, uniquingKeysWith: +)
    }
}
