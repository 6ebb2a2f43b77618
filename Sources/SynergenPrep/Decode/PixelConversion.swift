/// In-place conversions of decoded rows to RGB, with Pillow's integer arithmetic so the pixels
/// equal what `Image.convert` / `Image.alpha_composite` produce.
enum PixelConversion {
    /// RGBA over an opaque white background → RGB, in place (the buffer's first `count/4*3` bytes).
    /// Same rounding as Pillow's `ImagingAlphaComposite` with an opaque white destination.
    static func compositeOnWhite(_ buffer: UnsafeMutableBufferPointer<UInt8>, pixelCount: Int) {
        var s = 0, d = 0
        for _ in 0..<pixelCount {
            let a = UInt32(buffer[s + 3])
            if a == 255 {
                buffer[d] = buffer[s]; buffer[d + 1] = buffer[s + 1]; buffer[d + 2] = buffer[s + 2]
            } else if a == 0 {
                buffer[d] = 255; buffer[d + 1] = 255; buffer[d + 2] = 255
            } else {
                // coef1 = a·128, coef2 = (255−a)·128 when the destination is opaque white.
                let coef1 = a * 128, background = 255 * (255 - a) * 128 + 0x4000
                for c in 0..<3 {
                    let t = UInt32(buffer[s + c]) * coef1 + background
                    buffer[d + c] = UInt8(truncatingIfNeeded: (((t >> 8) + t) >> 8) >> 7)
                }
            }
            s += 4; d += 3
        }
    }

    /// Inverted (Adobe) CMYK as libjpeg returns it → RGB, in place. Pillow reads CMYK JPEGs as
    /// "CMYK;I" and converts with `cmyk2rgb`: v = 255−k' − (c'·(255−k'))/255, c' = 255−c.
    static func cmykToRGB(_ buffer: UnsafeMutableBufferPointer<UInt8>, pixelCount: Int) {
        var s = 0, d = 0
        for _ in 0..<pixelCount {
            let nk = Int(buffer[s + 3])  // 255 − (255 − k)
            for c in 0..<3 {
                let inverted = 255 - Int(buffer[s + c])
                let t = inverted * nk + 128
                let v = nk - (((t >> 8) + t) >> 8)
                buffer[d + c] = UInt8(clamping: v)
            }
            s += 4; d += 3
        }
    }
}
