/// Per-scalar character classes needed by the native pre-tokenizers and the added-token
/// matcher, with the same meaning as the Rust `regex` crate's Unicode classes:
/// `\p{L}` (general category L*), `\p{N}` (N*), `\s` (White_Space) and `\w`
/// (Alphabetic, M*, Nd, Pc, Join_Control).
///
/// The Basic Multilingual Plane is served from a precomputed table; other planes
/// query the standard library's Unicode properties directly.
enum UnicodeClass {
    static let letter: UInt8 = 1
    static let number: UInt8 = 2
    static let space: UInt8 = 4
    static let word: UInt8 = 8

    /// Class bits of every BMP scalar (surrogates get 0).
    private static let bmp: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 0x10000)
        for v in 0..<0x10000 {
            if let s = Unicode.Scalar(UInt32(v)) { table[v] = compute(s) }
        }
        return table
    }()

    static func compute(_ s: Unicode.Scalar) -> UInt8 {
        let p = s.properties
        var bits: UInt8 = 0
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            bits |= letter | word
        case .decimalNumber:
            bits |= number | word
        case .letterNumber, .otherNumber:
            bits |= number
        case .nonspacingMark, .spacingMark, .enclosingMark, .connectorPunctuation:
            bits |= word
        default:
            break
        }
        if p.isAlphabetic || p.isJoinControl { bits |= word }
        if p.isWhitespace { bits |= space }
        return bits
    }

    /// Class bits of a scalar value.
    @inline(__always)
    static func of(_ v: UInt32) -> UInt8 {
        if v < 0x10000 { return bmp[Int(v)] }
        guard let s = Unicode.Scalar(v) else { return 0 }
        return compute(s)
    }
}

/// Decodes the scalar starting at `i` in a UTF-8 buffer: (value, byte length). A sequence cut by
/// the buffer's end (a word a tokenizer's rules split inside a character) is U+FFFD spanning the
/// rest of the buffer, never a read past it (unsafe buffers are not bounds-checked in release).
@inline(__always)
func decodeScalar(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> (UInt32, Int) {
    let b0 = UInt32(p[i])
    if b0 < 0x80 { return (b0, 1) }
    guard i + utf8Length(lead: UInt8(b0)) <= p.count else { return (0xFFFD, p.count - i) }
    if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F), 2) }
    if b0 < 0xF0 {
        return ((b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F), 3)
    }
    return ((b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6
        | UInt32(p[i + 3] & 0x3F), 4)
}

/// Byte length of the UTF-8 sequence introduced by lead byte `b`.
@inline(__always)
func utf8Length(lead b: UInt8) -> Int {
    if b < 0x80 { return 1 }
    if b < 0xE0 { return 2 }
    if b < 0xF0 { return 3 }
    return 4
}
