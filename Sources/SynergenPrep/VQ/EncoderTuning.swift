/// How a VQ encoder runs: how many threads it fans out over, which convolution path each 3×3
/// convolution takes, and the band sizes that bound its scratch memory.
///
/// `threads` never changes a result: every floating-point sum of the encoder is computed in one
/// order that is fixed by the input's shape and these band sizes (see `VQEncoder`). The other fields
/// choose the arithmetic itself — Winograd or direct convolutions, and how a product is cut into
/// bands — so changing them may change the last bits of a latent (and, at a near-tie, a code): the
/// defaults are what `tokenize` uses. The convolution paths (`winogradMaximumKernelBytes`,
/// `shiftMinimumChannels`) are chosen when the encoder is built; the rest apply at every encode.
public struct EncoderTuning: Sendable, Equatable {
    /// Threads the encoder's loops and matrix products are spread over (OpenBLAS itself always runs
    /// single-threaded inside the encoder).
    public var threads: Int
    /// Largest transformed kernel (36 · Cout · Cin floats, 4× the checkpoint's) kept for Winograd;
    /// bigger 3×3 convolutions take the shift path. The default covers 1024 → 1024 channels, every
    /// 3×3 convolution of the presets (Emu3's transformed kernels take 1.45 GB; 40 MiB, which leaves
    /// its 1024-channel level direct, saves 0.8 GB and costs ~15 % of its time). 0 turns Winograd off.
    public var winogradMaximumKernelBytes: Int
    /// 3×3 stride-1 convolutions with fewer input channels use im2col (a `K = Cin` product is too thin).
    public var shiftMinimumChannels: Int
    /// Tiles (4×4 output pixels) per Winograd band.
    public var winogradBandTiles: Int
    /// Output columns per band of the shift path.
    public var shiftBandColumns: Int
    /// Bytes of im2col columns per band.
    public var im2colBandBytes: Int
    /// Query rows per band of an attention block's score matrix.
    public var attentionQueryBand: Int
    /// Latent vectors per band of the nearest-code search.
    public var codebookBandVectors: Int

    public init(threads: Int = 1, winogradMaximumKernelBytes: Int = 160 << 20, shiftMinimumChannels: Int = 16,
                winogradBandTiles: Int = 1024, shiftBandColumns: Int = 8192, im2colBandBytes: Int = 32 << 20,
                attentionQueryBand: Int = 1024, codebookBandVectors: Int = 256) {
        self.threads = max(1, threads)
        self.winogradMaximumKernelBytes = winogradMaximumKernelBytes
        self.shiftMinimumChannels = shiftMinimumChannels
        self.winogradBandTiles = max(1, winogradBandTiles)
        self.shiftBandColumns = max(1, shiftBandColumns)
        self.im2colBandBytes = max(1, im2colBandBytes)
        self.attentionQueryBand = max(1, attentionQueryBand)
        self.codebookBandVectors = max(1, codebookBandVectors)
    }

    /// The defaults with direct 3×3 convolutions instead of Winograd (slower; for numerical comparisons).
    public static var directConvolutions: EncoderTuning { EncoderTuning(winogradMaximumKernelBytes: 0) }

    /// Threads per encoder when `workers` shards are encoded at once on `cores` cores: all of them
    /// for a single worker, one each otherwise (the workers themselves fill the cores).
    public static func threadsPerEncoder(workers: Int, cores: Int) -> Int { workers <= 1 ? max(1, cores) : 1 }
}
