/// Convenience entry points for Pillow-exact resizing of `RGBImage`s.
///
/// Each call builds a `ResamplePlan` (coefficients for both axes); build the plan yourself
/// and keep a `ResampleScratch` when resizing many images of the same size.
public enum Resampler {
    /// Resizes the whole image to `width`×`height`, exactly as Pillow's
    /// `Image.resize((width, height), filter)` does for an 8-bit RGB image.
    public static func resize(_ image: RGBImage, width: Int, height: Int, filter: ResampleFilter,
                              passOrder: ResamplePassOrder = .default) -> RGBImage {
        resize(image, width: width, height: height, filter: filter,
               region: PixelRect(x: 0, y: 0, width: width, height: height), passOrder: passOrder)
    }

    /// Resizes to `width`×`height` but produces only `region` of the result (the same pixels
    /// as resizing fully and cropping afterwards, without computing the rest).
    public static func resize(_ image: RGBImage, width: Int, height: Int,
                              filter: ResampleFilter, region: PixelRect,
                              passOrder: ResamplePassOrder = .default) -> RGBImage {
        let plan = ResamplePlan(inWidth: image.width, inHeight: image.height,
                                outWidth: width, outHeight: height, filter: filter, passOrder: passOrder)
        var scratch = ResampleScratch()
        return plan.apply(to: image, region: region, scratch: &scratch)
    }
}

extension ResamplePlan {
    /// Resamples `image` (whose size must be the plan's input size) and returns `region` of the output.
    public func apply(to image: RGBImage, region: PixelRect, scratch: inout ResampleScratch) -> RGBImage {
        let n = region.width * region.height * 3
        // Every byte is written by `apply`, so the array is not zero-filled first.
        let out = [UInt8](unsafeUninitializedCapacity: n) { dst, initialized in
            image.pixels.withUnsafeBufferPointer { src in
                apply(source: src, region: region, destination: dst, destinationRowStride: region.width * 3, scratch: &scratch)
            }
            initialized = n
        }
        return RGBImage(width: region.width, height: region.height, pixels: out)
    }
}
