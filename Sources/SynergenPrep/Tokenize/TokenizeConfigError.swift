/// A tokenize configuration (or set of inputs) that cannot work, found before reading data — or an
/// encoder that does not make what the configuration says.
public enum TokenizeConfigError: Error, Equatable, CustomStringConvertible {
    /// The configuration names no task.
    case noTask
    /// The tiles and the generation crop differ in side; both go through one encoder.
    case tileSideDiffers(tileSide: Int, generationSide: Int)
    /// The fold does not divide the code grid the VQ makes from one view.
    case foldDoesNotFit(FoldError, vqPreset: String, gridRows: Int, gridCols: Int, viewSide: Int)
    /// The codebook has more entries than a u16 code can name.
    case codebookTooLarge(codebookSize: Int)
    /// Two input shards share a stem, so they would write the same output files.
    case sameOutputStem(stem: String, first: String, second: String)
    /// The encoder returned another number of code grids than the sample has views.
    case gridCountDiffers(grids: Int, views: Int, key: String)

    public var description: String {
        switch self {
        case .noTask:
            return "no task: the tasks must be gen, und or gen,und"
        case .tileSideDiffers(let tile, let generation):
            return "the tile side (\(tile)) must equal the generation crop side (\(generation)): both go through one encoder"
        case .foldDoesNotFit(let error, let preset, let rows, let cols, let side):
            return "\(error.description) (the \(preset) tokenizer makes \(rows)x\(cols) codes from \(side)x\(side) views)"
        case .codebookTooLarge(let size):
            return "codebook of \(size) does not fit uint16 codes"
        case .sameOutputStem(let stem, let first, let second):
            return "two input shards would write the same output \(stem): \(first) and \(second)"
        case .gridCountDiffers(let grids, let views, let key):
            return "the encoder returned \(grids) grids for \(views) views (sample \(key))"
        }
    }
}
