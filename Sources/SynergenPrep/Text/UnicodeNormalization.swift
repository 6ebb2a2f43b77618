import Foundation

/// Unicode NFC / NFKC on UTF-8 bytes, implemented here rather than with Foundation's
/// `precomposedStringWith…Mapping`, which does not compose a starter with a mark when
/// other marks of lower combining class sit between them (e.g. Tibetan U+0F73, halfwidth
/// U+FF9E under NFKC), unlike Python's `unicodedata` and the Rust `tokenizers` library.
///
/// Algorithm (UAX #15): full canonical or compatibility decomposition (Hangul
/// algorithmically), canonical ordering of each run of non-starters by combining class
/// (stable), then canonical composition: a character composes with the last starter when
/// it is not blocked (no character between them has a combining class of zero or of at
/// least its own) and the pair has a primary composite that is not a composition
/// exclusion.
///
/// Text made only of scalars that can neither change nor take part in a composition is
/// returned unchanged after one scan (quick check); otherwise only the part from the last
/// such starter before the first other scalar is normalised.
enum UnicodeNormalization {
    /// NFC (`compatibility == false`) or NFKC of valid UTF-8.
    static func normalize(_ text: [UInt8], compatibility: Bool) -> [UInt8] {
        // Below these every scalar is stable: no decomposition, combining class 0, never
        // the second half of a composition.
        let trivialLimit: UInt32 = compatibility ? 0xA0 : 0x300
        let start: Int? = text.withUnsafeBufferPointer { p in
            var i = 0
            var lastStable = 0
            // Stage 1 without touching the tables (they are built on first use).
            while i < p.count {
                if p[i] < 0x80 { lastStable = i; i += 1; continue }
                let (v, n) = decodeScalar(p, i)
                if v >= trivialLimit && !(v >= 0x4E00 && v <= 0x9FFF) { break }
                lastStable = i
                i += n
            }
            if i == p.count { return nil }
            let data = NormalizationData.shared
            let mask = compatibility ? NormalizationData.nfkcUnstable : NormalizationData.nfcUnstable
            while i < p.count {
                if p[i] < 0x80 { lastStable = i; i += 1; continue }
                let (v, n) = decodeScalar(p, i)
                if data.info(v) & mask != 0 { return lastStable }
                lastStable = i
                i += n
            }
            return nil
        }
        guard let start else { return text }
        var out = Array(text[0..<start])
        out.reserveCapacity(text.count + 16)
        NormalizationData.shared.normalize(text, from: start, compatibility: compatibility, into: &out)
        return out
    }
}

/// Tables for `UnicodeNormalization`, built once on first use (about 0.1 s).
///
/// Decompositions come from Foundation's `decomposedStringWith…Mapping` applied to every
/// scalar below U+30000 at once (separated by line feeds, so nothing reorders across
/// them); combining classes and composition exclusions from the standard library. A
/// primary composite is every non-excluded scalar whose full canonical decomposition has
/// at least two scalars: its pair is (the scalar whose full decomposition is all but the
/// last, the last). No decomposition or composition exists at or above U+30000.
final class NormalizationData: Sendable {
    static let shared = NormalizationData()

    /// Flag bits above the combining class in `table`.
    static let nfcUnstable: UInt16 = 0x100
    static let nfkcUnstable: UInt16 = 0x200
    static let hasCanonical: UInt16 = 0x400
    static let hasCompatibility: UInt16 = 0x800
    static let composesSecond: UInt16 = 0x1000

    static let tableLimit: UInt32 = 0x30000

    /// Per scalar below `tableLimit`: canonical combining class (low byte) and flags.
    private let table: [UInt16]
    /// Scalar → (offset << 8 | count) into `storage`: full canonical decomposition.
    private let canonical: [UInt32: UInt32]
    /// Same for the full compatibility decomposition (only where it differs).
    private let compatibility: [UInt32: UInt32]
    private let storage: [UInt32]
    /// (first << 32 | second) → primary composite.
    private let compositions: [UInt64: UInt32]

    // Hangul syllable constants (Unicode §3.12).
    static let sBase: UInt32 = 0xAC00, lBase: UInt32 = 0x1100, vBase: UInt32 = 0x1161, tBase: UInt32 = 0x11A7
    static let lCount: UInt32 = 19, vCount: UInt32 = 21, tCount: UInt32 = 28
    static let nCount: UInt32 = 21 * 28, sCount: UInt32 = 19 * 21 * 28

