import Foundation
import Testing
@testable import SynergenPrep

/// Locates the generated fixtures (`make test-fixtures`).
enum ImageFixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/generated/image")
        .standardizedFileURL

    static let missingMessage = "image fixtures missing at \(root.path): run `make test-fixtures` "
        + "(needs: pip install pillow numpy scikit-image matplotlib)"

    /// The fixture file's bytes; records a test failure when absent.
    static func data(_ relative: String, sourceLocation: SourceLocation = #_sourceLocation) -> Data? {
        let url = root.appendingPathComponent(relative)
        guard let d = FileManager.default.contents(atPath: url.path) else {
            Issue.record(Comment(rawValue: "\(missingMessage) [\(relative)]"), sourceLocation: sourceLocation)
            return nil
        }
        return d
    }

    static func rgb(_ relative: String, width: Int, height: Int) -> RGBImage? {
        guard let d = data(relative) else { return nil }
        guard d.count == width * height * 3 else {
            Issue.record("fixture \(relative) has \(d.count) bytes, expected \(width * height * 3)")
            return nil
        }
        return RGBImage(width: width, height: height, pixels: [UInt8](d))
    }

    static func lines(_ relative: String) -> [Substring]? {
        guard let d = data(relative) else { return nil }
        return String(decoding: d, as: UTF8.self).split(separator: "\n")
    }
}

struct ResampleManifest: Decodable {
    let pillow_version: String
    let cases: [ResampleCase]

    /// Pillow 13 changed the pass order; follow the release that made the fixtures.
    var passOrder: ResamplePassOrder {
        (Int(pillow_version.split(separator: ".").first ?? "13") ?? 13) >= 13 ? .pillow13 : .pillow12
    }
}

struct ResampleCase: Decodable {
    let input: String
    let in_w: Int
    let in_h: Int
    let out_w: Int
    let out_h: Int
    let filter: String
    let expected: String
}

/// Per-filter agreement with Pillow.
struct ParityStats {
    var pixels = 0
    var identical = 0
    var maxDiff = 0
    var cases = 0
    var share: Double { pixels == 0 ? 1 : Double(identical) / Double(pixels) }
}

@Suite("Resampling matches Pillow")
struct ResampleTests {
    @Test("Pillow Image.resize parity on real photos, all filters, many ratios")
    func pillowParity() throws {
        guard let manifest = ImageFixtures.data("resample_cases.json") else { return }
        let decoded = try JSONDecoder().decode(ResampleManifest.self, from: manifest)
        let cases = decoded.cases
        print("parity against Pillow \(decoded.pillow_version), pass order \(decoded.passOrder)")
        #expect(cases.count > 100)
        var inputs: [String: RGBImage] = [:]
        var stats: [String: ParityStats] = [:]
        var down = ParityStats(), up = ParityStats()
        for c in cases {
            if inputs[c.input] == nil {
                inputs[c.input] = ImageFixtures.rgb("inputs/\(c.input).rgb", width: c.in_w, height: c.in_h)
            }
            guard let src = inputs[c.input],
                  let expected = ImageFixtures.rgb("resample/\(c.expected).rgb", width: c.out_w, height: c.out_h),
                  let filter = ResampleFilter(rawValue: c.filter) else {
                Issue.record("bad case \(c.expected)")
                continue
            }
            let got = Resampler.resize(src, width: c.out_w, height: c.out_h, filter: filter,
                                       passOrder: decoded.passOrder)
            var s = stats[c.filter] ?? ParityStats()
            var caseIdentical = 0
            var caseMax = 0
            for p in 0..<(c.out_w * c.out_h) {
                var d = 0
                for ch in 0..<3 {
                    d = max(d, abs(Int(got.pixels[p * 3 + ch]) - Int(expected.pixels[p * 3 + ch])))
                }
                if d == 0 { caseIdentical += 1 }
                caseMax = max(caseMax, d)
            }
            s.pixels += c.out_w * c.out_h
            s.identical += caseIdentical
            s.maxDiff = max(s.maxDiff, caseMax)
            s.cases += 1
            stats[c.filter] = s
            let isDown = c.out_w * c.out_h < c.in_w * c.in_h
            if isDown {
                down.pixels += c.out_w * c.out_h; down.identical += caseIdentical; down.maxDiff = max(down.maxDiff, caseMax)
                down.cases += 1
            } else {
                up.pixels += c.out_w * c.out_h; up.identical += caseIdentical; up.maxDiff = max(up.maxDiff, caseMax)
                up.cases += 1
            }
            #expect(caseMax <= 1, "\(c.expected): max diff \(caseMax)")
        }
        for (name, s) in stats.sorted(by: { $0.key < $1.key }) {
            print(String(format: "parity %-9@ cases %4d  pixels %9d  identical %.4f%%  max diff %d",
                         name as NSString, s.cases, s.pixels, s.share * 100, s.maxDiff))
            #expect(s.share >= 0.99, "\(name): identical share \(s.share)")
            #expect(s.maxDiff <= 1, "\(name): max diff \(s.maxDiff)")
        }
        for (name, s) in [("downscale", down), ("upscale/mixed", up)] {
            print(String(format: "parity %-13@ cases %4d  identical %.4f%%  max diff %d",
                         name as NSString, s.cases, s.share * 100, s.maxDiff))
        }
    }

