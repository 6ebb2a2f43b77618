/// The 3×3, stride-1, "same"-padded convolution as Winograd F(4×4, 3×3) (Lavin & Gray, 2015):
/// each 4×4 block of output pixels comes from a 6×6 block of input through 36 element-wise
/// products in a transformed domain, so the multiply-adds of the 36 matrix products (one per
/// transformed point, `[Cout][Cin] × [Cin][tiles]`, all in OpenBLAS `sgemm`) are a quarter of the
/// direct convolution's. Interpolation points 0, ±1, ±2, ∞; the kernel transform is computed in
/// `Double` once, at load time.
///
/// Tiles are taken a band of tile rows at a time (`bandTiles` tiles), so the transformed input and
/// output stay bounded (36 · (Cin + Cout) · `bandTiles` floats) whatever the map size. Bands run on
/// across the images of a batch, so a product's shape follows from the batch's geometry and
/// `bandTiles`, never from the thread count; each product is one single-threaded `sgemm`. Edge tiles of
/// maps whose sides are not multiples of 4 read zeros beyond the border and write only the pixels
/// that exist.
enum Winograd {
    /// Transformed points per tile (6 × 6).
    static let points = 36

    /// `G` (6×3): the kernel transform `U = G g Gᵀ`.
    private static let g: [[Double]] = [
        [1.0 / 4, 0, 0],
        [-1.0 / 6, -1.0 / 6, -1.0 / 6],
        [-1.0 / 6, 1.0 / 6, -1.0 / 6],
        [1.0 / 24, 1.0 / 12, 1.0 / 6],
        [1.0 / 24, -1.0 / 12, 1.0 / 6],
        [0, 0, 1],
    ]

    /// The transformed kernel `[36][Cout][Cin]` of a checkpoint-layout kernel `[Cout][Cin][3][3]`.
    static func transformKernel(_ weight: [Float], inChannels ci: Int, outChannels co: Int, threads: Int) -> [Float] {
        precondition(weight.count == co * ci * 9)
        var u = [Float](repeating: 0, count: points * co * ci)
        let g = Self.g
        weight.withUnsafeBufferPointer { wBuf in
            u.withUnsafeMutableBufferPointer { uBuf in
                let w = wBuf.baseAddress!, out = uBuf.baseAddress!
                Parallel.chunks(co, threads: threads) { range in
                    var tmp = [Double](repeating: 0, count: 18)   // G·k, 6×3
                    for o in range {
                        for c in 0..<ci {
                            let k = w + (o * ci + c) * 9
                            for i in 0..<6 {
                                for j in 0..<3 {
                                    tmp[i * 3 + j] = g[i][0] * Double(k[j]) + g[i][1] * Double(k[3 + j]) + g[i][2] * Double(k[6 + j])
                                }
                            }
                            for i in 0..<6 {
                                for j in 0..<6 {
                                    let v = tmp[i * 3] * g[j][0] + tmp[i * 3 + 1] * g[j][1] + tmp[i * 3 + 2] * g[j][2]
                                    out[((i * 6 + j) * co + o) * ci + c] = Float(v)
                                }
                            }
                        }
                    }
                }
            }
        }
        return u
    }