    private init() {
        let limit = Int(Self.tableLimit)
        var table = [UInt16](repeating: 0, count: limit)
        // All scalars that may decompose, one per line.
        var scalars: [UInt32] = []
        scalars.reserveCapacity(limit)
        var source = String.UnicodeScalarView()
        for v in 0xA0..<UInt32(limit) {
            guard let s = Unicode.Scalar(v) else { continue }
            let p = s.properties
            let ccc = UInt16(p.canonicalCombiningClass.rawValue)
            table[Int(v)] = ccc | (ccc != 0 ? Self.nfcUnstable | Self.nfkcUnstable : 0)
                | (p.isFullCompositionExclusion ? Self.nfcUnstable | Self.nfkcUnstable : 0)
            if v >= Self.sBase && v < Self.sBase + Self.sCount { continue }
            if p.generalCategory == .unassigned { continue }
            // CJK unified ideographs never decompose.
            if (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0x3400 && v <= 0x4DBF) || (v >= 0x20000 && v <= 0x2A6DF) { continue }
            scalars.append(v)
            source.append(s)
            source.append("\n")
        }
        let text = String(source)
        let nfd = Self.split(text.decomposedStringWithCanonicalMapping)
        let nfkd = Self.split(text.decomposedStringWithCompatibilityMapping)
        precondition(nfd.count == scalars.count && nfkd.count == scalars.count,
                     "normalisation tables: unexpected Foundation decomposition layout")

        var storage: [UInt32] = []
        var canonical: [UInt32: UInt32] = [:]
        var compatibility: [UInt32: UInt32] = [:]
        var byDecomposition: [[UInt32]: UInt32] = [:]
        func store(_ d: [UInt32]) -> UInt32 {
            let entry = UInt32(storage.count) << 8 | UInt32(d.count)
            storage.append(contentsOf: d)
            return entry
        }
        for (k, v) in scalars.enumerated() {
            let d = nfd[k], kd = nfkd[k]
            let i = Int(v)
            if d != [v] {
                canonical[v] = store(d)
                table[i] |= Self.hasCanonical
                if table[i] & Self.nfcUnstable == 0 { byDecomposition[d] = v }
            }
            if kd != d {
                compatibility[v] = store(kd)
                table[i] |= Self.hasCompatibility | Self.nfkcUnstable
            }
        }
        var compositions: [UInt64: UInt32] = [:]
        for v in scalars {
            let i = Int(v)
            guard table[i] & Self.hasCanonical != 0, table[i] & Self.nfcUnstable == 0,
                  let e = canonical[v], e & 0xFF >= 2 else { continue }
            let d = Array(storage[Int(e >> 8)..<Int(e >> 8 + e & 0xFF)])
            let second = d[d.count - 1]
            let rest = Array(d.dropLast())
            let first: UInt32
            if rest.count == 1 {
                first = rest[0]
            } else if let f = byDecomposition[rest] {
                first = f
            } else {
                continue
            }
            compositions[UInt64(first) << 32 | UInt64(second)] = v
            table[Int(second)] |= Self.composesSecond | Self.nfcUnstable | Self.nfkcUnstable
        }
        // Hangul: vowels and trailing consonants compose with the preceding syllable part.
        for v in Self.vBase..<(Self.vBase + Self.vCount) {
            table[Int(v)] |= Self.composesSecond | Self.nfcUnstable | Self.nfkcUnstable
        }
        for v in (Self.tBase + 1)..<(Self.tBase + Self.tCount) {
            table[Int(v)] |= Self.composesSecond | Self.nfcUnstable | Self.nfkcUnstable
        }
        self.table = table
        self.canonical = canonical
        self.compatibility = compatibility
        self.storage = storage
        self.compositions = compositions
    }

    /// Splits Foundation's output at the line feeds.
    private static func split(_ s: String) -> [[UInt32]] {
        var rows: [[UInt32]] = []
        var cur: [UInt32] = []
        for u in s.unicodeScalars {
            if u.value == 0x0A {
                rows.append(cur)
                cur.removeAll(keepingCapacity: true)
            } else {
                cur.append(u.value)
            }
        }
        return rows
    }

    /// Combining class and flags of a scalar.
    @inline(__always)
    func info(_ v: UInt32) -> UInt16 {
        if v < Self.tableLimit { return table[Int(v)] }
        return Self.outOfTable(v)
    }

    private static func outOfTable(_ v: UInt32) -> UInt16 {
        guard let s = Unicode.Scalar(v) else { return 0 }
        let ccc = UInt16(s.properties.canonicalCombiningClass.rawValue)
        return ccc | (ccc != 0 ? nfcUnstable | nfkcUnstable : 0)
    }

