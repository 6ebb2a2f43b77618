import Foundation
import Testing
@testable import SynergenPrep

/// Swift encoders against the PyTorch reference (fixtures from scripts/make_vq_fixtures.py).
@Suite struct VQParityTests {
    @Test(arguments: ["emu3", "llamagen", "chameleon"])
    func codesAndLatentsMatchPyTorch(_ name: String) throws {
        let expected = try SafeTensorsFile(path: VQFixtureFiles.path("\(name).expected.safetensors"))
        let config = try VQFixtureFiles.config(expected.metadata)
        let encoder = try VQEncoder(config: config, weightsPath: VQFixtureFiles.path("\(name).weights.safetensors"))
        let input = expected.tensors["input_u8"]!
        let (n, s) = (input.shape[0], input.shape[2])
        let pixels = try expected.rawBytes("input_u8").map { (Float($0) / 255 - 0.5) / 0.5 }
        let result = try encoder.encode(pixels: pixels, batch: n, height: s, width: s, keepLatents: true)

        let codesRaw = try expected.rawBytes("codes")
        let want = (0..<(codesRaw.count / 4)).map { codesRaw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self) }
        let wantLatents = try expected.floats("latents")
        #expect([result.rows, result.cols] == Array(expected.tensors["codes"]!.shape[1...]))
        let got = result.codes.flatMap { $0 }
        #expect(got.count == want.count)
        let latents = try #require(result.latents)
        #expect(latents.count == wantLatents.count)

        var maxError: Float = 0, maxLatent: Float = 0
        for i in 0..<min(latents.count, wantLatents.count) {
            maxError = max(maxError, abs(latents[i] - wantLatents[i]))
            maxLatent = max(maxLatent, abs(wantLatents[i]))
        }
        // Differing codes must be near-ties: the two codes' distances within 1e-4 relative.
        let d = config.codeDim, hw = result.rows * result.cols
        var differing = 0, worstTie = 0.0
        for i in 0..<min(got.count, want.count) where got[i] != want[i] {
            differing += 1
            let b = i / hw, p = i % hw
            let v = (0..<d).map { latents[(b * d + $0) * hw + p] }
            let dGot = encoder.quantize.distance(v[...], to: Int(got[i]))
            let dWant = encoder.quantize.distance(v[...], to: Int(want[i]))
            let rel = abs(dGot - dWant) / max(min(dGot, dWant), 1e-12)
            worstTie = max(worstTie, rel)
            #expect(rel <= 1e-4, "\(name) code \(i): \(got[i]) vs \(want[i]), distances \(dGot) \(dWant)")
        }
        let identical = 100 * Double(got.count - differing) / Double(max(1, got.count))
        print("VQ parity \(name): \(got.count - differing)/\(got.count) codes identical (\(identical)%), "
              + "worst near-tie \(worstTie), latent max abs error \(maxError) (max |latent| \(maxLatent))")
        #expect(identical >= 99.9)
        #expect(maxError <= 1e-3 * max(1, maxLatent))
    }

    @Test func emu3FixtureIsReadFromHalfAndChameleonFromPrefixedKeys() throws {
        let emu3 = try SafeTensorsFile(path: VQFixtureFiles.path("emu3.weights.safetensors"))
        #expect(emu3.tensors["encoder.conv_in.weight"]?.dtype == "F16")
        #expect(emu3.tensors["encoder.time_res_stack.1.norm2.running_var"] != nil)
        let cham = WeightStore(file: try SafeTensorsFile(path: VQFixtureFiles.path("chameleon.weights.safetensors")))
        #expect(cham.prefix == "model.vqmodel.")
        let llama = try SafeTensorsFile(path: VQFixtureFiles.path("llamagen.weights.safetensors"))
        #expect(llama.tensors["encoder.mid.1.proj_out.weight"]?.dtype == "BF16")
    }
}
