import Foundation
import Testing
@testable import SynergenPrep

/// A deterministic stand-in for the VQ used to test the pipeline's mechanics (ordering, resume,
/// determinism, bookkeeping): each 8×8 pixel block's mean red value, scaled to the codebook.
/// The real encoders are tested against PyTorch in the VQ tests.
struct BlockMeanEncoder: CodeGridEncoder {
    var codebookSize = 4096
    func gridSize(imageSize: Int) -> (rows: Int, cols: Int) { (imageSize / 8, imageSize / 8) }
    func codeGrids(for batch: ModelTensor) throws -> [[UInt16]] {
        let (n, h, w) = (batch.shape[0], batch.shape[2], batch.shape[3])
        return (0..<n).map { image in
            var grid: [UInt16] = []
            for by in 0..<(h / 8) {
                for bx in 0..<(w / 8) {
                    var sum: Float = 0
                    for y in 0..<8 { for x in 0..<8 { sum += batch.data[image * 3 * h * w + (by * 8 + y) * w + bx * 8 + x] } }
                    grid.append(UInt16(((sum / 64 + 1) / 2 * Float(codebookSize - 1)).rounded()))
                }
            }
            return grid
        }
    }
}

@Suite struct FoldTests {
    @Test func blocksInRasterOrderRowMajorInside() throws {
        // A 4×16 grid numbered row-major, folded 2×8: position 0 = rows 0–1 × cols 0–7.
        let grid: [UInt16] = (0..<64).map(UInt16.init)
        let folded = try TokenFold.standard.fold(grid, gridRows: 4, gridCols: 16)
        func run(_ a: Int, _ b: Int) -> [UInt16] { (a..<b).map(UInt16.init) }
        let position0: [UInt16] = run(0, 8) + run(16, 24), position1: [UInt16] = run(8, 16) + run(24, 32)
        let position2: [UInt16] = run(32, 40) + run(48, 56)
        #expect(Array(folded[0..<16]) == position0)
        #expect(Array(folded[16..<32]) == position1)
        #expect(Array(folded[32..<48]) == position2)
        #expect(try TokenFold.standard.unfold(folded, gridRows: 4, gridCols: 16) == grid)
        let small = try TokenFold(rows: 2, cols: 4).fold(grid, gridRows: 4, gridCols: 16)
        #expect(Array(small[0..<8]) == [0, 1, 2, 3, 16, 17, 18, 19])
        #expect(TokenFold.standard.positions(gridRows: 64, gridCols: 64) == 256)
        #expect(throws: FoldError.self) { try TokenFold.standard.fold(Array(grid[0..<48]), gridRows: 3, gridCols: 16) }
        #expect(TokenFold(parsing: "2x4") == TokenFold(rows: 2, cols: 4))
        #expect(TokenFold(parsing: "2by4") == nil)
    }
}

@Suite struct TokenizedShardFormatTests {
    func sample(_ i: Int) -> TokenizedSample {
        TokenizedSample(key: "k\(i)", ordinal: i, originalSize: ImageSize(width: 640, height: 480),
                        imageSHA256: SHA256.hash(Array("image \(i)".utf8)), caption: "caption \(i) ✓",
                        captionIDs: [1, 2, Int32(i)],
                        views: [TokenizedView(role: .generation, gridRows: 2, gridCols: 8, fold: .standard, codes: (0..<16).map { UInt16($0 + i) }),
                                TokenizedView(role: .tile(row: 1, col: 2), gridRows: 2, gridCols: 8, fold: .standard, codes: Array(repeating: 65535, count: 16)),
                                TokenizedView(role: .thumbnail, gridRows: 2, gridCols: 8, fold: .standard, codes: Array(repeating: 7, count: 16))])
    }

