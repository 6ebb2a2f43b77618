import Foundation

/// Options of a pack run (the CLI's flags).
public struct PackOptions: Sendable {
    public var sequenceLength = 8192
    /// Relative weights of generation and understanding tokens (`--mix gen=1,und=1`).
    public var mixGen = 1.0
    public var mixUnd = 1.0
    public var cfgDrop = 0.1
    public var seed: UInt64 = 0
    public var buffer = 1000
    public var sequencesPerShard = 256
    public var delimiting: ViewDelimiting = .perView
    public var packing: Packer.Strategy = .completion
    public var template = ChatTemplateConfig()

    public init() {}

    public var generationShare: Double { mixGen + mixUnd == 0 ? 0 : mixGen / (mixGen + mixUnd) }

    /// Parses `gen=1,und=1` (either may be missing: 0).
    public mutating func parseMix(_ text: String) throws(PackError) {
        var gen = 0.0, und = 0.0
        for part in text.split(separator: ",") {
            let kv = part.split(separator: "=")
            guard kv.count == 2, let v = Double(kv[1].trimmingCharacters(in: .whitespaces)), v >= 0 else {
                throw .message("--mix takes gen=W,und=W with weights >= 0; got \(text)")
            }
            switch kv[0].trimmingCharacters(in: .whitespaces) {
            case "gen": gen = v
            case "und": und = v
            default: throw .message("--mix knows gen and und; got \(kv[0])")
            }
        }
        guard gen + und > 0 else { throw .message("--mix needs a positive weight") }
        mixGen = gen; mixUnd = und
    }
}

/// A pack run that cannot start or cannot go on.
public enum PackError: Error, Equatable, CustomStringConvertible {
    case message(String)
    public var description: String { switch self { case .message(let m): return m } }
}

/// Chooses, per tokenized sample, which documents it yields so that generation tokens make up
/// `share` of all tokens: candidates are tried in a seeded random order and one is taken while its
/// task is at or under its share, or when the sample cannot make the other task (a gen-only input
/// is packed whole, not cut to the share); a share of 0 never takes the task.
public struct TaskMixer: Sendable {
    public let share: Double
    private var rng: SeededGenerator
    public private(set) var genTokens = 0
    public private(set) var undTokens = 0

    public init(generationShare: Double, seed: UInt64) {
        share = generationShare
        rng = SeededGenerator(seed: seed ^ 0x4D49_58)
    }

    /// Given the lengths of the candidate documents (nil = the sample cannot make it), which to make.
    public mutating func choose(gen: Int?, und: Int?) -> (gen: Bool, und: Bool) {
        var takeGen = false, takeUnd = false
        let genFirst = rng.next() & 1 == 0
        for which in genFirst ? [true, false] : [false, true] {
            let total = genTokens + undTokens
            if which, let n = gen, share > 0 {
                if und == nil || total == 0 || Double(genTokens) / Double(total) <= share { takeGen = true; genTokens += n }
            } else if !which, let n = und, share < 1 {
                if gen == nil || total == 0 || Double(undTokens) / Double(total) <= 1 - share { takeUnd = true; undTokens += n }
            }
        }
        return (takeGen, takeUnd)
    }
}