    @Test("Computing only a region equals resizing fully and cropping")
    func regionEqualsCrop() {
        var pixels = [UInt8](repeating: 0, count: 37 * 23 * 3)
        var seed: UInt32 = 12345
        for i in pixels.indices { seed = seed &* 1664525 &+ 1013904223; pixels[i] = UInt8(truncatingIfNeeded: seed >> 24) }
        let img = RGBImage(width: 37, height: 23, pixels: pixels)
        for filter in ResampleFilter.allCases {
            for (w, h) in [(50, 16), (37, 40), (20, 23), (11, 7), (36, 3)] {
                let full = Resampler.resize(img, width: w, height: h, filter: filter)
                let region = PixelRect(x: w / 4, y: h / 3, width: w / 2, height: h / 2)
                let part = Resampler.resize(img, width: w, height: h, filter: filter, region: region)
                var expected: [UInt8] = []
                for y in region.y..<(region.y + region.height) {
                    let start = (y * w + region.x) * 3
                    expected += full.pixels[start..<(start + region.width * 3)]
                }
                #expect(part.pixels == expected, "\(filter) \(w)x\(h)")
            }
        }
    }

    @Test("Vector passes write exactly the bytes of the scalar passes, and nothing outside the region")
    func vectorEqualsScalar() {
        var seed: UInt32 = 977
        func next() -> UInt32 { seed = seed &* 1664525 &+ 1013904223; return seed >> 8 }
        let sizes = [(1, 1), (2, 3), (5, 4), (7, 17), (16, 6), (37, 23), (64, 41), (150, 97)]
        let targets = [(1, 1), (3, 2), (6, 5), (9, 31), (20, 20), (40, 13), (71, 64), (300, 45), (18, 200)]
        var checked = 0
        for (iw, ih) in sizes {
            let pixels = (0..<(iw * ih * 3)).map { _ in UInt8(truncatingIfNeeded: next()) }
            for (tw, th) in targets + [(iw, ih), (iw, 13), (29, ih), (iw, 2 * ih + 1), (iw / 2 + 1, ih)] {
                for filter in ResampleFilter.allCases {
                    for order in ResamplePassOrder.allCases {
                        let plan = ResamplePlan(inWidth: iw, inHeight: ih, outWidth: tw, outHeight: th,
                                                filter: filter, passOrder: order)
                        let rw = 1 + Int(next()) % tw, rh = 1 + Int(next()) % th
                        let regions = [PixelRect(x: 0, y: 0, width: tw, height: th),
                                       PixelRect(x: Int(next()) % (tw - rw + 1), y: Int(next()) % (th - rh + 1),
                                                 width: rw, height: rh),
                                       PixelRect(x: tw - rw, y: th - rh, width: rw, height: rh)]
                        for region in regions {
                            let stride = region.width * 3 + Int(next() % 3) * 5
                            let n = (region.height - 1) * stride + region.width * 3 + 7
                            var outputs: [[UInt8]] = []
                            for vector in [false, true] {
                                var out = [UInt8](repeating: 0xA5, count: n)
                                var scratch = ResampleScratch()
                                pixels.withUnsafeBufferPointer { src in
                                    out.withUnsafeMutableBufferPointer { dst in
                                        plan.apply(source: src, region: region, destination: dst,
                                                   destinationRowStride: stride, scratch: &scratch,
                                                   vectorKernels: vector)
                                    }
                                }
                                outputs.append(out)
                            }
                            #expect(outputs[0] == outputs[1],
                                    "\(iw)x\(ih) -> \(tw)x\(th) \(filter) \(order) region \(region)")
                            // Bytes between rows and after the last row stay untouched.
                            var outside = 0
                            for i in 0..<n where i >= (region.height - 1) * stride + region.width * 3
                                || i % stride >= region.width * 3 {
                                if outputs[1][i] != 0xA5 { outside += 1 }
                            }
                            #expect(outside == 0, "\(iw)x\(ih) -> \(tw)x\(th) \(filter) wrote outside \(region)")
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked > 2000)
    }

    @Test("Same size is a copy; coefficients are normalised and bounded")
    func identityAndCoefficients() {
        let img = RGBImage(width: 3, height: 2, pixels: Array(0..<18))
        #expect(Resampler.resize(img, width: 3, height: 2, filter: .lanczos) == img)
        for filter in ResampleFilter.allCases {
            for (i, o) in [(100, 13), (13, 100), (7, 1), (1, 9), (512, 511)] {
                let c = ResampleCoefficients(inSize: i, outSize: o, filter: filter)
                for x in 0..<o {
                    let n = Int(c.count[x])
                    #expect(n >= 1 && n <= c.stride)
                    #expect(Int(c.start[x]) + n <= i)
                    let sum = (0..<n).reduce(0) { $0 + Int(c.weights[x * c.stride + $1]) }
                    #expect(abs(sum - (1 << 22)) <= n, "\(filter) \(i)->\(o) at \(x): \(sum)")
                }
            }
        }
    }
}
