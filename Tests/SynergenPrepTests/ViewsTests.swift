import Foundation
import Testing
@testable import SynergenPrep

struct ViewCase: Decodable {
    let input: String
    let in_w: Int
    let in_h: Int
    let size: Int
    let min: Int
    let max: Int
    let thumbnail: Bool
    let grid: [Int]
    let has_thumbnail: Bool
    let gen_resized: [Int]
    let gen_crop: [Int]
    let files: [String]
}

@Suite("Generation crop, understanding tiles and model tensors")
struct ViewsTests {
    @Test("All views equal Pillow + the InternVL reference pixel for pixel")
    func viewsMatchReference() throws {
        guard let manifest = ImageFixtures.data("views_cases.json") else { return }
        let cases = try JSONDecoder().decode([ViewCase].self, from: manifest)
        #expect(cases.count >= 16)
        for c in cases {
            guard let img = ImageFixtures.rgb("inputs/\(c.input).rgb", width: c.in_w, height: c.in_h) else { continue }
            let options = ImageViewOptions(
                generation: GenerationCropPolicy(size: c.size),
                tiling: TilingConfig(tileSize: c.size, minTiles: c.min, maxTiles: c.max, thumbnail: c.thumbnail))
            let views = try ImageViews(image: img, options: options)
            #expect([views.plan.grid.cols, views.plan.grid.rows] == c.grid, "\(c.files[0])")
            #expect(views.plan.grid.thumbnail == c.has_thumbnail)
            #expect([views.plan.generation.resizedWidth, views.plan.generation.resizedHeight] == c.gen_resized)
            #expect(views.plan.generation.crop.array == c.gen_crop)
            let produced = [views.generation] + views.understanding
            #expect(produced.count == c.files.count)
            for (img, name) in zip(produced, c.files) {
                let expected = ImageFixtures.rgb("views/\(name).rgb", width: c.size, height: c.size)
                #expect(img == expected, "\(name) differs from the reference")
            }
        }
    }

