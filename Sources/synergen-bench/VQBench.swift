import ArgumentParser
import Foundation
import SynergenPrep

/// `synergen-bench vq`: VQ encoder speed (seconds per view, GFLOP/s) and the machine's sgemm peak;
/// scripts/bench_vq.py runs it beside PyTorch.
struct VQBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vq",
        abstract: "VQ encoder and sgemm benchmarks (JSON lines on stdout).",
        subcommands: [Encode.self, Sgemm.self, Kernels.self]
    )

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func emit(_ object: [String: Any]) {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
        fflush(nil)
    }

    /// Peak single-precision matrix product rate on encoder-shaped products.
    struct Sgemm: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "sgemm GFLOP/s on convolution-shaped products; the best is the peak.")
        @Option(help: "OpenBLAS threads (default: all cores).") var threads: Int?
        @Option(help: "Repetitions per shape.") var repeats = 12
        @Option(help: "Shapes to time instead of the default set, as m,n,k (repeatable).") var shape: [String] = []

        func run() throws {
            BLAS.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
            // (m, n, k): shift-conv taps, im2col-conv, square.
            let custom = shape.map { $0.split(separator: ",").compactMap { Int($0) } }.filter { $0.count == 3 }.map { ($0[0], $0[1], $0[2]) }
            let shapes = custom.isEmpty
                ? [(256, 8192, 256), (512, 8192, 512), (256, 8192, 2304), (1024, 4096, 1024), (2048, 2048, 2048)] : custom
            var best = 0.0
            for (m, n, k) in shapes {
                let a = [Float](repeating: 0.5, count: m * k), b = [Float](repeating: 0.25, count: k * n)
                var c = [Float](repeating: 0, count: m * n)
                var bestShape = 0.0
                for _ in 0..<repeats {
                    let t0 = VQBench.now()
                    a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                        BLAS.sgemm(m: m, n: n, k: k, a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: n, c: cp.baseAddress!, ldc: n)
                    } } }
                    let dt = VQBench.now() - t0
                    bestShape = max(bestShape, 2 * Double(m) * Double(n) * Double(k) / dt / 1e9)
                }
                best = max(best, bestShape)
                VQBench.emit(["kind": "sgemm", "m": m, "n": n, "k": k, "gflops": bestShape])
            }
            VQBench.emit(["kind": "sgemm_peak", "gflops": best, "threads": BLAS.threads])
        }
    }

    /// Single kernels on one feature map: where an encoder's time goes.
    struct Kernels: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Time the conv paths, GroupNorm+swish and attention on one map.")
        @Option(help: "Channels.") var channels = 128
        @Option(help: "Map side.") var size = 256
        @Option(help: "Encoder threads (default: all cores).") var threads: Int?
        @Option(help: "Shift-path column band.") var band: Int?
        @Option(help: "Winograd tiles per band.") var tiles: Int?

        func run() throws {
            var tuning = EncoderTuning(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
            if let band { tuning.shiftBandColumns = band }
            if let tiles { tuning.winogradBandTiles = tiles }
            BLAS.useOneThread()
            VQEncoder.keepFreedMemoryForReuse()
            let c = channels, s = size
            var source = RandomWeights(seed: 3, keepValues: false)
            var x = FeatureMap(channels: c, batch: 1, height: s, width: s)
            x.data.withUnsafeMutableBufferPointer { d in for i in 0..<d.count { d[i] = Float(i % 17) * 0.1 - 0.8 } }
            x.zeroBorder()
            func time(_ name: String, flops: Double, _ body: () -> Void) {
                body()
                var best = Double.infinity
                for _ in 0..<3 { let t = VQBench.now(); body(); best = min(best, VQBench.now() - t) }
                VQBench.emit(["kind": "kernel", "name": name, "seconds": best, "gflops": flops / best / 1e9])
            }
            let winograd = try Conv2D(&source, "conv", inChannels: c, outChannels: c, kernel: 3, tuning: tuning)
            time(winograd.usesWinograd ? "conv3x3-winograd" : "conv3x3-shift", flops: winograd.flops(height: s, width: s)) {
                _ = winograd(x, tuning)
            }
            var direct = tuning
            direct.winogradMaximumKernelBytes = 0
            let shift = try Conv2D(&source, "conv", inChannels: c, outChannels: c, kernel: 3, tuning: direct)
            if winograd.usesWinograd { time("conv3x3-shift", flops: shift.flops(height: s, width: s)) { _ = shift(x, tuning) } }
            var columns = tuning
            columns.shiftMinimumChannels = Int.max
            let im2col = try Conv2D(&source, "conv", inChannels: c, outChannels: c, kernel: 3, tuning: columns)
            time("conv3x3-im2col", flops: im2col.flops(height: s, width: s)) { _ = im2col(x, tuning) }
            let ds = try Conv2D(&source, "ds", inChannels: c, outChannels: c, kernel: 3, stride: 2, padding: .bottomRight,
                                tuning: tuning)
            time("downsample", flops: ds.flops(height: s, width: s)) { _ = ds(x, tuning) }
            let gn = try GroupNorm(&source, "gn", channels: c)
            time("groupnorm-swish", flops: 0) { _ = gn(x, swish: true, tuning) }
            var y = x
            time("copy", flops: 0) { y = x; y.data[0] = 1 }
            if s <= 64 {
                let attn = try AttentionBlock(&source, "attn", channels: c)
                let t = Double(s * s), cc = Double(c)
                time("attention", flops: 2 * (4 * cc * cc * t + 2 * t * t * cc)) { _ = attn(x, tuning) }
            }
        }
    }

    /// Encoder speed on random weights (seeded) and random pixels.
    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Seconds per view and GFLOP/s of one encoder.")
        @Option(help: "Preset.") var preset: VQConfig.Preset = .llamagenVQ16
        @Option(help: "View side in pixels.") var size = 256
        @Option(help: "Views per forward pass.") var batch = 1
        @Option(help: "Timed runs (after one warm-up unless --no-warmup).") var runs = 2
        @Flag(help: "Skip the warm-up run.") var noWarmup = false
        @Option(help: "Weights file (default: seeded random weights).") var weights: String?
        @Option(help: "Encoder threads (default: all cores).") var threads: Int?
        @Option(help: "Shift-path column band.") var band: Int?
        @Option(help: "Winograd tiles per band.") var tiles: Int?
        @Flag(help: "Direct (shift-path) 3×3 convolutions only, no Winograd.") var noWinograd = false
        @Option(help: "Largest Winograd-transformed kernel in MiB (EncoderTuning.winogradMaximumKernelBytes).") var winogradKernelMib: Int?
        @Flag(help: "Leave glibc's default large-allocation behaviour (no heap reuse).") var noReuse = false

        func run() throws {
            var tuning = EncoderTuning(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
            if let band { tuning.shiftBandColumns = band }
            if let tiles { tuning.winogradBandTiles = tiles }
            if let winogradKernelMib { tuning.winogradMaximumKernelBytes = winogradKernelMib << 20 }
            if noWinograd { tuning.winogradMaximumKernelBytes = 0 }
            if !noReuse { VQEncoder.keepFreedMemoryForReuse() }
            let config = VQConfig.preset(preset)
            let t0 = VQBench.now()
            let encoder = try weights.map { try VQEncoder(config: config, weightsPath: $0, tuning: tuning) }
                ?? VQRandomWeights.encoder(config: config, seed: 1, tuning: tuning)
            let loadSeconds = VQBench.now() - t0
            var pixels = [Float](repeating: 0, count: batch * 3 * size * size)
            var state: UInt32 = 12345
            for i in 0..<pixels.count { state = state &* 1_664_525 &+ 1_013_904_223; pixels[i] = Float(state >> 8) / Float(1 << 23) - 1 }
            var times: [Double] = []
            for r in 0..<(runs + (noWarmup ? 0 : 1)) {
                let t = VQBench.now()
                _ = try encoder.encode(pixels: pixels, batch: batch, height: size, width: size)
                let dt = VQBench.now() - t
                if noWarmup || r > 0 { times.append(dt) }
            }
            let best = times.min() ?? 0
            let flops = encoder.flops(size: size) * Double(batch)
            let executed = encoder.flops(size: size, executed: true) * Double(batch)
            VQBench.emit(["kind": "encode", "preset": preset.rawValue, "size": size, "batch": batch,
                          "seconds_per_view": best / Double(batch), "runs": times, "gflop_per_view": flops / Double(batch) / 1e9,
                          "gflops": flops / best / 1e9, "executed_gflop_per_view": executed / Double(batch) / 1e9,
                          "executed_gflops": executed / best / 1e9, "threads": tuning.threads, "load_seconds": loadSeconds])
        }
    }
}

extension VQConfig.Preset: ExpressibleByArgument {}
