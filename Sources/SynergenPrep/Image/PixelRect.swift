/// An axis-aligned rectangle in pixel coordinates (origin top-left, `x`/`y` inclusive,
/// `width`/`height` in pixels). Used for crop boxes, tile boxes and output regions.
public struct PixelRect: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// `[x, y, width, height]`, the order used in JSON output.
    public var array: [Int] { [x, y, width, height] }

    public var description: String { "(\(x), \(y), \(width)×\(height))" }

    /// Whether the rectangle lies inside a `width`×`height` image and is non-empty.
    public func isInside(width w: Int, height h: Int) -> Bool {
        x >= 0 && y >= 0 && width > 0 && height > 0 && x + width <= w && y + height <= h
    }
}
