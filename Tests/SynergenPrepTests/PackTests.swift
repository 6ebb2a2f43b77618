import Foundation
import Testing
@testable import SynergenPrep

/// The pack stage: documents from the chat template, best-fit packing, the packed shard format.
@Suite("Pack: documents, packing, packed shards")
struct PackTests {
    static func builder(_ delimiting: ViewDelimiting = .perView) throws -> (Tokenizer, DocumentBuilder) {
        let tok = try TextFixtures.tokenizer("qwen")
        return (tok, DocumentBuilder(template: try ChatTemplate(tokenizer: tok), delimiting: delimiting))
    }

    static func view(_ role: ViewRole, grid: Int = 8, fold: TokenFold = TokenFold(rows: 2, cols: 4), seed: UInt16 = 0) -> TokenizedView {
        TokenizedView(role: role, gridRows: grid, gridCols: grid, fold: fold,
                      codes: (0..<(grid * grid)).map { UInt16(truncatingIfNeeded: Int($0) * 7 + Int(seed)) })
    }

    static func sample(_ key: String = "k", tiles: Int = 2) -> TokenizedSample {
        var views = [view(.generation, seed: 1)]
        for t in 0..<tiles { views.append(view(.tile(row: 0, col: t), seed: UInt16(10 + t))) }
        if tiles > 1 { views.append(view(.thumbnail, seed: 99)) }
        return TokenizedSample(key: key, ordinal: 0, originalSize: ImageSize(width: 100, height: 50), imageSHA256: Array(repeating: 0, count: 32),
                               caption: "a red circle", captionIDs: [], views: views)
    }

    /// A document of `n` text positions (synthetic: only the length matters to the packer).
    static func synthetic(_ n: Int, key: String) -> PackDocument {
        PackDocument(task: .und, key: key, ids: Array(repeating: 1, count: n), modality: Array(repeating: 0, count: n),
                     loss: Array(repeating: 0, count: n))
    }

    // MARK: documents

    @Test("generation: loss exactly on the image positions and <eoi>; codes = positions · m·n")
    func generationDocument() throws {
        let (_, b) = try Self.builder()
        let doc = try #require(b.document(.gen, from: Self.sample()))
        let map = b.template.imageTokens
        #expect(doc.images.count == 1 && doc.images[0].positions == 8)  // 8x8 grid, 2x4 fold
        let img = doc.images[0]
        #expect(doc.ids[img.start - 1] == map.boi && doc.loss[img.start - 1] == 0)
        #expect(doc.ids[img.start + img.positions] == map.eoi)
        let lossAt = doc.loss.indices.filter { doc.loss[$0] == 1 }
        #expect(lossAt == Array(img.start...(img.start + img.positions)))
        #expect(doc.codes.count == img.positions * 8 && doc.codes == Self.sample().views[0].codes)
        #expect((img.start..<(img.start + img.positions)).allSatisfy { doc.modality[$0] == 1 && doc.ids[$0] == b.imagePlaceholder })
        #expect(doc.modality.filter { $0 == 1 }.count == img.positions)
    }

    @Test("understanding: one <boi>…<eoi> per view by default, one around all with `together`; loss on the answer")
    func understandingDocument() throws {
        for (delimiting, pairs) in [(ViewDelimiting.perView, 3), (.together, 1)] {
            let (tok, b) = try Self.builder(delimiting)
            let doc = try #require(b.document(.und, from: Self.sample(tiles: 2)))
            let map = b.template.imageTokens
            #expect(doc.ids.filter { $0 == map.boi }.count == pairs && doc.ids.filter { $0 == map.eoi }.count == pairs)
            #expect(doc.images.map(\.role) == [.tile(row: 0, col: 0), .tile(row: 0, col: 1), .thumbnail])
            #expect(doc.codes.count == 3 * 64)
            // Loss: the caption and <|im_end|>, all text.
            let lossIDs = doc.ids.indices.filter { doc.loss[$0] == 1 }.map { doc.ids[$0] }
            let end = try #require(tok.id(forToken: "<|im_end|>"))
            #expect(lossIDs == tok.encode("a red circle", parseSpecial: false) + [end])
            #expect(doc.indices(ofModality: 1).allSatisfy { doc.loss[$0] == 0 })
        }
    }

