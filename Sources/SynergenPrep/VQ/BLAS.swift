import COpenBLAS

/// Wraps OpenBLAS: single-precision matrix products (every convolution and projection of the VQ
/// encoder runs through `sgemm`) and the library's own thread count.
///
/// Measured on OpenBLAS 0.3.21 (`make probe-openblas`): a multi-threaded `sgemm` may cut the K loop
/// into other blocks than a single-threaded one and so give other bits (with the Haswell kernels for
/// 80 of the encoders' 81 product shapes; with the AVX-512 ones for other shapes), and a
/// single-threaded one gives other bits for a column when the call's N differs (edge and
/// small-matrix kernels). So the encoder calls OpenBLAS single-threaded only (`useOneThread`), with
/// every call's shape fixed by the problem, and parallelises around it (`sgemmInColumnBlocks`).
public enum BLAS {
    /// C = alpha · op(A) · op(B) + beta · C, row-major (wraps `cblas_sgemm`).
    /// `a` is m×k (k×m when `transposeA`), `b` is k×n (n×k when `transposeB`), `c` is m×n.
    @inlinable
    public static func sgemm(m: Int, n: Int, k: Int, alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
                             b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// Columns per block of `sgemmInColumnBlocks` for a product with `n` columns: n/8 rounded up to
    /// a multiple of 64, at least 256 — a function of `n` alone, so the blocks never depend on the
    /// thread count.
    @inlinable
    public static func columnBlock(_ n: Int) -> Int { max(256, ((n + 7) / 8 + 63) / 64 * 64) }

    /// The same product as `sgemm`, as one single-threaded `sgemm` per block of `columnBlock(n)`
    /// columns of C, the blocks spread over `threads`. The result depends on the shape alone.
    @inlinable
    public static func sgemmInColumnBlocks(m: Int, n: Int, k: Int, alpha: Float = 1,
                                           a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
                                           b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
                                           beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int) {
        let width = columnBlock(n)
        let blocks = (n + width - 1) / width
        Parallel.forEach(blocks, threads: threads) { block in
            let j0 = block * width, columns = min(width, n - j0)
            sgemm(m: m, n: columns, k: k, alpha: alpha, a: a, lda: lda, transposeA: transposeA,
                  b: transposeB ? b + j0 * ldb : b + j0, ldb: ldb, transposeB: transposeB,
                  beta: beta, c: c + j0, ldc: ldc)
        }
    }

    /// Threads OpenBLAS uses inside one call (wraps `openblas_get_num_threads` / `openblas_set_num_threads`).
    /// Process-wide; the encoder sets it to 1 (`useOneThread`).
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }

    /// Makes OpenBLAS run every call on the calling thread (a no-op when it already does).
    public static func useOneThread() {
        if openblas_get_num_threads() != 1 { openblas_set_num_threads(1) }
    }
}
