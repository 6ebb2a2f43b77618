import Foundation
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// `nn.GroupNorm(32, C, eps: 1e-6, affine: true)`, optionally fused with swish (`x·σ(x)`), the
/// normalisation in front of every convolution and attention block of the VQGAN encoders.
/// Statistics are accumulated in `Double` per (image, group) over the interior of the planes, one
/// (image, group) per thread, row by row in a fixed order.
public struct GroupNorm: Sendable {
    public let channels: Int
    public let groups: Int
    public let eps: Float
    public let weight: [Float]
    public let bias: [Float]

    public init(weight: [Float], bias: [Float], groups: Int = 32, eps: Float = 1e-6) {
        precondition(weight.count == bias.count && weight.count % groups == 0)
        channels = weight.count
        self.groups = groups
        self.eps = eps
        self.weight = weight
        self.bias = bias
    }

    /// Reads `name.weight` and `name.bias` (`[C]`).
    public init(_ source: inout some WeightSource, _ name: String, channels: Int) throws(VQError) {
        let w = try source.tensor(name + ".weight", shape: [channels], role: .normWeight)
        let b = try source.tensor(name + ".bias", shape: [channels], role: .normBias)
        self.init(weight: w, bias: b)
    }

    /// The normalised (and with `swish`, activated) copy of `x`.
    public func callAsFunction(_ x: FeatureMap, swish: Bool, _ tuning: EncoderTuning) -> FeatureMap {
        var out = FeatureMap(channels: x.channels, batch: x.batch, height: x.height, width: x.width)
        x.data.withUnsafeBufferPointer { s in
            out.data.withUnsafeMutableBufferPointer { d in
                apply(source: s.baseAddress!, destination: d.baseAddress!,
                      map: (x.channels, x.batch, x.height, x.width), swish: swish, threads: tuning.threads)
            }
        }
        return out
    }

    /// Normalises `x` in place.
    public func applyInPlace(_ x: inout FeatureMap, swish: Bool, _ tuning: EncoderTuning) {
        let shape = (x.channels, x.batch, x.height, x.width)
        x.data.withUnsafeMutableBufferPointer { d in
            apply(source: UnsafePointer(d.baseAddress!), destination: d.baseAddress!, map: shape, swish: swish,
                  threads: tuning.threads)
        }
    }

    /// Σx and Σx² of one row: float partial sums (four lanes on x86-64), returned as `Double`.
    @inline(__always)
    static func sums(_ row: UnsafePointer<Float>, count: Int) -> (Double, Double) {
        var fs: Float = 0, fq: Float = 0
        var x = 0
        #if arch(x86_64)
        var vs = _mm_setzero_ps(), vq = _mm_setzero_ps()
        while x + 4 <= count {
            let v = _mm_loadu_ps(row + x)
            vs = _mm_add_ps(vs, v)
            vq = _mm_add_ps(vq, _mm_mul_ps(v, v))
            x += 4
        }
        fs = vs[0] + vs[1] + vs[2] + vs[3]
        fq = vq[0] + vq[1] + vq[2] + vq[3]
        #endif
        while x < count { let v = row[x]; fs += v; fq += v * v; x += 1 }
        return (Double(fs), Double(fq))
    }

    private func apply(source: UnsafePointer<Float>, destination: UnsafeMutablePointer<Float>,
                       map: (channels: Int, batch: Int, height: Int, width: Int), swish: Bool, threads: Int) {
        precondition(map.channels == channels, "GroupNorm: \(map.channels) channels, expected \(channels)")
        let n = map.batch, h = map.height, w = map.width
        let pw = w + 2, pl = (h + 2) * pw, cs = n * pl
        let cpg = channels / groups
        let count = Double(cpg * h * w)
        // Per (image, group) mean and 1/std; the border is zero so whole planes can be summed.
        var scale = [Float](repeating: 0, count: channels * n)
        var shift = [Float](repeating: 0, count: channels * n)
        let src = UnsafeRawPointer(source), dstRaw = UnsafeMutableRawPointer(destination)
        scale.withUnsafeMutableBufferPointer { sc in
            shift.withUnsafeMutableBufferPointer { sh in
                let scP = UnsafeMutableRawPointer(sc.baseAddress!), shP = UnsafeMutableRawPointer(sh.baseAddress!)
                weight.withUnsafeBufferPointer { wt in
                    bias.withUnsafeBufferPointer { bs in
                        let wtP = UnsafeRawPointer(wt.baseAddress!), bsP = UnsafeRawPointer(bs.baseAddress!)
                        Parallel.forEach(n * groups, threads: threads) { item in
                            let b = item / groups, g = item % groups
                            let s = src.assumingMemoryBound(to: Float.self)
                            var sum = 0.0, sumSq = 0.0
                            for c in g * cpg..<(g + 1) * cpg {
                                let p = s + c * cs + b * pl
                                for y in 1...h {
                                    let (rowSum, rowSq) = Self.sums(p + y * pw + 1, count: w)
                                    sum += rowSum; sumSq += rowSq
                                }
                            }
                            let mean = sum / count
                            let variance = max(0, sumSq / count - mean * mean)
                            let rstd = 1 / (variance + Double(eps)).squareRoot()
                            let wts = wtP.assumingMemoryBound(to: Float.self), bss = bsP.assumingMemoryBound(to: Float.self)
                            for c in g * cpg..<(g + 1) * cpg {
                                let a = Double(wts[c]) * rstd
                                scP.assumingMemoryBound(to: Float.self)[c * n + b] = Float(a)
                                shP.assumingMemoryBound(to: Float.self)[c * n + b] = Float(Double(bss[c]) - mean * a)
                            }
                        }
                    }
                }
                Parallel.forEach(channels * n, threads: threads) { item in
                    let a = scP.assumingMemoryBound(to: Float.self)[item], o = shP.assumingMemoryBound(to: Float.self)[item]
                    let s = src.assumingMemoryBound(to: Float.self) + item * pl
                    let d = dstRaw.assumingMemoryBound(to: Float.self) + item * pl
                    for y in 1...h {
                        let rs = s + y * pw + 1, rd = d + y * pw + 1
                        if swish {
                            Swish.scaleShiftSwish(rs, rd, count: w, scale: a, shift: o)
                        } else {
                            for x in 0..<w { rd[x] = rs[x] * a + o }
                        }
                    }
                }
            }
        }
    }
}
