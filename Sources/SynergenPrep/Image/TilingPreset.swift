/// How the understanding view tiles an image (InternVL-1.5 dynamic tiling parameters).
public struct TilingConfig: Sendable, Equatable, Codable {
    /// Side of one square tile (and of the thumbnail), in pixels.
    public var tileSize: Int
    /// Smallest allowed number of tiles (cols·rows).
    public var minTiles: Int
    /// Largest allowed number of tiles (cols·rows).
    public var maxTiles: Int
    /// Whether to append a whole-image thumbnail when there is more than one tile.
    public var thumbnail: Bool

    public init(tileSize: Int = 512, minTiles: Int = 1, maxTiles: Int = 12, thumbnail: Bool = true) {
        self.tileSize = tileSize
        self.minTiles = minTiles
        self.maxTiles = maxTiles
        self.thumbnail = thumbnail
    }

    /// Throws when the configuration cannot produce a grid.
    public func validate() throws(ImageViewError) {
        if tileSize < 1 { throw .invalidSize(tileSize) }
        if minTiles < 1 || maxTiles < minTiles { throw .invalidTileRange(min: minTiles, max: maxTiles) }
    }
}

/// The tiling used at each SynerGen-VL training stage (paper §3.2, Table 8).
public enum TilingPreset: String, Sendable, CaseIterable, Codable {
    /// Stage 1 pre-training: a single tile, no thumbnail.
    case s1
    /// Stage 2 pre-training: up to 6 tiles plus a thumbnail.
    case s2
    /// Instruction tuning: up to 12 tiles plus a thumbnail.
    case sft

    /// The preset's configuration for tiles of `tileSize` pixels.
    public func config(tileSize: Int = 512) -> TilingConfig {
        switch self {
        case .s1: return TilingConfig(tileSize: tileSize, minTiles: 1, maxTiles: 1, thumbnail: false)
        case .s2: return TilingConfig(tileSize: tileSize, minTiles: 1, maxTiles: 6, thumbnail: true)
        case .sft: return TilingConfig(tileSize: tileSize, minTiles: 1, maxTiles: 12, thumbnail: true)
        }
    }
}
