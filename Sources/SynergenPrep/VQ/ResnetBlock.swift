/// The VQGAN residual block: GroupNorm+swish, 3×3 `conv1`, GroupNorm+swish, 3×3 `conv2`, plus the
/// input (through the 1×1 `nin_shortcut` when the channel count changes). Keys: `{name}.norm1`,
/// `.conv1`, `.norm2`, `.conv2`, `.nin_shortcut`.
public struct ResnetBlock: Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let norm1: GroupNorm
    public let conv1: Conv2D
    public let norm2: GroupNorm
    public let conv2: Conv2D
    public let ninShortcut: Conv2D?

    public init(_ source: inout some WeightSource, _ name: String, inChannels: Int, outChannels: Int,
                tuning: EncoderTuning) throws(VQError) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        norm1 = try GroupNorm(&source, name + ".norm1", channels: inChannels)
        conv1 = try Conv2D(&source, name + ".conv1", inChannels: inChannels, outChannels: outChannels, kernel: 3, tuning: tuning)
        norm2 = try GroupNorm(&source, name + ".norm2", channels: outChannels)
        conv2 = try Conv2D(&source, name + ".conv2", inChannels: outChannels, outChannels: outChannels, kernel: 3, tuning: tuning)
        ninShortcut = inChannels == outChannels ? nil
            : try Conv2D(&source, name + ".nin_shortcut", inChannels: inChannels, outChannels: outChannels, kernel: 1,
                         tuning: tuning)
    }

    /// Matrix-product FLOPs for one `height`×`width` image (`executed`: see `Conv2D.flops`).
    public func flops(height: Int, width: Int, executed: Bool = false) -> Double {
        conv1.flops(height: height, width: width, executed: executed) + conv2.flops(height: height, width: width, executed: executed)
            + (ninShortcut?.flops(height: height, width: width) ?? 0)
    }

    public func callAsFunction(_ x: FeatureMap, _ tuning: EncoderTuning) -> FeatureMap {
        var h: FeatureMap
        do {
            let a = norm1(x, swish: true, tuning)
            h = conv1(a, tuning)
        }
        norm2.applyInPlace(&h, swish: true, tuning)
        var out: FeatureMap
        if let ninShortcut {
            out = ninShortcut(x, tuning)
            conv2.apply(h, into: &out, accumulate: true, tuning: tuning)
        } else {
            out = x
            conv2.apply(h, into: &out, accumulate: true, tuning: tuning)
        }
        return out
    }
}
