import Foundation
import Testing
@testable import SynergenPrep

/// Kernels on small shapes against naive loops.
@Suite(.serialized) struct VQKernelTests {   // some tests set the kernels' band sizes
    /// Deterministic pseudo-random values in [−1, 1).
    static func values(_ n: Int, seed: UInt32) -> [Float] {
        var s = seed &* 2_654_435_761 &+ 1
        return (0..<n).map { _ in s = s &* 1_664_525 &+ 1_013_904_223; return Float(s >> 8) / Float(1 << 23) - 1 }
    }

    static func map(_ nchw: [Float], n: Int, c: Int, h: Int, w: Int) -> FeatureMap {
        nchw.withUnsafeBufferPointer { FeatureMap(nchw: $0, batch: n, channels: c, height: h, width: w) }
    }

    /// Direct convolution with explicit zero padding (top/left `pad`, bottom/right `padEnd`).
    static func naiveConv(_ x: [Float], n: Int, cin: Int, h: Int, w: Int, weight: [Float], bias: [Float], cout: Int,
                          k: Int, stride: Int, pad: Int, padEnd: Int) -> (out: [Float], ho: Int, wo: Int, scale: [Float]) {
        let ho = (h + pad + padEnd - k) / stride + 1, wo = (w + pad + padEnd - k) / stride + 1
        var out = [Float](repeating: 0, count: n * cout * ho * wo)
        var scale = out   // Σ |w·x| + |bias| per output: the size of the rounding errors any float method makes
        for b in 0..<n { for o in 0..<cout { for oy in 0..<ho { for ox in 0..<wo {
            var acc = Double(bias[o]), mag = abs(Double(bias[o]))
            for c in 0..<cin { for dy in 0..<k { for dx in 0..<k {
                let iy = oy * stride + dy - pad, ix = ox * stride + dx - pad
                if iy < 0 || iy >= h || ix < 0 || ix >= w { continue }
                let p = Double(weight[((o * cin + c) * k + dy) * k + dx]) * Double(x[((b * cin + c) * h + iy) * w + ix])
                acc += p
                mag += abs(p)
            } } }
            out[((b * cout + o) * ho + oy) * wo + ox] = Float(acc)
            scale[((b * cout + o) * ho + oy) * wo + ox] = Float(mag)
        } } } }
        return (out, ho, wo, scale)
    }

