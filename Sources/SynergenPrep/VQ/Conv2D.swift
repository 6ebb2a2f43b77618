/// A 2-D convolution (`nn.Conv2d` with bias) on `FeatureMap`s, every multiply-add in OpenBLAS `sgemm`.
///
/// - 3×3, stride 1, padding 1 with ≥ `EncoderTuning.shiftMinimumChannels` inputs: Winograd F(4×4, 3×3)
///   (`Winograd`, 36 `sgemm`s per band of tiles, a quarter of the multiply-adds) when the transformed
///   kernel fits in `EncoderTuning.winogradMaximumKernelBytes`; otherwise nine `sgemm`s per column band,
///   one per kernel tap, each reading the zero-bordered input shifted by the tap's offset — no im2col
///   copy at all.
/// - 1×1: one product over all planes of the batch.
/// - Anything else (the RGB `conv_in`, the stride-2 downsample): im2col in bands of output rows
///   (`Im2Col`, at most `EncoderTuning.im2colBandBytes` of columns at once), then one product per band.
///
/// Threads split independent outputs only (tiles, column blocks, bands of columns); every product is
/// a single-threaded `sgemm` whose shape depends on the input's shape and the tuning's band sizes,
/// never on `EncoderTuning.threads`.
public struct Conv2D: Sendable {
    /// Padding of the reference module.
    public enum Padding: Sendable {
        /// `kernel/2` on every side (`padding=1` for 3×3, `0` for 1×1).
        case same
        /// 0 left/top, 1 right/bottom, then no padding (the VQGAN `Downsample`).
        case bottomRight
    }

    public let inChannels: Int
    public let outChannels: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Padding
    /// Winograd: `[36][Cout][Cin]`; shift path: `[tap][Cout][Cin]`; otherwise the checkpoint's `[Cout][Cin·k·k]`.
    let packed: [Float]
    public let bias: [Float]
    /// This 3×3 convolution takes the shift path (see the type's summary).
    public let usesShift: Bool
    /// This 3×3 convolution takes the Winograd path (see the type's summary).
    public let usesWinograd: Bool

    /// A convolution from a checkpoint-layout kernel `[Cout][Cin][k][k]` and bias `[Cout]`.
    public init(weight: [Float], bias: [Float], inChannels: Int, outChannels: Int, kernel: Int,
                stride: Int = 1, padding: Padding = .same, tuning: EncoderTuning = EncoderTuning()) {
        precondition(weight.count == outChannels * inChannels * kernel * kernel && bias.count == outChannels)
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.bias = bias
        let direct3x3 = kernel == 3 && stride == 1 && padding == .same && inChannels >= tuning.shiftMinimumChannels
        usesWinograd = direct3x3 && Winograd.points * outChannels * inChannels * 4 <= tuning.winogradMaximumKernelBytes
        usesShift = direct3x3 && !usesWinograd
        if usesWinograd {
            packed = Winograd.transformKernel(weight, inChannels: inChannels, outChannels: outChannels, threads: tuning.threads)
        } else if usesShift {
            var p = [Float](repeating: 0, count: weight.count)
            let ci = inChannels, co = outChannels
            for o in 0..<co { for c in 0..<ci { for t in 0..<9 { p[(t * co + o) * ci + c] = weight[(o * ci + c) * 9 + t] } } }
            packed = p
        } else {
            packed = weight
        }
    }

    /// Reads `name.weight` `[Cout, Cin, k, k]` and `name.bias` `[Cout]` from `source`.
    public init(_ source: inout some WeightSource, _ name: String, inChannels: Int, outChannels: Int,
                kernel: Int, stride: Int = 1, padding: Padding = .same, tuning: EncoderTuning) throws(VQError) {
        let w = try source.tensor(name + ".weight", shape: [outChannels, inChannels, kernel, kernel],
                                  role: .convWeight(fanIn: inChannels * kernel * kernel))
        let b = try source.tensor(name + ".bias", shape: [outChannels], role: .convBias)
        self.init(weight: w, bias: b, inChannels: inChannels, outChannels: outChannels, kernel: kernel,
                  stride: stride, padding: padding, tuning: tuning)
    }

    /// Output size for an input of `size` pixels.
    public func outputSize(_ size: Int) -> Int {
        let total = padding == .same ? 2 * (kernel / 2) : 1
        return (size + total - kernel) / stride + 1
    }

    /// Multiply-adds ×2 of the direct convolution for an input of `height`×`width` (one image): the
    /// model's FLOPs. With `executed`, those of the matrix products this convolution really runs
    /// (Winograd: 36 per 4×4 output tile instead of 144).
    public func flops(height: Int, width: Int, executed: Bool = false) -> Double {
        let ho = outputSize(height), wo = outputSize(width)
        if executed && usesWinograd {
            return 2 * Double(Winograd.points * outChannels * inChannels) * Double(((ho + 3) / 4) * ((wo + 3) / 4))
        }
        return 2 * Double(outChannels * inChannels * kernel * kernel) * Double(ho * wo)
    }

    /// The convolution of `x` (new map, zero border).
    public func callAsFunction(_ x: FeatureMap, _ tuning: EncoderTuning) -> FeatureMap {
        precondition(x.channels == inChannels, "Conv2D: \(x.channels) input channels, expected \(inChannels)")
        var out = FeatureMap(channels: outChannels, batch: x.batch, height: outputSize(x.height), width: outputSize(x.width))
        apply(x, into: &out, accumulate: false, tuning: tuning)
        return out
    }

