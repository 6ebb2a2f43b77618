import CPNGShim

/// Wraps libpng (through the setjmp-safe C shim `CPNGShim`): decoding any PNG to 8-bit RGB or RGBA,
/// and encoding 8-bit RGB.
///
/// Decoding expands palettes, low bit depths and tRNS; 16-bit samples keep their high byte,
/// as Pillow's `;16B` unpackers do.
public enum PNG {
    /// What the header chunks say.
    public struct Header: Sendable, Equatable {
        public var width: Int
        public var height: Int
        public var bitDepth: Int
        public var colorType: Int
        /// Alpha channel or tRNS chunk present: pixels come as RGBA.
        public var hasAlpha: Bool
        /// EXIF payload of an eXIf chunk before the image data.
        public var exif: [UInt8]?
    }

    /// An open decoder positioned after the header chunks; close it with `close()`.
    public struct Reader: ~Copyable {
        fileprivate let handle: OpaquePointer
        public let header: Header

        /// Reads the signature and the chunks before the image data (wraps `png_read_info`).
        public init(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodeError) {
            var decoder: OpaquePointer? = nil
            var raw = sp_png_header()
            var message = [CChar](repeating: 0, count: 256)
            let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
            let status = sp_png_open(base, bytes.count, &decoder, &raw, &message, message.count)
            guard status == Int32(SP_PNG_OK), let decoder else {
                throw PNG.error(status, message)
            }
            handle = decoder
            var exif: [UInt8]? = nil
            if let pointer = raw.exif, raw.exif_length > 0 {
                exif = Array(UnsafeBufferPointer(start: pointer, count: Int(raw.exif_length)))
            }
            header = Header(width: Int(raw.width), height: Int(raw.height), bitDepth: Int(raw.bit_depth),
                            colorType: Int(raw.color_type), hasAlpha: raw.has_alpha != 0, exif: exif)
        }

        /// Channels per pixel that `read` writes: 4 with alpha, else 3.
        public var channels: Int { header.hasAlpha ? 4 : 3 }

        /// Decodes all rows into `output` (`width * height * channels` bytes) (wraps `png_read_image`).
        public func read(into output: UnsafeMutablePointer<UInt8>) throws(ImageDecodeError) {
            var message = [CChar](repeating: 0, count: 256)
            let status = sp_png_read(handle, output, &message, message.count)
            if status != Int32(SP_PNG_OK) { throw PNG.error(status, message) }
        }

        deinit { sp_png_close(handle) }
    }

    fileprivate static func error(_ status: Int32, _ message: [CChar]) -> ImageDecodeError {
        let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch status {
        case Int32(SP_PNG_TRUNCATED): return ImageDecodeError(.truncated, "PNG: \(text)")
        case Int32(SP_PNG_NO_MEMORY): return ImageDecodeError(.tooLarge, "PNG: out of memory")
        default: return ImageDecodeError(.corrupt, "PNG: \(text)")
        }
    }

    /// Encodes an RGB image as PNG bytes (wraps `png_write_image`).
    public static func encode(_ image: RGBImage, compressionLevel: Int = 6) throws(ImageDecodeError) -> [UInt8] {
        try encode(pixels: image.pixels, width: image.width, height: image.height, channels: 3,
                   compressionLevel: compressionLevel)
    }

    /// Encodes 8-bit interleaved pixels with 1 (gray), 3 (RGB) or 4 (RGBA) channels.
    public static func encode(pixels: [UInt8], width: Int, height: Int, channels: Int,
                              compressionLevel: Int = 6) throws(ImageDecodeError) -> [UInt8] {
        precondition(pixels.count == width * height * channels)
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = pixels.withUnsafeBufferPointer {
            sp_png_encode($0.baseAddress, UInt32(width), UInt32(height), Int32(channels), Int32(compressionLevel),
                          &output, &size, &message, message.count)
        }
        defer { sp_png_free(output) }
        guard status == Int32(SP_PNG_OK), let output else { throw error(status, message) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }
}
