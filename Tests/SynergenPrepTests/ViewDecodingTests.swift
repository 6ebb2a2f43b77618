import Foundation
import Testing
@testable import SynergenPrep

/// Decoding straight to views: exact by default, DCT-downscaled on request with the same geometry.
@Suite struct ViewDecodingTests {
    /// A 1200×1100 JPEG of a demo scene.
    func largeJPEG() throws -> [UInt8] {
        var rng = SeededGenerator(seed: 3)
        var scene = DemoScene.random(using: &rng)
        scene.size = ImageSize(width: 1200, height: 1100)
        let image = scene.render()
        return try image.pixels.withUnsafeBufferPointer {
            try TurboJPEG().encode($0, width: image.width, height: image.height, channels: 3, quality: 90, subsampling: .s420)
        }
    }

    @Test func defaultIsTheExactPath() throws {
        let bytes = try largeJPEG()
        let options = ImageViewOptions(tiling: TilingPreset.s1.config())
        var scratch = ResampleScratch()
        let (decoded, views) = try ViewDecoding(options: options).views(of: bytes, decoder: ImageDecoder(), scratch: &scratch)
        #expect(decoded.scale == .one)
        let reference = try ImageViews(image: try ImageDecoder().decode(bytes).image, options: options)
        #expect(views == reference)
    }

    @Test func dctDownscaleKeepsTheGeometry() throws {
        let bytes = try largeJPEG()
        let options = ImageViewOptions(tiling: TilingPreset.s1.config())
        var scratch = ResampleScratch()
        let (decoded, views) = try ViewDecoding(options: options, dctDownscale: true)
            .views(of: bytes, decoder: ImageDecoder(), scratch: &scratch)
        // s1 needs 512×512 for the tile and 558×512 for the generation resize: 1/2 (600×550) covers both.
        #expect(decoded.scale == JPEGScale(numerator: 1, denominator: 2))
        #expect(decoded.image.width == 600 && decoded.image.height == 550)
        let exact = try ImageViews(image: try ImageDecoder().decode(bytes).image, options: options)
        #expect(views.plan == exact.plan)
        #expect(views.generation.width == 512 && views.generation.height == 512)
        #expect(views.tiles.count == exact.tiles.count && views.thumbnail == nil)
        // Flat shapes on smooth backgrounds: the reduced decode stays close, though not identical.
        let diffs = zip(views.generation.pixels, exact.generation.pixels).map { abs(Int($0) - Int($1)) }
        #expect(Double(diffs.reduce(0, +)) / Double(diffs.count) < 2)
    }
}
