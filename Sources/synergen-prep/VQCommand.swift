import ArgumentParser
import Foundation
import SynergenPrep

/// `synergen-prep vq`: the VQ image tokenizer — seeded random weights (`init`) and code grids (`encode`).
struct VQCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vq",
        abstract: "VQ image tokenizer (Emu3, LlamaGen, Chameleon encoders on the CPU).",
        subcommands: [Init.self, Encode.self]
    )

    /// Preset plus overrides, shared by `init` and `encode`.
    struct ConfigOptions: ParsableArguments {
        @Option(help: "Encoder preset: emu3 (default), llamagen-vq16, llamagen-vq8, chameleon.")
        var preset: VQConfig.Preset = .emu3
        @Option(help: "Override the base channel count.") var ch: Int?
        @Option(help: "Override ch_mult, comma-separated (e.g. 1,2,2,4).") var chMult: String?
        @Option(help: "Override residual blocks per level.") var resBlocks: Int?
        @Option(help: "Override the attention levels, comma-separated level indices ('' for none).") var attnLevels: String?
        @Option(help: "Override z_channels.") var zChannels: Int?
        @Option(help: "Override the code dimension.") var codeDim: Int?
        @Option(help: "Override the codebook size.") var codebookSize: Int?
        @Option(help: "Override the Emu3 temporal downsample factor (frames a still image is repeated to).") var temporalDownsample: Int?

        func config() throws -> VQConfig {
            var c = VQConfig.preset(preset)
            if let ch { c.ch = ch }
            if let chMult { c.chMult = try Self.ints(chMult, "--ch-mult") }
            if let resBlocks { c.numResBlocks = resBlocks }
            if let attnLevels { c.attentionLevels = try Self.ints(attnLevels, "--attn-levels") }
            if let zChannels { c.zChannels = zChannels }
            if let codeDim { c.codeDim = codeDim }
            if let codebookSize { c.codebookSize = codebookSize }
            if let temporalDownsample { c.temporalDownsample = temporalDownsample }
            do { try c.validate() } catch { throw ValidationError("\(error)") }
            return c
        }

        static func ints(_ s: String, _ flag: String) throws -> [Int] {
            try s.split(separator: ",").map { part in
                guard let v = Int(part.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("\(flag): not an integer list: \(s)") }
                return v
            }
        }

        func validate() throws { _ = try config() }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write seeded random encoder weights in the family's checkpoint layout (safetensors).")
        @OptionGroup var model: ConfigOptions
        @Option(help: "Random seed.") var seed: UInt64 = 0
        @Option(help: "Float storage: F32, F16 or BF16.") var dtype: String = "F32"
        @Option(help: "Output .safetensors file.") var out: String

        func validate() throws {
            guard SafeTensorsWriter.FloatStorage(rawValue: dtype.uppercased()) != nil else { throw ValidationError("--dtype must be F32, F16 or BF16") }
        }

        func run() throws {
            let storage = SafeTensorsWriter.FloatStorage(rawValue: dtype.uppercased())!
            let writer = try VQRandomWeights.file(config: try model.config(), seed: seed, storage: storage)
            try writer.write(to: out)
        }
    }

    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the code grid of each view of each image.")
        @OptionGroup var model: ConfigOptions
        @Option(help: "Encoder weights (.safetensors).") var weights: String
        @Option(help: "Generation view side in pixels (an S×S input goes in unresized).") var size: Int = 512
        @Flag(help: "One JSON object per line per view: image, view, grid [rows, cols], codes (row-major).") var json = false
        @Flag(help: "Also print the SHA-256 of each view's latents (float bits): equal digests mean bit-identical latents, e.g. across thread counts or machines.")
        var latentDigest = false
        @Option(help: "Encoder threads (default: all cores; the codes do not depend on it).") var threads: Int?
        @Option(help: "Understanding tiling preset (as `tokenize --stage`).") var stage: TilingPreset = .s2
        @Flag(help: "Direct 3×3 convolutions instead of Winograd F(4×4, 3×3) (slower; for numerical comparisons).")
        var directConvolutions = false
        @Argument(help: "Images.") var images: [String]

        func validate() throws {
            if size < 1 { throw ValidationError("--size must be at least 1, got \(size)") }
            if images.isEmpty { throw ValidationError("give at least one image") }
        }

        func run() throws {
            var tuning = directConvolutions ? EncoderTuning.directConvolutions : EncoderTuning()
            tuning.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
            VQEncoder.keepFreedMemoryForReuse()
            // A file written by `vq init` records its configuration; published checkpoints need the preset.
            let config = try VQConfig.describe(weightsFile: weights).config ?? model.config()
            let encoder = try VQEncoder(config: config, weightsPath: weights, tuning: tuning)
            let options = ImageViewOptions(generation: GenerationCropPolicy(size: size), tiling: stage.config(tileSize: size))
            var scratch = ResampleScratch()
            for path in images {
                // The same decode and views as `tokenize`, so these grids are what its shards store (unfolded).
                let (_, views) = try ViewDecoding(options: options).views(of: try ImageFile.read(path), decoder: ImageDecoder(),
                                                                          scratch: &scratch)
                let labelled = views.labelled
                let result = try encoder.encode(try ModelTensor(batch: labelled.map(\.image)), keepLatents: latentDigest)
                let digests = result.latentDigests
                for (index, (view, codes)) in zip(labelled.map(\.label), result.codes).enumerated() {
                    if json {
                        var obj: [String: Any] = ["image": path, "view": view, "grid": [result.rows, result.cols],
                                                  "codes": codes.map { Int($0) }]
                        if let digests { obj["latents_sha256"] = digests[index] }
                        let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .withoutEscapingSlashes])
                        print(String(decoding: data, as: UTF8.self))
                    } else {
                        print("\(path) \(view) \(result.rows)x\(result.cols)" + (digests.map { " latents \($0[index])" } ?? ""))
                        for r in 0..<result.rows {
                            print(codes[(r * result.cols)..<((r + 1) * result.cols)].map(String.init).joined(separator: " "))
                        }
                    }
                }
            }
        }
    }
}

extension VQConfig.Preset: ExpressibleByArgument {}
