/// Emu3's temporal tail after the 2-D encoder: a still image is repeated to
/// `temporal_downsample_factor` frames (the 2-D encoder runs once; the frames share its output),
/// then `encoder.time_conv.{i}` (causal (4,3,3) conv, time stride 2, swish) halves the frames until
/// one is left, `encoder.time_res_stack.{i}` (BatchNorm3d+swish, causal 3×3×3 conv, twice, residual)
/// refines it, and `quant_conv` (causal (3,1,1) conv) maps it to the code dimension.
public struct TemporalTail: Sendable {
    /// `encoder.time_conv.{i}.conv`.
    public let timeConv: [CausalConv3D]
    /// `encoder.time_res_stack.{i}`.
    public let timeResStack: [TemporalResnetBlock]
    /// `quant_conv` (the model-level causal conv, not under `encoder.`).
    public let quantConv: CausalConv3D
    public let frames: Int

    public init(_ source: inout some WeightSource, config: VQConfig, tuning: EncoderTuning) throws(VQError) {
        let z = config.zChannels
        frames = max(1, config.temporalDownsample)
        var convs: [CausalConv3D] = []
        var f = frames, i = 0
        while f > 1 {
            convs.append(try CausalConv3D(&source, "encoder.time_conv.\(i).conv", inChannels: z, outChannels: z,
                                          timeKernel: 4, kernel: 3, timeStride: 2, tuning: tuning))
            f /= 2
            i += 1
        }
        timeConv = convs
        var blocks: [TemporalResnetBlock] = []
        for j in 0..<config.numResBlocks {
            blocks.append(try TemporalResnetBlock(&source, "encoder.time_res_stack.\(j)", channels: z, tuning: tuning))
        }
        timeResStack = blocks
        quantConv = try CausalConv3D(&source, "quant_conv", inChannels: z, outChannels: config.codeDim,
                                     timeKernel: 3, kernel: 1, tuning: tuning)
    }

    /// The latent of the last frame for the 2-D encoder output `spatial` of a still image.
    public func callAsFunction(_ spatial: FeatureMap, _ tuning: EncoderTuning) -> [FeatureMap] {
        var h = [FeatureMap](repeating: spatial, count: frames)
        for conv in timeConv {
            h = conv(h, tuning).map { frame in
                var f = frame
                Swish.applyInPlace(&f)
                return f
            }
        }
        for block in timeResStack { h = block(h, tuning) }
        return quantConv(h, tuning)
    }

    /// Matrix-product FLOPs for one image whose 2-D latent is `height`×`width` (`executed`: see `Conv2D.flops`).
    public func flops(height: Int, width: Int, executed: Bool = false) -> Double {
        var total = 0.0, f = frames
        for conv in timeConv {
            f = conv.outputFrames(f)
            total += Double(f * conv.timeKernel) * conv.taps[0].flops(height: height, width: width, executed: executed)
        }
        for block in timeResStack {
            total += 2 * Double(f * block.conv1.timeKernel) * block.conv1.taps[0].flops(height: height, width: width, executed: executed)
        }
        return total + Double(f * quantConv.timeKernel) * quantConv.taps[0].flops(height: height, width: width, executed: executed)
    }
}

/// `Emu3VisionVQResnetTemporalBlock` (equal in/out channels): BatchNorm3d, swish, causal 3×3×3
/// `conv1`, BatchNorm3d, swish, causal 3×3×3 `conv2`, plus the input. Keys: `{name}.norm1`,
/// `.conv1.conv`, `.norm2`, `.conv2.conv`.
public struct TemporalResnetBlock: Sendable {
    public let norm1: BatchNorm
    public let conv1: CausalConv3D
    public let norm2: BatchNorm
    public let conv2: CausalConv3D

    public init(_ source: inout some WeightSource, _ name: String, channels: Int, tuning: EncoderTuning) throws(VQError) {
        norm1 = try BatchNorm(&source, name + ".norm1", channels: channels)
        conv1 = try CausalConv3D(&source, name + ".conv1", inChannels: channels, outChannels: channels, timeKernel: 3, kernel: 3,
                                 tuning: tuning)
        norm2 = try BatchNorm(&source, name + ".norm2", channels: channels)
        conv2 = try CausalConv3D(&source, name + ".conv2", inChannels: channels, outChannels: channels, timeKernel: 3, kernel: 3,
                                 tuning: tuning)
    }

    public func callAsFunction(_ x: [FeatureMap], _ tuning: EncoderTuning) -> [FeatureMap] {
        var h = conv1(x.map { norm1($0, swish: true) }, tuning)
        h = conv2(h.map { norm2($0, swish: true) }, tuning)
        return zip(x, h).map { input, delta in
            var out = input
            out.add(delta, threads: tuning.threads)
            return out
        }
    }
}
