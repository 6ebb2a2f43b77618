import Foundation

/// A VQ image tokenizer's encoder half: pixels in [−1, 1] (`[N, 3, S, S]`, the preprocessing's
/// `ModelTensor`) to code grids. The 2-D body (`encoder`) runs once per image; LlamaGen and
/// Chameleon follow it with a 1×1 `quant_conv`, Emu3 with its temporal tail (`TemporalTail`);
/// then `quantize` finds the nearest codes.
///
/// **Thread invariance.** The latents (and so the codes) of a batch are a function of its pixels, the
/// weights and the tuning's path and band choices alone — never of `tuning.threads`, of how many
/// encoders run at once, or of which thread computes what:
/// - OpenBLAS runs single-threaded (`BLAS.useOneThread()` at every encode): its multi-threaded
///   `sgemm` sums K in other blocks than its single-threaded one.
/// - Every product is cut into calls whose shapes follow from the input's shape and the band sizes
///   (Winograd's 36 products per band of tiles, im2col and shift bands, column blocks of
///   `BLAS.columnBlock(n)`); threads only take whole calls.
/// - The loops between products (GroupNorm statistics per image and group, softmax per row, the
///   nearest code per vector, the Winograd transforms, im2col) give each thread whole outputs and
///   sum inside an output in one fixed order.
/// The code search takes the first minimum on exact ties. Other CPUs may pick other OpenBLAS
/// kernels and so other bits: the guarantee is per machine type, not across them.
public struct VQEncoder: Sendable {
    public let config: VQConfig
    public let encoder: EncoderWeights
    /// Emu3 only.
    public let temporalTail: TemporalTail?
    /// LlamaGen and Chameleon only (`quant_conv`, 1×1).
    public let quantConv: Conv2D?
    /// `quantize.embedding.weight`.
    public let quantize: Codebook
    /// Largest number of images run through one forward pass; larger batches are split. 0 picks it
    /// from `memoryBudgetBytes`.
    public var maxBatch = 0
    /// Bytes one feature map at full resolution may take when `maxBatch` is 0.
    public var memoryBudgetBytes = 600 << 20
    /// Checked between the blocks of every forward pass: a signal stops the encoder within one
    /// block (`.interrupted`; well under a second for Emu3 at 512 px).
    public var interruption: Interruption?
    /// Threads and band sizes of every encode; its convolution paths were applied when the encoder
    /// was built. Copies of one encoder share the weights, so each worker may hold its own tuning.
    public var tuning: EncoderTuning

    /// Builds the encoder, asking `source` for every tensor by checkpoint name.
    public init(config: VQConfig, source: inout some WeightSource, tuning: EncoderTuning = EncoderTuning()) throws(VQError) {
        try config.validate()
        self.config = config
        self.tuning = tuning
        BLAS.useOneThread()
        encoder = try EncoderWeights(&source, config: config, tuning: tuning)
        if config.family == .emu3 {
            temporalTail = try TemporalTail(&source, config: config, tuning: tuning)
            quantConv = nil
        } else {
            temporalTail = nil
            quantConv = try Conv2D(&source, CheckpointKeys(family: config.family).quantConv,
                                   inChannels: config.zChannels, outChannels: config.codeDim, kernel: 1, tuning: tuning)
        }
        quantize = try Codebook(&source, config: config)
    }

    /// Loads the encoder from a safetensors checkpoint (decoder tensors are ignored). The file is
    /// unmapped once the weights are converted.
    public init(config: VQConfig, weightsPath: String, tuning: EncoderTuning = EncoderTuning()) throws(VQError) {
        var store = try WeightStore(path: weightsPath)
        try self.init(config: config, source: &store, tuning: tuning)
    }

    /// Code grid size for an `height`×`width` input.
    public func gridSize(height: Int, width: Int) -> (rows: Int, cols: Int) {
        var h = height, w = width
        for level in encoder.down { if let ds = level.downsample { h = ds.outputSize(h); w = ds.outputSize(w) } }
        return (h, w)
    }

