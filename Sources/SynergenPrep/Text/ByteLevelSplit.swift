/// Native implementation of the word-splitting regexes used by byte-level BPE
/// tokenizers, with exactly the semantics of the Rust `regex`/`fancy-regex` crates
/// (leftmost-first alternation, greedy classes, `\s+(?!\S)` backtracking).
///
/// Supported patterns (recognised by their exact text in `tokenizer.json`):
/// * `.qwen2`: Qwen2's pattern (single digits: `\p{N}`);
/// * `.cl100k`: the GPT-4 / Llama-3 pattern (digit runs of 1–3: `\p{N}{1,3}`);
/// * `.gpt2`: the classic GPT-2 pattern used by `ByteLevel` with `use_regex: true`.
public enum ByteLevelSplit: Sendable, Equatable {
    case qwen2
    case cl100k
    case gpt2

    static let qwen2Pattern =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let cl100kPattern =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let gpt2Pattern =
        #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#

    /// The split matching a regex string from `tokenizer.json`, if it is one we implement.
    init?(pattern: String) {
        switch pattern {
        case Self.qwen2Pattern: self = .qwen2
        case Self.cl100kPattern: self = .cl100k
        case Self.gpt2Pattern: self = .gpt2
        default: return nil
        }
    }

    /// Appends the end offsets of the pieces of `p[start..<end]` to `ends`.
    /// Pieces are contiguous and cover the whole range (`Isolated` behaviour).
    func split(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, into ends: inout [Int]) {
        switch self {
        case .qwen2: splitModern(p, start, end, maxDigits: 1, into: &ends)
        case .cl100k: splitModern(p, start, end, maxDigits: 3, into: &ends)
        case .gpt2: splitGPT2(p, start, end, into: &ends)
        }
    }

