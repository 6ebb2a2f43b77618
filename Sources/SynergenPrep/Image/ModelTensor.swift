/// Model-ready pixels: float32, planar CHW, scaled to [−1, 1] as `(x/255 − 0.5)/0.5`
/// (computed in `Float` with exactly that operation order, like torchvision's
/// `ToTensor()` + `Normalize(0.5, 0.5)`), batched `[N, 3, H, W]`.
public struct ModelTensor: Sendable, Equatable {
    /// `[count, 3, height, width]`.
    public let shape: [Int]
    /// Row-major data of `shape`.
    public var data: [Float]

    /// Number of floats in one `[3, height, width]` image.
    public static func floatsPerImage(width: Int, height: Int) -> Int { 3 * width * height }

    /// The 256 normalised values, indexed by the 8-bit pixel value.
    public static let lookup: [Float] = (0..<256).map { (Float($0) / 255 - 0.5) / 0.5 }

    /// A batch of equally sized images, e.g. `ImageViews.understanding` → `[N, 3, S, S]`.
    public init(batch images: [RGBImage]) throws(ImageViewError) {
        guard let first = images.first else { shape = [0, 3, 0, 0]; data = []; return }
        let per = Self.floatsPerImage(width: first.width, height: first.height)
        var data = [Float](repeating: 0, count: per * images.count)
        for (n, img) in images.enumerated() {
            guard img.width == first.width, img.height == first.height else {
                throw .invalidSize(img.width)
            }
            try data.withUnsafeMutableBufferPointer { (buf) throws(ImageViewError) in
                try Self.write(img, into: UnsafeMutableBufferPointer(rebasing: buf[(n * per)...]))
            }
        }
        shape = [images.count, 3, first.height, first.width]
        self.data = data
    }

    /// Writes one image as `[3, H, W]` floats into the start of `destination` (no allocation).
    public static func write(_ image: RGBImage, into destination: UnsafeMutableBufferPointer<Float>) throws(ImageViewError) {
        try write(image, region: PixelRect(x: 0, y: 0, width: image.width, height: image.height), into: destination)
    }

    /// Writes `region` of `image` as `[3, region.height, region.width]` floats into the start
    /// of `destination` — e.g. one tile straight out of the grid-resized image.
    public static func write(_ image: RGBImage, region: PixelRect,
                             into destination: UnsafeMutableBufferPointer<Float>) throws(ImageViewError) {
        let plane = region.width * region.height
        guard destination.count >= 3 * plane else { throw .bufferTooSmall(needed: 3 * plane, got: destination.count) }
        guard region.isInside(width: image.width, height: image.height) || plane == 0 else {
            throw .invalidSize(region.width)
        }
        lookup.withUnsafeBufferPointer { lut in
            image.pixels.withUnsafeBufferPointer { px in
                let out = destination.baseAddress!
                for y in 0..<region.height {
                    var p = px.baseAddress! + ((region.y + y) * image.width + region.x) * 3
                    var o = y * region.width
                    for _ in 0..<region.width {
                        out[o] = lut[Int(p[0])]
                        out[plane + o] = lut[Int(p[1])]
                        out[2 * plane + o] = lut[Int(p[2])]
                        p += 3
                        o += 1
                    }
                }
            }
        }
    }
}