    @Test func roundTripAndDamageDetection() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.tok.zst").path
        let header = TokenizedShard.Header(source: "in.tar", configHash: "abc", config: "{}")
        let writer = try TokenizedShardWriter(path: path, header: header)
        let samples = (0..<50).map(sample)
        for s in samples { try writer.append(s) }
        #expect(!FileManager.default.fileExists(atPath: path), "the file appears only when finished")
        try writer.finish()
        let reader = try TokenizedShardReader(path: path)
        #expect(reader.header == header)
        #expect(try reader.readAll() == samples)

        var bytes = try Fixtures.bytes(URL(fileURLWithPath: path))
        try Data(bytes.prefix(bytes.count - 9)).write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { try TokenizedShardReader(path: path).readAll() }
        bytes[bytes.count / 2] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { try TokenizedShardReader(path: path).readAll() }
    }

    @Test func sha256KnownAnswers() {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hex(long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var h = SHA256()
        for _ in 0..<1000 { h.update(Array(repeating: UInt8(ascii: "a"), count: 1000)) }
        #expect(h.finalize().hexString == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

@Suite(.serialized) struct TokenizePipelineTests {
    static func tokenizer() throws -> Tokenizer {
        try Tokenizer(contentsOf: try Fixtures.folder("text").appendingPathComponent("qwen/tokenizer.json"))
    }

    static func config(fold: TokenFold = .standard, tasks: [TokenizeTask] = [.gen, .und]) throws -> TokenizeConfig {
        let views = ImageViewOptions(generation: GenerationCropPolicy(size: 64), tiling: TilingPreset.s2.config(tileSize: 64))
        let vq = VQIdentity(preset: "block-mean-test", weightsSHA256: "none", codebookSize: 4096, gridRows: 8, gridCols: 8, randomWeights: true)
        return TokenizeConfig(tasks: tasks, views: views, fold: fold, vq: vq, tokenizerSHA256: "test")
    }

    func demoShards(_ folder: URL, samples: Int = 24) throws -> [ShardLocation] {
        let paths = try DemoCorpus(samples: samples, perShard: 8, seed: 9).write(to: folder.appendingPathComponent("in").path)
        return paths.map { .file($0) }
    }

    func run(_ shards: [ShardLocation], into folder: URL, workers: Int = 1, config: TokenizeConfig? = nil,
             overwrite: Bool = false) throws -> TokenizeSummary {
        try TokenizeRun(config: config ?? Self.config(), tokenizer: Self.tokenizer(), folder: folder.path, workers: workers,
                        overwrite: overwrite, makeEncoder: { BlockMeanEncoder() }).run(shards)
    }

    func outputs(_ folder: URL) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".tok.zst") {
            out[name] = try Fixtures.bytes(folder.appendingPathComponent(name))
        }
        return out
    }

    @Test func demoCorpusEveryViewStoredAndUnfoldable() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let shards = try demoShards(folder)
        let out = folder.appendingPathComponent("out")
        let summary = try run(shards, into: out)
        #expect(summary.samplesIn == 24 && summary.samplesOut == 24 && summary.sampleErrors == 0 && summary.failed.isEmpty)
        let config = try Self.config()
        let tokenizer = try Self.tokenizer()
        for shard in shards {
            let paths = TokenizedFolder(out.path).paths(for: shard.stem)
            let reader = try TokenizedShardReader(path: paths.data)
            #expect(reader.header.configHash == config.hash)
            let samples = try reader.readAll()
            #expect(samples.count == 8)
            // Decode check: the stored codes, unfolded, are exactly the encoder's grid of that view.
            let tar = try TarFixture.members(of: shard)
            for s in samples {
                let image = tar["\(s.key).jpg"] ?? tar["\(s.key).png"]!
                #expect(s.imageSHA256 == SHA256.hash(image))
                #expect(s.caption == String(decoding: tar["\(s.key).txt"]!, as: UTF8.self))
                #expect(s.captionIDs == tokenizer.encode(s.caption, parseSpecial: false))
                let views = try ImageViews(image: try ImageDecoder().decode(image).image, options: config.views)
                let batch = try ModelTensor(batch: [views.generation] + views.understanding)
                let grids = try BlockMeanEncoder().codeGrids(for: batch)
                #expect(s.views.count == grids.count)
                #expect(s.views.first?.role == .generation)
                #expect(s.views.last?.role == (views.thumbnail == nil ? .tile(row: 0, col: 0) : .thumbnail))
                for (view, grid) in zip(s.views, grids) {
                    #expect(try view.unfolded() == grid)
                }
            }
            let stats = try JSONDecoder().decode(ShardTokenizeStats.self, from: Data(contentsOf: URL(fileURLWithPath: paths.stats)))
            let written = try Fixtures.bytes(URL(fileURLWithPath: paths.data))
            #expect(stats.complete && stats.samplesOut == 8)
            #expect(stats.outputSHA256 == SHA256.hex(written))
            #expect(stats.codes == stats.views.values.reduce(0, +) * 64)
        }
    }

    @Test func sameBytesWhateverTheWorkerCount() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let shards = try demoShards(folder)
        _ = try run(shards, into: folder.appendingPathComponent("w1"), workers: 1)
        _ = try run(shards, into: folder.appendingPathComponent("w3"), workers: 3)
        let a = try outputs(folder.appendingPathComponent("w1")), b = try outputs(folder.appendingPathComponent("w3"))
        #expect(a.count == 3 && a == b)
    }

    @Test func resumeSkipsFinishedShardsAndRedoesTheRest() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let shards = try demoShards(folder)
        let out = folder.appendingPathComponent("out")
        _ = try run(shards, into: out)
        let first = try outputs(out)
        #expect(try run(shards, into: out).skipped == 3)
        // A lost done-marker and a stale temporary file: that shard alone is redone, same bytes.
        let paths = TokenizedFolder(out.path).paths(for: shards[1].stem)
        try FileManager.default.removeItem(atPath: paths.stats)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: paths.data + ".tmp-999999"))
        let again = try run(shards, into: out)
        #expect(again.skipped == 2)
        #expect(try outputs(out) == first)
        #expect(!FileManager.default.fileExists(atPath: paths.data + ".tmp-999999"))
        // Another configuration (a 2×4 fold) invalidates every marker; --overwrite redoes all.
        #expect(try run(shards, into: out, config: Self.config(fold: TokenFold(rows: 2, cols: 4))).skipped == 0)
        #expect(try run(shards, into: out, overwrite: true).skipped == 0)
        #expect(try outputs(out) == first)
    }

    @Test func badInputsAreCountedNoneLost() throws {
        let source = try Fixtures.folder("source")
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let shards: [ShardLocation] = ["bad_samples.tar", "truncated.tar", "dup_key.tar", "dup_ext.tar", "missing.tar"]
            .map { .file(source.appendingPathComponent($0).path) }
        let summary = try run(shards, into: folder)
        #expect(summary.samplesIn == summary.samplesOut + summary.sampleErrors)
        #expect(summary.errors == ["no-image": 1, "no-text": 2, "corrupt": 1, "truncated": 1, "unsupported": 1, "too-large": 1,
                                   "truncated-shard": 1, "duplicate-key": 1, "duplicate-extension": 1, "missing-shard": 1])
        #expect(summary.samplesOut == 2 + 3 + 2 + 2)
        let bad = try JSONDecoder().decode(ShardTokenizeStats.self, from: Data(contentsOf: URL(fileURLWithPath:
            TokenizedFolder(folder.path).paths(for: shards[0].stem).stats)))
        #expect(bad.errorKeys["no-text"] == ["notext", "emptytext"])
        // The missing shard is not marked complete, so a later run retries it; the truncated one is final.
        let missing = try JSONDecoder().decode(ShardTokenizeStats.self, from: Data(contentsOf: URL(fileURLWithPath:
            TokenizedFolder(folder.path).paths(for: shards[4].stem).stats)))
        #expect(!missing.complete && missing.shardError?.reason.rawValue == "missing-shard")
        #expect(try run(shards, into: folder).skipped == 4)
    }

    /// Real photos (scikit-image and matplotlib wheels, their own encodings, written by webdataset's
    /// TarWriter) with bad samples mixed in: every good one tokenized, every bad one under its reason.
    @Test func realPhotosEveryGoodSampleTokenizedEveryBadOneCounted() throws {
        let source = try Fixtures.folder("source")
        let expected = try Fixtures.json(source.appendingPathComponent("photos.json")) as! [String: Any]
        let good = expected["good"] as! [[String: String]], bad = expected["bad"] as! [String: String]
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let shard = ShardLocation.file(source.appendingPathComponent("photos.tar").path)
        let summary = try run([shard], into: folder)
        #expect(summary.samplesIn == good.count + bad.count)
        #expect(summary.samplesOut == good.count)
        let stats = try JSONDecoder().decode(ShardTokenizeStats.self, from: Data(contentsOf: URL(fileURLWithPath:
            TokenizedFolder(folder.path).paths(for: shard.stem).stats)))
        var counted: [String: String] = [:]
        for (reason, keys) in stats.errorKeys { for key in keys { counted[key] = reason } }
        #expect(counted == bad)
        let samples = try TokenizedShardReader(path: TokenizedFolder(folder.path).paths(for: shard.stem).data).readAll()
        #expect(samples.map(\.key) == good.map { $0["key"]! })
        #expect(samples.map { $0.imageSHA256.hexString } == good.map { $0["sha256"]! })
        #expect(samples.allSatisfy { $0.views.count >= 2 && $0.views[0].role == .generation })
    }

    /// The grid `tokenize` plans from the configuration is the one the encoder produces.
    @Test func configGridMatchesTheEncoder() throws {
        for preset in VQConfig.Preset.allCases {
            var config = VQConfig.preset(preset)
            config.ch = 32
            config.chMult = Array(repeating: 1, count: config.chMult.count)
            config.attentionLevels = []
            config.numResBlocks = 1
            let encoder = try VQRandomWeights.encoder(config: config, seed: 0)
            for side in [64, 96, 256, 512] {
                #expect(encoder.gridSize(height: side, width: side).rows == config.gridSide(side), "\(preset) at \(side)")
            }
        }
    }

    @Test func foldMustDivideTheGridBeforeAnyRead() throws {
        var config = try Self.config(fold: TokenFold(rows: 3, cols: 8))
        #expect(throws: TokenizeConfigError.self) { try config.validate() }
        config = try Self.config()
        config.views.tiling = TilingPreset.s2.config(tileSize: 32)
        #expect(throws: TokenizeConfigError.self) { try config.validate() }
    }
}

