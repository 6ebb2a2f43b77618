/// One entry of `added_tokens` in `tokenizer.json`: a string that is matched in the
/// input as a whole before the model runs (special tokens such as `<|im_start|>`).
public struct AddedToken: Sendable, Equatable {
    public var id: Int32
    /// UTF-8 content.
    public var content: [UInt8]
    /// Only match when not adjacent to word characters (`\w`).
    public var singleWord: Bool
    /// Absorb whitespace on the left.
    public var lstrip: Bool
    /// Absorb whitespace on the right.
    public var rstrip: Bool
    /// Match against the normalised text instead of the raw input.
    public var normalized: Bool
    /// Special tokens are skipped by `decode(skipSpecial: true)` and are only
    /// recognised in the input when special-token parsing is enabled.
    public var special: Bool

    public var contentString: String { String(decoding: content, as: UTF8.self) }
}

/// A piece of input after added-token extraction.
enum AddedSegment: Equatable {
    case text(Range<Int>)
    case token(Int32)
}

/// Finds added tokens in text with leftmost-longest semantics (like an Aho–Corasick
/// automaton in `LeftmostLongest` mode), applying `single_word`, `lstrip` and `rstrip`.
struct AddedTokenMatcher: Sendable {
    private struct Node: Sendable {
        var children: [UInt8: Int32] = [:]
        var terminal: Int32 = -1 // index into `tokens`
    }
    private var nodes: [Node] = [Node()]
    private var firstByte = [Bool](repeating: false, count: 256)
    let tokens: [AddedToken]

    var isEmpty: Bool { tokens.isEmpty }

    /// `patterns[i]` is the byte string to search for `tokens[i]`.
    init(tokens: [AddedToken], patterns: [[UInt8]]) {
        self.tokens = tokens
        for (ti, p) in patterns.enumerated() where !p.isEmpty {
            var n = 0
            for b in p {
                if let c = nodes[n].children[b] { n = Int(c) } else {
                    nodes.append(Node())
                    nodes[n].children[b] = Int32(nodes.count - 1)
                    n = nodes.count - 1
                }
            }
            if nodes[n].terminal < 0 { nodes[n].terminal = Int32(ti) }
            firstByte[Int(p[0])] = true
        }
    }

    /// Splits `t` into text ranges and added-token ids covering it entirely.
    /// `skipSpecial`: special tokens are not recognised (treated as text).
    func split(_ t: [UInt8], skipSpecial: Bool) -> [AddedSegment] {
        if tokens.isEmpty || t.isEmpty { return t.isEmpty ? [] : [.text(0..<t.count)] }
        var out: [AddedSegment] = []
        var startOffset = 0
        var i = 0
        t.withUnsafeBufferPointer { p in
            while i < p.count {
                guard firstByte[Int(p[i])] else { i += 1; continue }
                var n = 0
                var j = i
                var best = -1
                var bestEnd = i
                while j < p.count, let c = nodes[n].children[p[j]] {
                    n = Int(c); j += 1
                    if nodes[n].terminal >= 0 { best = Int(nodes[n].terminal); bestEnd = j }
                }
                guard best >= 0 else { i += 1; continue }
                let tok = tokens[best]
                var start = i
                var stop = bestEnd
                i = bestEnd // the search resumes after the raw match in every case
                if skipSpecial && tok.special { continue }
                if tok.singleWord {
                    let leftOK = start == 0 || !Self.isWordChar(before: start, p)
                    let rightOK = stop == p.count || !Self.isWordChar(at: stop, p)
                    if !leftOK || !rightOK { continue }
                }
                if tok.lstrip {
                    var s = start
                    while s > 0 {
                        let q = Self.previousScalarStart(s, p)
                        if UnicodeClass.of(decodeScalar(p, q).0) & UnicodeClass.space == 0 { break }
                        s = q
                    }
                    start = max(s, startOffset)
                }
                if tok.rstrip {
                    while stop < p.count {
                        let (v, m) = decodeScalar(p, stop)
                        if UnicodeClass.of(v) & UnicodeClass.space == 0 { break }
                        stop += m
                    }
                }
                if startOffset < start { out.append(.text(startOffset..<start)) }
                out.append(.token(tok.id))
                startOffset = stop
            }
        }
        if startOffset < t.count { out.append(.text(startOffset..<t.count)) }
        return out
    }

    static func previousScalarStart(_ i: Int, _ p: UnsafeBufferPointer<UInt8>) -> Int {
        var q = i - 1
        while q > 0 && p[q] & 0xC0 == 0x80 { q -= 1 }
        return q
    }

    static func isWordChar(before i: Int, _ p: UnsafeBufferPointer<UInt8>) -> Bool {
        let q = previousScalarStart(i, p)
        return UnicodeClass.of(decodeScalar(p, q).0) & UnicodeClass.word != 0
    }

    static func isWordChar(at i: Int, _ p: UnsafeBufferPointer<UInt8>) -> Bool {
        UnicodeClass.of(decodeScalar(p, i).0) & UnicodeClass.word != 0
    }
}
