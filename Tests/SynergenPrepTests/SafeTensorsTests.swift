import Foundation
import Testing
@testable import SynergenPrep

@Suite struct SafeTensorsTests {
    @Test func writesAndReadsF32F16BF16() throws {
        let values: [Float] = [0, 1, -2.5, 0.1, 65504, 1e-7, -3.14159, 1234.5]
        var writer = SafeTensorsWriter()
        writer.metadata = ["k": "v"]
        for s in SafeTensorsWriter.FloatStorage.allCases { writer.add("t.\(s.rawValue)", shape: [2, 4], values: values, storage: s) }
        writer.addRaw("n", dtype: "I64", shape: [], bytes: [5, 0, 0, 0, 0, 0, 0, 0])
        let path = VQFixtureFiles.temporary("rt.safetensors")
        try writer.write(to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try SafeTensorsFile(path: path)
        #expect(file.metadata["k"] == "v")
        #expect(try file.floats("t.F32") == values)
        let half = try file.floats("t.F16"), bf = try file.floats("t.BF16")
        for (i, v) in values.enumerated() {
            #expect(abs(half[i] - v) <= max(abs(v) * 1e-3, 6e-8), "f16 \(v) → \(half[i])")
            #expect(abs(bf[i] - v) <= abs(v) * 8e-3, "bf16 \(v) → \(bf[i])")
        }
        #expect(file.tensors["n"]?.shape == [])
        #expect(throws: VQError.unsupportedDType(name: "n", dtype: "I64")) { try file.floats("n") }
    }

    @Test func halfConversionIsExactOnAllHalves() {
        for bits in stride(from: 0, through: 0xFFFF, by: 1) where (bits & 0x7C00) != 0x7C00 {
            let f = SafeTensorsFile.halfToFloat(UInt16(bits))
            #expect(SafeTensorsFile.floatToHalf(f) == UInt16(bits) || (f == 0 && bits == 0x8000))
            if bits % 4099 == 0 { #expect(Float(Float16(bitPattern: UInt16(bits))) == f) }
        }
    }

    @Test func weightErrorsNameTheTensorAndShapes() throws {
        var writer = SafeTensorsWriter()
        writer.add("encoder.conv_in.weight", shape: [32, 3, 3, 3], values: [Float](repeating: 0, count: 864))
        writer.add("encoder.conv_in.bias", shape: [16], values: [Float](repeating: 0, count: 16))
        let path = VQFixtureFiles.temporary("bad.safetensors")
        try writer.write(to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var store = try WeightStore(path: path)
        #expect(throws: VQError.shapeMismatch(name: "encoder.conv_in.bias", expected: [32], found: [16])) {
            _ = try store.tensor("encoder.conv_in.bias", shape: [32], role: .convBias)
        }
        #expect(throws: VQError.missingTensor(name: "encoder.conv_out.weight", tried: ["encoder.conv_out.weight"])) {
            _ = try store.tensor("encoder.conv_out.weight", shape: [1], role: .convBias)
        }
        let config = VQConfig(family: .chameleon, ch: 32, chMult: [1], numResBlocks: 1, attentionLevels: [],
                              zChannels: 4, codeDim: 4, codebookSize: 8, lookup: .l2)
        do {
            _ = try VQEncoder(config: config, weightsPath: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "tensor encoder.conv_in.bias: expected shape [32], found [16]")
        }
        #expect(throws: VQError.self) { _ = try SafeTensorsFile(path: path + ".missing") }
    }

    /// Hostile headers are refused before anything is allocated: longer than 100 MB (on a sparse
    /// file that is long enough), longer than the file, a shape whose size overflows, a negative dimension.
    @Test func hostileHeadersAreRefusedUnread() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func file(_ name: String, headerLength: UInt64, header: String = "", size: Int? = nil) throws -> String {
            let path = folder.appendingPathComponent(name).path
            let bytes = withUnsafeBytes(of: headerLength.littleEndian) { Array($0) } + Array(header.utf8)
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            if let size { truncate(path, off_t(size)) }   // sparse: long, yet nothing on disk
            return path
        }
        func reason(_ path: String) -> String {
            do { _ = try SafeTensorsFile(path: path); return "opened" } catch { return "\(error)" }
        }
        #expect(reason(try file("long", headerLength: 150_000_000, size: 160_000_000)).contains("100 MB limit"))
        #expect(reason(try file("past", headerLength: 1 << 40)).contains("exceeds the file size"))
        #expect(reason(try file("top-bit", headerLength: UInt64.max)).contains("exceeds the file size"))
        let overflow = #"{"t":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,0]}}"#
        #expect(reason(try file("overflow", headerLength: UInt64(overflow.utf8.count), header: overflow)).contains("overflows"))
        let negative = #"{"t":{"dtype":"F32","shape":[-1,4],"data_offsets":[0,0]}}"#
        #expect(reason(try file("negative", headerLength: UInt64(negative.utf8.count), header: negative)).contains("negative"))
    }

    @Test func randomWeightsUseTheCheckpointLayout() throws {
        func keys(_ preset: VQConfig.Preset) throws -> [String: [Int]] {
            var c = VQConfig.preset(preset)
            c.ch = 32
            c.codebookSize = 16
            var source = RandomWeights(seed: 1, keepValues: false)
            _ = try VQEncoder(config: c, source: &source)
            var out: [String: [Int]] = [:]
            for t in source.recorded { out[t.name] = t.shape }
            for s in source.notedScalars { out[s.name] = [] }
            return out
        }
        let emu3 = try keys(.emu3)
        #expect(emu3["encoder.down.2.block.1.conv2.weight"] == [64, 64, 3, 3])
        #expect(emu3["encoder.down.1.block.0.nin_shortcut.weight"] == [64, 32, 1, 1])
        #expect(emu3["encoder.down.3.attn.1.proj_out.weight"] == [128, 128, 1, 1])
        #expect(emu3["encoder.down.2.attn.0.q.weight"] == nil)
        #expect(emu3["encoder.mid.attn_1.norm.weight"] == [128])
        #expect(emu3["encoder.time_conv.1.conv.conv.weight"] == [4, 4, 4, 3, 3])
        #expect(emu3["encoder.time_res_stack.1.norm2.running_var"] == [4])
        #expect(emu3["encoder.time_res_stack.0.norm1.num_batches_tracked"] == [])
        #expect(emu3["encoder.time_res_stack.0.conv1.conv.weight"] == [4, 4, 3, 3, 3])
        #expect(emu3["quant_conv.conv.weight"] == [4, 4, 3, 1, 1])
        #expect(emu3["quantize.embedding.weight"] == [16, 4])
        let llama = try keys(.llamagenVQ16)
        #expect(llama["encoder.conv_blocks.4.attn.1.k.weight"] == [128, 128, 1, 1])
        #expect(llama["encoder.conv_blocks.3.downsample.conv.weight"] == [64, 64, 3, 3])
        #expect(llama["encoder.mid.1.proj_out.bias"] == [128])
        #expect(llama["encoder.conv_out.weight"] == [256, 128, 3, 3])
        #expect(llama["quant_conv.weight"] == [8, 256, 1, 1])
        let cham = try keys(.chameleon)
        #expect(cham["encoder.mid.block_2.conv1.weight"] == [128, 128, 3, 3])
        #expect(cham.keys.contains { $0.contains(".attn.") } == false)
        #expect(cham["quant_conv.weight"] == [256, 256, 1, 1])
    }
}
