/// A byte-pair-encoding model loaded from the `model` section of `tokenizer.json`:
/// vocabulary, merge ranks and the options that change how words are split into
/// initial symbols (`byte_fallback`, `unk_token`, `fuse_unk`, `ignore_merges`,
/// `continuing_subword_prefix`, `end_of_word_suffix`).
///
/// Merging applies the lowest-rank adjacent pair first (leftmost on ties) until no
/// pair has a merge — linear scans for short words, a binary heap for long ones.
public struct BPEModel: Sendable {
    /// Token spelling (UTF-8 bytes) → id.
    let vocab: [[UInt8]: Int32]
    /// id → spelling; nil where the id is unused.
    let idToToken: [[UInt8]?]
    let merges: PairTable
    /// id of the byte-alphabet character for each byte, -1 when missing.
    let byteLevelIds: [Int32]
    /// id of every single-scalar token.
    let scalarIds: [UInt32: Int32]
    /// id of `<0xAB>` for each byte (-1 when missing); nil without `byte_fallback`.
    let byteFallbackIds: [Int32]?
    let unkId: Int32?
    let fuseUnk: Bool
    let ignoreMerges: Bool
    let prefix: [UInt8]
    let suffix: [UInt8]
    let cache = WordCache(capacity: 100_000)

    /// Number of entries in the model vocabulary.
    public var vocabCount: Int { vocab.count }

    static func from(json: JSONValue) throws(TokenizerError) -> BPEModel {
        guard let type = json["type"]?.string else {
            // Files without "type" are BPE when they carry merges.
            guard json["merges"] != nil else { throw .malformed(path: "model", reason: "missing \"type\"") }
            return try build(json)
        }
        guard type == "BPE" else { throw .unsupported(component: "model", type: type) }
        return try build(json)
    }

    /// The model from its JSON, checked in this order: no dropout, the vocabulary, the subword
    /// affixes, the merges (every token known), then the lookup tables and `unk_token`.
    private static func build(_ json: JSONValue) throws(TokenizerError) -> BPEModel {
        if let d = json["dropout"], !d.isNull {
            if case let .number(v) = d, v == 0 {} else {
                throw .unsupported(component: "model", type: "BPE with dropout (non-deterministic)")
            }
        }
        let (vocab, idToToken) = try vocabulary(json)
        let prefix = try optionalString(json, "continuing_subword_prefix")
        let suffix = try optionalString(json, "end_of_word_suffix")
        let merges = try mergeTable(json, vocab: vocab, prefix: prefix)
        var unkId: Int32? = nil
        if let u = json["unk_token"], !u.isNull {
            guard let ub = u.stringBytes else { throw .malformed(path: "model.unk_token", reason: "expected string") }
            unkId = vocab[ub]
        }
        return BPEModel(
            vocab: vocab, idToToken: idToToken, merges: merges, byteLevelIds: byteLevelIds(vocab),
            scalarIds: scalarIds(vocab),
            byteFallbackIds: json["byte_fallback"]?.bool == true ? byteFallbackIds(vocab) : nil, unkId: unkId,
            fuseUnk: json["fuse_unk"]?.bool ?? false, ignoreMerges: json["ignore_merges"]?.bool ?? false,
            prefix: prefix, suffix: suffix)
    }

    /// `model.vocab`: spelling → id, and id → spelling.
    /// Ids at or above this are refused (4,194,304: ten times the largest vocabularies in use).
    static let maxVocabularyID = 1 << 22

    private static func vocabulary(_ json: JSONValue) throws(TokenizerError) -> ([[UInt8]: Int32], [[UInt8]?]) {
        guard let vocabMembers = json["vocab"]?.members else {
            throw .malformed(path: "model.vocab", reason: "expected object")
        }
        var vocab: [[UInt8]: Int32] = [:]
        vocab.reserveCapacity(vocabMembers.count)
        var maxId = -1
        for (k, v) in vocabMembers {
            // The id → token table is dense: an id far beyond any real vocabulary would allocate it huge.
            guard let id = v.int, id >= 0, id < maxVocabularyID else {
                throw .malformed(path: "model.vocab[\(String(decoding: k, as: UTF8.self).debugDescription)]",
                                 reason: "expected an integer id from 0 to \(maxVocabularyID - 1)")
            }
            vocab[k] = Int32(id)
            maxId = max(maxId, id)
        }
        var idToToken = [[UInt8]?](repeating: nil, count: maxId + 1)
        for (k, v) in vocab { idToToken[Int(v)] = k }
        return (vocab, idToToken)
    }

    /// A string member of `model` as bytes; empty when absent or null.
    private static func optionalString(_ json: JSONValue, _ key: String) throws(TokenizerError) -> [UInt8] {
        guard let v = json[key], !v.isNull else { return [] }
        guard let s = v.stringBytes else { throw .malformed(path: "model.\(key)", reason: "expected string or null") }
        return s
    }