    @Test("unconditional documents use <UNCOND> and never the caption")
    func unconditionalDocument() throws {
        let (tok, b) = try Self.builder()
        let doc = try #require(b.document(.uncond, from: Self.sample()))
        #expect(doc.ids.contains(b.template.imageTokens.uncond))
        #expect(try !tok.decode(doc.ids.filter { $0 < Int32(tok.vocabularySize) }, skipSpecial: false).contains("circle"))
        #expect(b.document(.und, from: Self.sample(tiles: 0)) == nil)
    }

    // MARK: packing

    @Test("packing: no document split or lost, none over the length, too-long dropped and counted")
    func packingInvariants() throws {
      for strategy in Packer.Strategy.allCases {
        var rng = SeededGenerator(seed: 3)
        let docs = (0..<600).map { Self.synthetic(rng.int(in: 20...700), key: "d\($0)") } + [Self.synthetic(1500, key: "long")]
        var packer = Packer(sequenceLength: 1024, buffer: 100, seed: 1, strategy: strategy)
        var bins: [Packer.Bin] = []
        for d in docs { bins += packer.add(d) }
        bins += packer.finish()
        #expect(packer.dropped == ["too-long": 1])
        let keys = bins.flatMap { $0.documents.map(\.key) }
        #expect(keys.count == 600 && Set(keys).count == 600 && !keys.contains("long"))
        #expect(bins.allSatisfy { $0.used <= 1024 && $0.used == $0.documents.reduce(0) { $0 + $1.length } })
        let fill = Double(bins.reduce(0) { $0 + $1.used }) / Double(bins.count * 1024)
        #expect(fill > 0.97, "\(strategy) fill \(fill)")
      }
    }

    @Test("fill ≥ 99 % at 8192 on a stage-2 mix (gen ≈ 280–350, und 1 or 3–7 views of 258 + text)")
    func stage2Fill() throws {
        var rng = SeededGenerator(seed: 5)
        var packer = Packer(sequenceLength: 8192, buffer: 1000, seed: 0)
        var bins: [Packer.Bin] = []
        for i in 0..<4000 {
            let caption = 8 + Int(rng.unit() * rng.unit() * 70)
            let n = i % 2 == 0 ? 272 + caption : rng.pick([1, 3, 4, 5, 6, 7]) * 258 + 20 + caption
            var doc = Self.synthetic(n, key: "\(i)")
            doc.task = i % 2 == 0 ? .gen : .und
            bins += packer.add(doc)
        }
        // Sequences mix the tasks rather than holding the long understanding documents first.
        let mixed = bins.filter { Set($0.documents.map(\.task)).count == 2 }.count
        #expect(Double(mixed) >= 0.9 * Double(bins.count), "\(mixed) of \(bins.count) sequences mixed")
        bins += packer.finish()
        let fill = Double(bins.reduce(0) { $0 + $1.used }) / Double(bins.count * 8192)
        #expect(fill >= 0.99, "fill \(fill)")
    }

    @Test("same documents and seed ⇒ same sequences; another seed ⇒ another order")
    func determinism() throws {
        func run(_ seed: UInt64, _ strategy: Packer.Strategy = .completion) -> [[String]] {
            var rng = SeededGenerator(seed: 9)
            var p = Packer(sequenceLength: 512, buffer: 50, seed: seed, strategy: strategy)
            var bins: [Packer.Bin] = []
            for i in 0..<300 { bins += p.add(Self.synthetic(rng.int(in: 10...300), key: "\(i)")) }
            bins += p.finish()
            return bins.map { $0.documents.map(\.key) }
        }
        #expect(run(1) == run(1))
        #expect(run(1) != run(2))
        #expect(run(1, .bestFitDecreasing) == run(1, .bestFitDecreasing))
    }

    @Test("the mixer hits the generation share by tokens")
    func mixer() {
        for share in [0.25, 0.5, 0.75] {
            var m = TaskMixer(generationShare: share, seed: 1)
            for _ in 0..<2000 { _ = m.choose(gen: 290, und: 1300) }
            let realised = Double(m.genTokens) / Double(m.genTokens + m.undTokens)
            #expect(abs(realised - share) < 0.01, "share \(share): \(realised)")
        }
        var genOnly = TaskMixer(generationShare: 1, seed: 1)
        #expect(genOnly.choose(gen: 10, und: 10) == (gen: true, und: false))
        // A sample that can only make one task yields it: a gen-only input is not cut to the share.
        var half = TaskMixer(generationShare: 0.5, seed: 1)
        #expect((0..<10).allSatisfy { _ in half.choose(gen: 10, und: nil) == (gen: true, und: false) })
    }

    // MARK: format

