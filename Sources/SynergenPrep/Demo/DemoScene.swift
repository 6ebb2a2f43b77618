/// One procedural demo picture — a background and one or two flat shapes — and the caption that
/// describes it truthfully. Text-free by construction.
public struct DemoScene: Sendable, Equatable {
    /// A colour with the name the caption uses.
    public struct NamedColor: Sendable, Equatable {
        public var name: String
        public var rgb: (UInt8, UInt8, UInt8)
        public static func == (a: NamedColor, b: NamedColor) -> Bool { a.name == b.name }
    }

    public enum Shape: String, Sendable, CaseIterable {
        case circle, square, triangle, diamond, rectangle, ring, cross
    }

    public enum Background: Sendable, Equatable {
        case solid(NamedColor)
        /// Top to bottom when `vertical`, else left to right.
        case gradient(NamedColor, NamedColor, vertical: Bool)

        var colors: [NamedColor] {
            switch self {
            case .solid(let c): return [c]
            case .gradient(let a, let b, _): return [a, b]
            }
        }
    }

    /// A shape placed in pixel coordinates: centre and half extent.
    public struct Placed: Sendable, Equatable {
        public var shape: Shape
        public var color: NamedColor
        public var centerX: Double
        public var centerY: Double
        public var radius: Double
    }

    public enum Relation: String, Sendable {
        case above, below
        case leftOf = "to the left of"
        case rightOf = "to the right of"
    }

    public var size: ImageSize
    public var background: Background
    public var shapes: [Placed]
    public var relation: Relation?

    public static let palette: [NamedColor] = [
        .init(name: "red", rgb: (220, 30, 30)), .init(name: "green", rgb: (30, 160, 60)),
        .init(name: "blue", rgb: (30, 70, 210)), .init(name: "yellow", rgb: (245, 215, 40)),
        .init(name: "orange", rgb: (245, 140, 20)), .init(name: "purple", rgb: (130, 40, 170)),
        .init(name: "pink", rgb: (245, 140, 190)), .init(name: "brown", rgb: (120, 70, 30)),
        .init(name: "black", rgb: (15, 15, 15)), .init(name: "white", rgb: (250, 250, 250)),
        .init(name: "gray", rgb: (128, 128, 128)), .init(name: "cyan", rgb: (40, 200, 220)),
    ]

    /// The caption, e.g. "a red circle above a blue square on a white background".
    public var caption: String {
        func describe(_ p: Placed, sized: Bool) -> String {
            let short = Double(min(size.width, size.height))
            var words = ["a"]
            if sized && p.radius >= 0.32 * short { words.append("large") }
            if sized && p.radius <= 0.2 * short { words.append("small") }
            words += [p.color.name, p.shape.rawValue]
            return words.joined(separator: " ")
        }
        let subject: String
        if let relation, shapes.count == 2 {
            subject = "\(describe(shapes[0], sized: false)) \(relation.rawValue) \(describe(shapes[1], sized: false))"
        } else {
            subject = describe(shapes[0], sized: true)
        }
        let backdrop: String
        switch background {
        case .solid(let c): backdrop = "a \(c.name) background"
        case .gradient(let a, let b, let vertical):
            backdrop = vertical
                ? "a background fading from \(a.name) at the top to \(b.name) at the bottom"
                : "a background fading from \(a.name) on the left to \(b.name) on the right"
        }
        return "\(subject) on \(backdrop)"
    }