    /// Writes (or with `accumulate`, adds) the convolution of `x` into `out`, bias included, border kept zero.
    public func apply(_ x: FeatureMap, into out: inout FeatureMap, accumulate: Bool, addBias: Bool = true,
                      tuning: EncoderTuning) {
        let ho = outputSize(x.height), wo = outputSize(x.width)
        precondition(out.channels == outChannels && out.height == ho && out.width == wo && out.batch == x.batch)
        let total = out.channelStride
        let co = outChannels, ci = inChannels
        x.data.withUnsafeBufferPointer { inBuf in
            packed.withUnsafeBufferPointer { wBuf in
                bias.withUnsafeBufferPointer { bBuf in
                    out.data.withUnsafeMutableBufferPointer { outBuf in
                        let src = inBuf.baseAddress!, w = wBuf.baseAddress!, dst = outBuf.baseAddress!
                        if kernel == 1 && stride == 1 {
                            if addBias || accumulate { Self.fillBias(dst, bias: addBias ? bBuf.baseAddress : nil, channels: co, stride: total, range: 0..<total, keep: accumulate) }
                            BLAS.sgemmInColumnBlocks(m: co, n: total, k: ci, a: w, lda: ci, b: src, ldb: total,
                                                     beta: (addBias || accumulate) ? 1 : 0, c: dst, ldc: total,
                                                     threads: tuning.threads)
                        } else if usesWinograd {
                            Winograd.convolve(input: src, kernel: w, bias: addBias ? bBuf.baseAddress : nil, output: dst,
                                              inChannels: ci, outChannels: co, batch: x.batch, height: x.height, width: x.width,
                                              accumulate: accumulate, bandTiles: tuning.winogradBandTiles, threads: tuning.threads)
                        } else if usesShift {
                            shiftProduct(src, w, addBias ? bBuf.baseAddress : nil, dst, paddedWidth: x.paddedWidth,
                                         total: total, accumulate: accumulate, tuning: tuning)
                        } else {
                            im2colProduct(src, w, addBias ? bBuf.baseAddress : nil, dst, x: x, ho: ho, wo: wo,
                                          accumulate: accumulate, tuning: tuning)
                        }
                    }
                }
            }
        }
        out.zeroBorder()
    }

    /// Sets (or adds) `bias[o]` over columns `range` of every output channel `o`.
    static func fillBias(_ dst: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, channels: Int, stride: Int,
                         range: Range<Int>, keep: Bool) {
        for o in 0..<channels {
            let row = dst + o * stride + range.lowerBound
            let v = bias?[o] ?? 0
            if keep {
                if v != 0 { for i in 0..<range.count { row[i] += v } }
            } else {
                row.update(repeating: v, count: range.count)
            }
        }
    }

    /// Bands of `shiftBandColumns` output columns, each written by nine accumulating products (one
    /// per tap, in tap order); the bands are independent and spread over the threads.
    private func shiftProduct(_ src: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                              _ dst: UnsafeMutablePointer<Float>, paddedWidth pw: Int, total: Int, accumulate: Bool,
                              tuning: EncoderTuning) {
        let co = outChannels, ci = inChannels
        let first = pw + 1, end = total - pw - 1
        let band = max(tuning.shiftBandColumns, pw)
        let bands = (max(0, end - first) + band - 1) / band
        Parallel.forEach(bands, threads: tuning.threads) { index in
            let j0 = first + index * band, j1 = min(end, j0 + band)
            Self.fillBias(dst, bias: bias, channels: co, stride: total, range: j0..<j1, keep: accumulate)
            for t in 0..<9 {
                let shift = (t / 3 - 1) * pw + (t % 3 - 1)
                BLAS.sgemm(m: co, n: j1 - j0, k: ci, a: w + t * co * ci, lda: ci, b: src + j0 + shift, ldb: total,
                           beta: 1, c: dst + j0, ldc: total)
            }
        }
    }

    private func im2colProduct(_ src: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                               _ dst: UnsafeMutablePointer<Float>, x: FeatureMap, ho: Int, wo: Int, accumulate: Bool,
                               tuning: EncoderTuning) {
        let co = outChannels, k = inChannels * kernel * kernel
        let pwo = wo + 2, rowsTotal = x.batch * (ho + 2), total = x.batch * (ho + 2) * pwo
        let bandRows = max(1, min(rowsTotal, tuning.im2colBandBytes / max(1, k * pwo * 4)))
        let offset = padding == .bottomRight ? 1 : 1 - kernel / 2
        let columns = UnsafeMutablePointer<Float>.allocate(capacity: k * bandRows * pwo)
        defer { columns.deallocate() }
        var r0 = 0
        while r0 < rowsTotal {
            let r1 = min(rowsTotal, r0 + bandRows)
            let n = (r1 - r0) * pwo
            Im2Col.fill(columns: columns, input: src, inChannels: inChannels, batch: x.batch, inHeight: x.height,
                        inWidth: x.width, outHeight: ho, outWidth: wo, kernel: kernel, stride: stride, offset: offset,
                        rows: r0..<r1, threads: tuning.threads)
            Self.fillBias(dst, bias: bias, channels: co, stride: total, range: r0 * pwo..<r1 * pwo, keep: accumulate)
            BLAS.sgemmInColumnBlocks(m: co, n: n, k: k, a: w, lda: k, b: columns, ldb: n, beta: 1, c: dst + r0 * pwo,
                                     ldc: total, threads: tuning.threads)
            r0 = r1
        }
    }
}
