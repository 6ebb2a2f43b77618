/// The container format of image bytes, recognised by their signature (never by file extension,
/// since web crawls often store PNGs under `.jpg`).
public enum ImageFormat: Sendable, Equatable {
    case jpeg
    case png
    /// A known image format that this pipeline does not decode, named for the report (e.g. "GIF").
    case unsupported(String)
    /// Bytes that start like no image format we know.
    case unknown

    /// Identifies the format from the first bytes.
    public init(sniffing bytes: some Collection<UInt8>) {
        let head = Array(bytes.prefix(16))
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + prefix.count && Array(head[offset..<offset + prefix.count]) == prefix
        }
        if starts([0xFF, 0xD8, 0xFF]) { self = .jpeg }
        else if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { self = .png }
        else if starts(Array("GIF8".utf8)) { self = .unsupported("GIF") }
        else if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { self = .unsupported("WebP") }
        else if starts(Array("BM".utf8)) { self = .unsupported("BMP") }
        else if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { self = .unsupported("TIFF") }
        else if starts(Array("ftyp".utf8), at: 4) {
            let brand = head.count >= 12 ? String(decoding: head[8..<12], as: UTF8.self) : ""
            switch brand {
            case "avif", "avis": self = .unsupported("AVIF")
            case "heic", "heix", "hevc", "hevx", "mif1", "msf1": self = .unsupported("HEIF")
            default: self = .unsupported("ISO media (\(brand))")
            }
        }
        else if starts([0x00, 0x00, 0x01, 0x00]) { self = .unsupported("ICO") }
        else if starts([0xFF, 0x0A]) || starts([0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20]) { self = .unsupported("JPEG XL") }
        else if starts([0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) || starts([0xFF, 0x4F, 0xFF, 0x51]) { self = .unsupported("JPEG 2000") }
        else if starts(Array("8BPS".utf8)) { self = .unsupported("PSD") }
        else if starts(Array("<svg".utf8)) || starts(Array("<?xml".utf8)) { self = .unsupported("SVG") }
        else { self = .unknown }
    }
}
