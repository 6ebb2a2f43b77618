/// The 2-D encoder body, a tree that mirrors the checkpoint's `encoder.*` keys: `convIn`
/// (`encoder.conv_in`), `down[i].block[j]` (`encoder.down.{i}.block.{j}`, LlamaGen
/// `encoder.conv_blocks.{i}.res.{j}`), `down[i].attn[j]`, `down[i].downsample`
/// (`….downsample.conv`), `mid.block1/attn1/block2` (`encoder.mid.block_1/attn_1/block_2`,
/// LlamaGen `encoder.mid.0/1/2`), `normOut`, `convOut`. Running it maps `[N, 3, S, S]` pixels to
/// `[N, z_channels, S/f, S/f]`.
public struct EncoderWeights: Sendable {
    /// One resolution level: residual blocks, an attention block after each of them on attention
    /// levels, and the stride-2 downsample on every level but the last.
    public struct DownLevel: Sendable {
        public let block: [ResnetBlock]
        public let attn: [AttentionBlock]
        public let downsample: Conv2D?
    }

    /// The middle: residual, attention, residual at the lowest resolution.
    public struct Mid: Sendable {
        public let block1: ResnetBlock
        public let attn1: AttentionBlock
        public let block2: ResnetBlock
    }

    public let convIn: Conv2D
    public let down: [DownLevel]
    public let mid: Mid
    public let normOut: GroupNorm
    public let convOut: Conv2D

    /// Reads every tensor from `source`; `tuning` chooses each 3×3 convolution's path.
    public init(_ source: inout some WeightSource, config: VQConfig, tuning: EncoderTuning) throws(VQError) {
        let keys = CheckpointKeys(family: config.family)
        convIn = try Conv2D(&source, keys.convIn, inChannels: config.inChannels, outChannels: config.ch, kernel: 3, tuning: tuning)
        var levels: [DownLevel] = []
        var blockIn = config.ch
        for i in 0..<config.levels {
            let blockOut = config.ch * config.chMult[i]
            var blocks: [ResnetBlock] = [], attns: [AttentionBlock] = []
            for j in 0..<config.numResBlocks {
                blocks.append(try ResnetBlock(&source, keys.block(level: i, index: j), inChannels: blockIn, outChannels: blockOut,
                                              tuning: tuning))
                blockIn = blockOut
                if config.attentionLevels.contains(i) {
                    attns.append(try AttentionBlock(&source, keys.attention(level: i, index: j), channels: blockIn))
                }
            }
            let ds = i == config.levels - 1 ? nil
                : try Conv2D(&source, keys.downsample(level: i), inChannels: blockIn, outChannels: blockIn,
                             kernel: 3, stride: 2, padding: .bottomRight, tuning: tuning)
            levels.append(DownLevel(block: blocks, attn: attns, downsample: ds))
        }
        down = levels
        mid = Mid(block1: try ResnetBlock(&source, keys.midBlock1, inChannels: blockIn, outChannels: blockIn, tuning: tuning),
                  attn1: try AttentionBlock(&source, keys.midAttention, channels: blockIn),
                  block2: try ResnetBlock(&source, keys.midBlock2, inChannels: blockIn, outChannels: blockIn, tuning: tuning))
        normOut = try GroupNorm(&source, keys.normOut, channels: blockIn)
        convOut = try Conv2D(&source, keys.convOut, inChannels: blockIn, outChannels: config.zChannels, kernel: 3, tuning: tuning)
    }

    /// Runs the body on `x` (`[3][N]` planes).
    public func callAsFunction(_ x: FeatureMap, _ tuning: EncoderTuning) -> FeatureMap { run(x, tuning, stop: { false })! }

    /// The forward pass, asking `stop` after every block: nil as soon as it says yes (a signal).
    public func run(_ x: FeatureMap, _ tuning: EncoderTuning, stop: () -> Bool) -> FeatureMap? {
        var h = convIn(x, tuning)
        for level in down {
            for (j, block) in level.block.enumerated() {
                if stop() { return nil }
                h = block(h, tuning)
                if !level.attn.isEmpty { h = level.attn[j](h, tuning) }
            }
            if let ds = level.downsample { h = ds(h, tuning) }
        }
        if stop() { return nil }
        h = mid.block1(h, tuning)
        h = mid.attn1(h, tuning)
        h = mid.block2(h, tuning)
        h = normOut(h, swish: true, tuning)
        return convOut(h, tuning)
    }

    /// Matrix-product FLOPs of the body for one `size`×`size` image (convolutions, attention products;
    /// `executed`: see `Conv2D.flops`).
    public func flops(size: Int, executed: Bool = false) -> Double {
        var s = size
        var total = convIn.flops(height: s, width: s)
        func attention(_ a: AttentionBlock, _ s: Int) -> Double {
            let c = Double(a.channels), t = Double(s * s)
            return 2 * (4 * c * c * t + 2 * t * t * c)
        }
        for level in down {
            for (j, block) in level.block.enumerated() {
                total += block.flops(height: s, width: s, executed: executed)
                if !level.attn.isEmpty { total += attention(level.attn[j], s) }
            }
            if let ds = level.downsample { total += ds.flops(height: s, width: s); s = ds.outputSize(s) }
        }
        total += mid.block1.flops(height: s, width: s, executed: executed) + mid.block2.flops(height: s, width: s, executed: executed)
            + attention(mid.attn1, s)
        return total + convOut.flops(height: s, width: s, executed: executed)
    }
}
