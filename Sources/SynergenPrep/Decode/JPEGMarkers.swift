/// The application segments of a JPEG that matter before decoding: the first EXIF payload (APP1)
/// and whether an Adobe APP14 segment is present. Scans markers up to the first scan only.
public struct JPEGMarkers: Sendable, Equatable {
    public var exif: [UInt8]?
    public var hasAdobe = false
    /// A frame header (SOFn) was seen before the first scan.
    public var hasFrame = false
    /// The marker structure broke (junk where a marker should be, impossible length) before a scan.
    public var isMalformed = false

    public init(scanning bytes: UnsafeRawBufferPointer) {
        var i = 2
        let n = bytes.count
        while i + 4 <= n {
            guard bytes[i] == 0xFF else { isMalformed = true; return }
            var marker = bytes[i + 1]
            i += 2
            while marker == 0xFF && i < n { marker = bytes[i]; i += 1 }  // fill bytes
            if marker == 0xDA || marker == 0xD9 { return }  // start of scan / end of image
            if (0xD0...0xD7).contains(marker) || marker == 0x01 { continue }  // no length
            guard i + 2 <= n else { return }
            let length = Int(bytes[i]) << 8 | Int(bytes[i + 1])
            if length < 2 { isMalformed = true; return }
            if [0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF].contains(marker) { hasFrame = true }
            guard i + length <= n else { return }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[(i + 2)..<(i + length)])
            if marker == 0xE1, exif == nil, payload.starts(with: Array("Exif".utf8) + [0, 0]) {
                exif = Array(payload.dropFirst(6))
            } else if marker == 0xEE, payload.starts(with: Array("Adobe".utf8)) {
                hasAdobe = true
            }
            i += length
        }
    }
}