    @Test("Generation crop geometry: rounding policies and extreme shapes")
    func generationGeometry() throws {
        let d = GenerationCropPolicy()
        let g1 = try GenerationCropPlan(width: 1, height: 1, policy: d)
        #expect(g1.resizedWidth == 512 && g1.resizedHeight == 512 && g1.crop == PixelRect(x: 0, y: 0, width: 512, height: 512))
        let wide = try GenerationCropPlan(width: 3000, height: 60, policy: d)
        #expect(wide.resizedWidth == 25600 && wide.resizedHeight == 512)
        #expect(wide.crop == PixelRect(x: 12544, y: 0, width: 512, height: 512))
        #expect(wide.cropInOriginal == PixelRect(x: 1470, y: 0, width: 60, height: 60))
        let tall = try GenerationCropPlan(width: 60, height: 3000, policy: d)
        #expect(tall.crop == PixelRect(x: 0, y: 12544, width: 512, height: 512))
        let photo = try GenerationCropPlan(width: 4096, height: 2732, policy: d)
        // torchvision: int(512 * 4096 / 2732) = 767 (767.6 truncated); round would give 768.
        #expect(photo.resizedWidth == 767 && photo.crop == PixelRect(x: 127, y: 0, width: 512, height: 512))
        let tv = try GenerationCropPlan(width: 4096, height: 2732, policy: .torchvision())
        #expect(tv.crop.x == 128)  // round(255 / 2) = round(127.5) = 128 (half to even)
        let lg = try GenerationCropPlan(width: 4096, height: 2732, policy: .llamaGen())
        #expect(lg.halvings == [[2048, 1366], [1024, 683]])
        #expect(lg.resizedWidth == 768 && lg.resizedHeight == 512 && lg.crop.x == 128)
        #expect(throws: ImageViewError.emptyImage(width: 0, height: 3)) {
            try GenerationCropPlan(width: 0, height: 3, policy: d)
        }
    }

    @Test("Views of extreme shapes build and have the right sizes")
    func extremeShapes() throws {
        let options = ImageViewOptions(generation: GenerationCropPolicy(size: 32),
                                       tiling: TilingPreset.s2.config(tileSize: 32))
        for (w, h) in [(1, 1), (3000, 60), (60, 3000), (4096, 2732)] {
            var px = [UInt8](repeating: 0, count: w * h * 3)
            for i in stride(from: 0, to: px.count, by: 7) { px[i] = UInt8(i % 251) }
            let img = RGBImage(width: w, height: h, pixels: px)
            let v = try ImageViews(image: img, options: options)
            #expect(v.generation.width == 32 && v.generation.height == 32)
            #expect(v.tiles.count == v.plan.grid.tileCount)
            #expect(v.understanding.allSatisfy { $0.width == 32 && $0.height == 32 })
            if (w, h) == (1, 1) { #expect(v.plan.grid.tileCount == 1 && v.thumbnail == nil) }
            if (w, h) == (3000, 60) { #expect(v.plan.grid.cols == 6 && v.plan.grid.rows == 1 && v.thumbnail != nil) }
            if (w, h) == (60, 3000) { #expect(v.plan.grid.cols == 1 && v.plan.grid.rows == 6) }
            if (w, h) == (4096, 2732) { #expect(v.plan.grid.cols == 3 && v.plan.grid.rows == 2) }
        }
    }

    @Test("Model tensors: CHW, [-1, 1], batched, preallocated")
    func modelTensor() throws {
        let img = RGBImage(width: 2, height: 1, pixels: [0, 128, 255, 10, 20, 30])
        let t = try ModelTensor(batch: [img, img])
        #expect(t.shape == [2, 3, 1, 2])
        #expect(t.data[0] == -1 && t.data[2] == (Float(128) / 255 - 0.5) / 0.5 && t.data[4] == 1)
        #expect(t.data[1] == (Float(10) / 255 - 0.5) / 0.5 && t.data[5] == (Float(30) / 255 - 0.5) / 0.5)
        #expect(Array(t.data[0..<6]) == Array(t.data[6..<12]))
        var buf = [Float](repeating: 9, count: 6)
        try buf.withUnsafeMutableBufferPointer { try ModelTensor.write(img, into: $0) }
        #expect(buf == Array(t.data[0..<6]))
        var small = [Float](repeating: 0, count: 5)
        #expect(throws: ImageViewError.bufferTooSmall(needed: 6, got: 5)) {
            try small.withUnsafeMutableBufferPointer { try ModelTensor.write(img, into: $0) }
        }
        let big = RGBImage(width: 4, height: 4, pixels: Array(0..<48).map(UInt8.init))
        var tile = [Float](repeating: 0, count: 12)
        try tile.withUnsafeMutableBufferPointer {
            try ModelTensor.write(big, region: PixelRect(x: 2, y: 2, width: 2, height: 2), into: $0)
        }
        #expect(tile[0] == ModelTensor.lookup[(2 * 4 + 2) * 3])
    }
}

/// The views with their places (`vq encode`'s labels) and `image preprocess`'s PNG files.
@Suite("Labelled views and their PNG files")
struct LabelledViewsTests {
    /// A gradient image and its views at 16 px with `preset` tiling.
    static func views(width: Int = 96, height: Int = 32, preset: TilingPreset = .s2) throws -> ImageViews {
        var px = [UInt8](repeating: 0, count: width * height * 3)
        for i in px.indices { px[i] = UInt8((i * 7) % 256) }
        return try ImageViews(image: RGBImage(width: width, height: height, pixels: px),
                              options: ImageViewOptions(generation: GenerationCropPolicy(size: 16),
                                                        tiling: preset.config(tileSize: 16)))
    }

    @Test("Batch order and labels: generation, tiles row-major, thumbnail; the words of the shards' view roles")
    func labels() throws {
        let views = try Self.views(width: 48, height: 32)
        let grid = views.plan.grid
        try #require(grid.cols >= 2 && grid.rows >= 2 && grid.thumbnail, "\(grid)")
        let labelled = views.labelled
        #expect(labelled.map(\.image) == [views.generation] + views.understanding)
        var roles: [ViewRole] = [.generation]
        for i in views.tiles.indices { roles.append(.tile(row: i / grid.cols, col: i % grid.cols)) }
        roles.append(.thumbnail)
        #expect(labelled.map(\.label) == roles.map(\.description))
        #expect(labelled[1].place == .tile(index: 0, row: 0, col: 0))
        #expect(labelled[grid.cols + 1].label == "tile(1,0)")
        // One tile, no thumbnail.
        let single = try Self.views(width: 16, height: 16, preset: .s1)
        #expect(single.labelled.map(\.label) == ["generation", "tile(0,0)"])
    }

    @Test("image preprocess's files: <stem>_gen, _tile<i>, _thumb, each decoding to its view")
    func pngFiles() throws {
        let dir = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let views = try Self.views(width: 48, height: 32)
        let out = dir.appendingPathComponent("new/folder").path
        let files = ViewPNGFiles(folder: out, imagePath: "/some/where/photo.v2.jpg")
        #expect(files.stem == "photo.v2")
        #expect(files.path(for: .tile(index: 3, row: 1, col: 1)) == out + "/photo.v2_tile3.png")
        let written = try files.write(views)
        let names = ["photo.v2_gen.png"] + views.tiles.indices.map { "photo.v2_tile\($0).png" } + ["photo.v2_thumb.png"]
        #expect(written == names.map { out + "/" + $0 })
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == names.sorted())
        for (path, view) in zip(written, views.labelled) {
            #expect(try ImageDecoder().decode(Fixtures.bytes(URL(fileURLWithPath: path))).image == view.image, "\(path)")
        }
    }
}
