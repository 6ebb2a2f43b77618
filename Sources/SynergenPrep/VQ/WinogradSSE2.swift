#if arch(x86_64)
import _Builtin_intrinsics.intel

/// The strided ends of the Winograd transforms with SSE2 (the x86-64 baseline): reading the
/// 6-wide windows of four tiles (which overlap by two columns) out of a row, and writing four
/// tiles' 4-wide output rows back. Four tiles' columns come from 4×4 transposes of the row, so
/// the vector transforms in `Winograd` see one vector per column of four tiles.
extension Winograd {
    @inline(__always)
    private static func transpose(_ a: __m128, _ b: __m128, _ c: __m128, _ d: __m128) -> (__m128, __m128, __m128, __m128) {
        let t0 = _mm_unpacklo_ps(a, b), t1 = _mm_unpacklo_ps(c, d)
        let t2 = _mm_unpackhi_ps(a, b), t3 = _mm_unpackhi_ps(c, d)
        return (_mm_movelh_ps(t0, t1), _mm_movehl_ps(t1, t0), _mm_movelh_ps(t2, t3), _mm_movehl_ps(t3, t2))
    }

    /// `rowTransform` for the leading tiles whose 20 columns (window plus the next tile's start)
    /// lie inside the row, four at a time; returns how many tiles it did (a multiple of 4).
    static func rowTransformSSE2(_ row: UnsafePointer<Float>, rowLength: Int, tiles: Int,
                                 into out: UnsafeMutablePointer<Float>, stride: Int) -> Int {
        let four = _mm_set1_ps(4), five = _mm_set1_ps(5), two = _mm_set1_ps(2)
        var x = 0
        while x + 4 <= tiles && 4 * x + 20 <= rowLength {
            let p = row + 4 * x
            let a = _mm_loadu_ps(p), b = _mm_loadu_ps(p + 4), c = _mm_loadu_ps(p + 8)
            let d = _mm_loadu_ps(p + 12), e = _mm_loadu_ps(p + 16)
            // d_j = column j of the four windows (tiles x … x+3).
            let (d0, d1, d2, d3) = transpose(a, b, c, d)
            let u = _mm_unpacklo_ps(b, c), v = _mm_unpacklo_ps(d, e)
            let d4 = _mm_movelh_ps(u, v), d5 = _mm_movehl_ps(v, u)
            let pp = _mm_sub_ps(d4, _mm_mul_ps(four, d2)), q = _mm_sub_ps(d3, _mm_mul_ps(four, d1))
            let r = _mm_sub_ps(d4, d2), s = _mm_mul_ps(two, _mm_sub_ps(d3, d1))
            _mm_storeu_ps(out + x, _mm_add_ps(_mm_sub_ps(_mm_mul_ps(four, d0), _mm_mul_ps(five, d2)), d4))
            _mm_storeu_ps(out + stride + x, _mm_add_ps(pp, q))
            _mm_storeu_ps(out + 2 * stride + x, _mm_sub_ps(pp, q))
            _mm_storeu_ps(out + 3 * stride + x, _mm_add_ps(r, s))
            _mm_storeu_ps(out + 4 * stride + x, _mm_sub_ps(r, s))
            _mm_storeu_ps(out + 5 * stride + x, _mm_add_ps(_mm_sub_ps(_mm_mul_ps(four, d1), _mm_mul_ps(five, d3)), d5))
            x += 4
        }
        return x
    }

    /// Writes (or adds) output row `y[j · stride + tile]` (j = 0…3) plus `bias` to `row[4·tile + j]`
    /// for the leading `tiles` tiles, four at a time; returns how many it did (a multiple of 4).
    static func scatterSSE2(_ y: UnsafePointer<Float>, stride: Int, tiles: Int, into row: UnsafeMutablePointer<Float>,
                            bias: Float, accumulate: Bool) -> Int {
        let vb = _mm_set1_ps(bias)
        var x = 0
        while x + 4 <= tiles {
            let (t0, t1, t2, t3) = transpose(_mm_loadu_ps(y + x), _mm_loadu_ps(y + stride + x),
                                             _mm_loadu_ps(y + 2 * stride + x), _mm_loadu_ps(y + 3 * stride + x))
            let p = row + 4 * x
            if accumulate {
                _mm_storeu_ps(p, _mm_add_ps(_mm_loadu_ps(p), _mm_add_ps(t0, vb)))
                _mm_storeu_ps(p + 4, _mm_add_ps(_mm_loadu_ps(p + 4), _mm_add_ps(t1, vb)))
                _mm_storeu_ps(p + 8, _mm_add_ps(_mm_loadu_ps(p + 8), _mm_add_ps(t2, vb)))
                _mm_storeu_ps(p + 12, _mm_add_ps(_mm_loadu_ps(p + 12), _mm_add_ps(t3, vb)))
            } else {
                _mm_storeu_ps(p, _mm_add_ps(t0, vb))
                _mm_storeu_ps(p + 4, _mm_add_ps(t1, vb))
                _mm_storeu_ps(p + 8, _mm_add_ps(t2, vb))
                _mm_storeu_ps(p + 12, _mm_add_ps(t3, vb))
            }
            x += 4
        }
        return x
    }

