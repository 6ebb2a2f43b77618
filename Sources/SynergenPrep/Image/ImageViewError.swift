/// Errors raised while planning or building the views of an image.
public enum ImageViewError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The image has zero width or height.
    case emptyImage(width: Int, height: Int)
    /// The tile / generation side must be at least 1 pixel.
    case invalidSize(Int)
    /// `minTiles` must be ≥ 1 and ≤ `maxTiles`.
    case invalidTileRange(min: Int, max: Int)
    /// A destination buffer is smaller than the tensor batch it must hold.
    case bufferTooSmall(needed: Int, got: Int)

    public var description: String {
        switch self {
        case let .emptyImage(w, h): return "image is empty (\(w)×\(h))"
        case let .invalidSize(s): return "size must be at least 1 pixel, got \(s)"
        case let .invalidTileRange(mn, mx): return "tile range must satisfy 1 <= min <= max, got min \(mn), max \(mx)"
        case let .bufferTooSmall(n, g): return "destination holds \(g) floats, needs \(n)"
        }
    }
}
