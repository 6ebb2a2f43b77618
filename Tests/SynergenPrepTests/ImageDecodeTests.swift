import Foundation
import Testing
@testable import SynergenPrep

/// Decoded pixels must equal Pillow's for every JPEG and PNG variant in the generated fixtures.
@Suite struct ImageDecodeTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var expected: String
        var width: Int
        var height: Int
        var note: String
        var scale: Int
        var testDescription: String { "\(file) (\(note))" }
    }

    static func cases() -> [Case] {
        guard let folder = try? Fixtures.folder("decode"),
              let object = try? Fixtures.json(folder.appendingPathComponent("cases.json")) as? [String: Any],
              let good = object["good"] as? [[String: Any]] else { return [] }
        return good.map {
            Case(file: $0["file"] as! String, expected: $0["expected"] as! String, width: $0["width"] as! Int, height: $0["height"] as! Int,
                 note: $0["note"] as! String, scale: $0["dct_scale"] as! Int)
        }
    }

    @Test func fixturesExist() throws {
        let count = Self.cases().count
        #expect(count >= 35, "expected the generated decode fixtures (run make test-fixtures); found \(count)")
    }

    @Test(arguments: cases())
    func pixelsEqualPillow(_ c: Case) throws {
        let folder = try Fixtures.folder("decode")
        let bytes = try Fixtures.bytes(folder.appendingPathComponent(c.file))
        let expected = try Fixtures.bytes(folder.appendingPathComponent(c.expected))
        var options = DecodeOptions()
        if c.scale > 1 {
            // The smallest scale still at least ceil(size / scale) is exactly 1/scale.
            let (_, size) = try ImageDecoder().probe(bytes)
            options.minimumSize = ImageSize(width: (size.width + c.scale - 1) / c.scale, height: (size.height + c.scale - 1) / c.scale)
        }
        let decoded = try ImageDecoder().decode(bytes, options: options)
        #expect(decoded.image.width == c.width && decoded.image.height == c.height)
        if c.scale > 1 { #expect(decoded.scale == JPEGScale(numerator: 1, denominator: c.scale)) }
        let differing = zip(decoded.image.pixels, expected).filter { $0 != $1 }.count
        #expect(decoded.image.pixels.count == expected.count)
        #expect(differing == 0, "\(differing) of \(expected.count) bytes differ from Pillow")
    }

    @Test func badInputsFailWithTheirReason() throws {
        let folder = try Fixtures.folder("decode")
        let object = try Fixtures.json(folder.appendingPathComponent("cases.json")) as! [String: Any]
        let bad = object["bad"] as! [[String: String]]
        #expect(bad.count >= 10)
        let decoder = ImageDecoder()
        for entry in bad {
            let bytes = try Fixtures.bytes(folder.appendingPathComponent(entry["file"]!))
            do {
                _ = try decoder.decode(bytes)
                Issue.record("\(entry["file"]!) decoded; expected \(entry["reason"]!)")
            } catch {
                #expect(error.reason.rawValue == entry["reason"], "\(entry["file"]!): \(error)")
            }
        }
    }

    /// One decoder (as a worker keeps one per shard) fed a broken JPEG, then good ones: every good
    /// one still decodes to its reference pixels. (libjpeg-turbo does not reset its handle after an
    /// error: a shard lost every JPEG after the first bad one; found by the hostile corpus.)
    @Test func aBrokenJPEGDoesNotPoisonTheDecoder() throws {
        let folder = try Fixtures.folder("decode")
        let good = try Fixtures.bytes(folder.appendingPathComponent("baseline420.jpg"))
        let expected = try ImageDecoder().decode(good).image.pixels
        var badHuffman = good
        // Every DHT segment's code counts set to 0xFF: "Bogus Huffman table definition".
        var i = 2
        while i + 4 < badHuffman.count, badHuffman[i] == 0xFF {
            let marker = badHuffman[i + 1], length = Int(badHuffman[i + 2]) << 8 | Int(badHuffman[i + 3])
            if marker == 0xC4 { for k in 0..<16 where i + 5 + k < badHuffman.count { badHuffman[i + 5 + k] = 0xFF } }
            if marker == 0xDA { break }
            i += 2 + length
        }
        let noScan = Array(good.prefix(600))
        let decoder = ImageDecoder()
        for broken in [badHuffman, noScan, [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x03]] {
            #expect(throws: ImageDecodeError.self) { try decoder.decode(broken) }
            for _ in 0..<2 { #expect(try decoder.decode(good).image.pixels == expected) }
        }
    }

    @Test func unsupportedFormatsAreNamed() throws {
        let folder = try Fixtures.folder("decode")
        for (file, name) in [("image.gif", "GIF"), ("image.webp", "WebP"), ("image.bmp", "BMP"), ("image.tif", "TIFF")] {
            let bytes = try Fixtures.bytes(folder.appendingPathComponent(file))
            #expect(ImageFormat(sniffing: bytes) == .unsupported(name))
            #expect(throws: ImageDecodeError.self) { try ImageDecoder().decode(bytes) }
        }
    }

    @Test func pixelLimitIsCheckedBeforeDecoding() throws {
        let folder = try Fixtures.folder("decode")
        let bytes = try Fixtures.bytes(folder.appendingPathComponent("baseline420.jpg"))
        let decoded = try ImageDecoder().decode(bytes)
        let limit = decoded.image.width * decoded.image.height - 1
        do {
            _ = try ImageDecoder().decode(bytes, options: DecodeOptions(maxPixels: limit))
            Issue.record("decoded above the pixel limit")
        } catch {
            #expect(error.reason == .tooLarge)
        }
    }

    @Test func smallestScaleKeepsTheRequestedSize() {
        // 4000x3000 to at least 512x512: the chosen factor covers 512 on both sides, no smaller one does.
        let scale = TurboJPEG.smallestScale(width: 4000, height: 3000, minWidth: 512, minHeight: 512)
        #expect(scale.apply(3000) >= 512 && scale.apply(4000) >= 512)
        for other in TurboJPEG.scalingFactors where other.numerator * scale.denominator < scale.numerator * other.denominator {
            #expect(other.apply(3000) < 512 || other.apply(4000) < 512)
        }
        #expect(TurboJPEG.smallestScale(width: 300, height: 200, minWidth: 512, minHeight: 512) == .one)
    }

    @Test func exifOrientationParsesBothByteOrders() {
        let little: [UInt8] = [0x49, 0x49, 0x2A, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]
        let big: [UInt8] = [0x4D, 0x4D, 0, 0x2A, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0, 0, 0, 0, 0]
        #expect(EXIFOrientation(exif: little) == .rotate90CW)
        #expect(EXIFOrientation(exif: big) == .rotate90CCW)
        #expect(EXIFOrientation(exif: Array(little.prefix(12))) == nil)
        #expect(EXIFOrientation(exif: [1, 2, 3]) == nil)
    }

    @Test func pngRoundTrip() throws {
        var rng = SeededGenerator(seed: 42)
        let image = DemoScene.random(using: &rng).render()
        let decoded = try ImageDecoder().decode(try PNG.encode(image))
        #expect(decoded.image == image)
    }
}
