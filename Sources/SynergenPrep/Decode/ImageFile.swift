import Foundation

/// Image files on disk, for the commands that take image paths (`image plan`, `image preprocess`,
/// `vq encode`): decode one, or write one as PNG.
public enum ImageFile {
    /// Reads and decodes a JPEG or PNG file (EXIF orientation applied, alpha composited onto white).
    public static func decode(path: String, options: DecodeOptions = DecodeOptions()) throws -> DecodedImage {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImageDecodeError(.corrupt, "\(path): cannot read the file")
        }
        do { return try ImageDecoder().decode([UInt8](data), options: options) } catch {
            throw ImageDecodeError(error.reason, "\(path): \(error.message)")
        }
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