    /// `model.merges` as a pair table: rank and merged id of every pair, each token in `vocab`.
    private static func mergeTable(_ json: JSONValue, vocab: [[UInt8]: Int32], prefix: [UInt8]) throws(TokenizerError) -> PairTable {
        guard let mergeList = json["merges"]?.array else {
            throw .malformed(path: "model.merges", reason: "expected array")
        }
        var merges = PairTable(capacityFor: mergeList.count)
        for (rank, m) in mergeList.enumerated() {
            let (a, b) = try mergePair(m, rank: rank)
            guard let ia = vocab[a] else { throw .unknownMergeToken(rank: rank, token: String(decoding: a, as: UTF8.self)) }
            guard let ib = vocab[b] else { throw .unknownMergeToken(rank: rank, token: String(decoding: b, as: UTF8.self)) }
            var joined = a
            if !prefix.isEmpty && b.starts(with: prefix) { joined += b[prefix.count...] } else { joined += b }
            guard let inew = vocab[joined] else {
                throw .unknownMergeToken(rank: rank, token: String(decoding: joined, as: UTF8.self))
            }
            merges.insert(ia, ib, rank: Int32(rank), newId: inew)
        }
        return merges
    }

    /// One merge, written `"left right"` or `["left", "right"]`.
    private static func mergePair(_ m: JSONValue, rank: Int) throws(TokenizerError) -> ([UInt8], [UInt8]) {
        switch m {
        case let .string(s):
            let spaces = s.indices.filter { s[$0] == 0x20 }
            guard spaces.count == 1 else {
                throw .malformed(path: "model.merges[\(rank)]", reason: "expected \"left right\"")
            }
            return (Array(s[..<spaces[0]]), Array(s[(spaces[0] + 1)...]))
        case let .array(pair):
            guard pair.count == 2, let l = pair[0].stringBytes, let r = pair[1].stringBytes else {
                throw .malformed(path: "model.merges[\(rank)]", reason: "expected [left, right]")
            }
            return (l, r)
        default:
            throw .malformed(path: "model.merges[\(rank)]", reason: "expected string or pair, got \(m.kindName)")
        }
    }

    /// The id of each byte's byte-level character, -1 when missing.
    private static func byteLevelIds(_ vocab: [[UInt8]: Int32]) -> [Int32] {
        (0..<256).map { vocab[ByteLevelAlphabet.byteToUTF8[$0]] ?? -1 }
    }

    /// The id of every token that is one Unicode scalar.
    private static func scalarIds(_ vocab: [[UInt8]: Int32]) -> [UInt32: Int32] {
        var ids: [UInt32: Int32] = [:]
        for (k, v) in vocab where !k.isEmpty && k.count <= 4 && utf8Length(lead: k[0]) == k.count {
            ids[k.withUnsafeBufferPointer { decodeScalar($0, 0).0 }] = v
        }
        return ids
    }

    /// The id of `<0xAB>` for each byte, -1 when missing.
    private static func byteFallbackIds(_ vocab: [[UInt8]: Int32]) -> [Int32] {
        let hex = Array("0123456789ABCDEF".utf8)
        return (0..<256).map { b in vocab[[0x3C, 0x30, 0x78, hex[b >> 4], hex[b & 15], 0x3E]] ?? -1 }
    }

    /// Token spelling for an id of the model vocabulary.
    func token(for id: Int32) -> [UInt8]? {
        guard id >= 0, Int(id) < idToToken.count else { return nil }
        return idToToken[Int(id)]
    }

    /// Tokenizes one pre-tokenized word and appends its ids.
    /// `byteLevel`: the word is raw bytes to be spelled in the byte-level alphabet.
    func encodeWord(_ word: UnsafeBufferPointer<UInt8>, byteLevel: Bool, into out: inout [Int32]) {
        if word.isEmpty { return }
        if let hit = cache.get(word) { out.append(contentsOf: hit); return }
        var syms: [Int32] = []
        syms.reserveCapacity(word.count)
        var simple = byteLevel && prefix.isEmpty && suffix.isEmpty && !ignoreMerges
        if simple {
            for b in word {
                let id = byteLevelIds[Int(b)]
                if id < 0 { simple = false; break }
                syms.append(id)
            }
        }
        if !simple {
            syms.removeAll(keepingCapacity: true)
            if byteLevel {
                let mapped = ByteLevelAlphabet.encode(word)
                let done = mapped.withUnsafeBufferPointer { initialSymbols($0, into: &syms) }
                if done { out.append(contentsOf: syms); cache.put(word, syms); return }
            } else if initialSymbols(word, into: &syms) {
                out.append(contentsOf: syms); cache.put(word, syms); return
            }
        }
        mergeAll(&syms)
        out.append(contentsOf: syms)
        cache.put(word, syms)
    }