    /// Matrix-product FLOPs for one `size`×`size` image with direct convolutions (the model's FLOPs,
    /// what GFLOP/s figures divide); with `executed`, those of the products really run (Winograd
    /// convolutions do a quarter of the multiply-adds).
    public func flops(size: Int, executed: Bool = false) -> Double {
        let g = gridSize(height: size, width: size)
        var total = encoder.flops(size: size, executed: executed)
        if let tail = temporalTail { total += tail.flops(height: g.rows, width: g.cols, executed: executed) }
        if let q = quantConv { total += q.flops(height: g.rows, width: g.cols, executed: executed) }
        return total + 2 * Double(g.rows * g.cols * config.codebookSize * config.codeDim)
    }

    /// The pre-quantisation latents `[codeDim][N]` planes of `x` (`[3][N]` planes).
    public func latents(_ x: FeatureMap) -> FeatureMap { latents(x, stop: { false })! }

    /// The latents, or nil when `stop` said yes between two blocks of the forward pass.
    func latents(_ x: FeatureMap, stop: () -> Bool) -> FeatureMap? {
        BLAS.useOneThread()
        guard let body = encoder.run(x, tuning, stop: stop) else { return nil }
        if let tail = temporalTail { return tail(body, tuning).last! }
        return quantConv!(body, tuning)
    }

    /// Encodes `batch` images of `height`×`width` given as `[N, 3, H, W]` floats in [−1, 1].
    public func encode(pixels: UnsafeBufferPointer<Float>, batch: Int, height: Int, width: Int,
                       keepLatents: Bool = false) throws(VQError) -> VQEncoding {
        guard batch >= 0, height >= 1, width >= 1 else { throw .invalidInput("size \(width)×\(height)") }
        guard pixels.count == batch * config.inChannels * height * width else {
            throw .invalidInput("\(pixels.count) floats for \(batch)×\(config.inChannels)×\(height)×\(width)")
        }
        let grid = gridSize(height: height, width: width)
        guard grid.rows >= 1, grid.cols >= 1 else { throw .invalidInput("\(width)×\(height) is smaller than the downsampling") }
        let per = config.inChannels * height * width
        let chunk = batchLimit(height: height, width: width)
        var codes: [[Int32]] = []
        var latents: [Float] = []
        var start = 0
        while start < batch {
            if let signal = interruption?.signal { throw .interrupted(Interrupted(signal: signal)) }
            let n = min(chunk, batch - start)
            let x = FeatureMap(nchw: UnsafeBufferPointer(rebasing: pixels[(start * per)..<((start + n) * per)]),
                               batch: n, channels: config.inChannels, height: height, width: width)
            guard let z = self.latents(x, stop: { interruption?.signal != nil }) else {
                throw .interrupted(Interrupted(signal: interruption?.signal ?? SIGTERM))
            }
            let flat = z.nchw()   // [n, D, rows, cols]
            if keepLatents { latents += flat }
            // [n, D, HW] → [n·HW, D]
            let d = config.codeDim, hw = grid.rows * grid.cols
            var vectors = [Float](repeating: 0, count: n * hw * d)
            for b in 0..<n { for c in 0..<d { for p in 0..<hw { vectors[(b * hw + p) * d + c] = flat[(b * d + c) * hw + p] } } }
            let all = quantize.nearest(vectors, tuning)
            for b in 0..<n { codes.append(Array(all[(b * hw)..<((b + 1) * hw)])) }
            start += n
        }
        return VQEncoding(rows: grid.rows, cols: grid.cols, codes: codes, latents: keepLatents ? latents : nil)
    }

    /// Encodes a `[N, 3, H, W]` array.
    public func encode(pixels: [Float], batch: Int, height: Int, width: Int, keepLatents: Bool = false) throws(VQError) -> VQEncoding {
        try pixels.withUnsafeBufferPointer { (p) throws(VQError) in
            try encode(pixels: p, batch: batch, height: height, width: width, keepLatents: keepLatents)
        }
    }

    /// Images per forward pass for this input size.
    public func batchLimit(height: Int, width: Int) -> Int {
        if maxBatch > 0 { return maxBatch }
        let widest = config.ch * (config.chMult.first ?? 1)
        let bytes = widest * (height + 2) * (width + 2) * 4
        return max(1, memoryBudgetBytes / max(1, bytes))
    }
}
