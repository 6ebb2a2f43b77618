import ArgumentParser
import Foundation
import SynergenPrep

/// Measures what DCT-domain downscaling does to the views: for each image, the views from a full
/// decode (Pillow-exact) against the views from a reduced decode, per view kind, and the time of each.
struct DCTViewsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dct-views",
        abstract: "Compare views from full-size and DCT-scaled decodes (pixel differences and time); one JSON line per image."
    )

    @Argument(help: "JPEG files.")
    var files: [String]

    @Option(help: "Tiling preset.")
    var stage: String = "s2"

    func run() throws {
        guard let preset = TilingPreset(rawValue: stage) else { throw ValidationError("unknown stage \(stage)") }
        let options = ImageViewOptions(tiling: preset.config())
        let decoder = ImageDecoder()
        var scratch = ResampleScratch()
        for file in files {
            let bytes = try ImageFile.read(file)
            let clock = ContinuousClock()
            var exact: (decoded: DecodedImage, views: ImageViews)!
            var scaled: (decoded: DecodedImage, views: ImageViews)!
            let fullTime = try clock.measure {
                exact = try ViewDecoding(options: options).views(of: bytes, decoder: decoder, scratch: &scratch)
            }
            let scaledTime = try clock.measure {
                scaled = try ViewDecoding(options: options, dctDownscale: true).views(of: bytes, decoder: decoder, scratch: &scratch)
            }
            func compare(_ a: [RGBImage], _ b: [RGBImage]) -> String {
                var same = 0, total = 0, maxDiff = 0, sum = 0
                for (x, y) in zip(a, b) {
                    for (p, q) in zip(x.pixels, y.pixels) {
                        let d = abs(Int(p) - Int(q))
                        total += 1; sum += d
                        if d == 0 { same += 1 }
                        maxDiff = max(maxDiff, d)
                    }
                }
                return "{\"identical\":\(Double(same) / Double(max(total, 1))),\"max_diff\":\(maxDiff),\"mean_abs_diff\":\(Double(sum) / Double(max(total, 1)))}"
            }
            let seconds = { (d: Duration) in Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
            print("{\"file\":\"\(file)\",\"size\":[\(exact.decoded.image.width),\(exact.decoded.image.height)],"
                + "\"scale\":\"\(scaled.decoded.scale)\",\"generation\":\(compare([exact.views.generation], [scaled.views.generation])),"
                + "\"understanding\":\(compare(exact.views.understanding, scaled.views.understanding)),"
                + "\"full_s\":\(seconds(fullTime)),\"scaled_s\":\(seconds(scaledTime))}")
        }
    }
}