    /// Splits a word (in vocabulary spelling) into its initial symbols, handling
    /// prefix/suffix, byte fallback and unknown characters. Returns true when the
    /// word matched a vocabulary entry as a whole with `ignore_merges` (no merging).
    private func initialSymbols(_ w: UnsafeBufferPointer<UInt8>, into syms: inout [Int32]) -> Bool {
        if ignoreMerges, let id = vocab[Array(w)] { syms.append(id); return true }
        var pendingUnk = false
        var i = 0
        while i < w.count {
            let (v, n) = decodeScalar(w, i)
            let isFirst = i == 0
            let isLast = i + n == w.count
            var id: Int32? = nil
            if prefix.isEmpty && suffix.isEmpty {
                id = scalarIds[v]
            } else {
                var s: [UInt8] = []
                if !isFirst { s += prefix }
                s += w[i..<(i + n)]
                if isLast { s += suffix }
                id = vocab[s]
            }
            if let id {
                if pendingUnk, let u = unkId { syms.append(u); pendingUnk = false }
                syms.append(id)
            } else {
                var handled = false
                if let fb = byteFallbackIds {
                    var ok = true
                    for k in i..<(i + n) where fb[Int(w[k])] < 0 { ok = false }
                    if ok {
                        for k in i..<(i + n) { syms.append(fb[Int(w[k])]) }
                        handled = true
                    }
                }
                if !handled, let u = unkId {
                    if pendingUnk && !fuseUnk { syms.append(u) }
                    pendingUnk = true
                }
            }
            i += n
        }
        if pendingUnk, let u = unkId { syms.append(u) }
        return false
    }

    /// Applies merges in rank order to `syms` in place.
    func mergeAll(_ syms: inout [Int32]) {
        let n = syms.count
        if n < 2 { return }
        if n <= 48 { mergeSmall(&syms) } else { mergeHeap(&syms) }
    }

    private func mergeSmall(_ syms: inout [Int32]) {
        var n = syms.count
        var ranks = [Int32](repeating: .max, count: n)
        var newIds = [Int32](repeating: 0, count: n)
        for i in 0..<(n - 1) {
            if let m = merges.lookup(syms[i], syms[i + 1]) { ranks[i] = m.rank; newIds[i] = m.newId }
        }
        while true {
            var best = Int32.max
            var at = -1
            for i in 0..<(n - 1) where ranks[i] < best { best = ranks[i]; at = i }
            if at < 0 { break }
            syms[at] = newIds[at]
            syms.remove(at: at + 1)
            ranks.remove(at: at + 1)
            newIds.remove(at: at + 1)
            n -= 1
            ranks[n - 1] = .max
            if at + 1 < n, let m = merges.lookup(syms[at], syms[at + 1]) {
                ranks[at] = m.rank; newIds[at] = m.newId
            } else { ranks[at] = .max }
            if at > 0, let m = merges.lookup(syms[at - 1], syms[at]) {
                ranks[at - 1] = m.rank; newIds[at - 1] = m.newId
            } else if at > 0 { ranks[at - 1] = .max }
        }
    }

    private func mergeHeap(_ syms: inout [Int32]) {
        let n = syms.count
        var next = [Int](0..<n).map { $0 + 1 }
        next[n - 1] = -1
        var prev = [Int](0..<n).map { $0 - 1 }
        var alive = [Bool](repeating: true, count: n)
        var heap = MinHeap()
        for i in 0..<(n - 1) {
            if let m = merges.lookup(syms[i], syms[i + 1]) { heap.push(UInt64(UInt32(m.rank)) << 32 | UInt64(i)) }
        }
        while let top = heap.pop() {
            let rank = Int32(truncatingIfNeeded: top >> 32)
            let pos = Int(top & 0xFFFF_FFFF)
            guard alive[pos], next[pos] >= 0 else { continue }
            let r = next[pos]
            guard let m = merges.lookup(syms[pos], syms[r]), m.rank == rank else { continue }
            syms[pos] = m.newId
            alive[r] = false
            let rr = next[r]
            next[pos] = rr
            if rr >= 0 { prev[rr] = pos }
            let p = prev[pos]
            if p >= 0, let mp = merges.lookup(syms[p], syms[pos]) {
                heap.push(UInt64(UInt32(mp.rank)) << 32 | UInt64(p))
            }
            if rr >= 0, let mn = merges.lookup(syms[pos], syms[rr]) {
                heap.push(UInt64(UInt32(mn.rank)) << 32 | UInt64(pos))
            }
        }
        var out: [Int32] = []
        var i = 0
        while i >= 0 { out.append(syms[i]); i = next[i] }
        syms = out
    }
}

/// Binary min-heap of packed (rank << 32 | position) merge candidates.
struct MinHeap {
    private var a: [UInt64] = []

    mutating func push(_ v: UInt64) {
        a.append(v)
        var i = a.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if a[p] <= a[i] { break }
            a.swapAt(p, i); i = p
        }
    }

    mutating func pop() -> UInt64? {
        guard let top = a.first else { return nil }
        let last = a.removeLast()
        if !a.isEmpty {
            a[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < a.count && a[l] < a[m] { m = l }
                if r < a.count && a[r] < a[m] { m = r }
                if m == i { break }
                a.swapAt(m, i); i = m
            }
        }
        return top
    }
}
