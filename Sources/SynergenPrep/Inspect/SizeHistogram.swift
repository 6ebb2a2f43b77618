/// Counts of one integer measure (an image side, a length) with exact min / median / max, in
/// memory bounded by the number of distinct values rather than the number of samples.
public struct SizeHistogram: Sendable, Equatable {
    public private(set) var counts: [Int: Int] = [:]
    public private(set) var total = 0

    public init() {}

    public mutating func add(_ value: Int, count: Int = 1) {
        counts[value, default: 0] += count
        total += count
    }

    public mutating func merge(_ other: SizeHistogram) {
        for (value, count) in other.counts { add(value, count: count) }
    }

    public var min: Int? { counts.keys.min() }
    public var max: Int? { counts.keys.max() }

    /// The lower median: the value at 0-based rank `(total − 1) / 2` in sorted order.
    public var median: Int? {
        guard total > 0 else { return nil }
        let rank = (total - 1) / 2
        var seen = 0
        for value in counts.keys.sorted() {
            seen += counts[value]!
            if seen > rank { return value }
        }
        return nil
    }

    /// `{min, median, max}` for reports; nil when empty.
    public var summary: Summary? {
        guard let min, let median, let max else { return nil }
        return Summary(min: min, median: median, max: max)
    }

    public struct Summary: Codable, Sendable, Equatable {
        public var min: Int
        public var median: Int
        public var max: Int
    }
}
