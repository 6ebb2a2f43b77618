/// One view of an image together with its place among the image's views: what `vq encode`
/// prints a code grid for, and what `image preprocess` names a file after.
public struct LabelledView: Sendable, Equatable {
    /// Where a view comes from.
    public enum Place: Sendable, Hashable {
        /// The S×S generation crop.
        case generation
        /// Understanding tile `index` of the grid (row-major), at `row`, `col`.
        case tile(index: Int, row: Int, col: Int)
        /// The whole-image thumbnail added when there is more than one tile.
        case thumbnail

        /// "generation", "tile(row,col)" or "thumbnail": the words tokenized shards use for view roles.
        public var label: String {
            switch self {
            case .generation: return "generation"
            case .tile(_, let row, let col): return "tile(\(row),\(col))"
            case .thumbnail: return "thumbnail"
            }
        }
    }

    public let place: Place
    public let image: RGBImage

    public init(place: Place, image: RGBImage) {
        self.place = place
        self.image = image
    }

    /// `place.label`.
    public var label: String { place.label }
}

extension ImageViews {
    /// Every view with its place, in batch order: the generation crop, the tiles row-major, then
    /// the thumbnail (if any).
    public var labelled: [LabelledView] {
        let cols = plan.grid.cols
        return [LabelledView(place: .generation, image: generation)]
            + tiles.enumerated().map { LabelledView(place: .tile(index: $0.offset, row: $0.offset / cols, col: $0.offset % cols), image: $0.element) }
            + (thumbnail.map { [LabelledView(place: .thumbnail, image: $0)] } ?? [])
    }
}
