/// A minimal JSON document model used to read `tokenizer.json`.
///
/// Strings are kept as raw UTF-8 bytes (not `Swift.String`) because Swift string
/// equality is canonical-equivalence based: two vocabulary entries that differ only
/// in Unicode normalisation must stay distinct, exactly as in the Rust library.
/// Objects keep their key order.
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string([UInt8])
    case array([JSONValue])
    case object([(key: [UInt8], value: JSONValue)])

    /// Parses a complete JSON document.
    static func parse(_ bytes: [UInt8]) throws(TokenizerError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.pos != bytes.count {
            throw .invalidJSON(offset: parser.pos, reason: "trailing characters")
        }
        return value
    }

    /// Member lookup for objects (nil for other kinds or missing keys).
    subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        let k = Array(key.utf8)
        for m in members where m.key == k { return m.value }
        return nil
    }

    var isNull: Bool { if case .null = self { return true }; return false }

    var stringBytes: [UInt8]? { if case let .string(s) = self { return s }; return nil }

    var string: String? { stringBytes.map { String(decoding: $0, as: UTF8.self) } }

    var bool: Bool? { if case let .bool(b) = self { return b }; return nil }

    var int: Int? {
        if case let .number(d) = self, d == d.rounded(), abs(d) < 9.0e15 { return Int(d) }
        return nil
    }

    var array: [JSONValue]? { if case let .array(a) = self { return a }; return nil }

    var members: [(key: [UInt8], value: JSONValue)]? {
        if case let .object(m) = self { return m }
        return nil
    }

    /// Short human description of the kind, for error messages.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

/// Recursive-descent JSON parser over a byte array.
struct JSONParser {
    let bytes: [UInt8]
    var pos = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func skipWhitespace() {
        while pos < bytes.count {
            let b = bytes[pos]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { pos += 1 } else { break }
        }
    }

    mutating func parseValue(depth: Int) throws(TokenizerError) -> JSONValue {
        guard depth < 512 else { throw .invalidJSON(offset: pos, reason: "nesting too deep") }
        guard pos < bytes.count else { throw .invalidJSON(offset: pos, reason: "unexpected end") }
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            pos += 1
            var members: [(key: [UInt8], value: JSONValue)] = []
            skipWhitespace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                    throw .invalidJSON(offset: pos, reason: "expected object key")
                }
                let key = try parseString()
                skipWhitespace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else {
                    throw .invalidJSON(offset: pos, reason: "expected ':'")
                }
                pos += 1
                skipWhitespace()
                let value = try parseValue(depth: depth + 1)
                members.append((key, value))
                skipWhitespace()
                guard pos < bytes.count else { throw .invalidJSON(offset: pos, reason: "unterminated object") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
                throw .invalidJSON(offset: pos, reason: "expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            pos += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            while true {
                skipWhitespace()
                items.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard pos < bytes.count else { throw .invalidJSON(offset: pos, reason: "unterminated array") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
                throw .invalidJSON(offset: pos, reason: "expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null"); return .null
        default:
            return .number(try parseNumber())
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(TokenizerError) {
        let n = literal.utf8CodeUnitCount
        guard pos + n <= bytes.count else { throw .invalidJSON(offset: pos, reason: "bad literal") }
        let p = literal.utf8Start
        for i in 0..<n where bytes[pos + i] != p[i] {
            throw .invalidJSON(offset: pos, reason: "bad literal")
        }
        pos += n
    }

    mutating func parseNumber() throws(TokenizerError) -> Double {
        let start = pos
        while pos < bytes.count {
            let b = bytes[pos]
            if (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+")
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                pos += 1
            } else { break }
        }
        guard pos > start, let d = Double(String(decoding: bytes[start..<pos], as: UTF8.self)) else {
            throw .invalidJSON(offset: start, reason: "invalid number or unexpected character")
        }
        return d
    }

    private func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30)
        case 0x41...0x46: return UInt32(b - 0x41 + 10)
        case 0x61...0x66: return UInt32(b - 0x61 + 10)
        default: return nil
        }
    }

    private mutating func parseHex4() throws(TokenizerError) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw .invalidJSON(offset: pos, reason: "short \\u escape") }
        var v: UInt32 = 0
        for i in 0..<4 {
            guard let h = hexValue(bytes[pos + i]) else { throw .invalidJSON(offset: pos, reason: "bad \\u escape") }
            v = v << 4 | h
        }
        pos += 4
        return v
    }

    mutating func parseString() throws(TokenizerError) -> [UInt8] {
        pos += 1 // opening quote
        var out: [UInt8] = []
        // Fast path: copy runs without escapes.
        while true {
            let runStart = pos
            while pos < bytes.count, bytes[pos] != UInt8(ascii: "\""), bytes[pos] != UInt8(ascii: "\\") { pos += 1 }
            guard pos < bytes.count else { throw .invalidJSON(offset: runStart, reason: "unterminated string") }
            out.append(contentsOf: bytes[runStart..<pos])
            if bytes[pos] == UInt8(ascii: "\"") { pos += 1; return out }
            pos += 1 // backslash
            guard pos < bytes.count else { throw .invalidJSON(offset: pos, reason: "unterminated escape") }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var cp = try parseHex4()
                if cp >= 0xD800 && cp < 0xDC00, pos + 6 <= bytes.count,
                   bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") {
                    let save = pos
                    pos += 2
                    let lo = try parseHex4()
                    if lo >= 0xDC00 && lo < 0xE000 {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                    } else {
                        pos = save
                    }
                }
                let scalar = Unicode.Scalar(cp) ?? "\u{FFFD}"
                out.append(contentsOf: UTF8.encode(scalar)!)
            default:
                throw .invalidJSON(offset: pos - 1, reason: "bad escape")
            }
        }
    }
}
