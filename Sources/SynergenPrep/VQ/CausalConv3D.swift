/// Emu3's `CausalConv3d`: a `nn.Conv3d` (kernel `(kt, k, k)`, time stride `st`, spatial stride 1)
/// after zero-padding time by 2 frames in front (whatever `kt` is) and space by `k/2` on each side.
/// Key: `{name}.conv` (weight `[Cout, Cin, kt, k, k]`). Frames are `FeatureMap`s; each output frame
/// is the sum over time taps of 2-D convolutions, skipping taps that fall on the zero padding.
public struct CausalConv3D: Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let timeKernel: Int
    public let timeStride: Int
    public let kernel: Int
    /// Zero frames in front (the reference always pads 2).
    public let timePadding = 2
    /// One bias-free 2-D convolution per time tap.
    let taps: [Conv2D]
    let bias: [Float]

    public init(_ source: inout some WeightSource, _ name: String, inChannels: Int, outChannels: Int,
                timeKernel: Int, kernel: Int, timeStride: Int = 1, tuning: EncoderTuning) throws(VQError) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.timeKernel = timeKernel
        self.timeStride = timeStride
        self.kernel = kernel
        let w = try source.tensor(name + ".conv.weight", shape: [outChannels, inChannels, timeKernel, kernel, kernel],
                                  role: .convWeight(fanIn: inChannels * timeKernel * kernel * kernel))
        bias = try source.tensor(name + ".conv.bias", shape: [outChannels], role: .convBias)
        let kk = kernel * kernel
        var taps: [Conv2D] = []
        for t in 0..<timeKernel {
            var slice = [Float](repeating: 0, count: outChannels * inChannels * kk)
            for o in 0..<outChannels {
                for c in 0..<inChannels {
                    for s in 0..<kk {
                        slice[(o * inChannels + c) * kk + s] = w[((o * inChannels + c) * timeKernel + t) * kk + s]
                    }
                }
            }
            taps.append(Conv2D(weight: slice, bias: [Float](repeating: 0, count: outChannels), inChannels: inChannels,
                               outChannels: outChannels, kernel: kernel, tuning: tuning))
        }
        self.taps = taps
    }

    /// Output frames for `frames` input frames.
    public func outputFrames(_ frames: Int) -> Int { (frames + timePadding - timeKernel) / timeStride + 1 }

    public func callAsFunction(_ frames: [FeatureMap], _ tuning: EncoderTuning) -> [FeatureMap] {
        guard let first = frames.first else { return [] }
        var out: [FeatureMap] = []
        for t in 0..<outputFrames(frames.count) {
            var y = FeatureMap(channels: outChannels, batch: first.batch, height: first.height, width: first.width)
            // Bias first, then the taps, in time order.
            let cs = y.channelStride
            y.data.withUnsafeMutableBufferPointer { d in
                for o in 0..<outChannels {
                    (d.baseAddress! + o * cs).update(repeating: bias[o], count: cs)
                }
            }
            for tau in 0..<timeKernel {
                let p = t * timeStride + tau - timePadding
                if p < 0 { continue }
                taps[tau].apply(frames[p], into: &y, accumulate: true, addBias: false, tuning: tuning)
            }
            y.zeroBorder()
            out.append(y)
        }
        return out
    }
}