    @inline(__always)
    private static func cls(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> (UInt8, Int) {
        let b = p[i]
        if b < 0x80 { return (asciiClass[Int(b)], 1) }
        let (v, n) = decodeScalar(p, i)
        return (UnicodeClass.of(v), n)
    }

    private static let asciiClass: [UInt8] = (0..<128).map { UnicodeClass.of(UInt32($0)) }

    private static let letterBit = UnicodeClass.letter
    private static let numberBit = UnicodeClass.number
    private static let spaceBit = UnicodeClass.space
    private static let lnsBits = UnicodeClass.letter | UnicodeClass.number | UnicodeClass.space

    /// Length of a contraction (`'s`, `'re`, …) at `i` (which holds `'`), or 0.
    @inline(__always)
    private static func contraction(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int, caseInsensitive: Bool) -> Int {
        guard i + 1 < end else { return 0 }
        var c1 = UInt32(p[i + 1])
        var n1 = 1
        if c1 >= 0x80 { (c1, n1) = decodeScalar(p, i + 1) }
        func fold(_ c: UInt32) -> UInt32 {
            if !caseInsensitive { return c }
            if c >= 0x41 && c <= 0x5A { return c + 32 }
            if c == 0x17F { return 0x73 } // LATIN SMALL LETTER LONG S folds to 's'
            return c
        }
        let f1 = fold(c1)
        switch f1 {
        case 0x73, 0x74, 0x6D, 0x64: // s t m d
            return 1 + n1
        case 0x72, 0x76, 0x6C: // r v l
            let j = i + 1 + n1
            guard j < end else { return 0 }
            var c2 = UInt32(p[j])
            var n2 = 1
            if c2 >= 0x80 { (c2, n2) = decodeScalar(p, j) }
            let want: UInt32 = f1 == 0x6C ? 0x6C : 0x65
            return fold(c2) == want ? 1 + n1 + n2 : 0
        default:
            return 0
        }
    }

    private func splitModern(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, maxDigits: Int, into ends: inout [Int]) {
        let L = Self.letterBit, N = Self.numberBit, S = Self.spaceBit, LNS = Self.lnsBits
        var i = start
        while i < end {
            let c = p[i]
            let (cc, n) = Self.cls(p, i)
            // 1. (?i:'s|'t|'re|'ve|'m|'ll|'d)
            if c == 0x27 {
                let k = Self.contraction(p, i, end, caseInsensitive: true)
                if k > 0 { i += k; ends.append(i); continue }
            }
            // 2. [^\r\n\p{L}\p{N}]?\p{L}+
            if cc & L != 0 {
                var j = i + n
                while j < end { let (k, m) = Self.cls(p, j); if k & L == 0 { break }; j += m }
                i = j; ends.append(i); continue
            }
            if cc & N == 0 && c != 0x0D && c != 0x0A && i + n < end {
                let (k, m) = Self.cls(p, i + n)
                if k & L != 0 {
                    var j = i + n + m
                    while j < end { let (k2, m2) = Self.cls(p, j); if k2 & L == 0 { break }; j += m2 }
                    i = j; ends.append(i); continue
                }
            }
            // 3. \p{N} or \p{N}{1,3}
            if cc & N != 0 {
                var j = i + n
                var count = 1
                while count < maxDigits && j < end {
                    let (k, m) = Self.cls(p, j)
                    if k & N == 0 { break }
                    j += m; count += 1
                }
                i = j; ends.append(i); continue
            }
            // 4. ` ?[^\s\p{L}\p{N}]+[\r\n]*`
            var k0 = i
            if c == 0x20 { k0 = i + 1 }
            if k0 < end, Self.cls(p, k0).0 & LNS == 0 {
                var j = k0
                while j < end { let (k, m) = Self.cls(p, j); if k & LNS != 0 { break }; j += m }
                while j < end && (p[j] == 0x0D || p[j] == 0x0A) { j += 1 }
                i = j; ends.append(i); continue
            }
            // Here c is whitespace. 5. \s*[\r\n]+
            var j = i
            var lastNL = -1
            var lastCharStart = i
            var chars = 0
            while j < end {
                let (k, m) = Self.cls(p, j)
                if k & S == 0 { break }
                if p[j] == 0x0D || p[j] == 0x0A { lastNL = j }
                lastCharStart = j
                chars += 1
                j += m
            }
            if lastNL >= 0 { i = lastNL + 1; ends.append(i); continue }
            // 6. \s+(?!\S)   7. \s+
            if j == end || chars < 2 { i = j } else { i = lastCharStart }
            ends.append(i)
        }
    }

    private func splitGPT2(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, into ends: inout [Int]) {
        let L = Self.letterBit, N = Self.numberBit, S = Self.spaceBit, LNS = Self.lnsBits
        var i = start
        while i < end {
            let c = p[i]
            let (cc, n) = Self.cls(p, i)
            if c == 0x27 {
                let k = Self.contraction(p, i, end, caseInsensitive: false)
                if k > 0 { i += k; ends.append(i); continue }
            }
            // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`
            var k0 = i
            var kc = cc
            var kn = n
            if c == 0x20 && i + 1 < end {
                let (k, m) = Self.cls(p, i + 1)
                if k & S == 0 { k0 = i + 1; kc = k; kn = m }
            }
            if kc & S == 0 {
                let want: UInt8 = kc & L != 0 ? L : (kc & N != 0 ? N : 0)
                var j = k0 + kn
                while j < end {
                    let (k, m) = Self.cls(p, j)
                    if want == 0 ? (k & LNS != 0) : (k & want == 0) { break }
                    j += m
                }
                i = j; ends.append(i); continue
            }
            // \s+(?!\S) | \s+
            var j = i
            var lastCharStart = i
            var chars = 0
            while j < end {
                let (k, m) = Self.cls(p, j)
                if k & S == 0 { break }
                lastCharStart = j
                chars += 1
                j += m
            }
            if j == end || chars < 2 { i = j } else { i = lastCharStart }
            ends.append(i)
        }
    }
}
