/// The three VQGAN encoder families: they share one architecture and differ in checkpoint key
/// names, where attention sits, what follows `conv_out`, and the codebook lookup.
public enum VQFamily: String, Sendable, Codable, CaseIterable {
    /// BAAI Emu3 VisionVQ (SynerGen-VL's tokenizer): 2-D encoder, then a causal temporal tail over
    /// 4 repeated frames, causal 3-D `quant_conv`, plain L2 lookup.
    case emu3
    /// LlamaGen VQ-8/VQ-16: `conv_blocks.*.res/attn` keys, 1×1 `quant_conv` to the code dimension,
    /// L2-normalised lookup.
    case llamagen
    /// Chameleon / Anole VQGAN (taming-style keys, optionally under `model.vqmodel.`), 1×1
    /// `quant_conv`, plain L2 lookup.
    case chameleon
}

/// How a latent vector is matched to the codebook.
public enum CodebookLookup: String, Sendable, Codable, CaseIterable {
    /// argmin ‖z − e‖² over the raw vectors.
    case l2
    /// argmin ‖ẑ − ê‖² after L2-normalising both the latent and every code (LlamaGen `codebook_l2_norm`).
    case normalizedL2
}
