/// Little-endian appends for the binary shard formats.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { bytes.append(UInt8(v & 0xFF)); bytes.append(UInt8(v >> 8)) }
    mutating func u32(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(s))) } }
    mutating func u64(_ v: UInt64) { for s in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(s))) } }
    mutating func raw(_ v: [UInt8]) { bytes.append(contentsOf: v) }
    /// u32 byte length, then UTF-8.
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u32(UInt32(utf8.count))
        raw(utf8)
    }
    /// u32 count, then the values.
    mutating func u16Array(_ values: [UInt16]) {
        u32(UInt32(values.count))
        bytes.reserveCapacity(bytes.count + values.count * 2)
        for v in values { u16(v) }
    }
    /// u32 count, then the values.
    mutating func i32Array(_ values: [Int32]) {
        u32(UInt32(values.count))
        for v in values { u32(UInt32(bitPattern: v)) }
    }
}

extension ByteWriter {
    /// A view role as the shard formats store it: u8 code (0 generation, 1 tile, 2 thumbnail), u16 tile row, u16 tile col.
    mutating func role(_ role: ViewRole) {
        switch role {
        case .generation: u8(0); u16(0); u16(0)
        case .tile(let row, let col): u8(1); u16(UInt16(row)); u16(UInt16(col))
        case .thumbnail: u8(2); u16(0); u16(0)
        }
    }
}

extension ByteReader {
    /// Reads what `ByteWriter.role` wrote.
    mutating func role() throws(ShardFormatError) -> ViewRole {
        let code = try u8()
        let row = Int(try u16()), col = Int(try u16())
        switch code {
        case 0: return .generation
        case 1: return .tile(row: row, col: col)
        case 2: return .thumbnail
        default: throw ShardFormatError(path: context, message: "unknown view role \(code) at byte \(offset - 5)")
        }
    }
}

/// Little-endian reads with bounds checks; running past the end is a `ShardFormatError`.
struct ByteReader {
    let bytes: [UInt8]
    var offset = 0
    let context: String

    init(_ bytes: [UInt8], context: String) {
        self.bytes = bytes
        self.context = context
    }

    var isAtEnd: Bool { offset == bytes.count }

    private mutating func take(_ n: Int) throws(ShardFormatError) -> Int {
        guard n >= 0, offset + n <= bytes.count else {
            throw ShardFormatError(path: context, message: "record ends early (need \(n) bytes at \(offset) of \(bytes.count))")
        }
        defer { offset += n }
        return offset
    }

    mutating func u8() throws(ShardFormatError) -> UInt8 { bytes[try take(1)] }
    mutating func u16() throws(ShardFormatError) -> UInt16 {
        let i = try take(2)
        return UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8
    }
    mutating func u32() throws(ShardFormatError) -> UInt32 {
        let i = try take(4)
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[i + $1]) << UInt32(8 * $1) }
    }
    mutating func u64() throws(ShardFormatError) -> UInt64 {
        let i = try take(8)
        return (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[i + $1]) << UInt64(8 * $1) }
    }
    mutating func raw(_ n: Int) throws(ShardFormatError) -> [UInt8] {
        let i = try take(n)
        return Array(bytes[i..<(i + n)])
    }
    mutating func string() throws(ShardFormatError) -> String {
        let n = Int(try u32())
        return String(decoding: try raw(n), as: UTF8.self)
    }
    mutating func u16Array() throws(ShardFormatError) -> [UInt16] {
        let n = Int(try u32())
        let i = try take(n * 2)
        return (0..<n).map { UInt16(bytes[i + 2 * $0]) | UInt16(bytes[i + 2 * $0 + 1]) << 8 }
    }
    mutating func i32Array() throws(ShardFormatError) -> [Int32] {
        let n = Int(try u32())
        let i = try take(n * 4)   // the bytes must be there before anything is reserved
        var out: [Int32] = []
        out.reserveCapacity(n)
        for k in 0..<n { out.append(Int32(bitPattern: UInt32(bytes[i + 4 * k]) | UInt32(bytes[i + 4 * k + 1]) << 8
                                     | UInt32(bytes[i + 4 * k + 2]) << 16 | UInt32(bytes[i + 4 * k + 3]) << 24)) }
        return out
    }
}

/// A shard file that does not follow its documented format (FORMAT.md).
public struct ShardFormatError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}
