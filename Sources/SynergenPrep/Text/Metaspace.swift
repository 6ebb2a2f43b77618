/// SentencePiece-style `Metaspace` pre-tokenizer settings: spaces become the
/// replacement character (`▁`), a replacement is prepended according to the prepend
/// scheme, and (optionally) the text is split before each replacement character.
public struct Metaspace: Sendable, Equatable {
    /// When to prepend the replacement character.
    public enum PrependScheme: String, Sendable {
        /// To every piece that does not already start with it.
        case always
        /// Only to the piece at the very start of the input.
        case first
        /// Never.
        case never
    }

    public var replacement: [UInt8]
    public var prependScheme: PrependScheme
    public var split: Bool

    static func from(json: JSONValue, path: String, component: String) throws(TokenizerError) -> Metaspace {
        guard let rep = json["replacement"]?.stringBytes,
              String(decoding: rep, as: UTF8.self).unicodeScalars.count == 1 else {
            throw .malformed(path: path + ".replacement", reason: "expected a one-character string")
        }
        var scheme = PrependScheme.always
        if let s = json["prepend_scheme"]?.string {
            guard let p = PrependScheme(rawValue: s) else {
                throw .unsupported(component: component, type: "Metaspace prepend_scheme \(s)")
            }
            scheme = p
        } else if let add = json["add_prefix_space"]?.bool {
            scheme = add ? .always : .never
        }
        let split = json["split"]?.bool ?? true
        return Metaspace(replacement: rep, prependScheme: scheme, split: split)
    }

    /// Applies the pre-tokenizer to one piece. `atOrigin`: the piece starts at offset 0
    /// of the original input (matters for `.first`). Appends resulting pieces.
    func apply(_ piece: [UInt8], atOrigin: Bool, into out: inout [[UInt8]]) {
        var t = Normalizer.replaceAll(piece, [0x20], replacement)
        let startsWithRep = t.starts(with: replacement)
        switch prependScheme {
        case .always: if !startsWithRep { t = replacement + t }
        case .first: if !startsWithRep && atOrigin { t = replacement + t }
        case .never: break
        }
        guard split else { if !t.isEmpty { out.append(t) }; return }
        // MergedWithNext: each replacement character begins a new piece.
        let m = replacement.count
        var start = 0
        var i = 0
        while i < t.count {
            if t[i] == replacement[0] && i + m <= t.count && t[i..<(i + m)].elementsEqual(replacement) {
                if i > start { out.append(Array(t[start..<i])) }
                start = i
                i += m
            } else {
                i += 1
            }
        }
        if t.count > start { out.append(Array(t[start..<t.count])) }
    }
}
