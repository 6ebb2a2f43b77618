/// Open-addressing hash table from a pair of token ids to the merge that joins them
/// (rank and id of the merged token). Immutable after construction.
struct PairTable: Sendable {
    private var keys: [UInt64]
    private var values: [UInt64]
    private let mask: Int
    private static let empty = UInt64.max

    init(capacityFor count: Int) {
        var cap = 16
        while cap < count * 2 { cap <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: cap)
        values = [UInt64](repeating: 0, count: cap)
        mask = cap - 1
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 29) & mask
    }

    @inline(__always)
    static func key(_ a: Int32, _ b: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
    }

    /// Inserts or overwrites (later merges with the same pair win, as in the Rust library).
    mutating func insert(_ a: Int32, _ b: Int32, rank: Int32, newId: Int32) {
        let k = Self.key(a, b)
        var i = Self.slot(k, mask)
        while keys[i] != Self.empty && keys[i] != k { i = (i + 1) & mask }
        keys[i] = k
        values[i] = UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: newId))
    }

    /// (rank, newId) of the merge of `a` and `b`, or nil.
    @inline(__always)
    func lookup(_ a: Int32, _ b: Int32) -> (rank: Int32, newId: Int32)? {
        let k = Self.key(a, b)
        return keys.withUnsafeBufferPointer { kp -> (Int32, Int32)? in
            var i = Self.slot(k, mask)
            while true {
                let v = kp[i]
                if v == k {
                    let packed = values[i]
                    return (Int32(truncatingIfNeeded: packed >> 32), Int32(truncatingIfNeeded: packed))
                }
                if v == Self.empty { return nil }
                i = (i + 1) & mask
            }
        }
    }
}
