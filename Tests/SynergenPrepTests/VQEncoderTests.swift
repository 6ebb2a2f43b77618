import Foundation
import Testing
@testable import SynergenPrep

@Suite struct VQEncoderTests {
    static let tiny = VQConfig(family: .emu3, ch: 32, chMult: [1, 2], numResBlocks: 1, attentionLevels: [1],
                               zChannels: 4, codeDim: 4, codebookSize: 64, lookup: .l2, temporalDownsample: 4)

    @Test func initFileLoadsBackToTheSameCodes() throws {
        let direct = try VQRandomWeights.encoder(config: Self.tiny, seed: 7)
        let path = VQFixtureFiles.temporary("init.safetensors")
        try VQRandomWeights.file(config: Self.tiny, seed: 7).write(to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let loaded = try VQEncoder(config: Self.tiny, weightsPath: path)
        let pixels = VQKernelTests.values(3 * 3 * 16 * 16, seed: 40)
        let a = try direct.encode(pixels: pixels, batch: 3, height: 16, width: 16)
        let b = try loaded.encode(pixels: pixels, batch: 3, height: 16, width: 16)
        #expect(a == b)
        #expect(a.rows == 8 && a.cols == 8 && a.codes.count == 3)
    }

    @Test func batchingAndChunkingDoNotChangeCodes() throws {
        var encoder = try VQRandomWeights.encoder(config: Self.tiny, seed: 3)
        let pixels = VQKernelTests.values(3 * 3 * 16 * 16, seed: 41)
        let together = try encoder.encode(pixels: pixels, batch: 3, height: 16, width: 16, keepLatents: true)
        encoder.maxBatch = 2
        let chunked = try encoder.encode(pixels: pixels, batch: 3, height: 16, width: 16, keepLatents: true)
        var single: [[Int32]] = []
        for i in 0..<3 {
            single += try encoder.encode(pixels: Array(pixels[(i * 768)..<((i + 1) * 768)]), batch: 1, height: 16, width: 16).codes
        }
        #expect(together.codes == chunked.codes)
        #expect(together.codes == single)
        let diff = zip(together.latents!, chunked.latents!).map { abs($0 - $1) }.max()!
        #expect(diff < 1e-5)
    }

    @Test func rejectsBadInput() throws {
        let encoder = try VQRandomWeights.encoder(config: Self.tiny, seed: 3)
        #expect(throws: VQError.self) { _ = try encoder.encode(pixels: [0, 1], batch: 1, height: 16, width: 16) }
        var bad = Self.tiny
        bad.ch = 48
        #expect(throws: VQError.invalidConfig("channel count 48 is not divisible by GroupNorm's 32 groups")) { try bad.validate() }
    }

    @Test func presetsMatchThePublishedConfigs() {
        let emu3 = VQConfig.preset(.emu3)
        #expect(emu3.downsampling == 8 && emu3.codebookSize == 32_768 && emu3.hasTemporalTail)
        #expect(VQConfig.preset(.llamagenVQ16).downsampling == 16)
        #expect(VQConfig.preset(.llamagenVQ8).downsampling == 8)
        #expect(VQConfig.preset(.chameleon).attentionLevels.isEmpty)
    }
}