    @inline(__always)
    func ccc(_ v: UInt32) -> UInt8 { UInt8(truncatingIfNeeded: info(v)) }

    /// Appends the full decomposition of `v`.
    @inline(__always)
    func decompose(_ v: UInt32, compatibility compat: Bool, into buf: inout [UInt32]) {
        if v >= Self.sBase && v < Self.sBase + Self.sCount {
            let s = v - Self.sBase
            buf.append(Self.lBase + s / Self.nCount)
            buf.append(Self.vBase + (s % Self.nCount) / Self.tCount)
            let t = s % Self.tCount
            if t != 0 { buf.append(Self.tBase + t) }
            return
        }
        let flags = info(v)
        if compat && flags & Self.hasCompatibility != 0, let e = compatibility[v] {
            buf.append(contentsOf: storage[Int(e >> 8)..<Int(e >> 8 + e & 0xFF)])
        } else if flags & Self.hasCanonical != 0, let e = canonical[v] {
            buf.append(contentsOf: storage[Int(e >> 8)..<Int(e >> 8 + e & 0xFF)])
        } else {
            buf.append(v)
        }
    }

    /// Primary composite of a pair, if any.
    @inline(__always)
    func compose(_ a: UInt32, _ b: UInt32) -> UInt32? {
        if a >= Self.lBase && a < Self.lBase + Self.lCount && b >= Self.vBase && b < Self.vBase + Self.vCount {
            return Self.sBase + ((a - Self.lBase) * Self.vCount + (b - Self.vBase)) * Self.tCount
        }
        if a >= Self.sBase && a < Self.sBase + Self.sCount && (a - Self.sBase) % Self.tCount == 0
            && b > Self.tBase && b < Self.tBase + Self.tCount {
            return a + (b - Self.tBase)
        }
        guard info(b) & Self.composesSecond != 0 else { return nil }
        return compositions[UInt64(a) << 32 | UInt64(b)]
    }

    /// Normalises `text[from...]` (valid UTF-8) and appends the UTF-8 result to `out`.
    func normalize(_ text: [UInt8], from: Int, compatibility compat: Bool, into out: inout [UInt8]) {
        // 1. Decompose.
        var buf: [UInt32] = []
        buf.reserveCapacity(text.count - from + 8)
        text.withUnsafeBufferPointer { p in
            var i = from
            while i < p.count {
                let (v, n) = decodeScalar(p, i)
                if v < 0xA0 { buf.append(v) } else { decompose(v, compatibility: compat, into: &buf) }
                i += n
            }
        }
        // 2. Canonical ordering: stable insertion sort of each run of non-starters.
        var classes = buf.map { ccc($0) }
        var i = 0
        while i < buf.count {
            if classes[i] == 0 { i += 1; continue }
            var j = i + 1
            while j < buf.count && classes[j] != 0 { j += 1 }
            if j - i > 1 {
                for k in (i + 1)..<j {
                    let c = classes[k], v = buf[k]
                    var m = k
                    while m > i && classes[m - 1] > c {
                        classes[m] = classes[m - 1]
                        buf[m] = buf[m - 1]
                        m -= 1
                    }
                    classes[m] = c
                    buf[m] = v
                }
            }
            i = j
        }
        // 3. Canonical composition.
        if !buf.isEmpty {
            var starter = -1  // index in the composed prefix of the last starter
            var lastClass: Int = 256
            var w = 0
            for r in 0..<buf.count {
                let ch = buf[r]
                let cc = Int(classes[r])
                if starter >= 0 && (lastClass < cc || lastClass == 0),
                   let composite = compose(buf[starter], ch) {
                    buf[starter] = composite
                    continue
                }
                if cc == 0 { starter = w }
                lastClass = cc
                buf[w] = ch
                w += 1
            }
            buf.removeSubrange(w...)
        }
        // 4. Encode.
        for v in buf {
            if v < 0x80 {
                out.append(UInt8(v))
            } else if v < 0x800 {
                out.append(UInt8(0xC0 | v >> 6))
                out.append(UInt8(0x80 | v & 0x3F))
            } else if v < 0x10000 {
                out.append(UInt8(0xE0 | v >> 12))
                out.append(UInt8(0x80 | v >> 6 & 0x3F))
                out.append(UInt8(0x80 | v & 0x3F))
            } else {
                out.append(UInt8(0xF0 | v >> 18))
                out.append(UInt8(0x80 | v >> 12 & 0x3F))
                out.append(UInt8(0x80 | v >> 6 & 0x3F))
                out.append(UInt8(0x80 | v & 0x3F))
            }
        }
    }
}
