/// Decodes image bytes and builds their views in one step, optionally with DCT-domain downscaling.
///
/// With `dctDownscale`, a JPEG much larger than its views need is decoded at the smallest of Pillow's
/// draft scales (1/2, 1/4, 1/8) that still covers `ImageViewPlan.requiredSourceSize`, and the views are
/// resampled from that reduced image. This changes pixels (a scaled IDCT is not Pillow's antialiased
/// resize; `scripts/measure_dct_downscale.py` measures by how much), so it is off by default; without
/// it the views equal the Pillow reference exactly. It is exact whenever no scale below 1/1 applies,
/// i.e. when the image is less than twice the required size on some axis, and for PNGs.
public struct ViewDecoding: Sendable {
    public var options: ImageViewOptions
    public var decodeOptions: DecodeOptions
    public var dctDownscale: Bool

    public init(options: ImageViewOptions = ImageViewOptions(), decodeOptions: DecodeOptions = DecodeOptions(),
                dctDownscale: Bool = false) {
        self.options = options
        self.decodeOptions = decodeOptions
        self.dctDownscale = dctDownscale
    }

    /// The decoded image (possibly reduced) and its views, planned for the full-size upright image.
    public func views(of bytes: [UInt8], decoder: ImageDecoder,
                      scratch: inout ResampleScratch) throws -> (decoded: DecodedImage, views: ImageViews) {
        var decode = decodeOptions
        if dctDownscale {
            let (_, size) = try decoder.probe(bytes)
            decode.minimumSize = try ImageViewPlan(width: size.width, height: size.height, options: options).requiredSourceSize
        }
        let decoded = try decoder.decode(bytes, options: decode)
        let views = try ImageViews(image: decoded.image, options: options, scratch: &scratch,
                                   plannedSize: decoded.originalSize)
        return (decoded, views)
    }
}
