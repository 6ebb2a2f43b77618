/// What the tokenize stage needs from a VQ image tokenizer: S×S views in, one code grid per view out.
/// One instance per worker (implementations may hold scratch buffers).
public protocol CodeGridEncoder {
    /// Codes per side for an S×S input: (rows, cols).
    func gridSize(imageSize: Int) -> (rows: Int, cols: Int)
    /// Number of codebook entries (every code is below it).
    var codebookSize: Int { get }
    /// Encodes a batch `[N, 3, S, S]` into N row-major code grids.
    func codeGrids(for batch: ModelTensor) throws -> [[UInt16]]
}
