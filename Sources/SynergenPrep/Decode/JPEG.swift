import CTurboJPEG

/// What a JPEG header says, read without decoding any pixels.
public struct JPEGHeader: Sendable, Equatable {
    /// The colour space of the coded components.
    public enum Colorspace: Sendable, Equatable {
        case rgb, ycbcr, gray, cmyk, ycck
        /// Whether the decoder must produce 4-channel CMYK (converted to RGB by us, as Pillow does).
        public var isFourChannel: Bool { self == .cmyk || self == .ycck }
    }
    public var width: Int
    public var height: Int
    public var colorspace: Colorspace
}

/// A DCT-domain scaling factor `numerator/denominator` that libjpeg-turbo can decode at.
public struct JPEGScale: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var numerator: Int
    public var denominator: Int
    public static let one = JPEGScale(numerator: 1, denominator: 1)

    public init(numerator: Int, denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The scaled length of one side, rounded up as libjpeg does.
    public func apply(_ length: Int) -> Int { (length * numerator + denominator - 1) / denominator }
    public var description: String { "\(numerator)/\(denominator)" }
}

/// Wraps the TurboJPEG API (libjpeg-turbo): header reading, decoding to RGB or CMYK, encoding.
///
/// One instance per worker: TurboJPEG handles are not thread-safe. Decoding always uses the
/// accurate integer IDCT (`JDCT_ISLOW`) and fancy upsampling, which is what Pillow's decoder uses.
public final class TurboJPEG {
    private var decompressor: tjhandle?
    private var compressor: tjhandle?

    public init() {}

    deinit {
        if let decompressor { tjDestroy(decompressor) }
        if let compressor { tjDestroy(compressor) }
    }

    /// The scaling factors this libjpeg-turbo supports, largest first (wraps `tjGetScalingFactors`).
    public static let scalingFactors: [JPEGScale] = {
        var count: Int32 = 0
        guard let factors = tjGetScalingFactors(&count) else { return [.one] }
        return (0..<Int(count)).map { JPEGScale(numerator: Int(factors[$0].num), denominator: Int(factors[$0].denom)) }
            .sorted { $0.numerator * $1.denominator > $1.numerator * $0.denominator }
    }()

    /// The smallest supported scale whose output is still at least `minWidth` × `minHeight`.
    /// With `powersOfTwo` only 1/2, 1/4 and 1/8 are considered: the scales Pillow's `Image.draft`
    /// uses (so pixels equal Pillow's draft decode), and the ones libjpeg-turbo has SIMD IDCTs for;
    /// the other n/8 scales decode more slowly than a full-size decode of the same image.
    public static func smallestScale(width: Int, height: Int, minWidth: Int, minHeight: Int,
                                     powersOfTwo: Bool = true) -> JPEGScale {
        var best = JPEGScale.one
        for scale in scalingFactors where scale.numerator <= scale.denominator {
            if powersOfTwo && !(scale.numerator == 1 && [1, 2, 4, 8].contains(scale.denominator)) { continue }
            if scale.apply(width) >= minWidth && scale.apply(height) >= minHeight { best = scale }
        }
        return best
    }

    private func decompressHandle() throws(ImageDecodeError) -> tjhandle {
        if let decompressor { return decompressor }
        guard let handle = tjInitDecompress() else { throw ImageDecodeError(.corrupt, "tjInitDecompress failed") }
        decompressor = handle
        return handle
    }

    /// Drops the decompressor after a failed call: libjpeg-turbo 2.1 does not reset a handle after
    /// an error, and a reused one then fails every later image (or reports a 0×0 frame).
    private func discardDecompressor() {
        if let decompressor { tjDestroy(decompressor) }
        decompressor = nil
    }

