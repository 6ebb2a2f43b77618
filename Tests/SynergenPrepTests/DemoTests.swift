import Foundation
import Testing
@testable import SynergenPrep

/// The demo corpus is deterministic and its captions say what the pictures show.
@Suite struct DemoTests {
    @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
        let a = try Fixtures.temporaryFolder(), b = try Fixtures.temporaryFolder(), c = try Fixtures.temporaryFolder()
        defer { for f in [a, b, c] { try? FileManager.default.removeItem(at: f) } }
        let corpus = DemoCorpus(samples: 10, perShard: 4, seed: 5)
        let pathsA = try corpus.write(to: a.path)
        let pathsB = try corpus.write(to: b.path)
        let pathsC = try DemoCorpus(samples: 10, perShard: 4, seed: 6).write(to: c.path)
        #expect(pathsA.count == 3)
        for i in 0..<3 {
            #expect(try Fixtures.bytes(URL(fileURLWithPath: pathsA[i])) == Fixtures.bytes(URL(fileURLWithPath: pathsB[i])))
            #expect(try Fixtures.bytes(URL(fileURLWithPath: pathsA[i])) != Fixtures.bytes(URL(fileURLWithPath: pathsC[i])))
        }
        #expect(corpus.manifestPattern == "demo-{000000..000002}.tar")
    }

    /// The colour named for each shape is the colour at the shape's centre, the background colour
    /// is at a corner, and a relation word matches the shapes' positions.
    @Test func captionsDescribeThePicture() {
        var rng = SeededGenerator(seed: 11)
        var sizes = Set<String>()
        for _ in 0..<60 {
            let scene = DemoScene.random(using: &rng)
            let image = scene.render()
            sizes.insert("\(image.width)x\(image.height)")
            func pixel(_ x: Double, _ y: Double) -> (UInt8, UInt8, UInt8) {
                let i = (Int(y) * image.width + Int(x)) * 3
                return (image.pixels[i], image.pixels[i + 1], image.pixels[i + 2])
            }
            let caption = scene.caption
            for shape in scene.shapes {
                #expect(caption.contains("\(shape.color.name) \(shape.shape.rawValue)"))
                // The ring's centre is background; sample its band instead.
                let y = shape.shape == .ring ? shape.centerY - shape.radius * 0.8 : shape.centerY
                let shifted = shape.shape == .triangle ? y + shape.radius * 0.5 : y
                #expect(pixel(shape.centerX, shifted) == shape.color.rgb, "\(caption)")
            }
            if case .solid(let color) = scene.background {
                #expect(caption.hasSuffix("on a \(color.name) background"))
                #expect(pixel(0, 0) == color.rgb)
            }
            if let relation = scene.relation {
                let (a, b) = (scene.shapes[0], scene.shapes[1])
                switch relation {
                case .above: #expect(a.centerY + a.radius < b.centerY - b.radius)
                case .below: #expect(a.centerY - a.radius > b.centerY + b.radius)
                case .leftOf: #expect(a.centerX + a.radius < b.centerX - b.radius)
                case .rightOf: #expect(a.centerX - a.radius > b.centerX + b.radius)
                }
                #expect(caption.contains(" \(relation.rawValue) "))
            }
        }
        #expect(sizes.count >= 20, "sizes and aspect ratios should vary")
    }
}
