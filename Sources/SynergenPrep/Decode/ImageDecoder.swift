/// How images are decoded: the pixel limit, DCT-domain downscaling, EXIF orientation.
public struct DecodeOptions: Sendable, Equatable {
    /// Images whose header declares more pixels are refused (`too-large`) before any allocation.
    /// The default is Pillow's `Image.MAX_IMAGE_PIXELS`.
    public var maxPixels: Int = 89_478_485
    /// When set, JPEGs are decoded at the smallest libjpeg-turbo DCT scale whose (upright) output is
    /// still at least this size. Nil decodes at full size.
    public var minimumSize: ImageSize? = nil
    /// With `minimumSize`: also use libjpeg-turbo's n/8 scales (3/8, 5/8, ...), not only Pillow's
    /// draft scales 1/2, 1/4, 1/8. Smaller outputs, but slower to decode and never equal to Pillow.
    public var allDCTScales = false
    /// Apply the EXIF orientation tag, as `ImageOps.exif_transpose` does.
    public var applyOrientation = true

    public init(maxPixels: Int = 89_478_485, minimumSize: ImageSize? = nil, allDCTScales: Bool = false,
                applyOrientation: Bool = true) {
        self.maxPixels = maxPixels
        self.minimumSize = minimumSize
        self.allDCTScales = allDCTScales
        self.applyOrientation = applyOrientation
    }
}

/// A decoded, upright, 8-bit RGB image and what was learnt on the way.
public struct DecodedImage: Sendable {
    public var image: RGBImage
    public var format: ImageFormat
    /// Upright size at full resolution (before any DCT scaling).
    public var originalSize: ImageSize
    /// The DCT scale the JPEG was decoded at (1/1 for PNG).
    public var scale: JPEGScale
    public var orientation: EXIFOrientation
}

/// Turns JPEG or PNG bytes into an upright 8-bit RGB image with the same pixels Pillow gives
/// (`ImageOps.exif_transpose(Image.open(f))`, then `convert("RGB")`, alpha composited onto white).
///
/// Known, deliberate difference: 16-bit grayscale PNGs keep the high byte of each sample; Pillow's
/// `I;16 → RGB` conversion clips values above 255, turning nearly every such image white.
///
/// One decoder per worker (it owns a TurboJPEG handle).
public final class ImageDecoder {
    private let jpeg = TurboJPEG()

    public init() {}

    /// Reads only the header: the format and the upright full-resolution size.
    public func probe(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodeError) -> (ImageFormat, ImageSize) {
        switch try Self.format(of: bytes) {
        case .jpeg:
            let header = try jpeg.header(bytes)
            let orientation = EXIFOrientation(exif: JPEGMarkers(scanning: bytes).exif ?? []) ?? .identity
            return (.jpeg, Self.upright(header.width, header.height, orientation))
        default:
            let reader = try PNG.Reader(bytes)
            let orientation = reader.header.exif.flatMap { EXIFOrientation(exif: $0) } ?? .identity
            return (.png, Self.upright(reader.header.width, reader.header.height, orientation))
        }
    }

