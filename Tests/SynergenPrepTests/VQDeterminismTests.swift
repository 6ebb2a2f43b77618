import Foundation
import Testing
@testable import SynergenPrep

/// The encoders' latents, bit for bit, do not depend on the thread count or on how many encoders
/// run at once — checked on the views `tokenize` makes of real photos (near-ties in a codebook only
/// show up there), extreme aspect ratios included, for all three families at their full layout
/// with 32 base channels. In `swift test`: 256 px views of the s1 preset (generation crop and one
/// tile per photo) to keep the debug build's run short; `make test-determinism` runs the same tests
/// on an optimised build at 512 px with the s2 preset (`SYNERGEN_DETERMINISM_SIZE`, `…_STAGE`).
@Suite(.serialized) struct VQDeterminismTests {
    static let environment = ProcessInfo.processInfo.environment
    static let side = Int(environment["SYNERGEN_DETERMINISM_SIZE"] ?? "") ?? 256
    static let stage = TilingPreset(rawValue: environment["SYNERGEN_DETERMINISM_STAGE"] ?? "") ?? .s1
    /// Photos whose views make the batches: a wide panorama, a tall strip, a portrait and a photo as shipped.
    static let photos = ["panorama.jpg", "strip.png", "portrait.jpg", "chelsea.png"]

    /// One batch per photo, as `tokenize` encodes it: generation crop, tiles, thumbnail.
    static func batches() throws -> [ModelTensor] {
        let folder = try Fixtures.folder("vq-photos").appendingPathComponent("files")
        let options = ImageViewOptions(generation: GenerationCropPolicy(size: side), tiling: stage.config(tileSize: side))
        var scratch = ResampleScratch()
        return try photos.map { name in
            let bytes = try Fixtures.bytes(folder.appendingPathComponent(name))
            let views = try ViewDecoding(options: options).views(of: bytes, decoder: ImageDecoder(), scratch: &scratch).views
            return try ModelTensor(batch: [views.generation] + views.tiles + (views.thumbnail.map { [$0] } ?? []))
        }
    }

    static func encoder(_ preset: VQConfig.Preset) throws -> VQEncoder {
        var config = VQConfig.preset(preset)
        config.ch = 32
        return try VQRandomWeights.encoder(config: config, seed: 5)
    }

    /// The latents of every batch, as bit patterns.
    static func latents(_ encoder: VQEncoder, _ batches: [ModelTensor]) throws -> [[UInt32]] {
        try batches.map { try encoder.encode($0, keepLatents: true).latents!.map(\.bitPattern) }
    }

    @Test(arguments: [VQConfig.Preset.emu3, .llamagenVQ16, .chameleon])
    func latentsDoNotDependOnThreadsOrWorkers(_ preset: VQConfig.Preset) throws {
        let batches = try Self.batches()
        #expect(batches.map { $0.shape[0] }.reduce(0, +) >= 2 * Self.photos.count, "every photo makes gen + tiles")
        var encoder = try Self.encoder(preset)
        let reference = try Self.latents(encoder, batches)
        for threads in [2, 3, 4] {
            encoder.tuning.threads = threads
            let got = try Self.latents(encoder, batches)
            for (i, (a, b)) in zip(reference, got).enumerated() {
                #expect(a == b, "\(preset): \(Self.photos[i]) with \(threads) threads: \(zip(a, b).filter { $0 != $1 }.count) latents differ")
            }
        }
        // Several encoders at once (as `tokenize --workers N`): one thread each, sharing the weights.
        encoder.tuning.threads = 1
        for workers in [3] {
            let shared = encoder
            let got = WorkerPool.map(count: batches.count, workers: workers) { i in
                try? shared.encode(batches[i], keepLatents: true).latents!.map(\.bitPattern)
            }
            for (i, (a, b)) in zip(reference, got).enumerated() {
                #expect(a == b, "\(preset): \(Self.photos[i]) with \(workers) workers")
            }
        }
    }

