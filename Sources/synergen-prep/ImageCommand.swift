import ArgumentParser
import Foundation
import SynergenPrep

/// `synergen-prep image`: plan and produce the generation crop and understanding tiles.
struct ImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Plan or produce the generation crop and the InternVL understanding tiles of images.",
        subcommands: [Plan.self, Preprocess.self]
    )

    /// Options shared by `image plan` and `image preprocess`.
    struct ViewOptions: ParsableArguments {
        @Option(help: "Tiling preset by training stage: s1 (1 tile), s2 (≤6 + thumbnail), sft (≤12 + thumbnail).")
        var stage: TilingPreset?

        @Option(help: "Smallest number of tiles (instead of --stage).")
        var minTiles: Int?

        @Option(help: "Largest number of tiles (instead of --stage).")
        var maxTiles: Int?

        @Flag(inversion: .prefixedNo, help: "Add a whole-image thumbnail when there is more than one tile (instead of --stage).")
        var thumbnail: Bool?

        @Option(help: "Tile side and generation crop side in pixels.")
        var size: Int = 512

        @Option(help: "Generation crop style: default (torchvision long-side rounding, (dim-S)//2 offset), torchvision (round-half-even offset), llamagen (box halving, rounded resize).")
        var genStyle: GenStyle = .default

        @Option(help: "Pillow pass order to reproduce: pillow13 (default) or pillow12.")
        var pillow: ResamplePassOrder = .default

        enum GenStyle: String, ExpressibleByArgument, CaseIterable {
            case `default`, torchvision, llamagen
        }

        func validate() throws {
            if size < 1 { throw ValidationError("--size must be at least 1, got \(size)") }
            let explicit = minTiles != nil || maxTiles != nil || thumbnail != nil
            if stage != nil && explicit {
                throw ValidationError("use either --stage or --min-tiles/--max-tiles/--[no-]thumbnail, not both")
            }
            if let mn = minTiles, mn < 1 { throw ValidationError("--min-tiles must be at least 1, got \(mn)") }
            if let mx = maxTiles, mx < 1 { throw ValidationError("--max-tiles must be at least 1, got \(mx)") }
            if let mn = minTiles, let mx = maxTiles, mn > mx {
                throw ValidationError("--min-tiles (\(mn)) must not exceed --max-tiles (\(mx))")
            }
            if let mn = minTiles, maxTiles == nil, mn > 12 {
                throw ValidationError("--min-tiles (\(mn)) exceeds the default --max-tiles 12; give --max-tiles too")
            }
            if let mx = maxTiles, mx > 64 { throw ValidationError("--max-tiles above 64 is not supported, got \(mx)") }
        }

        /// The view options these flags describe (default: `sft` preset).
        var viewOptions: ImageViewOptions {
            let tiling: TilingConfig
            if let stage {
                tiling = stage.config(tileSize: size)
            } else {
                let base = TilingPreset.sft.config(tileSize: size)
                tiling = TilingConfig(tileSize: size, minTiles: minTiles ?? base.minTiles,
                                      maxTiles: maxTiles ?? base.maxTiles, thumbnail: thumbnail ?? base.thumbnail)
            }
            let gen: GenerationCropPolicy
            switch genStyle {
            case .default: gen = GenerationCropPolicy(size: size)
            case .torchvision: gen = .torchvision(size: size)
            case .llamagen: gen = .llamaGen(size: size)
            }
            return ImageViewOptions(generation: gen, tiling: tiling, passOrder: pillow)
        }
    }

    /// `image plan`: geometry only.
    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print each image's size, tile grid, tile boxes, thumbnail and generation crop.",
            discussion: """
            Tile boxes are in the coordinates of the grid-resized image (S·cols × S·rows). \
            With --json, `crop` is the generation crop in ORIGINAL-image coordinates ([x, y, w, h], \
            the nominal footprint rounded to pixels); `crop_resized` is the exact crop in the \
            resized image whose size is `resized`.
            """
        )

        @OptionGroup var options: ViewOptions

        @Flag(help: "One JSON object per line per image.")
        var json = false

        @Argument(help: "Image files.")
        var images: [String]

        func validate() throws {
            if images.isEmpty { throw ValidationError("give at least one image") }
        }

        func run() throws {
            let opts = options.viewOptions
            for path in images {
                let size = try ImageFile.probe(path: path)
                let plan = try ImageViewPlan(width: size.width, height: size.height, options: opts)
                if json {
                    print(Self.jsonLine(path: path, plan: plan))
                } else {
                    print(Self.text(path: path, plan: plan))
                }
            }
        }

        static func jsonLine(path: String, plan: ImageViewPlan) -> String {
            let g = plan.grid, gen = plan.generation
            let object: [String: Any] = [
                "path": path,
                "width": plan.width,
                "height": plan.height,
                "grid": [g.cols, g.rows],
                "tile_size": g.tileSize,
                "tiles": g.tileBoxes.map(\.array),
                "thumbnail": g.thumbnail,
                "crop": gen.cropInOriginal.array,
                "crop_resized": gen.crop.array,
                "resized": [gen.resizedWidth, gen.resizedHeight],
            ]
            let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self)
        }

        static func text(path: String, plan: ImageViewPlan) -> String {
            let g = plan.grid, gen = plan.generation
            var lines = ["\(path): \(plan.width)×\(plan.height)"]
            lines.append("  grid: \(g.cols) × \(g.rows) tiles of \(g.tileSize) (resized to \(g.resizedWidth)×\(g.resizedHeight)), thumbnail: \(g.thumbnail ? "yes" : "no")")
            for (i, box) in g.tileBoxes.enumerated() { lines.append("  tile \(i): \(box)") }
            lines.append("  generation: resize to \(gen.resizedWidth)×\(gen.resizedHeight), crop \(gen.crop) (original \(gen.cropInOriginal))")
            return lines.joined(separator: "\n")
        }
    }

    /// `image preprocess`: write every view as PNG.
    struct Preprocess: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the generation crop, every tile and the thumbnail of one image as PNG files.")

        @OptionGroup var options: ViewOptions

        @Option(help: "Output folder (created if missing).")
        var out: String

        @Argument(help: "Image file.")
        var image: String

        @Flag(help: "Decode large JPEGs at a reduced DCT scale that still covers every view (faster; pixels differ from Pillow's, see README).")
        var dctDownscale = false

        func run() throws {
            var scratch = ResampleScratch()
            let (decoded, views) = try ViewDecoding(options: options.viewOptions, dctDownscale: dctDownscale)
                .views(of: try ImageFile.read(image), decoder: ImageDecoder(), scratch: &scratch)
            if decoded.scale != .one { print("decoded at DCT scale \(decoded.scale): \(decoded.image.width)x\(decoded.image.height)") }
            let written = try ViewPNGFiles(folder: out, imagePath: image).write(views)
            for p in written { print(p) }
        }
    }
}

extension TilingPreset: ExpressibleByArgument {}
extension ResamplePassOrder: ExpressibleByArgument {}
