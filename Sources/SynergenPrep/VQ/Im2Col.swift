/// Unfolds a band of output rows of a convolution into the column matrix `[Cin·k·k][rows·(Wo+2)]`
/// that one `sgemm` multiplies by the `[Cout][Cin·k·k]` kernel. Columns are laid out in the
/// output's padded coordinates (border columns and border rows are zero), so the product lands
/// directly in the output `FeatureMap`.
public enum Im2Col {
    /// Fills `columns` for output padded rows `rows` (counted over the whole batch, `batch·(Ho+2)`).
    /// - Parameters:
    ///   - input: the input map's data (`[Cin][N][(H+2)(W+2)]`, zero border).
    ///   - offset: padded-coordinate offset of tap (0, 0) for output pixel (0, 0): 0 for "same"
    ///     padding of a 3×3 kernel, 1 for a 1×1 kernel or the bottom-right-padded downsample.
    @inlinable
    public static func fill(columns: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                            inChannels: Int, batch: Int, inHeight: Int, inWidth: Int,
                            outHeight: Int, outWidth: Int, kernel: Int, stride: Int, offset: Int,
                            rows: Range<Int>, threads: Int) {
        let pwi = inWidth + 2, pli = (inHeight + 2) * pwi, csi = batch * pli
        let pwo = outWidth + 2, pho = outHeight + 2
        let n = rows.count * pwo
        let kk = kernel * kernel
        let k = inChannels * kk
        let columns = UnsafeMutableRawPointer(columns)
        Parallel.chunks(k, threads: threads) { range in
            let cols = columns.assumingMemoryBound(to: Float.self)
            for krow in range {
                let c = krow / kk, t = krow % kk, dy = t / kernel, dx = t % kernel
                var dst = cols + krow * n
                for r in rows {
                    let b = r / pho, oyp = r % pho
                    if oyp == 0 || oyp == pho - 1 {
                        dst.update(repeating: 0, count: pwo)
                    } else {
                        let iy = (oyp - 1) * stride + dy + offset
                        let src = input + c * csi + b * pli + iy * pwi + dx + offset
                        dst[0] = 0
                        dst[pwo - 1] = 0
                        if stride == 1 {
                            (dst + 1).update(from: src, count: outWidth)
                        } else {
                            // Wrapping arithmetic: the indices are below the map's size by construction,
                            // and overflow checks here would keep the loop scalar.
                            for ox in 0..<outWidth { dst[ox &+ 1] = src[ox &* stride] }
                        }
                    }
                    dst += pwo
                }
            }
        }
    }
}
