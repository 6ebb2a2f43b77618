/// A token decoder from `tokenizer.json` (`decoder` field): turns the token strings
/// of a sequence of ids back into text. Works on UTF-8 bytes; the final text is
/// produced with U+FFFD for invalid byte sequences (like Rust's `from_utf8_lossy`).
public indirect enum TokenDecoder: Sendable, Equatable {
    /// Byte-level alphabet back to raw bytes.
    case byteLevel
    /// `▁` back to spaces (dropped in the first token unless the scheme is `never`).
    case metaspace(replacement: [UInt8], prependScheme: Metaspace.PrependScheme)
    /// `<0xAB>` tokens back to bytes (U+FFFD per byte when they are not valid UTF-8).
    case byteFallback
    /// Concatenates all tokens into one.
    case fuse
    /// Removes up to `start` leading and `stop` trailing `content` characters per token.
    case strip(content: Unicode.Scalar, start: Int, stop: Int)
    /// Literal replacement in each token.
    case replace(pattern: [UInt8], content: [UInt8])
    /// Several decoders in order.
    case sequence([TokenDecoder])

    static func from(json: JSONValue, path: String) throws(TokenizerError) -> TokenDecoder {
        guard let type = json["type"]?.string else { throw .malformed(path: path, reason: "missing \"type\"") }
        switch type {
        case "ByteLevel": return .byteLevel
        case "ByteFallback": return .byteFallback
        case "Fuse": return .fuse
        case "Metaspace":
            let m = try Metaspace.from(json: json, path: path, component: "decoder")
            return .metaspace(replacement: m.replacement, prependScheme: m.prependScheme)
        case "Strip":
            guard let c = json["content"]?.string, c.unicodeScalars.count == 1,
                  let start = json["start"]?.int, let stop = json["stop"]?.int else {
                throw .malformed(path: path, reason: "Strip needs content (one character), start, stop")
            }
            return .strip(content: c.unicodeScalars.first!, start: start, stop: stop)
        case "Replace":
            guard let content = json["content"]?.stringBytes,
                  let pattern = json["pattern"]?["String"]?.stringBytes, !pattern.isEmpty else {
                throw .unsupported(component: "decoder", type: "Replace without a literal String pattern")
            }
            return .replace(pattern: pattern, content: content)
        case "Sequence":
            guard let items = json["decoders"]?.array else {
                throw .malformed(path: path + ".decoders", reason: "expected array")
            }
            var out: [TokenDecoder] = []
            for (i, item) in items.enumerated() { out.append(try from(json: item, path: "\(path).decoders[\(i)]")) }
            return .sequence(out)
        default:
            throw .unsupported(component: "decoder", type: type)
        }
    }

    /// Transforms the list of token byte strings.
    func decodeChain(_ tokens: [[UInt8]]) -> [[UInt8]] {
        switch self {
        case .byteLevel:
            var bytes: [UInt8] = []
            for t in tokens {
                let start = bytes.count
                var ok = true
                for s in String(decoding: t, as: UTF8.self).unicodeScalars {
                    if let b = ByteLevelAlphabet.scalarToByte[s.value] { bytes.append(b) } else { ok = false; break }
                }
                if !ok { bytes.removeSubrange(start...); bytes.append(contentsOf: t) }
            }
            return [Array(String(decoding: bytes, as: UTF8.self).utf8)]
        case let .metaspace(rep, scheme):
            return tokens.enumerated().map { i, t in
                let content: [UInt8] = (i == 0 && scheme != .never) ? [] : [0x20]
                return Normalizer.replaceAll(t, rep, content)
            }
        case .byteFallback:
            var out: [[UInt8]] = []
            var pending: [UInt8] = []
            func flush() {
                guard !pending.isEmpty else { return }
                if String(validating: pending, as: UTF8.self) != nil {
                    out.append(pending)
                } else {
                    for _ in pending { out.append([0xEF, 0xBF, 0xBD]) }
                }
                pending.removeAll()
            }
            for t in tokens {
                if let b = Self.byteToken(t) { pending.append(b); continue }
                flush()
                out.append(t)
            }
            flush()
            return out
        case .fuse:
            return [tokens.flatMap { $0 }]
        case let .strip(content, start, stop):
            return tokens.map { t in
                let scalars = Array(String(decoding: t, as: UTF8.self).unicodeScalars)
                var lo = 0
                while lo < start && lo < scalars.count && scalars[lo] == content { lo += 1 }
                var hi = scalars.count
                var cut = 0
                while cut < stop && hi > lo && scalars[hi - 1] == content { hi -= 1; cut += 1 }
                var s = String.UnicodeScalarView()
                s.append(contentsOf: scalars[lo..<hi])
                return Array(String(s).utf8)
            }
        case let .replace(pattern, content):
            return tokens.map { Normalizer.replaceAll($0, pattern, content) }
        case let .sequence(list):
            var t = tokens
            for d in list { t = d.decodeChain(t) }
            return t
        }
    }

    /// The byte of a `<0xAB>` token, if it is one.
    static func byteToken(_ t: [UInt8]) -> UInt8? {
        guard t.count == 6, t[0] == 0x3C, t[1] == 0x30, t[2] == 0x78, t[5] == 0x3E else { return nil }
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: return b - 0x30
            case 0x41...0x46: return b - 0x41 + 10
            case 0x61...0x66: return b - 0x61 + 10
            default: return nil
            }
        }
        guard let h = hex(t[3]), let l = hex(t[4]) else { return nil }
        return h << 4 | l
    }
}
