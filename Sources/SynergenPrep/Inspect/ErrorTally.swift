/// Errors counted by reason word, with the first few sample keys (or shard messages) of each.
public struct ErrorTally: Sendable, Equatable {
    public private(set) var counts: [FailureReason: Int] = [:]
    public private(set) var examples: [FailureReason: [String]] = [:]
    public var keepExamples: Int

    public init(keepExamples: Int = 5) { self.keepExamples = keepExamples }

    public var total: Int { counts.values.reduce(0, +) }

    public mutating func add(_ reason: FailureReason, example: String) {
        counts[reason, default: 0] += 1
        if examples[reason, default: []].count < keepExamples { examples[reason, default: []].append(example) }
    }

    public mutating func merge(_ other: ErrorTally) {
        for (reason, count) in other.counts {
            counts[reason, default: 0] += count
            let room = keepExamples - examples[reason, default: []].count
            if room > 0 { examples[reason, default: []] += (other.examples[reason] ?? []).prefix(room) }
        }
    }

    /// Reason word → count, for JSON.
    public var byWord: [String: Int] { Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }) }
    /// Reason word → first examples, for JSON.
    public var examplesByWord: [String: [String]] { Dictionary(uniqueKeysWithValues: examples.map { ($0.key.rawValue, $0.value) }) }
}