    @Test("writer → reader round trip, one frame at a time; a corrupted byte is caught")
    func roundTripAndCorruption() throws {
        let (_, b) = try Self.builder()
        let docs = (0..<5).flatMap { i in [b.document(.gen, from: Self.sample("g\(i)"))!, b.document(.und, from: Self.sample("u\(i)", tiles: 1 + i % 3))!] }
        let seqs = [PackedSequence(sequenceLength: 400, documents: Array(docs[0..<4])),
                    PackedSequence(sequenceLength: 400, documents: Array(docs[4..<10])),
                    PackedSequence(sequenceLength: 400)]
        #expect(seqs[1].cuSeqlens.last == Int32(seqs[1].used))
        #expect(seqs[1].positionIDs[seqs[1].documents[1].start] == 0)
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.pack").path
        let bytes = try PackedShard.encode(seqs)
        try AtomicFile.write(bytes, to: path)
        let reader = try PackedShardReader(path: path)
        #expect(reader.count == 3)
        for i in [2, 0, 1] { #expect(try reader.sequence(i) == seqs[i]) }

        // The same as a folder with an index, then one byte flipped.
        var corrupt = bytes
        corrupt[corrupt.count - 10] ^= 0x40
        try AtomicFile.write(corrupt, to: path)
        let index = PackIndex(config: Self.config(b), configHash: "", shards: [PackShardEntry(file: "x.pack", sequences: 3, documents: 10, bytes: bytes.count, sha256: SHA256.hex(bytes))], totals: PackTotals())
        try AtomicFile.write(try index.json(), to: folder.appendingPathComponent("index.json").path)
        let problems = try PackedDataset(folder: folder.path).verify()
        #expect(problems.count == 1 && problems[0].contains("SHA-256"))

        // Headers that declare more than the file holds are refused before anything is allocated.
        func refused(_ edit: (inout [UInt8]) -> Void) throws -> String {
            var damaged = bytes
            edit(&damaged)
            try AtomicFile.write(damaged, to: path)
            do { _ = try PackedShardReader(path: path); return "opened" } catch { return "\(error)" }
        }
        func put(_ value: UInt64, at offset: Int, in b: inout [UInt8]) { for k in 0..<8 { b[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) } }
        #expect(try refused { put(UInt64.max, at: 16, in: &$0) }.contains("does not fit"))
        #expect(try refused { put(1 << 31, at: 16, in: &$0) }.contains("does not fit"))
        #expect(try refused { put(1 << 40, at: 24 + 8 * 3, in: &$0) }.contains("does not span"))
        #expect(try refused { $0.removeLast() }.contains("does not span"))
    }

    static func config(_ b: DocumentBuilder) -> PackConfig {
        PackConfig(sequenceLength: 400, seed: 0, generationShare: 0.5, cfgDrop: 0.1, buffer: 10, viewDelimiting: .perView,
                   template: ChatTemplateConfig(), imageTokens: b.template.imageTokens, imagePlaceholderID: b.imagePlaceholder,
                   padID: 0, vocabularySize: 0, turnStartID: 0, turnEndID: 0, fold: TokenFold(rows: 2, cols: 4), codebookSize: 1024,
                   vqPreset: "emu3", vqWeightsSHA256: "", randomVQWeights: true, tokenizerSHA256: "", tokenizedConfigHashes: [])
    }
}

extension PackDocument {
    func indices(ofModality m: UInt8) -> [Int] { modality.indices.filter { modality[$0] == m } }
}

/// Inputs the libFuzzer target `FuzzPackedShard` found (Fuzz/crashes/FuzzPackedShard/; byte 0 even:
/// the rest is a `.pack` file), replayed as that target runs them: a count beyond Int (a trap in
/// the conversion) or a table of gigabytes must be refused, not crash or allocate.
@Test func packedShardFuzzFindingsStayFixed() throws {
    let folder = Fixtures.repository.appendingPathComponent("Fuzz/crashes/FuzzPackedShard")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasSuffix(".txt") }.sorted()
    #expect(names.count >= 11)
    let scratch = try Fixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let path = scratch.appendingPathComponent("x.pack").path
    for name in names {
        let bytes = try Fixtures.bytes(folder.appendingPathComponent(name))
        guard bytes.first.map({ $0 & 1 == 0 }) == true else { continue }
        try Data(bytes.dropFirst()).write(to: URL(fileURLWithPath: path))
        guard let reader = try? PackedShardReader(path: path) else { continue }
        for i in 0..<min(reader.count, 100_000) { _ = try? reader.sequence(i) }
    }
}
