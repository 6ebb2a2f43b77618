/// The role of one image view in a tokenized sample.
public enum ViewRole: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The S×S centre crop used for text→image generation documents.
    case generation
    /// One understanding tile, at (row, col) of the tile grid.
    case tile(row: Int, col: Int)
    /// The whole-image thumbnail added when there is more than one tile.
    case thumbnail

    public var description: String {
        switch self {
        case .generation: return "generation"
        case .tile(let row, let col): return "tile(\(row),\(col))"
        case .thumbnail: return "thumbnail"
        }
    }

    /// The role's kind without its position: "generation", "tile" or "thumbnail".
    public var kind: String {
        switch self {
        case .generation: return "generation"
        case .tile: return "tile"
        case .thumbnail: return "thumbnail"
        }
    }
}

/// One view's codes: the grid shape in codes and the codes in folded order.
public struct TokenizedView: Sendable, Equatable {
    public var role: ViewRole
    public var gridRows: Int
    public var gridCols: Int
    public var fold: TokenFold
    /// `gridRows * gridCols` codes in `fold` order (blocks raster order, row-major inside a block).
    public var codes: [UInt16]

    public init(role: ViewRole, gridRows: Int, gridCols: Int, fold: TokenFold, codes: [UInt16]) {
        self.role = role
        self.gridRows = gridRows
        self.gridCols = gridCols
        self.fold = fold
        self.codes = codes
    }

    /// The codes back in row-major grid order.
    public func unfolded() throws(FoldError) -> [UInt16] { try fold.unfold(codes, gridRows: gridRows, gridCols: gridCols) }
}

/// One sample of a tokenized shard: everything the packer needs, nothing it must recompute.
public struct TokenizedSample: Sendable, Equatable {
    public var key: String
    /// Position of the sample in its source shard (rejected samples included).
    public var ordinal: Int
    /// Upright size of the source image at full resolution.
    public var originalSize: ImageSize
    /// SHA-256 of the image member's bytes as stored in the source shard.
    public var imageSHA256: [UInt8]
    public var caption: String
    /// The caption alone, encoded with special-token parsing off.
    public var captionIDs: [Int32]
    /// Generation crop first (if tokenized), then tiles row-major, then the thumbnail.
    public var views: [TokenizedView]

    public init(key: String, ordinal: Int, originalSize: ImageSize, imageSHA256: [UInt8], caption: String,
                captionIDs: [Int32], views: [TokenizedView]) {
        self.key = key
        self.ordinal = ordinal
        self.originalSize = originalSize
        self.imageSHA256 = imageSHA256
        self.caption = caption
        self.captionIDs = captionIDs
        self.views = views
    }
}
