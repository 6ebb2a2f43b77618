import COpenBLAS

/// Wraps OpenBLAS: single-precision matrix products (every convolution and projection of the VQ
/// encoder runs through `sgemm`) and the library's own thread count.
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

    /// Threads OpenBLAS uses inside one call (wraps `openblas_get_num_threads` / `openblas_set_num_threads`).
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }
}