    /// `inputTransform` for the first `count` tiles, four at a time (the same operations in the same
    /// order as the scalar loop, so the same bits); returns how many it did (a multiple of 4).
    static func inputTransformSSE2(_ a: UnsafePointer<Float>, stride sa: Int, _ o: UnsafeMutablePointer<Float>,
                                   stride so: Int, count: Int) -> Int {
        let four = _mm_set1_ps(4), five = _mm_set1_ps(5), two = _mm_set1_ps(2)
        var x = 0
        while x + 4 <= count {
            let d0 = _mm_loadu_ps(a + x), d1 = _mm_loadu_ps(a + sa + x), d2 = _mm_loadu_ps(a + 2 * sa + x)
            let d3 = _mm_loadu_ps(a + 3 * sa + x), d4 = _mm_loadu_ps(a + 4 * sa + x), d5 = _mm_loadu_ps(a + 5 * sa + x)
            let p = _mm_sub_ps(d4, _mm_mul_ps(four, d2)), q = _mm_sub_ps(d3, _mm_mul_ps(four, d1))
            let r = _mm_sub_ps(d4, d2), s = _mm_mul_ps(two, _mm_sub_ps(d3, d1))
            _mm_storeu_ps(o + x, _mm_add_ps(_mm_sub_ps(_mm_mul_ps(four, d0), _mm_mul_ps(five, d2)), d4))
            _mm_storeu_ps(o + so + x, _mm_add_ps(p, q))
            _mm_storeu_ps(o + 2 * so + x, _mm_sub_ps(p, q))
            _mm_storeu_ps(o + 3 * so + x, _mm_add_ps(r, s))
            _mm_storeu_ps(o + 4 * so + x, _mm_sub_ps(r, s))
            _mm_storeu_ps(o + 5 * so + x, _mm_add_ps(_mm_sub_ps(_mm_mul_ps(four, d1), _mm_mul_ps(five, d3)), d5))
            x += 4
        }
        return x
    }

    /// `outputTransform` for the first `count` tiles, four at a time (same operations, same order,
    /// same bits as the scalar loop); returns how many it did (a multiple of 4).
    static func outputTransformSSE2(_ a: UnsafePointer<Float>, stride sa: Int, _ o: UnsafeMutablePointer<Float>,
                                    stride so: Int, count: Int) -> Int {
        let two = _mm_set1_ps(2), four = _mm_set1_ps(4), eight = _mm_set1_ps(8)
        var x = 0
        while x + 4 <= count {
            let m0 = _mm_loadu_ps(a + x), m1 = _mm_loadu_ps(a + sa + x), m2 = _mm_loadu_ps(a + 2 * sa + x)
            let m3 = _mm_loadu_ps(a + 3 * sa + x), m4 = _mm_loadu_ps(a + 4 * sa + x), m5 = _mm_loadu_ps(a + 5 * sa + x)
            let p = _mm_add_ps(m1, m2), q = _mm_sub_ps(m1, m2), r = _mm_add_ps(m3, m4), s = _mm_sub_ps(m3, m4)
            _mm_storeu_ps(o + x, _mm_add_ps(_mm_add_ps(m0, p), r))
            _mm_storeu_ps(o + so + x, _mm_add_ps(q, _mm_mul_ps(two, s)))
            _mm_storeu_ps(o + 2 * so + x, _mm_add_ps(p, _mm_mul_ps(four, r)))
            _mm_storeu_ps(o + 3 * so + x, _mm_add_ps(_mm_add_ps(q, _mm_mul_ps(eight, s)), m5))
            x += 4
        }
        return x
    }
}
#endif
