/// How the generation view (the image the VQ tokenizer encodes) is made: resize so the short
/// side is `size`, then centre-crop the long side to `size` (SynerGen-VL paper §4.1).
///
/// The paper does not say how the long side is rounded, so both reference pipelines are
/// available:
/// * `.truncate` — torchvision `Resize(S)`: long side = `int(S * long / short)` (floor);
/// * `.roundHalfEven` — ADM/LlamaGen `center_crop_arr`: both sides = Python
///   `round(side * (S / short))` (half to even).
/// The crop offset is `(dim − S) // 2` by default (as ADM/LlamaGen slice the array);
/// torchvision's `CenterCrop` instead uses `int(round((dim − S) / 2))`, half to even.
/// **Default**: torchvision long-side rounding, floor offset, bicubic, no box halving.
/// Optional LlamaGen-style box halving first: while the short side ≥ 2·S, resize to
/// `(w // 2, h // 2)` with the BOX filter (as the reference calls `resize(..., BOX)`).
public struct GenerationCropPolicy: Sendable, Equatable, Codable {
    /// How the long side length is rounded after scaling the short side to `size`.
    public enum LongSideRounding: String, Sendable, Codable, CaseIterable {
        case truncate
        case roundHalfEven
    }
    /// How the centre-crop offset is rounded when `dim − size` is odd.
    public enum CropOffset: String, Sendable, Codable, CaseIterable {
        case floorHalf
        case roundHalfEven
    }

    public var size: Int
    public var filter: ResampleFilter
    public var longSide: LongSideRounding
    public var offset: CropOffset
    public var boxHalving: Bool

    public init(size: Int = 512, filter: ResampleFilter = .bicubic, longSide: LongSideRounding = .truncate,
                offset: CropOffset = .floorHalf, boxHalving: Bool = false) {
        self.size = size
        self.filter = filter
        self.longSide = longSide
        self.offset = offset
        self.boxHalving = boxHalving
    }

    /// torchvision `Resize(S)` + `CenterCrop(S)`.
    public static func torchvision(size: Int = 512) -> Self {
        Self(size: size, longSide: .truncate, offset: .roundHalfEven)
    }
    /// ADM / LlamaGen `center_crop_arr`: box halving, rounded resize, floor offset.
    public static func llamaGen(size: Int = 512) -> Self {
        Self(size: size, longSide: .roundHalfEven, offset: .floorHalf, boxHalving: true)
    }
}

/// The geometry of one image's generation view: optional box-halving steps, the resize
/// target, and the crop box, both in resized coordinates and mapped back to the original.
public struct GenerationCropPlan: Sendable, Equatable, Codable {
    public let originalWidth: Int
    public let originalHeight: Int
    /// Sizes after each box-halving step (empty unless halving is on and applies).
    public let halvings: [[Int]]
    /// Size the (halved) image is resized to with `policy.filter`.
    public let resizedWidth: Int
    public let resizedHeight: Int
    /// The S×S crop in resized coordinates.
    public let crop: PixelRect
    /// The crop mapped back to original-image coordinates (nominal footprint, rounded to
    /// the nearest pixel; the filter support reaches slightly beyond it).
    public let cropInOriginal: PixelRect

    /// Plans the generation view of a `width`×`height` image.
    public init(width: Int, height: Int, policy: GenerationCropPolicy) throws(ImageViewError) {
        guard width > 0, height > 0 else { throw .emptyImage(width: width, height: height) }
        let s = policy.size
        guard s >= 1 else { throw .invalidSize(s) }
        originalWidth = width
        originalHeight = height
        var w = width, h = height
        var steps: [[Int]] = []
        if policy.boxHalving {
            while min(w, h) >= 2 * s {
                w /= 2
                h /= 2
                steps.append([w, h])
            }
        }
        halvings = steps
        let short = min(w, h), long = max(w, h)
        let rw: Int, rh: Int
        switch policy.longSide {
        case .truncate:
            let newLong = Int(Double(s * long) / Double(short))
            (rw, rh) = w <= h ? (s, newLong) : (newLong, s)
        case .roundHalfEven:
            let scale = Double(s) / Double(short)
            rw = Int((Double(w) * scale).rounded(.toNearestOrEven))
            rh = Int((Double(h) * scale).rounded(.toNearestOrEven))
        }
        resizedWidth = rw
        resizedHeight = rh
        func offset(_ dim: Int) -> Int {
            switch policy.offset {
            case .floorHalf: return (dim - s) >= 0 ? (dim - s) / 2 : -((s - dim + 1) / 2)
            case .roundHalfEven: return Int((Double(dim - s) / 2.0).rounded(.toNearestOrEven))
            }
        }
        crop = PixelRect(x: offset(rw), y: offset(rh), width: s, height: s)
        let fx = Double(width) / Double(rw), fy = Double(height) / Double(rh)
        let x0 = Int((Double(crop.x) * fx).rounded()), y0 = Int((Double(crop.y) * fy).rounded())
        let x1 = Int((Double(crop.x + s) * fx).rounded()), y1 = Int((Double(crop.y + s) * fy).rounded())
        cropInOriginal = PixelRect(x: x0, y: y0, width: max(x1 - x0, 1), height: max(y1 - y0, 1))
    }

    /// Whether the crop lies inside the resized image (false only for `.roundHalfEven`
    /// rounding on degenerate shapes where a side rounds below S).
    public var cropFits: Bool { crop.isInside(width: resizedWidth, height: resizedHeight) }
}
