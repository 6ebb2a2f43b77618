import Foundation

/// The nearest-code lookup (`quantize.embedding.weight`, `[K][D]`): for every latent vector z,
/// the index of argmin ‖z‖² − 2 z·e + ‖e‖² (first minimum wins), the z·e terms of a band of
/// vectors computed as one `sgemm` against the whole codebook. With `.normalizedL2` both z and
/// every e are first divided by max(‖·‖, 1e-12) (LlamaGen's `F.normalize`).
public struct Codebook: Sendable {
    public let size: Int
    public let dimension: Int
    public let lookup: CodebookLookup
    /// Codes as used for the distances (normalised for `.normalizedL2`).
    public let embedding: [Float]
    /// ‖e‖² per code.
    let squaredNorms: [Float]

    public init(embedding raw: [Float], size: Int, dimension: Int, lookup: CodebookLookup) {
        precondition(raw.count == size * dimension)
        self.size = size
        self.dimension = dimension
        self.lookup = lookup
        var e = raw
        if lookup == .normalizedL2 {
            for k in 0..<size { Self.normalize(&e, offset: k * dimension, count: dimension) }
        }
        var norms = [Float](repeating: 0, count: size)
        for k in 0..<size {
            var s: Float = 0
            for d in 0..<dimension { s += e[k * dimension + d] * e[k * dimension + d] }
            norms[k] = s
        }
        embedding = e
        squaredNorms = norms
    }

    /// Reads `quantize.embedding.weight`.
    public init(_ source: inout some WeightSource, config: VQConfig) throws(VQError) {
        let e = try source.tensor("quantize.embedding.weight", shape: [config.codebookSize, config.codeDim], role: .codebook)
        self.init(embedding: e, size: config.codebookSize, dimension: config.codeDim, lookup: config.lookup)
    }

    /// `v[offset..<offset+count] /= max(‖v‖, 1e-12)`.
    static func normalize(_ v: inout [Float], offset: Int, count: Int) {
        var s: Float = 0
        for d in 0..<count { s += v[offset + d] * v[offset + d] }
        let n = max(s.squareRoot(), 1e-12)
        for d in 0..<count { v[offset + d] /= n }
    }

    /// The code of every vector of `vectors` (`[P][D]` row-major), in bands of
    /// `tuning.codebookBandVectors` vectors.
    public func nearest(_ vectors: [Float], _ tuning: EncoderTuning = EncoderTuning()) -> [Int32] {
        let p = vectors.count / dimension
        var z = vectors
        if lookup == .normalizedL2 {
            for i in 0..<p { Self.normalize(&z, offset: i * dimension, count: dimension) }
        }
        var codes = [Int32](repeating: 0, count: p)
        let band = max(1, min(p, tuning.codebookBandVectors))
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: band * size)
        defer { scores.deallocate() }
        let k = size, dim = dimension
        z.withUnsafeBufferPointer { zb in
            embedding.withUnsafeBufferPointer { eb in
                squaredNorms.withUnsafeBufferPointer { nb in
                    codes.withUnsafeMutableBufferPointer { cb in
                        let zRaw = UnsafeRawPointer(zb.baseAddress!), nRaw = UnsafeRawPointer(nb.baseAddress!)
                        let cRaw = UnsafeMutableRawPointer(cb.baseAddress!), sRaw = UnsafeMutableRawPointer(scores)
                        var i0 = 0
                        while i0 < p {
                            let rows = min(band, p - i0)
                            // scores = −2 · z eᵀ
                            BLAS.sgemmInColumnBlocks(m: rows, n: k, k: dim, alpha: -2, a: zb.baseAddress! + i0 * dim, lda: dim,
                                                     b: eb.baseAddress!, ldb: dim, transposeB: true, c: scores, ldc: k,
                                                     threads: tuning.threads)
                            let base = i0
                            Parallel.forEach(rows, threads: tuning.threads) { r in
                                let zp = zRaw.assumingMemoryBound(to: Float.self) + (base + r) * dim
                                var zz: Float = 0
                                for d in 0..<dim { zz += zp[d] * zp[d] }
                                let row = sRaw.assumingMemoryBound(to: Float.self) + r * k
                                let en = nRaw.assumingMemoryBound(to: Float.self)
                                var best = Float.infinity, bestIndex = 0
                                for j in 0..<k {
                                    let dist = (zz + en[j]) + row[j]
                                    if dist < best { best = dist; bestIndex = j }
                                }
                                cRaw.assumingMemoryBound(to: Int32.self)[base + r] = Int32(bestIndex)
                            }
                            i0 += rows
                        }
                    }
                }
            }
        }
        return codes
    }

    /// Exact squared distance (in `Double`) from `vector` to code `index`, after the lookup's normalisation.
    public func distance(_ vector: ArraySlice<Float>, to index: Int) -> Double {
        var z = Array(vector)
        if lookup == .normalizedL2 { Self.normalize(&z, offset: 0, count: dimension) }
        var s = 0.0
        for d in 0..<dimension { let t = Double(z[d]) - Double(embedding[index * dimension + d]); s += t * t }
        return s
    }
}
