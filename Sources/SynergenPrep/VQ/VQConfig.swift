/// The shape of one VQ encoder: enough to name and size every checkpoint tensor and to run the
/// forward pass. Built from a named preset (`emu3`, `llamagen-vq16`, `llamagen-vq8`, `chameleon`)
/// plus optional overrides for small test configs.
public struct VQConfig: Sendable, Equatable, Codable {
    public var family: VQFamily
    /// Base channel count (`ch`).
    public var ch: Int
    /// Channel multiplier per level (`ch_mult`); every level but the last halves the resolution.
    public var chMult: [Int]
    /// Residual blocks per level (`num_res_blocks`).
    public var numResBlocks: Int
    /// Level indices with an attention block after each residual block (the mid block always has one).
    public var attentionLevels: [Int]
    /// Channels out of `conv_out` (`z_channels`).
    public var zChannels: Int
    /// Code vector dimension (`embed_dim` / `codebook_embed_dim`).
    public var codeDim: Int
    /// Number of codes.
    public var codebookSize: Int
    public var lookup: CodebookLookup
    /// Emu3 only: frames a still image is repeated to (power of two; 1 disables the temporal tail).
    public var temporalDownsample: Int
    /// Image channels (3).
    public var inChannels: Int = 3

    public init(family: VQFamily, ch: Int, chMult: [Int], numResBlocks: Int, attentionLevels: [Int],
                zChannels: Int, codeDim: Int, codebookSize: Int, lookup: CodebookLookup, temporalDownsample: Int = 1) {
        self.family = family
        self.ch = ch
        self.chMult = chMult
        self.numResBlocks = numResBlocks
        self.attentionLevels = attentionLevels
        self.zChannels = zChannels
        self.codeDim = codeDim
        self.codebookSize = codebookSize
        self.lookup = lookup
        self.temporalDownsample = temporalDownsample
    }

    /// The named presets, matching the published checkpoints.
    public enum Preset: String, Sendable, CaseIterable, Codable {
        case emu3
        case llamagenVQ16 = "llamagen-vq16"
        case llamagenVQ8 = "llamagen-vq8"
        case chameleon
    }

    /// The published configuration of `preset`.
    public static func preset(_ preset: Preset) -> VQConfig {
        switch preset {
        case .emu3:
            return VQConfig(family: .emu3, ch: 256, chMult: [1, 2, 2, 4], numResBlocks: 2, attentionLevels: [3],
                            zChannels: 4, codeDim: 4, codebookSize: 32_768, lookup: .l2, temporalDownsample: 4)
        case .llamagenVQ16:
            return VQConfig(family: .llamagen, ch: 128, chMult: [1, 1, 2, 2, 4], numResBlocks: 2, attentionLevels: [4],
                            zChannels: 256, codeDim: 8, codebookSize: 16_384, lookup: .normalizedL2)
        case .llamagenVQ8:
            return VQConfig(family: .llamagen, ch: 128, chMult: [1, 2, 2, 4], numResBlocks: 2, attentionLevels: [3],
                            zChannels: 256, codeDim: 8, codebookSize: 16_384, lookup: .normalizedL2)
        case .chameleon:
            return VQConfig(family: .chameleon, ch: 128, chMult: [1, 1, 2, 2, 4], numResBlocks: 2, attentionLevels: [],
                            zChannels: 256, codeDim: 256, codebookSize: 8_192, lookup: .l2)
        }
    }

    /// Number of resolution levels.
    public var levels: Int { chMult.count }
    /// Spatial downsampling factor (2^(levels−1)).
    public var downsampling: Int { 1 << (levels - 1) }
    /// Codes per side for a `size`-pixel side: each of the `levels − 1` downsamples pads right/bottom
    /// by one and runs a 3×3 stride-2 convolution (`Conv2D.outputSize` with that padding).
    public func gridSide(_ size: Int) -> Int {
        (1..<levels).reduce(size) { side, _ in (side + 1 - 3) / 2 + 1 }
    }
    /// Channels at the end of the encoder body (`ch · ch_mult.last`).
    public var bodyChannels: Int { ch * (chMult.last ?? 1) }
    /// Whether the Emu3 temporal tail runs (`temporal_downsample_factor` > 1).
    public var hasTemporalTail: Bool { family == .emu3 && temporalDownsample > 1 }

    /// Checks what the forward pass relies on: GroupNorm's 32 groups divide every normed width, levels exist.
    public func validate() throws(VQError) {
        guard ch > 0, !chMult.isEmpty, chMult.allSatisfy({ $0 > 0 }) else { throw .invalidConfig("ch and ch_mult must be positive") }
        guard numResBlocks >= 1 else { throw .invalidConfig("num_res_blocks must be at least 1") }
        for m in [1] + chMult where (ch * m) % 32 != 0 {
            throw .invalidConfig("channel count \(ch * m) is not divisible by GroupNorm's 32 groups")
        }
        guard attentionLevels.allSatisfy({ $0 >= 0 && $0 < levels }) else {
            throw .invalidConfig("attention level outside 0..<\(levels): \(attentionLevels)")
        }
        guard zChannels > 0, codeDim > 0, codebookSize > 0 else { throw .invalidConfig("z_channels, code dim, codebook size must be positive") }
        if family == .emu3 {
            guard temporalDownsample >= 1, temporalDownsample & (temporalDownsample - 1) == 0 else {
                throw .invalidConfig("temporal downsample must be a power of two, got \(temporalDownsample)")
            }
        }
    }
}
