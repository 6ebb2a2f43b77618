/// The checkpoint key of every encoder module, per family. Emu3 and Chameleon use the taming
/// names (`encoder.down.{i}.block.{j}`, `encoder.mid.block_1`); LlamaGen renames levels to
/// `encoder.conv_blocks.{i}.res.{j}` and the mid modules to `encoder.mid.{0,1,2}`.
public struct CheckpointKeys: Sendable {
    public let family: VQFamily

    public init(family: VQFamily) { self.family = family }

    private var level: String { family == .llamagen ? "encoder.conv_blocks" : "encoder.down" }

    /// Residual block `index` of level `level`.
    public func block(level i: Int, index j: Int) -> String {
        family == .llamagen ? "\(level).\(i).res.\(j)" : "\(level).\(i).block.\(j)"
    }

    /// Attention block `index` of level `level`.
    public func attention(level i: Int, index j: Int) -> String { "\(level).\(i).attn.\(j)" }

    /// The downsampling conv after level `level`.
    public func downsample(level i: Int) -> String { "\(level).\(i).downsample.conv" }

    public var midBlock1: String { family == .llamagen ? "encoder.mid.0" : "encoder.mid.block_1" }
    public var midAttention: String { family == .llamagen ? "encoder.mid.1" : "encoder.mid.attn_1" }
    public var midBlock2: String { family == .llamagen ? "encoder.mid.2" : "encoder.mid.block_2" }
    public let convIn = "encoder.conv_in"
    public let normOut = "encoder.norm_out"
    public let convOut = "encoder.conv_out"
    /// The 1×1 `quant_conv` of LlamaGen and Chameleon (Emu3's is a `CausalConv3D`, see `TemporalTail`).
    public let quantConv = "quant_conv"
}
