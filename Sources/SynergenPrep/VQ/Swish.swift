import Foundation
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// swish / SiLU, `x·σ(x) = x / (1 + e^(−x))`, the activation after every GroupNorm of the encoders.
/// On x86-64 four lanes at a time with SSE2 (the baseline: no CPU check) and a Cephes-style `exp`
/// (range reduction by ln 2, degree-6 polynomial; within 2 ulp of glibc's `expf` on the activations'
/// range, which PyTorch's vectorised `exp` does not match bit for bit either); elsewhere glibc's `expf`.
public enum Swish {
    /// `d[i] = swish(s[i] · a + o)` for `count` floats (`a = 1, o = 0` for plain swish); `s` may equal `d`.
    public static func scaleShiftSwish(_ s: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>, count: Int,
                                       scale a: Float, shift o: Float) {
        var i = 0
        #if arch(x86_64)
        let va = _mm_set1_ps(a), vo = _mm_set1_ps(o), one = _mm_set1_ps(1)
        while i + 4 <= count {
            let v = _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(s + i), va), vo)
            _mm_storeu_ps(d + i, _mm_div_ps(v, _mm_add_ps(one, exp4(_mm_sub_ps(_mm_setzero_ps(), v)))))
            i += 4
        }
        #endif
        while i < count {
            let v = s[i] * a + o
            d[i] = v / (1 + expf(-v))
            i += 1
        }
    }

    /// swish in place over a whole `FeatureMap` (the border stays zero since swish(0) = 0).
    public static func applyInPlace(_ x: inout FeatureMap) {
        x.data.withUnsafeMutableBufferPointer { d in
            scaleShiftSwish(UnsafePointer(d.baseAddress!), d.baseAddress!, count: d.count, scale: 1, shift: 0)
        }
    }

    #if arch(x86_64)
    /// `e^x` in four lanes for inputs down to −88.376 (below: that value's tiny result), above 88.376 +∞.
    @inline(__always)
    static func exp4(_ input: __m128) -> __m128 {
        let x = _mm_max_ps(_mm_min_ps(input, _mm_set1_ps(88.376)), _mm_set1_ps(-88.376))
        // n = floor(x / ln 2 + 0.5); r = x − n·ln 2 (ln 2 in two parts so that n·C1 is exact).
        let fx = _mm_add_ps(_mm_mul_ps(x, _mm_set1_ps(1.442_695_04)), _mm_set1_ps(0.5))
        var n = _mm_cvtepi32_ps(_mm_cvttps_epi32(fx))
        n = _mm_sub_ps(n, _mm_and_ps(_mm_cmpgt_ps(n, fx), _mm_set1_ps(1)))
        let r = _mm_sub_ps(_mm_sub_ps(x, _mm_mul_ps(n, _mm_set1_ps(0.693_359_375))), _mm_mul_ps(n, _mm_set1_ps(-2.121_944_4e-4)))
        var p = _mm_set1_ps(1.987_569_15e-4)
        p = _mm_add_ps(_mm_mul_ps(p, r), _mm_set1_ps(1.398_199_95e-3))
        p = _mm_add_ps(_mm_mul_ps(p, r), _mm_set1_ps(8.333_451_9e-3))
        p = _mm_add_ps(_mm_mul_ps(p, r), _mm_set1_ps(4.166_579_6e-2))
        p = _mm_add_ps(_mm_mul_ps(p, r), _mm_set1_ps(1.666_666_55e-1))
        p = _mm_add_ps(_mm_mul_ps(p, r), _mm_set1_ps(5.000_000_1e-1))
        p = _mm_add_ps(_mm_add_ps(_mm_mul_ps(_mm_mul_ps(p, r), r), r), _mm_set1_ps(1))
        // 2^n from the exponent bits.
        let pow2 = _mm_castsi128_ps(_mm_slli_epi32(_mm_add_epi32(_mm_cvttps_epi32(n), _mm_set1_epi32(127)), 23))
        // Above the clamp, +∞ like `expf` (so that swish of a very negative input is −0).
        let over = _mm_cmpgt_ps(input, _mm_set1_ps(88.376))
        return _mm_or_ps(_mm_andnot_ps(over, _mm_mul_ps(p, pow2)), _mm_and_ps(over, _mm_set1_ps(.infinity)))
    }
    #endif
}
