/// The grid an image is cut into for the understanding view: `cols`×`rows` tiles of
/// `tileSize` pixels, chosen as InternVL-1.5's `dynamic_preprocess` chooses it.
public struct TileGrid: Sendable, Equatable, Codable {
    public let cols: Int
    public let rows: Int
    public let tileSize: Int
    /// Whether a thumbnail follows the tiles (configured, and more than one tile).
    public let thumbnail: Bool

    public init(cols: Int, rows: Int, tileSize: Int, thumbnail: Bool) {
        self.cols = cols
        self.rows = rows
        self.tileSize = tileSize
        self.thumbnail = thumbnail
    }

    /// Number of tiles (without the thumbnail).
    public var tileCount: Int { cols * rows }
    /// Number of S×S images in the batch: tiles plus the thumbnail if any.
    public var imageCount: Int { tileCount + (thumbnail ? 1 : 0) }
    /// Size the whole image is resized to before cutting: (S·cols, S·rows).
    public var resizedWidth: Int { tileSize * cols }
    public var resizedHeight: Int { tileSize * rows }

    /// Tile boxes in resized-image coordinates, row-major.
    public var tileBoxes: [PixelRect] {
        (0..<tileCount).map { i in
            PixelRect(x: (i % cols) * tileSize, y: (i / cols) * tileSize, width: tileSize, height: tileSize)
        }
    }

    /// Chooses the grid for a `width`×`height` image.
    ///
    /// Candidates come from `InternVLCandidateOrder` (the reference's order, ties included).
    /// The grid with the smallest `|W/H − cols/rows|` (in `Double`, as Python computes it)
    /// wins; on an exactly equal difference a later candidate replaces the current best when
    /// `W·H > 0.5·S²·cols·rows`.
    public static func choose(width: Int, height: Int, config: TilingConfig) throws(ImageViewError) -> TileGrid {
        try config.validate()
        guard width > 0, height > 0 else { throw .emptyImage(width: width, height: height) }
        let candidates = InternVLCandidateOrder.candidates(minTiles: config.minTiles, maxTiles: config.maxTiles)
        let best = closest(width: width, height: height, tileSize: config.tileSize, candidates: candidates)
        return TileGrid(cols: best.cols, rows: best.rows, tileSize: config.tileSize,
                        thumbnail: config.thumbnail && best.cols * best.rows != 1)
    }

    /// The reference's `find_closest_aspect_ratio` over an ordered candidate list.
    static func closest(width: Int, height: Int, tileSize: Int,
                        candidates: [(cols: Int, rows: Int)]) -> (cols: Int, rows: Int) {
        let aspect = Double(width) / Double(height)
        let area = Double(width) * Double(height)   // exact below 2^53
        let s = Double(tileSize)
        var bestDiff = Double.infinity
        var best = (cols: 1, rows: 1)
        for c in candidates {
            let diff = abs(aspect - Double(c.cols) / Double(c.rows))
            if diff < bestDiff {
                bestDiff = diff
                best = c
            } else if diff == bestDiff {
                if area > 0.5 * s * s * Double(c.cols) * Double(c.rows) { best = c }
            }
        }
        return best
    }
}
