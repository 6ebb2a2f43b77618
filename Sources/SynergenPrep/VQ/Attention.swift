import Foundation

/// The VQGAN single-head self-attention block (`AttnBlock`): GroupNorm, 1×1 `q`, `k`, `v`,
/// softmax(qᵀk / √C) over the keys, 1×1 `proj_out`, residual. Keys: `{name}.norm`, `.q`, `.k`,
/// `.v`, `.proj_out`. Queries are processed in bands (`EncoderTuning.attentionQueryBand`) so the
/// score matrix stays bounded; each image of a batch is attended on its own.
public struct AttentionBlock: Sendable {
    public let channels: Int
    public let norm: GroupNorm
    /// q, k, v kernels stacked `[3C][C]`, biases `[3C]`.
    let qkvWeight: [Float]
    let qkvBias: [Float]
    let projWeight: [Float]
    let projBias: [Float]

    public init(_ source: inout some WeightSource, _ name: String, channels c: Int) throws(VQError) {
        channels = c
        norm = try GroupNorm(&source, name + ".norm", channels: c)
        var w: [Float] = [], b: [Float] = []
        for part in ["q", "k", "v"] {
            w += try source.tensor("\(name).\(part).weight", shape: [c, c, 1, 1], role: .convWeight(fanIn: c))
            b += try source.tensor("\(name).\(part).bias", shape: [c], role: .convBias)
        }
        qkvWeight = w
        qkvBias = b
        projWeight = try source.tensor(name + ".proj_out.weight", shape: [c, c, 1, 1], role: .convWeight(fanIn: c))
        projBias = try source.tensor(name + ".proj_out.bias", shape: [c], role: .convBias)
    }

    /// `x + proj(attention(norm(x)))`, one image of the batch at a time.
    public func callAsFunction(_ x: FeatureMap, _ tuning: EncoderTuning) -> FeatureMap {
        let c = channels, hw = x.height * x.width
        let normed = norm(x, swish: false, tuning)
        var out = x
        let compact = UnsafeMutablePointer<Float>.allocate(capacity: c * hw)
        let qkv = UnsafeMutablePointer<Float>.allocate(capacity: 3 * c * hw)
        let attended = UnsafeMutablePointer<Float>.allocate(capacity: c * hw)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: min(hw, tuning.attentionQueryBand) * hw)
        defer { compact.deallocate(); qkv.deallocate(); attended.deallocate(); scores.deallocate() }
        for b in 0..<x.batch {
            normed.data.withUnsafeBufferPointer { src in
                for ch in 0..<c {
                    for y in 0..<x.height {
                        (compact + ch * hw + y * x.width).update(from: src.baseAddress! + ch * x.channelStride + b * x.plane
                                                                 + (y + 1) * x.paddedWidth + 1, count: x.width)
                    }
                }
            }
            project(compact, into: qkv, positions: hw, threads: tuning.threads)
            attend(qkv, into: attended, scores: scores, positions: hw, tuning: tuning)
            // out += proj(attended): reuse `compact` for the projection.
            projWeight.withUnsafeBufferPointer { w in
                BLAS.sgemmInColumnBlocks(m: c, n: hw, k: c, a: w.baseAddress!, lda: c, b: attended, ldb: hw, c: compact,
                                         ldc: hw, threads: tuning.threads)
            }
            addProjection(compact, to: &out, image: b)
        }
        return out
    }

    /// q, k and v (`[3C][HW]`) of one image's normalised `[C][HW]` planes: bias, then one product.
    private func project(_ compact: UnsafePointer<Float>, into qkv: UnsafeMutablePointer<Float>, positions hw: Int,
                         threads: Int) {
        let c = channels
        qkvWeight.withUnsafeBufferPointer { w in
            qkvBias.withUnsafeBufferPointer { bias in
                for o in 0..<3 * c { (qkv + o * hw).update(repeating: bias[o], count: hw) }
                BLAS.sgemmInColumnBlocks(m: 3 * c, n: hw, k: c, a: w.baseAddress!, lda: c, b: compact, ldb: hw, beta: 1,
                                         c: qkv, ldc: hw, threads: threads)
            }
        }
    }

    /// `attended[c][i] = Σ_j v[c][j] softmax_j(q[·][i] · k[·][j] / √C)`, a band of query rows at a time.
    private func attend(_ qkv: UnsafePointer<Float>, into attended: UnsafeMutablePointer<Float>,
                        scores: UnsafeMutablePointer<Float>, positions hw: Int, tuning: EncoderTuning) {
        let c = channels, band = min(hw, tuning.attentionQueryBand), scale = 1 / Float(c).squareRoot()
        let q = qkv, k = qkv + c * hw, v = qkv + 2 * c * hw
        var i0 = 0
        while i0 < hw {
            let i1 = min(hw, i0 + band), rows = i1 - i0
            BLAS.sgemmInColumnBlocks(m: rows, n: hw, k: c, alpha: scale, a: q + i0, lda: hw, transposeA: true,
                                     b: k, ldb: hw, c: scores, ldc: hw, threads: tuning.threads)
            Self.softmaxRows(scores, rows: rows, columns: hw, threads: tuning.threads)
            BLAS.sgemmInColumnBlocks(m: c, n: rows, k: hw, a: v, lda: hw, b: scores, ldb: hw, transposeB: true,
                                     c: attended + i0, ldc: hw, threads: tuning.threads)
            i0 = i1
        }
    }

    /// Adds the projected `[C][HW]` planes plus `proj_out`'s bias to image `b` of `out`.
    private func addProjection(_ projected: UnsafePointer<Float>, to out: inout FeatureMap, image b: Int) {
        let hw = out.height * out.width, pw = out.paddedWidth, pl = out.plane, cs = out.channelStride
        let height = out.height, width = out.width
        out.data.withUnsafeMutableBufferPointer { dst in
            projBias.withUnsafeBufferPointer { pb in
                for ch in 0..<channels {
                    let bv = pb[ch]
                    for y in 0..<height {
                        let d = dst.baseAddress! + ch * cs + b * pl + (y + 1) * pw + 1
                        let s = projected + ch * hw + y * width
                        for xx in 0..<width { d[xx] += s[xx] + bv }
                    }
                }
            }
        }
    }

    /// Row-wise softmax in place: `exp(x − max) / Σ`.
    static func softmaxRows(_ p: UnsafeMutablePointer<Float>, rows: Int, columns: Int, threads: Int) {
        let raw = UnsafeMutableRawPointer(p)
        Parallel.forEach(rows, threads: threads) { r in
            let row = raw.assumingMemoryBound(to: Float.self) + r * columns
            var m = -Float.infinity
            for j in 0..<columns { m = max(m, row[j]) }
            var sum: Float = 0
            for j in 0..<columns { let e = expf(row[j] - m); row[j] = e; sum += e }
            for j in 0..<columns { row[j] /= sum }
        }
    }
}
