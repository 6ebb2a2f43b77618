import Foundation

/// `synergen-prep pack`: tokenized shards → documents → packed sequences → packed shards + index.json.
///
/// The tokenized shards, in plan order, are cut into pack groups of `groupShards`; each group is
/// packed on its own — its own shuffle buffer, mix and CFG drop, seeded by the seed and the group's
/// number — into shards named after the group. So a group's bytes do not depend on which rank
/// packs it or how many ranks there are: ranks take whole groups (`WorldRank`), and one rank or W
/// ranks then `merge` give the same folder. The price is the last, partly filled sequence of every
/// group and a mix balanced per group rather than over the whole input (README, "Pack groups").
///
/// The steps, in order: the input folder's shards, checked to agree (`PackInputs`) → the
/// configuration the trainer must share (`packConfig`) → this rank's groups' leftovers cleared
/// (`PackedFolder.prepareForWriting`) → per group, reuse its done-marker or pack it (`packGroup`:
/// per sample its documents (`DocumentSelection`) → sequences (`Packer`) → shards, reused from the
/// group's journal or written (`ShardBatcher`), each handed to the `--after-shard` command → the
/// group's marker) → with a single rank, `index.json` last (`PackedFolder.publishIndex`).
public struct PackRun {
    public let input: String
    public let output: String
    public let options: PackOptions
    public let tokenizer: Tokenizer
    public let tokenizerSHA256: String
    public var rank = WorldRank.single
    public var afterShard: AfterShardHook?
    /// SIGTERM/SIGINT: the run stops at the next sample; finished groups stay.
    public var interruption: Interruption?
    /// Tests: fail after writing this many new shards, as a run killed there would stop.
    var failAfterWrites: Int?

    public init(input: String, output: String, options: PackOptions, tokenizer: Tokenizer, tokenizerSHA256: String) {
        self.input = input; self.output = output; self.options = options
        self.tokenizer = tokenizer; self.tokenizerSHA256 = tokenizerSHA256
    }

    /// What a run did: the index when it wrote one (a single rank), the groups it packed or found
    /// done, and the shards it kept from an earlier run.
    public struct Result: Sendable {
        public var index: PackIndex?
        /// Problems that kept a single rank from writing the index.
        public var notIndexed: [MergeProblem] = []
        public var groups = 0
        public var packedGroups: [Int] = []
        public var skippedGroups: [Int] = []
        public var reusedShards = 0
        public var writtenShards = 0
        public var totals = PackTotals()
    }

    /// Packs this rank's groups; a single rank then writes `index.json`. Groups an earlier run of
    /// the same inputs and configuration finished are kept whole, shards it wrote are kept
    /// (`PackJournal`); `reusedShards` says how many.
    public func run(progress: ProgressReporter? = nil) throws -> Result {
        let inputs = try PackInputs(folder: input, tokenizerSHA256: tokenizerSHA256)
        let (config, builder) = try packConfig(for: inputs)
        let groups = (inputs.shards.count + options.groupShards - 1) / options.groupShards
        let mine = rank.share(of: groups)
        let folder = PackedFolder(output)
        try folder.prepareForWriting(groups: mine)
        if rank.worldSize == 1 { AtomicFile.removeLeftovers(in: output) }   // a single rank owns the folder
        // Groups past this job's last one are an earlier, larger job's: no rank of this job owns them.
        try folder.removeStale { name in (PackedFolder.group(ofFile: name) ?? 0) < groups }
        progress?.setTotal(shards: mine.reduce(0) { $0 + groupInputs($1, of: inputs).count })
        var record = RankRecord(stage: "pack", rank: rank, assigned: mine.map(PackedFolder.groupName))
        try record.write(in: output)
        var result = Result(groups: groups)
        let start = Date()
        do {
            for g in mine { try packGroup(g, groups: groups, inputs: inputs, config: config, builder: builder, result: &result, progress: progress) }
        } catch {
            record.failed.append(.init(item: PackedFolder.groupName(mine[result.packedGroups.count + result.skippedGroups.count]),
                                       message: "\(error)"))
            try? finish(&record, result: result, start: start, interrupted: error is Interrupted)
            throw error
        }
        try finish(&record, result: result, start: start)
        if rank.worldSize == 1 {
            switch try folder.publishIndex(verify: false) {
            case .success(let index): result.index = index
            case .failure(let problems): result.notIndexed = problems.all
            }
        }
        return result
    }

    /// Records the rank's end.
    func finish(_ record: inout RankRecord, result: Result, start: Date, interrupted: Bool = false) throws {
        record.wallSeconds = Date().timeIntervalSince(start)
        record.done = result.packedGroups.map(PackedFolder.groupName)
        record.skipped = result.skippedGroups.map(PackedFolder.groupName)
        record.samples = result.totals.samples
        record.end()
        if interrupted { record.status = .interrupted }
        try record.write(in: output)
    }