/// `synergen-prep pack`: tokenized shards → documents → packed sequences → packed shards + index.json.
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

    /// The complete tokenized shards of `folder` (by done-marker), sorted by name, and the incomplete ones.
    public static func tokenizedShards(in folder: String) throws -> (complete: [String], incomplete: [String]) {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".stats.json") }.sorted()
        var complete: [String] = [], incomplete: [String] = []
        for name in names {
            let path = (folder as NSString).appendingPathComponent(name)
            let stats = try JSONDecoder().decode(ShardTokenizeStats.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            let data = (folder as NSString).appendingPathComponent(stats.output)
            if stats.complete && FileManager.default.fileExists(atPath: data) { complete.append(data) } else { incomplete.append(name) }
        }
        return (complete, incomplete)
    }

    /// Runs the whole stage; writes the shards, then `index.json` last. Shards that an earlier run
    /// of the same inputs and configuration finished (`PackJournal`) are kept, not encoded again;
    /// `reusedShards` says how many.
    @discardableResult
    public func run(progress: ProgressReporter? = nil) throws -> (index: PackIndex, reusedShards: Int) {
        let (paths, incomplete) = try Self.tokenizedShards(in: input)
        guard !paths.isEmpty else { throw PackError.message("no complete tokenized shards (*.stats.json with complete: true) in \(input)") }
        // The configurations must agree on everything the model sees.
        var configs: [TokenizeConfig] = []
        var hashes = Set<String>()
        var inputs: [String] = []   // what identifies the input in the run key
        for p in paths {
            let header = try TokenizedShardReader(path: p).header
            configs.append(try JSONDecoder().decode(TokenizeConfig.self, from: Data(header.config.utf8)))
            hashes.insert(header.configHash)
            let size = (try? FileManager.default.attributesOfItem(atPath: p)[.size] as? Int) ?? -1
            inputs.append("\((p as NSString).lastPathComponent) \(size) \(header.configHash)")
        }
        let first = configs[0]
        for (p, c) in zip(paths, configs) {
            if c.tokenizerSHA256 != first.tokenizerSHA256 || c.fold != first.fold || c.vq.weightsSHA256 != first.vq.weightsSHA256
                || c.vq.codebookSize != first.vq.codebookSize {
                throw PackError.message("\(p) was tokenized with another tokenizer, fold or VQ than \(paths[0]): pack them separately")
            }
        }
        guard first.tokenizerSHA256 == tokenizerSHA256 else {
            throw PackError.message("the tokenizer's SHA-256 \(tokenizerSHA256) differs from the one the shards were tokenized with (\(first.tokenizerSHA256)): pass --tokenizer with the same tokenizer.json")
        }
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
            tokenizerSHA256: first.tokenizerSHA256, tokenizedConfigHashes: hashes.sorted(), packing: options.packing.rawValue)

        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let indexPath = (output as NSString).appendingPathComponent(PackedShard.indexName)
        try? FileManager.default.removeItem(atPath: indexPath)  // the folder is not valid until the run ends
        for name in try FileManager.default.contentsOfDirectory(atPath: output) where name.contains(".tmp-") {
            try? FileManager.default.removeItem(atPath: (output as NSString).appendingPathComponent(name))  // a killed run's leftovers
        }

        let runKey = SHA256.hex(Array(([config.canonicalJSON, "sequences-per-shard \(options.sequencesPerShard)"] + inputs)
            .joined(separator: "\n").utf8))
        let journal = PackJournal(folder: output, runKey: runKey)
        try journal.start(keeping: journal.finished.count)
        var trusted = journal.finished.count   // journal entries this run may still reuse
        var reused = 0, written = 0

        var packer = Packer(sequenceLength: options.sequenceLength, buffer: options.buffer, seed: options.seed, strategy: options.packing)
        var mixer = TaskMixer(generationShare: options.generationShare, seed: options.seed)
        var cfgRNG = SeededGenerator(seed: options.seed ^ 0x4346_47)
        var totals = PackTotals()
        var shards: [PackShardEntry] = []
        var batch: [PackedSequence] = []

        func writeBatch() throws {
            if batch.isEmpty { return }
            let number = shards.count
            let name = String(format: "pack-%06d", number) + PackedShard.fileExtension
            let documents = batch.reduce(0) { $0 + $1.documents.count }
            defer { batch = [] }
            if number < trusted {
                if let entry = journal.reusable(index: number, file: name, sequences: batch.count, documents: documents, folder: output) {
                    shards.append(entry)
                    reused += 1
                    return
                }
                // Not what the earlier run wrote (a file went missing or changed): trust nothing after it.
                try journal.start(keeping: number)
                trusted = number
            }
            let bytes = try PackedShard.encode(batch)
            try AtomicFile.write(bytes, to: (output as NSString).appendingPathComponent(name))
            let entry = PackShardEntry(file: name, sequences: batch.count, documents: documents, bytes: bytes.count, sha256: SHA256.hex(bytes))
            try journal.append(entry)
            shards.append(entry)
            written += 1
            if let limit = failAfterWrites, written >= limit { throw PackError.message("stopped after \(written) shards (test)") }
        }
        func emit(_ bins: [Packer.Bin]) throws {
            for bin in bins {
                let s = PackedSequence(sequenceLength: options.sequenceLength, documents: bin.documents)
                totals.add(s)
                batch.append(s)
                if batch.count >= options.sequencesPerShard { try writeBatch() }
            }
        }

        for path in paths {
            let reader = try TokenizedShardReader(path: path)
            var n = 0
            while let sample = try reader.next() {
                n += 1
                totals.samples += 1
                var gen = builder.document(.gen, from: sample), und = builder.document(.und, from: sample)
                // Too-long documents are dropped here, before the mix counts their tokens.
                if let g = gen, g.length > options.sequenceLength { totals.dropped["too-long", default: 0] += 1; gen = nil }
                if let u = und, u.length > options.sequenceLength { totals.dropped["too-long", default: 0] += 1; und = nil }
                let pick = mixer.choose(gen: gen?.length, und: und?.length)
                if pick.gen, var doc = gen {
                    if options.cfgDrop > 0 && cfgRNG.unit() < options.cfgDrop { doc = builder.document(.uncond, from: sample)! }
                    try emit(packer.add(doc))
                }
                if pick.und, let doc = und { try emit(packer.add(doc)) }
                if gen != nil && !pick.gen { totals.dropped["mix-skipped", default: 0] += 1 }
                if und != nil && !pick.und { totals.dropped["mix-skipped", default: 0] += 1 }
            }
            progress?.add(samples: n, shards: 1)
        }
        try emit(packer.finish())
        try writeBatch()
        totals.dropped.merge(packer.dropped, uniquingKeysWith: +)
        if !incomplete.isEmpty { totals.dropped["incomplete-shard", default: 0] += incomplete.count }

        // Shards of an earlier run that this one did not rewrite.
        let kept = Set(shards.map(\.file))
        for name in try FileManager.default.contentsOfDirectory(atPath: output)
        where name.hasPrefix("pack-") && name.hasSuffix(PackedShard.fileExtension) && !kept.contains(name) {
            try FileManager.default.removeItem(atPath: (output as NSString).appendingPathComponent(name))
        }
        let index = PackIndex(config: config, configHash: SHA256.hex(Array(config.canonicalJSON.utf8)), shards: shards, totals: totals)
        try AtomicFile.write(try index.json(), to: indexPath)
        return (index, reused)
    }
}