    /// Reads only the header: the format and the upright full-resolution size.
    public func probe(_ bytes: [UInt8]) throws(ImageDecodeError) -> (ImageFormat, ImageSize) {
        var result: Result<(ImageFormat, ImageSize), ImageDecodeError> = .failure(ImageDecodeError(.corrupt, "not read"))
        bytes.withUnsafeBytes { raw in
            do throws(ImageDecodeError) { result = .success(try probe(raw)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// Decodes JPEG or PNG bytes.
    public func decode(_ bytes: [UInt8], options: DecodeOptions = DecodeOptions()) throws(ImageDecodeError) -> DecodedImage {
        var result: Result<DecodedImage, ImageDecodeError> = .failure(ImageDecodeError(.corrupt, "not decoded"))
        bytes.withUnsafeBytes { raw in
            do throws(ImageDecodeError) { result = .success(try decode(raw, options: options)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// Decodes JPEG or PNG bytes.
    public func decode(_ bytes: UnsafeRawBufferPointer, options: DecodeOptions = DecodeOptions()) throws(ImageDecodeError) -> DecodedImage {
        let format = try Self.format(of: bytes)
        var decoded = format == .jpeg ? try decodeJPEG(bytes, options) : try decodePNG(bytes, options)
        if options.applyOrientation { decoded.image = decoded.orientation.apply(to: decoded.image) }
        return decoded
    }

    private static func format(of bytes: UnsafeRawBufferPointer) throws(ImageDecodeError) -> ImageFormat {
        if bytes.isEmpty { throw ImageDecodeError(.corrupt, "empty image data") }
        let format = ImageFormat(sniffing: bytes)
        switch format {
        case .jpeg, .png: return format
        case .unsupported(let name): throw ImageDecodeError(.unsupported, "\(name) images are not decoded")
        case .unknown:
            let head = bytes.prefix(8).map { String($0, radix: 16) }.joined(separator: " ")
            throw ImageDecodeError(.corrupt, "unrecognised image data (first bytes: \(head))")
        }
    }

    private static func upright(_ width: Int, _ height: Int, _ orientation: EXIFOrientation) -> ImageSize {
        orientation.swapsAxes ? ImageSize(width: height, height: width) : ImageSize(width: width, height: height)
    }

    private static func checkSize(_ width: Int, _ height: Int, _ options: DecodeOptions) throws(ImageDecodeError) {
        if width <= 0 || height <= 0 { throw ImageDecodeError(.corrupt, "image has size \(width)x\(height)") }
        if width * height > options.maxPixels {
            throw ImageDecodeError(.tooLarge, "\(width)x\(height) = \(width * height) pixels exceeds the limit of \(options.maxPixels)")
        }
    }

    /// Allocates `capacity` bytes, lets `fill` write them, and keeps the first `keep` bytes.
    private static func buffer(capacity: Int, keep: Int,
                               _ fill: (UnsafeMutableBufferPointer<UInt8>) throws(ImageDecodeError) -> Void) throws(ImageDecodeError) -> [UInt8] {
        var failure: ImageDecodeError?
        let pixels = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            do throws(ImageDecodeError) {
                try fill(buffer)
                count = keep
            } catch {
                failure = error
                count = 0
            }
        }
        if let failure { throw failure }
        return pixels
    }

    private func decodeJPEG(_ bytes: UnsafeRawBufferPointer, _ options: DecodeOptions) throws(ImageDecodeError) -> DecodedImage {
        let header = try jpeg.header(bytes)
        try Self.checkSize(header.width, header.height, options)
        let markers = JPEGMarkers(scanning: bytes)
        let orientation = markers.exif.flatMap { EXIFOrientation(exif: $0) } ?? .identity
        var scale = JPEGScale.one
        if let minimum = options.minimumSize {
            let (minW, minH) = orientation.swapsAxes && options.applyOrientation
                ? (minimum.height, minimum.width) : (minimum.width, minimum.height)
            scale = TurboJPEG.smallestScale(width: header.width, height: header.height, minWidth: minW, minHeight: minH,
                                            powersOfTwo: !options.allDCTScales)
        }
        let width = scale.apply(header.width), height = scale.apply(header.height)
        let channels = header.colorspace.isFourChannel ? 4 : 3
        let pixels = try Self.buffer(capacity: width * height * channels, keep: width * height * 3) { buffer throws(ImageDecodeError) in
            try jpeg.decode(bytes, header: header, scale: scale, channels: channels, into: buffer.baseAddress!)
            if channels == 4 { PixelConversion.cmykToRGB(buffer, pixelCount: width * height) }
        }
        return DecodedImage(image: RGBImage(width: width, height: height, pixels: pixels), format: .jpeg,
                            originalSize: Self.upright(header.width, header.height, orientation), scale: scale,
                            orientation: orientation)
    }

    private func decodePNG(_ bytes: UnsafeRawBufferPointer, _ options: DecodeOptions) throws(ImageDecodeError) -> DecodedImage {
        let reader = try PNG.Reader(bytes)
        let header = reader.header
        try Self.checkSize(header.width, header.height, options)
        let orientation = header.exif.flatMap { EXIFOrientation(exif: $0) } ?? .identity
        let count = header.width * header.height
        let channels = reader.channels
        let pixels = try Self.buffer(capacity: count * channels, keep: count * 3) { buffer throws(ImageDecodeError) in
            try reader.read(into: buffer.baseAddress!)
            if channels == 4 { PixelConversion.compositeOnWhite(buffer, pixelCount: count) }
        }
        return DecodedImage(image: RGBImage(width: header.width, height: header.height, pixels: pixels), format: .png,
                            originalSize: Self.upright(header.width, header.height, orientation), scale: .one,
                            orientation: orientation)
    }
}
