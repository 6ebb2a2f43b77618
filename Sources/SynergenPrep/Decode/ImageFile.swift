import Foundation

/// Image files on disk, for the commands that take image paths (`image plan`, `image preprocess`,
/// `vq encode`): decode one, or write one as PNG.
public enum ImageFile {
    /// Reads and decodes a JPEG or PNG file (EXIF orientation applied, alpha composited onto white).
    public static func decode(path: String, options: DecodeOptions = DecodeOptions()) throws -> DecodedImage {
        let bytes = try read(path)
        do throws(ImageDecodeError) { return try ImageDecoder().decode(bytes, options: options) } catch {
            throw ImageDecodeError(error.reason, "\(path): \(error.message)")
        }
    }

    /// Reads only the header: the upright full-resolution size (no pixels decoded).
    public static func probe(path: String) throws -> ImageSize {
        let bytes = try read(path)
        do throws(ImageDecodeError) { return try ImageDecoder().probe(bytes).1 } catch {
            throw ImageDecodeError(error.reason, "\(path): \(error.message)")
        }
    }

    /// The file's bytes.
    public static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImageDecodeError(.corrupt, "\(path): cannot read the file")
        }
        return [UInt8](data)
    }

    /// Reads and decodes a JPEG or PNG file to RGB.
    public static func load(path: String) throws -> RGBImage { try decode(path: path).image }
}

/// Writes RGB images as PNG files, atomically.
public enum PNGFile {
    public static func write(_ image: RGBImage, to path: String) throws {
        try AtomicFile.write(try PNG.encode(image), to: path)
    }
}