    static func maxDiff(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    /// Direct paths: within 1e-5 of the `Double` result. Winograd F(4×4, 3×3) rounds in its
    /// transforms, whose points ±2 amplify the float error about tenfold (measured 1.4e-6 of
    /// Σ|w·x| here, 1.5e-7 for the direct paths), so it is held to 4e-6 · Σ|w·x| per output instead.
    static func maxError(_ got: [Float], _ want: [Float], scale: [Float], winograd: Bool) -> Bool {
        winograd ? zip(zip(got, want), scale).allSatisfy { abs($0.0 - $0.1) <= 4e-6 * $1 } : maxDiff(got, want) < 1e-5
    }

    @Test(arguments: [
        (16, 8, 3, 1, "winograd"), (16, 8, 3, 1, "shift"), (3, 8, 3, 1, "im2col"), (16, 8, 1, 1, "1x1"),
        (8, 8, 3, 2, "downsample"), (16, 16, 3, 2, "downsample"),
    ])
    func convolutionMatchesNaive(_ cin: Int, _ cout: Int, _ k: Int, _ stride: Int, _ path: String) {
        let n = 2
        // Sides that are and are not multiples of the 4×4 Winograd tile, down to a single pixel
        // (the stride-2 downsample needs at least 2); rows of 4+ tiles take the vector paths,
        // with and without scalar tails.
        for (h, w) in [(10, 7), (8, 12), (5, 2), (3, 9), (6, 21), (5, 33), (9, 16), (4, 40)] + (stride == 1 ? [(1, 1)] : []) {
            let x = Self.values(n * cin * h * w, seed: 1)
            let weight = Self.values(cout * cin * k * k, seed: 2), bias = Self.values(cout, seed: 3)
            let padding: Conv2D.Padding = stride == 2 ? .bottomRight : .same
            let conv = Conv2D(weight: weight, bias: bias, inChannels: cin, outChannels: cout, kernel: k, stride: stride, padding: padding,
                              tuning: path == "shift" ? .directConvolutions : EncoderTuning())
            #expect(conv.usesShift == (path == "shift") && conv.usesWinograd == (path == "winograd"))
            let (want, ho, wo, scale) = Self.naiveConv(x, n: n, cin: cin, h: h, w: w, weight: weight, bias: bias, cout: cout, k: k,
                                                stride: stride, pad: stride == 2 ? 0 : k / 2, padEnd: stride == 2 ? 1 : k / 2)
            // Whole map at once, then many small bands (on three threads).
            for (band, bytes, tiles) in [(8192, 32 << 20, 1024), (13, 400, 1)] {
                let tuning = EncoderTuning(threads: band == 13 ? 3 : 1, winogradBandTiles: tiles, shiftBandColumns: band,
                                           im2colBandBytes: bytes)
                let input = Self.map(x, n: n, c: cin, h: h, w: w)
                let y = conv(input, tuning)
                #expect(y.height == ho && y.width == wo)
                #expect(Self.maxError(y.nchw(), want, scale: scale, winograd: conv.usesWinograd), "\(path) \(h)×\(w) band \(band)")
                // Border stays zero.
                #expect(y.data[0] == 0 && y.data[y.paddedWidth * (y.height + 1) + 1] == 0 && y.data[y.paddedWidth + y.width + 1] == 0)
                // Accumulating adds the convolution (without bias when asked) to what is there.
                var acc = FeatureMap(channels: cout, batch: n, height: ho, width: wo)
                acc.data.withUnsafeMutableBufferPointer { for i in 0..<$0.count { $0[i] = 0.5 } }
                acc.zeroBorder()
                conv.apply(input, into: &acc, accumulate: true, addBias: false, tuning: tuning)
                let accWant = zip(want, (0..<want.count).map { bias[($0 / (ho * wo)) % cout] }).map { $0 - $1 + 0.5 }
                #expect(Self.maxError(acc.nchw(), accWant, scale: scale, winograd: conv.usesWinograd), "\(path) accumulate \(h)×\(w)")
                #expect(acc.data[0] == 0 && acc.data[acc.paddedWidth + acc.width + 1] == 0)
            }
        }
    }

    /// The vector swish against `Double` over the activations' range and the clamped ends: within
    /// 4 ulp, or within 1e-36 where the result is that small (x < −88, where e^−x leaves float's
    /// range and glibc's `expf` gives −0 too).
    @Test func swishIsWithinFourUlp() {
        var x = (0..<4001).map { Float($0 - 2000) * 0.05 }        // −100 … 100
        x += [0, -0, 1e-30, -1e-30, 88, -88, 89, -89, 1e6, -1e6, 3, 5, 7]
        var y = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { s in y.withUnsafeMutableBufferPointer { d in
            Swish.scaleShiftSwish(s.baseAddress!, d.baseAddress!, count: s.count, scale: 1, shift: 0)
        } }
        for (v, got) in zip(x, y) {
            let want = Double(v) / (1 + Foundation.exp(-Double(v)))
            let ulp = Double(Float(want).ulp)
            #expect(abs(Double(got) - want) <= max(4 * ulp, 1e-36), "swish(\(v)) = \(got), want \(want)")
        }
    }

    @Test func groupNormSwishMatchesNaive() {
        let n = 2, c = 64, h = 5, w = 6
        let x = Self.values(n * c * h * w, seed: 4).map { $0 * 3 + 0.5 }
        let weight = Self.values(c, seed: 5).map { 1 + 0.3 * $0 }, bias = Self.values(c, seed: 6)
        let gn = GroupNorm(weight: weight, bias: bias)
        for swish in [false, true] {
            let got = gn(Self.map(x, n: n, c: c, h: h, w: w), swish: swish, EncoderTuning()).nchw()
            var want = [Float](repeating: 0, count: x.count)
            let cpg = c / 32, plane = h * w
            for b in 0..<n { for g in 0..<32 {
                let vals = (g * cpg..<(g + 1) * cpg).flatMap { ch in (0..<plane).map { Double(x[(b * c + ch) * plane + $0]) } }
                let mean = vals.reduce(0, +) / Double(vals.count)
                let varr = vals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(vals.count)
                for ch in g * cpg..<(g + 1) * cpg { for p in 0..<plane {
                    let i = (b * c + ch) * plane + p
                    let v = (Double(x[i]) - mean) / (varr + 1e-6).squareRoot() * Double(weight[ch]) + Double(bias[ch])
                    want[i] = Float(swish ? v / (1 + Foundation.exp(-v)) : v)
                } }
            } }
            #expect(Self.maxDiff(got, want) < 1e-5)
        }
    }

    @Test func attentionMatchesNaive() throws {
        let n = 2, c = 32, h = 4, w = 5, t = h * w
        var source = RandomWeights(seed: 9)
        let block = try AttentionBlock(&source, "attn", channels: c)
        let x = Self.values(n * c * t, seed: 7)
        let tuning = EncoderTuning(attentionQueryBand: 7)   // several query bands
        let got = block(Self.map(x, n: n, c: c, h: h, w: w), tuning).nchw()
        let normed = block.norm(Self.map(x, n: n, c: c, h: h, w: w), swish: false, tuning).nchw()
        let rec = source.recorded
        func tensor(_ name: String) -> [Float] { rec.first { $0.name == name }!.values }
        let (wq, wk, wv, wp) = (tensor("attn.q.weight"), tensor("attn.k.weight"), tensor("attn.v.weight"), tensor("attn.proj_out.weight"))
        let (bq, bk, bv, bp) = (tensor("attn.q.bias"), tensor("attn.k.bias"), tensor("attn.v.bias"), tensor("attn.proj_out.bias"))
        var want = x
        for b in 0..<n {
            func proj(_ wt: [Float], _ bs: [Float], _ src: (Int, Int) -> Double) -> [[Double]] {
                (0..<c).map { o in (0..<t).map { p in Double(bs[o]) + (0..<c).reduce(0.0) { $0 + Double(wt[o * c + $1]) * src($1, p) } } }
            }
            let inp: (Int, Int) -> Double = { ch, p in Double(normed[(b * c + ch) * t + p]) }
            let q = proj(wq, bq, inp), k = proj(wk, bk, inp), v = proj(wv, bv, inp)
            var att = [[Double]](repeating: [Double](repeating: 0, count: c), count: t)
            for i in 0..<t {
                let s = (0..<t).map { j in (0..<c).reduce(0.0) { $0 + q[$1][i] * k[$1][j] } / Double(c).squareRoot() }
                let m = s.max()!, e = s.map { Foundation.exp($0 - m) }, z = e.reduce(0, +)
                for ch in 0..<c { att[i][ch] = (0..<t).reduce(0.0) { $0 + v[ch][$1] * e[$1] / z } }
            }
            let out = proj(wp, bp) { ch, p in att[p][ch] }
            for ch in 0..<c { for p in 0..<t { want[(b * c + ch) * t + p] += Float(out[ch][p]) } }
        }
        #expect(Self.maxDiff(got, want) < 1e-4)
    }

    @Test(arguments: [CodebookLookup.l2, .normalizedL2])
    func codebookFindsFirstNearest(_ lookup: CodebookLookup) {
        let k = 300, d = 5, p = 70
        var e = Self.values(k * d, seed: 11)
        // Duplicate code 7 at 250: the first (7) must win.
        for j in 0..<d { e[250 * d + j] = e[7 * d + j] }
        var z = Self.values(p * d, seed: 12)
        for j in 0..<d { z[j] = e[7 * d + j] }
        let book = Codebook(embedding: e, size: k, dimension: d, lookup: lookup)
        let codes = book.nearest(z, EncoderTuning(codebookBandVectors: 16))
        #expect(codes[0] == 7)
        for i in 0..<p {
            let dists = (0..<k).map { book.distance(z[(i * d)..<((i + 1) * d)], to: $0) }
            let best = dists.min()!
            #expect(dists[Int(codes[i])] <= best * (1 + 1e-5) + 1e-7)
        }
    }

    @Test func causalConvSkipsPaddedFramesAndStridesTime() throws {
        // kt = 4, stride 2, 4 frames: output 0 sees frames [pad, pad, 0, 1], output 1 sees [0, 1, 2, 3].
        var source = RandomWeights(seed: 21)
        let conv = try CausalConv3D(&source, "tc", inChannels: 2, outChannels: 3, timeKernel: 4, kernel: 3, timeStride: 2,
                                    tuning: EncoderTuning())
        let frames = (0..<4).map { f in Self.map(Self.values(2 * 2 * 3 * 4, seed: UInt32(30 + f)), n: 2, c: 2, h: 3, w: 4) }
        let out = conv(frames, EncoderTuning())
        #expect(out.count == 2)
        let w = source.recorded.first { $0.name == "tc.conv.weight" }!.values
        let bias = source.recorded.first { $0.name == "tc.conv.bias" }!.values
        for (t, taps) in [(0, [(2, 0), (3, 1)]), (1, [(0, 0), (1, 1), (2, 2), (3, 3)])] {
            var want = [Float](repeating: 0, count: 2 * 3 * 12)
            for (tau, f) in taps {
                var slice = [Float](repeating: 0, count: 3 * 2 * 9)
                for o in 0..<3 { for c in 0..<2 { for s in 0..<9 { slice[(o * 2 + c) * 9 + s] = w[((o * 2 + c) * 4 + tau) * 9 + s] } } }
                let r = Self.naiveConv(frames[f].nchw(), n: 2, cin: 2, h: 3, w: 4, weight: slice, bias: [0, 0, 0], cout: 3,
                                       k: 3, stride: 1, pad: 1, padEnd: 1).out
                for i in 0..<want.count { want[i] += r[i] }
            }
            for b in 0..<2 { for o in 0..<3 { for p in 0..<12 { want[(b * 3 + o) * 12 + p] += bias[o] } } }
            #expect(Self.maxDiff(out[t].nchw(), want) < 1e-5)
        }
    }
}
