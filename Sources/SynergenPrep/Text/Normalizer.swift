import Foundation

/// A text normaliser from `tokenizer.json` (`normalizer` field), applied to the text
/// between added tokens before pre-tokenisation. Works on UTF-8 bytes.
public indirect enum Normalizer: Sendable, Equatable {
    /// Unicode canonical composition (NFC).
    case nfc
    /// Unicode compatibility composition (NFKC).
    case nfkc
    /// Prepends a string to any non-empty text (Llama-style `▁`).
    case prepend([UInt8])
    /// Replaces every occurrence of a literal string.
    case replace(pattern: [UInt8], content: [UInt8])
    /// Applies several normalisers in order.
    case sequence([Normalizer])

    /// Builds a normaliser from its JSON description; unknown types are an error.
    static func from(json: JSONValue, path: String) throws(TokenizerError) -> Normalizer {
        guard let type = json["type"]?.string else {
            throw .malformed(path: path, reason: "missing \"type\"")
        }
        switch type {
        case "NFC": return .nfc
        case "NFKC": return .nfkc
        case "Prepend":
            guard let s = json["prepend"]?.stringBytes else {
                throw .malformed(path: path + ".prepend", reason: "expected string")
            }
            return .prepend(s)
        case "Replace":
            guard let content = json["content"]?.stringBytes else {
                throw .malformed(path: path + ".content", reason: "expected string")
            }
            guard let pattern = json["pattern"]?["String"]?.stringBytes else {
                if json["pattern"]?["Regex"] != nil {
                    throw .unsupported(component: "normalizer (\(path))", type: "Replace with a Regex pattern")
                }
                throw .malformed(path: path + ".pattern", reason: "expected {\"String\": …}")
            }
            guard !pattern.isEmpty else {
                throw .malformed(path: path + ".pattern", reason: "empty pattern")
            }
            return .replace(pattern: pattern, content: content)
        case "Sequence":
            guard let items = json["normalizers"]?.array else {
                throw .malformed(path: path + ".normalizers", reason: "expected array")
            }
            var out: [Normalizer] = []
            for (i, item) in items.enumerated() {
                out.append(try from(json: item, path: "\(path).normalizers[\(i)]"))
            }
            return .sequence(out)
        default:
            throw .unsupported(component: "normalizer", type: type)
        }
    }

    /// Normalises UTF-8 text.
    func apply(_ text: [UInt8]) -> [UInt8] {
        switch self {
        case .nfc:
            return UnicodeNormalization.normalize(text, compatibility: false)
        case .nfkc:
            return UnicodeNormalization.normalize(text, compatibility: true)
        case let .prepend(p):
            return text.isEmpty ? text : p + text
        case let .replace(pattern, content):
            return Self.replaceAll(text, pattern, content)
        case let .sequence(list):
            var t = text
            for n in list { t = n.apply(t) }
            return t
        }
    }

    /// Literal left-to-right non-overlapping replacement on UTF-8 bytes.
    static func replaceAll(_ text: [UInt8], _ pattern: [UInt8], _ content: [UInt8]) -> [UInt8] {
        let m = pattern.count
        guard text.count >= m else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        let first = pattern[0]
        while i < text.count {
            if text[i] == first && i + m <= text.count && text[i..<(i + m)].elementsEqual(pattern) {
                out.append(contentsOf: content)
                i += m
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }
}