    /// `tokenize --workers 1, 2, 3` on a corpus of real photos in three shards (a LlamaGen VQ-16
    /// layout with 32 channels, random weights): byte-identical shard files. One worker gives its
    /// encoder every core; several give each encoder one thread.
    @Test func tokenizeBytesDoNotDependOnWorkers() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let photos = try Fixtures.folder("vq-photos")
        let tokenizer = try Fixtures.folder("text").appendingPathComponent("qwen/tokenizer.json").path
        let weights = folder.appendingPathComponent("llamagen.safetensors").path
        var (code, _, err) = try Fixtures.run(["vq", "init", "--preset", "llamagen-vq16", "--ch", "32", "--seed", "0", "--out", weights])
        #expect(code == 0, "\(err)")
        var outputs: [[String: [UInt8]]] = []
        for workers in [1, 2, 3] {
            let out = folder.appendingPathComponent("w\(workers)")
            (code, _, err) = try Fixtures.run(["tokenize", photos.appendingPathComponent("photos.txt").path, "--vq-weights", weights,
                                               "--size", "\(Self.side)", "--stage", Self.stage.rawValue, "--tokenizer", tokenizer,
                                               "--out", out.path, "--workers", "\(workers)"])
            #expect(code == 0, "\(err)")
            var files: [String: [UInt8]] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: out.path) where name.hasSuffix(".tok.zst") {
                files[name] = try Fixtures.bytes(out.appendingPathComponent(name))
            }
            outputs.append(files)
        }
        #expect(outputs[0].count == 3)
        for (i, files) in outputs.enumerated().dropFirst() {
            for (name, bytes) in outputs[0] { #expect(files[name] == bytes, "\(name): --workers \(i + 1) differs from --workers 1") }
        }
    }

    /// OpenBLAS picks its kernels by CPU. With the Haswell (AVX2) kernels that AVX2-only machines
    /// run, a two-thread `sgemm` gives other bits than a one-thread one for nearly every product
    /// shape of these encoders (measured; this machine's AVX-512 kernels happen to agree on them),
    /// so the check runs `vq encode` under each kernel family the CPU can run (`OPENBLAS_CORETYPE`)
    /// with 1 and 3 threads: identical latent digests.
    @Test(arguments: ["", "Haswell"])
    func vqEncodeLatentsDoNotDependOnThreads(coreType: String) throws {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        guard coreType.isEmpty || cpu.contains(" avx2") else { return }
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try Fixtures.folder("vq-photos").appendingPathComponent("files")
        let weights = folder.appendingPathComponent("emu3.safetensors").path
        var (code, _, err) = try Fixtures.run(["vq", "init", "--preset", "emu3", "--ch", "32", "--seed", "2", "--out", weights])
        #expect(code == 0, "\(err)")
        let environment = coreType.isEmpty ? [:] : ["OPENBLAS_CORETYPE": coreType]
        var outputs: [String] = []
        for threads in [1, 3] {
            let out: String
            (code, out, err) = try Fixtures.run(["vq", "encode", "--weights", weights, "--size", "\(Self.side)", "--stage", "s1",
                                                 "--json", "--latent-digest", "--threads", "\(threads)",
                                                 files.appendingPathComponent("panorama.jpg").path,
                                                 files.appendingPathComponent("portrait.jpg").path], environment: environment)
            #expect(code == 0, "\(err)")
            outputs.append(out)
        }
        #expect(outputs[0].components(separatedBy: "latents_sha256").count == 5, "four views, each with its digest")
        #expect(outputs[0] == outputs[1], "latents with 1 and 3 threads differ under \(coreType.isEmpty ? "the default" : coreType) kernels")
    }

    /// The column blocks of a product are a function of its width alone.
    @Test func columnBlocksDependOnTheWidthOnly() {
        #expect(BLAS.columnBlock(100) == 256)
        #expect(BLAS.columnBlock(4096) == 512)
        #expect(BLAS.columnBlock(66_564) % 64 == 0 && BLAS.columnBlock(66_564) * 8 >= 66_564)
    }
}
