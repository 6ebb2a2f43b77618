/// The result of encoding a batch: one `rows`×`cols` code grid per image (row-major, not folded)
/// and, when asked for, the pre-quantisation latents.
public struct VQEncoding: Sendable, Equatable {
    public let rows: Int
    public let cols: Int
    /// `codes[n]` holds image n's `rows·cols` codes, row-major.
    public let codes: [[Int32]]
    /// `[N, codeDim, rows, cols]` latents fed to the codebook (before LlamaGen's normalisation), if kept.
    public let latents: [Float]?
}