    /// A random scene; sizes range over short sides 96…768 px and aspect ratios 1:3…3:1.
    public static func random(using rng: inout SeededGenerator) -> DemoScene {
        let short = rng.pick([96, 128, 160, 192, 256, 320, 384, 448, 512, 640, 768])
        let aspect = rng.pick([1.0, 1.0, 4.0 / 3, 3.0 / 2, 16.0 / 9, 2.0, 3.0])
        let long = Int((Double(short) * aspect).rounded())
        let size = rng.int(in: 0...1) == 0 ? ImageSize(width: long, height: short) : ImageSize(width: short, height: long)

        var colors = palette
        func take() -> NamedColor { colors.remove(at: rng.int(in: 0...(colors.count - 1))) }
        let background: Background = rng.unit() < 0.7
            ? .solid(take()) : .gradient(take(), take(), vertical: rng.int(in: 0...1) == 0)
        let w = Double(size.width), h = Double(size.height)

        if rng.unit() < 0.4 {
            let shortSide = min(w, h)
            let radius = shortSide * (0.12 + rng.unit() * 0.3)
            let cx = w / 2 + (rng.unit() - 0.5) * max(0, w / 2 - radius - 2)
            let cy = h / 2 + (rng.unit() - 0.5) * max(0, h / 2 - radius - 2)
            let shape = Placed(shape: rng.pick(Shape.allCases), color: take(), centerX: cx, centerY: cy, radius: radius)
            return DemoScene(size: size, background: background, shapes: [shape], relation: nil)
        }
        // Two shapes on one axis, separated by a gap so the relation word is true.
        let vertical = rng.int(in: 0...1) == 0
        let along = vertical ? h : w, across = vertical ? w : h
        let radius = min(along * 0.16, across * 0.4) * (0.6 + rng.unit() * 0.4)
        let a = Placed(shape: rng.pick(Shape.allCases), color: take(),
                       centerX: vertical ? w / 2 : w * 0.28, centerY: vertical ? h * 0.28 : h / 2, radius: radius)
        let b = Placed(shape: rng.pick(Shape.allCases), color: take(),
                       centerX: vertical ? w / 2 : w * 0.72, centerY: vertical ? h * 0.72 : h / 2, radius: radius)
        let firstIsLeading = rng.int(in: 0...1) == 0
        let relation: Relation = vertical ? (firstIsLeading ? .above : .below) : (firstIsLeading ? .leftOf : .rightOf)
        return DemoScene(size: size, background: background, shapes: firstIsLeading ? [a, b] : [b, a], relation: relation)
    }

    /// Draws the scene (hard edges, no text).
    public func render() -> RGBImage {
        let w = size.width, h = size.height
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        pixels.withUnsafeMutableBufferPointer { p in
            for y in 0..<h {
                for x in 0..<w {
                    let color: (UInt8, UInt8, UInt8)
                    switch background {
                    case .solid(let c): color = c.rgb
                    case .gradient(let a, let b, let vertical):
                        let t = vertical ? Double(y) / Double(max(1, h - 1)) : Double(x) / Double(max(1, w - 1))
                        func mix(_ u: UInt8, _ v: UInt8) -> UInt8 { UInt8((Double(u) * (1 - t) + Double(v) * t).rounded()) }
                        color = (mix(a.rgb.0, b.rgb.0), mix(a.rgb.1, b.rgb.1), mix(a.rgb.2, b.rgb.2))
                    }
                    let i = (y * w + x) * 3
                    p[i] = color.0; p[i + 1] = color.1; p[i + 2] = color.2
                }
            }
            for placed in shapes {
                let x0 = max(0, Int(placed.centerX - placed.radius) - 1), x1 = min(w - 1, Int(placed.centerX + placed.radius) + 1)
                let y0 = max(0, Int(placed.centerY - placed.radius) - 1), y1 = min(h - 1, Int(placed.centerY + placed.radius) + 1)
                guard x0 <= x1, y0 <= y1 else { continue }
                for y in y0...y1 {
                    for x in x0...x1 where Self.contains(placed, x: Double(x) + 0.5, y: Double(y) + 0.5) {
                        let i = (y * w + x) * 3
                        p[i] = placed.color.rgb.0; p[i + 1] = placed.color.rgb.1; p[i + 2] = placed.color.rgb.2
                    }
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: pixels)
    }

    static func contains(_ p: Placed, x: Double, y: Double) -> Bool {
        let dx = x - p.centerX, dy = y - p.centerY, r = p.radius
        switch p.shape {
        case .circle: return dx * dx + dy * dy <= r * r
        case .square: return abs(dx) <= r && abs(dy) <= r
        case .rectangle: return abs(dx) <= r && abs(dy) <= r * 0.55
        case .diamond: return abs(dx) + abs(dy) <= r
        case .ring:
            let d2 = dx * dx + dy * dy
            return d2 <= r * r && d2 >= r * r * 0.36
        case .cross: return (abs(dx) <= r / 3 && abs(dy) <= r) || (abs(dy) <= r / 3 && abs(dx) <= r)
        case .triangle:
            // Apex up: half width grows linearly from 0 at the top to r at the bottom.
            guard dy >= -r && dy <= r else { return false }
            return abs(dx) <= (dy + r) / 2
        }
    }
}
