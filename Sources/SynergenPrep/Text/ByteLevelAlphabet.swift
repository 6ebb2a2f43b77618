/// The GPT-2 byte ↔ printable-character table used by byte-level BPE: every byte is
/// represented in the vocabulary by one visible Unicode character (e.g. space → `Ġ`).
enum ByteLevelAlphabet {
    /// Scalar value standing for each byte.
    static let byteToScalar: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var extra: UInt32 = 256
        for b in 0..<256 {
            let printable = (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
            if printable { table[b] = UInt32(b) } else { table[b] = extra; extra += 1 }
        }
        return table
    }()

    /// UTF-8 encoding of the character standing for each byte.
    static let byteToUTF8: [[UInt8]] = byteToScalar.map { Array(String(Unicode.Scalar($0)!).utf8) }

    /// Inverse map: scalar value → byte (only for the 256 alphabet characters).
    static let scalarToByte: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (b, s) in byteToScalar.enumerated() { map[s] = UInt8(b) }
        return map
    }()

    /// Maps raw bytes to their byte-level alphabet spelling (UTF-8).
    static func encode<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(contentsOf: byteToUTF8[Int(b)]) }
        return out
    }
}
