import ArgumentParser
import Foundation
import SynergenPrep

/// `synergen-bench preprocess`: single-thread throughput of the image views from already
/// decoded RGB — generation crop (bicubic resize of the short side to S + centre crop) plus
/// `s2` InternVL tiling (grid resize, tiles, thumbnail) — in images per second; with `--decode`
/// the JPEG/PNG decode of each image is timed too.
struct PreprocessBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preprocess",
        abstract: "Time generation crop + s2 tiling from decoded RGB (single thread), in images/s.")

    @Argument(help: "Image files (decoded once, before timing).")
    var images: [String]

    @Option(help: "Tile and crop side in pixels.")
    var size: Int = 512

    @Option(help: "Minimum seconds to run (whole passes over the images).")
    var seconds: Double = 3

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Flag(help: "Time decoding too (files are read into memory before timing).")
    var decode = false

    func validate() throws {
        if images.isEmpty { throw ValidationError("give at least one image") }
        if size < 1 { throw ValidationError("--size must be at least 1") }
    }

    func run() throws {
        let files = try images.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
        let decoder = ImageDecoder()
        let decoded = try files.map { try decoder.decode($0).image }
        let options = ImageViewOptions(generation: GenerationCropPolicy(size: size),
                                       tiling: TilingPreset.s2.config(tileSize: size))
        var scratch = ResampleScratch()
        var checksum = 0
        // Warm-up pass.
        for img in decoded {
            let v = try ImageViews(image: img, options: options, scratch: &scratch)
            checksum &+= Int(v.generation.pixels[0])
        }
        var count = 0
        let clock = ContinuousClock()
        let start = clock.now
        var elapsed = 0.0
        repeat {
            for (index, file) in files.enumerated() {
                let img = decode ? try decoder.decode(file).image : decoded[index]
                let v = try ImageViews(image: img, options: options, scratch: &scratch)
                checksum &+= Int(v.generation.pixels[v.generation.pixels.count / 2]) &+ v.tiles.count
                count += 1
            }
            let d = clock.now - start
            elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        } while elapsed < seconds
        let rate = Double(count) / elapsed
        if json {
            print("{\"images_per_s\": \(rate), \"images\": \(count), \"seconds\": \(elapsed), \"checksum\": \(checksum)}")
        } else {
            print(String(format: "swift: %d images in %.2f s: %.2f images/s (single thread)", count, elapsed, rate))
        }
    }
}
