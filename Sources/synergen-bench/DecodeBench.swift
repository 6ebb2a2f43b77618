import ArgumentParser
import Foundation
import SynergenPrep

/// Times JPEG/PNG decoding to RGB on one thread, at full size and with DCT-domain downscaling.
struct DecodeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode images to RGB on one thread; print one JSON line per mode."
    )

    @Argument(help: "Image files (read into memory before timing).")
    var files: [String]

    @Option(help: "Minimum output size for the DCT-scaled mode (both sides).")
    var minSize: Int = 512

    @Option(help: "Seconds to keep decoding per mode (whole passes over the files).")
    var seconds: Double = 3

    func run() throws {
        let images = try files.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
        let decoder = ImageDecoder()
        let modes: [(String, DecodeOptions)] = [
            ("full", DecodeOptions()),
            ("dct-scaled", DecodeOptions(minimumSize: ImageSize(width: minSize, height: minSize))),
            ("dct-scaled-n8", DecodeOptions(minimumSize: ImageSize(width: minSize, height: minSize), allDCTScales: true)),
        ]
        for (name, options) in modes {
            // One warm-up pass, then whole passes until the time is up.
            var checksum = 0
            for image in images { checksum &+= try decoder.decode(image, options: options).image.pixels.count }
            var decoded = 0, pixels = 0
            let start = Date()
            repeat {
                for image in images {
                    let result = try decoder.decode(image, options: options)
                    pixels += result.image.width * result.image.height
                    decoded += 1
                }
            } while Date().timeIntervalSince(start) < seconds
            let elapsed = Date().timeIntervalSince(start)
            print("{\"impl\":\"synergen\",\"mode\":\"\(name)\",\"images\":\(decoded),\"seconds\":\(elapsed),"
                + "\"images_per_s\":\(Double(decoded) / elapsed),\"mpix_out_per_s\":\(Double(pixels) / elapsed / 1e6)}")
            _ = checksum
        }
    }
}
