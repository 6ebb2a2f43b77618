#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fixed-point weights of one resampling axis: for every output index, the first source
/// index it reads (`start`), how many source samples (`count`), and `count` signed weights
/// scaled by 2^22 (stored in rows of `stride` entries, zero-padded).
///
/// Built exactly as Pillow builds them: scale = inSize / outSize, support widened by the
/// scale when downscaling, sample centre `(i + 0.5)·scale`, window bounds rounded by
/// truncating `centre ± support + 0.5`, weights evaluated at `(x − centre + 0.5)/filterscale`,
/// normalised by their `Double` sum and rounded half away from zero to 22-bit fixed point.
/// Compute once per (input size, output size, filter) and reuse.
public struct ResampleCoefficients: Sendable, Equatable {
    /// Fractional bits of the fixed-point weights (Pillow: 32 − 8 − 2).
    public static let precisionBits: Int32 = 22

    public let inSize: Int
    public let outSize: Int
    public let filter: ResampleFilter
    /// Maximum number of taps per output sample (row length of `weights`).
    public let stride: Int
    /// First source index read by each output sample.
    public let start: [Int32]
    /// Number of source samples read by each output sample.
    public let count: [Int32]
    /// `outSize * stride` fixed-point weights.
    public let weights: [Int32]

    /// Builds the coefficients for resampling `inSize` samples to `outSize` samples.
    public init(inSize: Int, outSize: Int, filter: ResampleFilter) {
        precondition(inSize > 0 && outSize > 0, "ResampleCoefficients: sizes must be positive")
        self.inSize = inSize
        self.outSize = outSize
        self.filter = filter

        let scale = Double(inSize) / Double(outSize)
        let filterscale = scale < 1.0 ? 1.0 : scale
        let support = filter.support * filterscale
        let ksize = Int(ceil(support)) * 2 + 1
        self.stride = ksize

        var start = [Int32](repeating: 0, count: outSize)
        var count = [Int32](repeating: 0, count: outSize)
        var weights = [Int32](repeating: 0, count: outSize * ksize)
        var k = [Double](repeating: 0, count: ksize)
        let one = Double(1 << Self.precisionBits)
        let ss = 1.0 / filterscale

        for xx in 0..<outSize {
            let center = (Double(xx) + 0.5) * scale
            var xmin = Int(center - support + 0.5)   // truncation, as C's (int) cast
            if xmin < 0 { xmin = 0 }
            var xmax = Int(center + support + 0.5)
            if xmax > inSize { xmax = inSize }
            xmax -= xmin
            var ww = 0.0
            for x in 0..<max(xmax, 0) {
                let w = filter.weight((Double(x + xmin) - center + 0.5) * ss)
                k[x] = w
                ww += w
            }
            let base = xx * ksize
            for x in 0..<max(xmax, 0) {
                var w = k[x]
                if ww != 0.0 { w /= ww }
                weights[base + x] = w < 0
                    ? Int32(-0.5 + w * one)
                    : Int32(0.5 + w * one)
            }
            start[xx] = Int32(xmin)
            count[xx] = Int32(max(xmax, 0))
        }
        self.start = start
        self.count = count
        self.weights = weights
    }

    /// First source index used by any output sample.
    public var firstSourceIndex: Int { Int(start[0]) }

    /// One past the last source index used by any output sample.
    public var endSourceIndex: Int { Int(start[outSize - 1] + count[outSize - 1]) }
}
