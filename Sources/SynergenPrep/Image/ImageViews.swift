/// Everything that decides the views of one image: the generation crop policy and the
/// understanding-view tiling. Defaults: 512-pixel bicubic generation crop (torchvision
/// rounding, floor offset), `sft` tiling at 512.
public struct ImageViewOptions: Sendable, Equatable, Codable {
    public var generation: GenerationCropPolicy
    public var tiling: TilingConfig
    /// Filter for the tile grid resize and the thumbnail (the reference uses bicubic).
    public var tileFilter: ResampleFilter
    /// Which Pillow release's pass order every resize reproduces.
    public var passOrder: ResamplePassOrder

    public init(generation: GenerationCropPolicy = GenerationCropPolicy(),
                tiling: TilingConfig = TilingPreset.sft.config(),
                tileFilter: ResampleFilter = .bicubic,
                passOrder: ResamplePassOrder = .default) {
        self.generation = generation
        self.tiling = tiling
        self.tileFilter = tileFilter
        self.passOrder = passOrder
    }
}

/// The geometry of all views of one image, computed without touching pixels
/// (what `synergen-prep image plan` prints).
public struct ImageViewPlan: Sendable, Equatable, Codable {
    public let width: Int
    public let height: Int
    public let generation: GenerationCropPlan
    public let grid: TileGrid

    /// The smallest source resolution from which every view is a downscale (or same size): the
    /// generation resize target, the tile grid and the thumbnail, whichever is largest per axis.
    public var requiredSourceSize: ImageSize {
        let firstGeneration = generation.halvings.isEmpty
            ? (generation.resizedWidth, generation.resizedHeight) : (generation.originalWidth, generation.originalHeight)
        return ImageSize(width: max(firstGeneration.0, grid.resizedWidth, grid.tileSize),
                         height: max(firstGeneration.1, grid.resizedHeight, grid.tileSize))
    }

    public init(width: Int, height: Int, options: ImageViewOptions) throws(ImageViewError) {
        self.width = width
        self.height = height
        generation = try GenerationCropPlan(width: width, height: height, policy: options.generation)
        grid = try TileGrid.choose(width: width, height: height, config: options.tiling)
    }
}

/// The pixels of all views of one image: the S×S generation crop, the understanding tiles
/// (row-major) and the optional thumbnail.
public struct ImageViews: Sendable, Equatable {
    public let plan: ImageViewPlan
    public let generation: RGBImage
    public let tiles: [RGBImage]
    public let thumbnail: RGBImage?

    /// The understanding batch in order: tiles, then the thumbnail.
    public var understanding: [RGBImage] { thumbnail.map { tiles + [$0] } ?? tiles }

    /// Builds every view of `image`.
    public init(image: RGBImage, options: ImageViewOptions = ImageViewOptions()) throws(ImageViewError) {
        var scratch = ResampleScratch()
        try self.init(image: image, options: options, scratch: &scratch)
    }

    /// Builds every view of `image`, reusing `scratch` across calls.
    ///
    /// `plannedSize` is the size the geometry is planned for when `image` is a reduced decode of a
    /// larger original (DCT-domain downscaling): grid, resize targets and crops follow the original,
    /// and each resize maps the whole reduced image onto the same target. Nil plans for `image` itself.
    public init(image: RGBImage, options: ImageViewOptions, scratch: inout ResampleScratch,
                plannedSize: ImageSize? = nil) throws(ImageViewError) {
        let plan = try ImageViewPlan(width: plannedSize?.width ?? image.width, height: plannedSize?.height ?? image.height,
                                     options: options)
        self.plan = plan
        generation = try Self.generationView(image: image, plan: plan.generation,
                                             policy: options.generation, passOrder: options.passOrder,
                                             scratch: &scratch)
        let grid = plan.grid
        let resize = ResamplePlan(inWidth: image.width, inHeight: image.height,
                                  outWidth: grid.resizedWidth, outHeight: grid.resizedHeight,
                                  filter: options.tileFilter, passOrder: options.passOrder)
        var tiles: [RGBImage] = []
        tiles.reserveCapacity(grid.tileCount)
        for box in grid.tileBoxes {
            tiles.append(resize.apply(to: image, region: box, scratch: &scratch))
        }
        self.tiles = tiles
        if grid.thumbnail {
            let s = grid.tileSize
            let thumb = ResamplePlan(inWidth: image.width, inHeight: image.height, outWidth: s, outHeight: s,
                                     filter: options.tileFilter, passOrder: options.passOrder)
            thumbnail = thumb.apply(to: image, region: PixelRect(x: 0, y: 0, width: s, height: s),
                                    scratch: &scratch)
        } else {
            thumbnail = nil
        }
    }

    /// The generation view alone (optional box halving, resize, centre crop). Only the crop
    /// is computed; its pixels equal resizing fully and cropping.
    public static func generationView(image: RGBImage, plan: GenerationCropPlan, policy: GenerationCropPolicy,
                                      passOrder: ResamplePassOrder = .default,
                                      scratch: inout ResampleScratch) throws(ImageViewError) -> RGBImage {
        guard plan.cropFits else { throw .invalidSize(policy.size) }
        var source = image
        for step in plan.halvings {
            let p = ResamplePlan(inWidth: source.width, inHeight: source.height,
                                 outWidth: step[0], outHeight: step[1], filter: .box, passOrder: passOrder)
            source = p.apply(to: source, region: PixelRect(x: 0, y: 0, width: step[0], height: step[1]),
                            scratch: &scratch)
        }
        let p = ResamplePlan(inWidth: source.width, inHeight: source.height,
                             outWidth: plan.resizedWidth, outHeight: plan.resizedHeight, filter: policy.filter,
                             passOrder: passOrder)
        return p.apply(to: source, region: plan.crop, scratch: &scratch)
    }
}
