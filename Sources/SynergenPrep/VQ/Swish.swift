import Foundation

/// swish / SiLU, `x·σ(x) = x / (1 + e^(−x))`. Scalar `expf` (glibc's is ~3 ns; a hand-written
/// `SIMD16<Float>` polynomial measured 4× slower in Swift 6.3).
public enum Swish {
    /// `d[i] = swish(s[i] · a + o)` for `count` floats (`a = 1, o = 0` for plain swish); `s` may equal `d`.
    @inlinable
    public static func scaleShiftSwish(_ s: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>, count: Int,
                                       scale a: Float, shift o: Float) {
        for i in 0..<count { let v = s[i] * a + o; d[i] = v / (1 + expf(-v)) }
    }

    /// swish in place over a whole `FeatureMap` (the border stays zero since swish(0) = 0).
    public static func applyInPlace(_ x: inout FeatureMap) {
        x.data.withUnsafeMutableBufferPointer { d in
            scaleShiftSwish(UnsafePointer(d.baseAddress!), d.baseAddress!, count: d.count, scale: 1, shift: 0)
        }
    }
}