/// Reads a tar shard's members by name (test helper).
enum TarFixture {
    static func members(of shard: ShardLocation) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        _ = ShardReader().read(shard) { event in
            if case .sample(let s) = event { for m in s.members { out["\(s.key).\(m.ext)"] = m.bytes } }
        }
        return out
    }
}

/// Inputs the libFuzzer target `FuzzTokenizedShard` found (Fuzz/crashes/FuzzTokenizedShard/),
/// replayed as that target runs them (byte 0 even: a `.tok.zst` file; odd: the decompressed
/// stream, compressed here): an end-marker count above Int.max must be an error, not a trap.
@Test func tokenizedShardFuzzFindingsStayFixed() throws {
    let folder = Fixtures.repository.appendingPathComponent("Fuzz/crashes/FuzzTokenizedShard")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasSuffix(".txt") }.sorted()
    #expect(!names.isEmpty)
    let scratch = try Fixtures.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let path = scratch.appendingPathComponent("x.tok.zst").path
    for name in names {
        let bytes = try Fixtures.bytes(folder.appendingPathComponent(name))
        let rest = Array(bytes.dropFirst())
        try Data(bytes.first! & 1 == 0 ? rest : try Zstd.compress(rest, level: 1)).write(to: URL(fileURLWithPath: path))
        guard let reader = try? TokenizedShardReader(path: path) else { continue }
        #expect(throws: (any Error).self) { while try reader.next() != nil {} }
    }
}