    /// Reads the frame header (wraps `tjDecompressHeader3`).
    public func header(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodeError) -> JPEGHeader {
        let handle = try decompressHandle()
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let source = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let failed = tjDecompressHeader3(handle, source, UInt(bytes.count), &width, &height, &subsampling, &colorspace) != 0
        if failed || width <= 0 || height <= 0 {
            // Data that ends while its markers are still well-formed is truncated; junk is corrupt.
            let markers = JPEGMarkers(scanning: bytes)
            let message = failed ? Self.lastError(handle) : "the data ends before the frame header"
            discardDecompressor()
            if markers.isMalformed && !markers.hasFrame { throw ImageDecodeError(.corrupt, "JPEG: \(message)") }
            if !failed { throw ImageDecodeError(.truncated, "JPEG: \(message)") }
            throw Self.classify(message)
        }
        let space: JPEGHeader.Colorspace
        switch Int(colorspace) {
        case Int(TJCS_RGB.rawValue): space = .rgb
        case Int(TJCS_GRAY.rawValue): space = .gray
        case Int(TJCS_CMYK.rawValue): space = .cmyk
        case Int(TJCS_YCCK.rawValue): space = .ycck
        default: space = .ycbcr
        }
        return JPEGHeader(width: Int(width), height: Int(height), colorspace: space)
    }

    /// Decodes at `scale` into `output`, which must hold `scaledWidth * scaledHeight * channels` bytes;
    /// `channels` is 3 (RGB) or 4 (CMYK, as stored in the file). Wraps `tjDecompress2`.
    ///
    /// A warning that the data ended early is reported as `truncated` (Pillow refuses such files);
    /// other libjpeg warnings (extraneous bytes, ...) are accepted, as Pillow accepts them.
    public func decode(_ bytes: UnsafeRawBufferPointer, header: JPEGHeader, scale: JPEGScale,
                       channels: Int, into output: UnsafeMutablePointer<UInt8>) throws(ImageDecodeError) {
        let handle = try decompressHandle()
        let width = scale.apply(header.width), height = scale.apply(header.height)
        let format = channels == 4 ? TJPF_CMYK : TJPF_RGB
        let source = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let status = tjDecompress2(handle, source, UInt(bytes.count), output, Int32(width), Int32(width * channels),
                                   Int32(height), Int32(format.rawValue), TJFLAG_ACCURATEDCT)
        if status != 0 {
            let message = Self.lastError(handle)
            let isWarning = tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue)
            discardDecompressor()
            if isWarning && !message.contains("Premature end of JPEG file") { return }
            throw Self.classify(message)
        }
    }

    private static func lastError(_ handle: tjhandle) -> String { String(cString: tjGetErrorStr2(handle)) }

    /// Maps a libjpeg message to a reason word.
    private static func classify(_ message: String) -> ImageDecodeError {
        if message.contains("Premature end") { return ImageDecodeError(.truncated, "JPEG: \(message)") }
        // Real variants we cannot decode (lossless, 12-bit, ...); "Unsupported marker type" is junk data.
        if message.contains("Unsupported JPEG") || message.contains("not supported") {
            return ImageDecodeError(.unsupported, "JPEG: \(message)")
        }
        return ImageDecodeError(.corrupt, "JPEG: \(message)")
    }

    /// Chroma subsampling for encoding.
    public enum Subsampling: Int32, Sendable { case s444 = 0, s422 = 1, s420 = 2, gray = 3 }

    /// Encodes interleaved pixels (`channels` 3 = RGB, 1 = gray, 4 = CMYK, stored as YCCK) as a JPEG
    /// (wraps `tjCompress2`). Used by `demo-data` and tests.
    public func encode(_ pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, channels: Int,
                       quality: Int, subsampling: Subsampling, progressive: Bool = false) throws(ImageDecodeError) -> [UInt8] {
        if compressor == nil { compressor = tjInitCompress() }
        guard let handle = compressor else { throw ImageDecodeError(.corrupt, "tjInitCompress failed") }
        let format: TJPF = channels == 1 ? TJPF_GRAY : channels == 4 ? TJPF_CMYK : TJPF_RGB
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let flags = TJFLAG_ACCURATEDCT | (progressive ? TJFLAG_PROGRESSIVE : 0)
        let sampling = channels == 1 ? Subsampling.gray : subsampling
        let status = tjCompress2(handle, pixels.baseAddress, Int32(width), Int32(width * channels), Int32(height),
                                 Int32(format.rawValue), &output, &size, sampling.rawValue, Int32(quality), flags)
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else {
            throw ImageDecodeError(.corrupt, "JPEG encode: \(Self.lastError(handle))")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}
