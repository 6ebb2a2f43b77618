/// The EXIF orientation tag (1–8) of an image and the transform that puts it upright,
/// as Pillow's `ImageOps.exif_transpose` applies it.
public enum EXIFOrientation: Int, Sendable, Equatable {
    case identity = 1, mirrorHorizontal, rotate180, mirrorVertical, transpose, rotate90CW, transverse, rotate90CCW

    /// Whether putting the image upright swaps width and height.
    public var swapsAxes: Bool { rawValue >= 5 }

    /// Reads tag 0x0112 from IFD0 of a TIFF-structured EXIF payload (starting at "II*\0" or "MM\0*",
    /// optionally preceded by "Exif\0\0"). Returns nil when absent, malformed or out of range.
    public init?(exif bytes: [UInt8]) {
        var tiff = bytes[...]
        if tiff.starts(with: Array("Exif".utf8) + [0, 0]) { tiff = tiff.dropFirst(6) }
        let base = tiff.startIndex
        guard tiff.count >= 8 else { return nil }
        let little: Bool
        switch (tiff[base], tiff[base + 1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ offset: Int) -> Int? {
            guard offset >= 0, offset + 2 <= tiff.count else { return nil }
            let a = Int(tiff[base + offset]), b = Int(tiff[base + offset + 1])
            return little ? a | b << 8 : a << 8 | b
        }
        func u32(_ offset: Int) -> Int? {
            guard let lo = u16(little ? offset : offset + 2), let hi = u16(little ? offset + 2 : offset) else { return nil }
            return lo | hi << 16
        }
        guard let ifd = u32(4), let count = u16(ifd) else { return nil }
        for entry in 0..<count {
            let at = ifd + 2 + entry * 12
            guard let tag = u16(at) else { return nil }
            if tag == 0x0112 {
                guard let type = u16(at + 2), let value = type == 4 ? u32(at + 8) : u16(at + 8) else { return nil }
                self.init(rawValue: value)
                return
            }
        }
        return nil
    }

    /// Returns the upright image.
    public func apply(to image: RGBImage) -> RGBImage {
        if self == .identity { return image }
        let w = image.width, h = image.height
        let outW = swapsAxes ? h : w, outH = swapsAxes ? w : h
        var out = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<outH {
                    for x in 0..<outW {
                        // Source pixel for output (x, y).
                        let sx: Int, sy: Int
                        switch self {
                        case .identity: sx = x; sy = y
                        case .mirrorHorizontal: sx = w - 1 - x; sy = y
                        case .rotate180: sx = w - 1 - x; sy = h - 1 - y
                        case .mirrorVertical: sx = x; sy = h - 1 - y
                        case .transpose: sx = y; sy = x
                        case .rotate90CW: sx = y; sy = h - 1 - x
                        case .transverse: sx = w - 1 - y; sy = h - 1 - x
                        case .rotate90CCW: sx = w - 1 - y; sy = x
                        }
                        let s = (sy * w + sx) * 3, d = (y * outW + x) * 3
                        dst[d] = src[s]; dst[d + 1] = src[s + 1]; dst[d + 2] = src[s + 2]
                    }
                }
            }
        }
        return RGBImage(width: outW, height: outH, pixels: out)
    }
}
