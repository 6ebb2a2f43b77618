/// One resampling axis re-laid out for the vector kernels: every output sample reads the same
/// number of source samples (`taps`, the largest `count` of the coefficients), from a start
/// index clamped so that the window stays inside the source; the extra taps get weight 0.
///
/// Zero weights add exactly nothing to the 32-bit sums, so the results are bit-identical to
/// the variable-length windows of `ResampleCoefficients`, while the kernels run a constant
/// trip count. The weights are also split for 16-bit multiply-add instructions:
/// `w = high · 2^11 + low` with `low` in 0..<2048 and `high` a signed 16-bit value; the sum
/// `Σ p·w` is then `(Σ p·high) << 11 + Σ p·low`, which equals it modulo 2^32 (the wrapping
/// arithmetic of the scalar code), so the outputs stay identical.
struct ResampleTaps: Sendable {
    /// Bits of each weight kept in `low`.
    static let lowBits: Int32 = 11

    let inSize: Int
    let outSize: Int
    /// Source samples read by every output sample.
    let taps: Int
    /// First source index read by each output sample (`inSize - taps` at most).
    let start: [Int32]
    /// `outSize * taps` weights, zero where the original window has none.
    let weights: [Int32]
    /// Per output sample, `(taps + 1) / 2` pairs of taps, each as two vectors: the low parts
    /// of the pair's two weights repeated four times (`l0 l1 l0 l1 …`), then the high parts.
    /// An odd last tap is paired with a zero weight.
    let pairWeights: [SIMD8<Int16>]

    var pairs: Int { (taps + 1) / 2 }

    /// Nil when some weight's high part does not fit in 16 bits (never for the filters here
    /// at sane sizes; the scalar passes handle it).
    init?(_ c: ResampleCoefficients) {
        let taps = Int(c.count.max() ?? 1)
        let pairs = (taps + 1) / 2
        var start = [Int32](repeating: 0, count: c.outSize)
        var weights = [Int32](repeating: 0, count: c.outSize * taps)
        var pairWeights = [SIMD8<Int16>](repeating: .zero, count: c.outSize * pairs * 2)
        let lowMask: Int32 = (1 << Self.lowBits) - 1
        for x in 0..<c.outSize {
            let s = min(Int(c.start[x]), c.inSize - taps)
            let shift = Int(c.start[x]) - s
            start[x] = Int32(s)
            for t in 0..<Int(c.count[x]) {
                weights[x * taps + shift + t] = c.weights[x * c.stride + t]
            }
            for j in 0..<pairs {
                let w0 = weights[x * taps + 2 * j]
                let w1 = 2 * j + 1 < taps ? weights[x * taps + 2 * j + 1] : 0
                let h0 = w0 >> Self.lowBits, h1 = w1 >> Self.lowBits
                guard let hi0 = Int16(exactly: h0), let hi1 = Int16(exactly: h1) else { return nil }
                let lo0 = Int16(w0 & lowMask), lo1 = Int16(w1 & lowMask)
                pairWeights[(x * pairs + j) * 2] = SIMD8(lo0, lo1, lo0, lo1, lo0, lo1, lo0, lo1)
                pairWeights[(x * pairs + j) * 2 + 1] = SIMD8(hi0, hi1, hi0, hi1, hi0, hi1, hi0, hi1)
            }
        }
        inSize = c.inSize
        outSize = c.outSize
        self.taps = taps
        self.start = start
        self.weights = weights
        self.pairWeights = pairWeights
    }

    /// Source indices read by the outputs `first ..< first + n`.
    func sourceRange(first: Int, count n: Int) -> Range<Int> {
        Int(start[first])..<(Int(start[first + n - 1]) + taps)
    }
}
