/// The documents a pack run makes of each tokenized sample, in packing order: both candidates built
/// (`DocumentBuilder`), those longer than a sequence dropped (`too-long`), the task mix choosing
/// (`TaskMixer`; a candidate not taken is `mix-skipped`), a seeded share of the generation documents
/// made unconditional (the CFG drop). Generation first, then understanding.
struct DocumentSelection {
    let builder: DocumentBuilder
    let sequenceLength: Int
    let cfgDrop: Double
    private var mixer: TaskMixer
    private var cfgRNG: SeededGenerator

    /// A selection seeded by `seed` (a pack group's; the run's own by default).
    init(builder: DocumentBuilder, options: PackOptions, seed: UInt64? = nil) {
        self.builder = builder
        sequenceLength = options.sequenceLength
        cfgDrop = options.cfgDrop
        mixer = TaskMixer(generationShare: options.generationShare, seed: seed ?? options.seed)
        cfgRNG = SeededGenerator(seed: (seed ?? options.seed) ^ 0x4346_47)
    }

    /// The documents of `sample`; what is dropped is counted in `dropped` (reason word → documents).
    mutating func documents(from sample: TokenizedSample, dropped: inout [String: Int]) -> [PackDocument] {
        var gen = builder.document(.gen, from: sample), und = builder.document(.und, from: sample)
        // Too-long documents are dropped here, before the mix counts their tokens.
        if let g = gen, g.length > sequenceLength { dropped["too-long", default: 0] += 1; gen = nil }
        if let u = und, u.length > sequenceLength { dropped["too-long", default: 0] += 1; und = nil }
        let pick = mixer.choose(gen: gen?.length, und: und?.length)
        var documents: [PackDocument] = []
        if pick.gen, var doc = gen {
            if cfgDrop > 0 && cfgRNG.unit() < cfgDrop { doc = builder.document(.uncond, from: sample)! }
            documents.append(doc)
        }
        if pick.und, let doc = und { documents.append(doc) }
        if gen != nil && !pick.gen { dropped["mix-skipped", default: 0] += 1 }
        if und != nil && !pick.und { dropped["mix-skipped", default: 0] += 1 }
        return documents
    }
}
