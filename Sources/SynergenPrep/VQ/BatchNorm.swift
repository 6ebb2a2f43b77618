import Foundation

/// `nn.BatchNorm3d` in eval mode (running statistics, eps 1e-5), optionally fused with swish:
/// the normalisation inside Emu3's temporal residual blocks.
public struct BatchNorm: Sendable {
    public let scale: [Float]
    public let shift: [Float]

    public init(weight: [Float], bias: [Float], runningMean: [Float], runningVar: [Float], eps: Float = 1e-5) {
        var sc = [Float](repeating: 0, count: weight.count), sh = sc
        for c in 0..<weight.count {
            let inv = 1 / (runningVar[c] + eps).squareRoot()
            sc[c] = weight[c] * inv
            sh[c] = bias[c] - runningMean[c] * sc[c]
        }
        scale = sc
        shift = sh
    }

    /// Reads `name.{weight,bias,running_mean,running_var}` (`[C]`); `num_batches_tracked` is not used.
    public init(_ source: inout some WeightSource, _ name: String, channels: Int) throws(VQError) {
        let w = try source.tensor(name + ".weight", shape: [channels], role: .normWeight)
        let b = try source.tensor(name + ".bias", shape: [channels], role: .normBias)
        let m = try source.tensor(name + ".running_mean", shape: [channels], role: .runningMean)
        let v = try source.tensor(name + ".running_var", shape: [channels], role: .runningVar)
        source.note(name + ".num_batches_tracked", int64Scalar: 0)
        self.init(weight: w, bias: b, runningMean: m, runningVar: v)
    }

    /// The normalised (and with `swish`, activated) copy of `x`.
    public func callAsFunction(_ x: FeatureMap, swish: Bool) -> FeatureMap {
        precondition(x.channels == scale.count)
        var out = FeatureMap(channels: x.channels, batch: x.batch, height: x.height, width: x.width)
        let pw = x.paddedWidth, pl = x.plane, h = x.height, w = x.width, n = x.batch
        x.data.withUnsafeBufferPointer { s in
            out.data.withUnsafeMutableBufferPointer { d in
                for c in 0..<x.channels {
                    let a = scale[c], o = shift[c]
                    for b in 0..<n {
                        let base = (c * n + b) * pl
                        for y in 1...h {
                            for xx in 1...w {
                                let v = s[base + y * pw + xx] * a + o
                                d[base + y * pw + xx] = swish ? v / (1 + expf(-v)) : v
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