    /// Writes (or with `accumulate`, adds) the convolution of the zero-bordered input map
    /// `[Cin][batch][(H+2)(W+2)]` into the output map of the same geometry with `Cout` channels;
    /// `bias` (if any) is added. The output's border is not written.
    static func convolve(input src: UnsafePointer<Float>, kernel u: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                         output dst: UnsafeMutablePointer<Float>, inChannels ci: Int, outChannels co: Int,
                         batch: Int, height h: Int, width w: Int, accumulate: Bool, bandTiles: Int, threads: Int) {
        let geometry = Geometry(batch: batch, height: h, width: w)
        let bandRows = max(1, min(geometry.tileRows, bandTiles / geometry.tilesPerRow))
        let capacity = bandRows * geometry.tilesPerRow
        let v = UnsafeMutablePointer<Float>.allocate(capacity: points * ci * capacity)
        let m = UnsafeMutablePointer<Float>.allocate(capacity: points * co * capacity)
        defer { v.deallocate(); m.deallocate() }
        var r0 = 0
        while r0 < geometry.tileRows {
            let rows = r0..<min(geometry.tileRows, r0 + bandRows)
            let tiles = rows.count * geometry.tilesPerRow
            Parallel.chunks(ci, threads: threads) { channels in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: points * geometry.tilesPerRow)
                defer { scratch.deallocate() }
                for c in channels {
                    for r in rows {
                        geometry.transformInput(src + c * geometry.channelStride, tileRow: r, scratch: scratch,
                                                into: v + c * tiles + (r - r0) * geometry.tilesPerRow,
                                                pointStride: ci * tiles)
                    }
                }
            }
            // The 36 products are independent: each thread takes whole products, each one
            // single-threaded `sgemm` (measured 1.0–1.3× faster than splitting every product).
            Parallel.chunks(points, threads: threads) { range in
                for p in range {
                    BLAS.sgemm(m: co, n: tiles, k: ci, a: u + p * co * ci, lda: ci, b: v + p * ci * tiles, ldb: tiles,
                               beta: 0, c: m + p * co * tiles, ldc: tiles)
                }
            }
            Parallel.chunks(co, threads: threads) { channels in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 40 * geometry.tilesPerRow)
                defer { scratch.deallocate() }
                for o in channels {
                    for r in rows {
                        geometry.transformOutput(m + o * tiles + (r - r0) * geometry.tilesPerRow,
                                                 pointStride: co * tiles, scratch: scratch, tileRow: r,
                                                 into: dst + o * geometry.channelStride, bias: bias?[o] ?? 0, accumulate: accumulate)
                    }
                }
            }
            r0 = rows.upperBound
        }
    }

    /// Tiling of one channel's zero-bordered planes (the whole batch).
    struct Geometry {
        let height: Int, width: Int
        let paddedWidth: Int, paddedHeight: Int, plane: Int, channelStride: Int
        /// 4×4 output tiles per row of one image, tile rows per image, tile rows of the batch.
        let tilesPerRow: Int, tileRowsPerImage: Int, tileRows: Int

        init(batch: Int, height: Int, width: Int) {
            self.height = height
            self.width = width
            paddedWidth = width + 2
            paddedHeight = height + 2
            plane = paddedWidth * paddedHeight
            channelStride = batch * plane
            tilesPerRow = (width + 3) / 4
            tileRowsPerImage = (height + 3) / 4
            tileRows = batch * tileRowsPerImage
        }

        /// Transforms the 6×6 input windows of one tile row of one channel (`Bᵀ d B`); point `p` of
        /// tile `t` goes to `out[p · pointStride + t]`. `scratch` holds 36 · `tilesPerRow` floats.
        func transformInput(_ channel: UnsafePointer<Float>, tileRow r: Int, scratch: UnsafeMutablePointer<Float>,
                            into out: UnsafeMutablePointer<Float>, pointStride: Int) {
            let n = tilesPerRow, y0 = 4 * (r % tileRowsPerImage)
            let image = channel + (r / tileRowsPerImage) * plane
            // Rows: t[k][i][tile] = Σ_j Bᵀ[i][j] input(y0 + k, 4·tile + j).
            for k in 0..<6 {
                let tk = scratch + k * 6 * n
                guard y0 + k < paddedHeight else {
                    tk.update(repeating: 0, count: 6 * n)
                    continue
                }
                let row = image + (y0 + k) * paddedWidth
                var done = 0
                #if arch(x86_64)
                done = Winograd.rowTransformSSE2(row, rowLength: paddedWidth, tiles: n, into: tk, stride: n)
                #endif
                Winograd.rowTransform(row, rowLength: paddedWidth, tiles: done..<n, into: tk, stride: n)
            }
            // Columns: out[i][j] = Σ_k Bᵀ[i][k] t[k][j].
            for j in 0..<6 { Winograd.inputTransform(scratch + j * n, stride: 6 * n, out + j * pointStride, stride: 6 * pointStride, count: n) }
        }

        /// Inverse-transforms one tile row of one output channel (`Aᵀ m A`) from the 36 products
        /// (`m[p · pointStride + t]`) into the channel's planes, plus `bias` (added to what is there
        /// when `accumulate`). `scratch` holds 40 · `tilesPerRow` floats.
        func transformOutput(_ m: UnsafePointer<Float>, pointStride: Int, scratch: UnsafeMutablePointer<Float>,
                             tileRow r: Int, into channel: UnsafeMutablePointer<Float>, bias: Float, accumulate: Bool) {
            let n = tilesPerRow, y0 = 4 * (r % tileRowsPerImage)
            let image = channel + (r / tileRowsPerImage) * plane
            let s = scratch, y = scratch + 24 * n
            // Columns: s[i][j] = Σ_k Aᵀ[i][k] m[k][j] (4×6); rows: y[i][j] = Σ_k Aᵀ[j][k] s[i][k] (4×4).
            for j in 0..<6 { Winograd.outputTransform(m + j * pointStride, stride: 6 * pointStride, s + j * n, stride: 6 * n, count: n) }
            for i in 0..<4 { Winograd.outputTransform(s + i * 6 * n, stride: n, y + i * 4 * n, stride: n, count: n) }
            for i in 0..<min(4, height - y0) {
                let row = image + (y0 + i + 1) * paddedWidth + 1
                let yi = y + i * 4 * n
                var done = 0
                #if arch(x86_64)
                done = Winograd.scatterSSE2(yi, stride: n, tiles: min(n, width / 4), into: row, bias: bias, accumulate: accumulate)
                #endif
                for x in done..<n {
                    for j in 0..<min(4, width - 4 * x) {
                        let o = 4 &* x &+ j, t = j &* n &+ x
                        if accumulate { row[o] += yi[t] + bias } else { row[o] = yi[t] + bias }
                    }
                }
            }
        }
    }

    /// `Bᵀ` applied along one input row for the tiles `tiles` (scalar): the six sums of tile `x`
    /// go to `out[i · stride + x]`; columns past `rowLength` read as zero.
    static func rowTransform(_ row: UnsafePointer<Float>, rowLength: Int, tiles: Range<Int>,
                             into out: UnsafeMutablePointer<Float>, stride: Int) {
        for x in tiles {
            func at(_ j: Int) -> Float { 4 &* x &+ j < rowLength ? row[4 &* x &+ j] : 0 }
            let d0 = at(0), d1 = at(1), d2 = at(2), d3 = at(3), d4 = at(4), d5 = at(5)
            let p = d4 - 4 * d2, q = d3 - 4 * d1, r = d4 - d2, s = 2 * (d3 - d1)
            out[x] = 4 * d0 - 5 * d2 + d4
            out[stride + x] = p + q
            out[2 * stride + x] = p - q
            out[3 * stride + x] = r + s
            out[4 * stride + x] = r - s
            out[5 * stride + x] = 4 * d1 - 5 * d3 + d5
        }
    }

    /// Six rows of `Bᵀ · (six input rows)`, element-wise over `count` tiles (four at a time with
    /// SSE2 on x86-64, the rest here).
    @inline(__always)
    static func inputTransform(_ a: UnsafePointer<Float>, stride sa: Int, _ o: UnsafeMutablePointer<Float>, stride so: Int,
                               count: Int) {
        let a0 = a, a1 = a + sa, a2 = a + 2 * sa, a3 = a + 3 * sa, a4 = a + 4 * sa, a5 = a + 5 * sa
        let o0 = o, o1 = o + so, o2 = o + 2 * so, o3 = o + 3 * so, o4 = o + 4 * so, o5 = o + 5 * so
        var done = 0
        #if arch(x86_64)
        done = inputTransformSSE2(a, stride: sa, o, stride: so, count: count)
        #endif
        for x in done..<count {
            let d0 = a0[x], d1 = a1[x], d2 = a2[x], d3 = a3[x], d4 = a4[x], d5 = a5[x]
            let p = d4 - 4 * d2, q = d3 - 4 * d1      // rows 1, 2
            let r = d4 - d2, s = 2 * (d3 - d1)        // rows 3, 4
            o0[x] = 4 * d0 - 5 * d2 + d4
            o1[x] = p + q
            o2[x] = p - q
            o3[x] = r + s
            o4[x] = r - s
            o5[x] = 4 * d1 - 5 * d3 + d5
        }
    }

    /// Four rows of `Aᵀ · (six rows)`, element-wise over `count` tiles (four at a time with SSE2 on
    /// x86-64, the rest here).
    @inline(__always)
    static func outputTransform(_ a: UnsafePointer<Float>, stride sa: Int, _ o: UnsafeMutablePointer<Float>, stride so: Int,
                                count: Int) {
        let a0 = a, a1 = a + sa, a2 = a + 2 * sa, a3 = a + 3 * sa, a4 = a + 4 * sa, a5 = a + 5 * sa
        let o0 = o, o1 = o + so, o2 = o + 2 * so, o3 = o + 3 * so
        var done = 0
        #if arch(x86_64)
        done = outputTransformSSE2(a, stride: sa, o, stride: so, count: count)
        #endif
        for x in done..<count {
            let m0 = a0[x], m1 = a1[x], m2 = a2[x], m3 = a3[x], m4 = a4[x], m5 = a5[x]
            let p = m1 + m2, q = m1 - m2, r = m3 + m4, s = m3 - m4
            o0[x] = m0 + p + r
            o1[x] = q + 2 * s
            o2[x] = p + 4 * r
            o3[x] = q + 8 * s + m5
        }
    }
}