    /// The input shards of group `g`: `groupShards` of them from `g · groupShards` on, in plan order.
    func groupInputs(_ g: Int, of inputs: PackInputs) -> ArraySlice<PackInputs.Shard> {
        inputs.shards[(g * options.groupShards)..<min(inputs.shards.count, (g + 1) * options.groupShards)]
    }

    /// Group `g`'s seed: the run's `seed` for group 0, mixed with the group number for the others.
    public static func groupSeed(_ seed: UInt64, group g: Int) -> UInt64 { seed ^ (UInt64(g) &* 0x9E37_79B9_7F4A_7C15) }
    func seed(ofGroup g: Int) -> UInt64 { Self.groupSeed(options.seed, group: g) }

    /// Packs group `g` unless its done-marker of the same run key is there with its shards; then
    /// writes that marker. Counts into `result`.
    func packGroup(_ g: Int, groups: Int, inputs: PackInputs, config: PackConfig, builder: DocumentBuilder,
                   result: inout Result, progress: ProgressReporter?) throws {
        let members = groupInputs(g, of: inputs)
        let folder = PackedFolder(output)
        let key = runKey(config: config, group: g, groups: groups, inputs: members)
        if let done = folder.groupRecord(g), done.runKey == key, done.filesPresent(in: folder) {
            result.skippedGroups.append(g)
            result.totals.add(done.totals)
            progress?.add(samples: done.totals.samples, shards: members.count)
            return
        }
        let journal = PackJournal(folder: output, group: g, runKey: key)
        var batcher = try ShardBatcher(folder: folder, group: g, journal: journal, sequencesPerShard: options.sequencesPerShard,
                                       failAfterWrites: failAfterWrites.map { $0 - result.writtenShards })
        if let afterShard { batcher.afterShard = { [rank] entry in try Self.publish(entry, in: folder, with: afterShard, rank: rank) } }
        var totals = PackTotals()
        try pack(members, builder: builder, seed: seed(ofGroup: g), into: &batcher, totals: &totals, progress: progress)
        let kept = Set(batcher.shards.map(\.file))
        try folder.removeStale { name in PackedFolder.group(ofFile: name) != g || !PackedFolder.isShardName(name) || kept.contains(name) }
        let configHash = SHA256.hex(Array(config.canonicalJSON.utf8))
        try folder.writeGroup(PackGroupRecord(group: g, groups: groups, runKey: key, config: config, configHash: configHash,
                                              inputs: members.map(\.stem), shards: batcher.shards, totals: totals))
        result.packedGroups.append(g)
        result.reusedShards += batcher.reused
        result.writtenShards += batcher.written
        result.totals.add(totals)
    }

    /// Runs the `--after-shard` command on one packed shard; a failure is logged with the rank.
    static func publish(_ entry: PackShardEntry, in folder: PackedFolder, with hook: AfterShardHook, rank: WorldRank) throws {
        do { try hook.run([folder.path(of: entry.file)]) } catch {
            StandardError.write("\(error.logLine) \(rank.logFields) stage=pack shard=\(entry.file)\n")
            throw error
        }
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
            tokenizerSHA256: first.tokenizerSHA256, tokenizedConfigHashes: inputs.configHashes, packing: options.packing.rawValue,
            groupShards: options.groupShards)
        return (config, builder)
    }

    /// A group journal's run key: SHA-256 over the canonical configuration, the shard size, the
    /// group's place and each of its inputs.
    func runKey(config: PackConfig, group: Int, groups: Int, inputs: ArraySlice<PackInputs.Shard>) -> String {
        SHA256.hex(Array(([config.canonicalJSON, "sequences-per-shard \(options.sequencesPerShard)", "group \(group) of \(groups)"]
                          + inputs.map(\.identity)).joined(separator: "\n").utf8))
    }

    /// Reads a group's complete shards in order, sample by sample, and packs their documents; every
    /// finished sequence is counted and handed to `batcher`, which is flushed at the end.
    func pack(_ shards: ArraySlice<PackInputs.Shard>, builder: DocumentBuilder, seed: UInt64, into batcher: inout ShardBatcher,
              totals: inout PackTotals, progress: ProgressReporter?) throws {
        var packer = Packer(sequenceLength: options.sequenceLength, buffer: options.buffer, seed: seed, strategy: options.packing)
        var selection = DocumentSelection(builder: builder, options: options, seed: seed)
        func emit(_ bins: [Packer.Bin]) throws {
            for bin in bins {
                let sequence = PackedSequence(sequenceLength: options.sequenceLength, documents: bin.documents)
                totals.add(sequence)
                try batcher.add(sequence)
            }
        }
        for shard in shards {
            guard shard.stats != nil else {
                totals.dropped["incomplete-shard", default: 0] += 1
                progress?.add(shards: 1)
                continue
            }
            let reader = try TokenizedShardReader(path: shard.path)
            var n = 0
            while let sample = try reader.next() {
                try interruption?.check()
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
