/// Width and height of an image in pixels: what a header declares, what a view plan asks for.
public struct ImageSize: Hashable, Codable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    public var pixelCount: Int { width * height }
    public var description: String { "\(width)x\(height)" }
}
