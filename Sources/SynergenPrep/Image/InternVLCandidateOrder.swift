/// The candidate tile grids of InternVL's `dynamic_preprocess`, in the exact order the
/// reference Python code visits them.
///
/// The reference builds the candidates as a Python `set` of `(cols, rows)` tuples, from
/// `for n in min...max, for cols in 1...n, for rows in 1...n if min <= cols*rows <= max`,
/// then `sorted(..., key=cols*rows)`. Python's sort is stable, so grids with equal products
/// keep the set's iteration order, which is CPython's hash-table slot order. That order
/// decides exact ties in `find_closest_aspect_ratio` (e.g. W/H = 2.5 between 2:2 and 4:1 at
/// 4 tiles), so we make it deterministic by *reproducing CPython's set exactly*:
///
/// * tuple hash: CPython ≥ 3.8's xxHash-style `tuplehash` over the small-int hashes (an int's
///   hash is its value), 64-bit;
/// * the set: open addressing starting at 8 slots, probe `i, i+1 … i+9` (when they fit)
///   then `i = 5i + 1 + (perturb >>= 5)`, resize when `fill*5 >= mask*3` to the smallest
///   power of two above `used*4`, re-inserting in old slot order;
/// * iteration in slot order, then a stable sort by `cols*rows`.
///
/// `TilingTests` checks this order against CPython for every `1 ≤ min ≤ 12`, `min ≤ max ≤ 40`.
public enum InternVLCandidateOrder {
    /// The candidate grids `(cols, rows)` for `minTiles...maxTiles`, in reference order.
    public static func candidates(minTiles: Int, maxTiles: Int) -> [(cols: Int, rows: Int)] {
        guard minTiles >= 1, maxTiles >= minTiles else { return [] }
        var set = PythonTupleSet()
        for n in minTiles...maxTiles {
            for cols in 1...n {
                for rows in 1...n where cols * rows >= minTiles && cols * rows <= maxTiles {
                    set.insert(cols, rows)
                }
            }
        }
        let inSetOrder = set.iterationOrder()
        let indexed = inSetOrder.enumerated().map { (offset: $0.offset, grid: $0.element) }
        let sorted = indexed.sorted {
            let p0 = $0.grid.0 * $0.grid.1, p1 = $1.grid.0 * $1.grid.1
            return p0 != p1 ? p0 < p1 : $0.offset < $1.offset
        }
        return sorted.map { (cols: $0.grid.0, rows: $0.grid.1) }
    }

    /// CPython's hash of the tuple `(a, b)` of non-negative ints (64-bit builds).
    public static func tupleHash(_ a: Int, _ b: Int) -> UInt64 {
        let prime1: UInt64 = 11400714785074694791
        let prime2: UInt64 = 14029467366897019727
        let prime5: UInt64 = 2870177450012600261
        var acc = prime5
        for lane in [UInt64(a), UInt64(b)] {
            acc &+= lane &* prime2
            acc = (acc << 31) | (acc >> 33)
            acc &*= prime1
        }
        acc &+= UInt64(2) ^ (prime5 ^ 3527539)
        if acc == UInt64.max { return 1546275796 }
        return acc
    }
}

/// A model of CPython's `set` table, for 2-tuples of small non-negative ints only.
struct PythonTupleSet {
    private struct Slot { var key: (Int, Int); var hash: UInt64 }
    private var table = [Slot?](repeating: nil, count: 8)
    private var used = 0
    private var fill = 0
    private static let linearProbes = 9

    mutating func insert(_ a: Int, _ b: Int) {
        let hash = InternVLCandidateOrder.tupleHash(a, b)
        let mask = table.count - 1
        var i = Int(hash & UInt64(mask))
        var perturb = hash
        while true {
            let probes = i + Self.linearProbes <= mask ? Self.linearProbes : 0
            for j in 0...probes {
                if let slot = table[i + j] {
                    if slot.hash == hash && slot.key == (a, b) { return }
                } else {
                    table[i + j] = Slot(key: (a, b), hash: hash)
                    fill += 1
                    used += 1
                    if fill * 5 >= mask * 3 { resize(minUsed: used > 50000 ? used * 2 : used * 4) }
                    return
                }
            }
            perturb >>= 5
            i = Int((UInt64(i) &* 5 &+ 1 &+ perturb) & UInt64(mask))
        }
    }

    private mutating func resize(minUsed: Int) {
        var size = 8
        while size <= minUsed { size <<= 1 }
        let old = table
        table = [Slot?](repeating: nil, count: size)
        let mask = size - 1
        for case let slot? in old {
            var i = Int(slot.hash & UInt64(mask))
            var perturb = slot.hash
            placing: while true {
                if table[i] == nil { table[i] = slot; break placing }
                if i + Self.linearProbes <= mask {
                    for j in 1...Self.linearProbes where table[i + j] == nil {
                        table[i + j] = slot
                        break placing
                    }
                }
                perturb >>= 5
                i = Int((UInt64(i) &* 5 &+ 1 &+ perturb) & UInt64(mask))
            }
        }
        fill = used
    }

    /// Keys in slot order, as `for x in set` yields them.
    func iterationOrder() -> [(Int, Int)] { table.compactMap { $0?.key } }
}
