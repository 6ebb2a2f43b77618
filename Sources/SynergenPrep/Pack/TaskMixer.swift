/// Chooses, per tokenized sample, which documents it yields so that generation tokens make up
/// `share` of all tokens: candidates are tried in a seeded random order and one is taken while its
/// task is at or under its share, or when the sample cannot make the other task (a gen-only input
/// is packed whole, not cut to the share); a share of 0 never takes the task.
public struct TaskMixer: Sendable {
    public let share: Double
    private var rng: SeededGenerator
    public private(set) var genTokens = 0
    public private(set) var undTokens = 0

    public init(generationShare: Double, seed: UInt64) {
        share = generationShare
        rng = SeededGenerator(seed: seed ^ 0x4D49_58)
    }

    /// Given the lengths of the candidate documents (nil = the sample cannot make it), which to make.
    public mutating func choose(gen: Int?, und: Int?) -> (gen: Bool, und: Bool) {
        var takeGen = false, takeUnd = false
        let genFirst = rng.next() & 1 == 0
        for which in genFirst ? [true, false] : [false, true] {
            let total = genTokens + undTokens
            if which, let n = gen, share > 0 {
                if und == nil || total == 0 || Double(genTokens) / Double(total) <= share { takeGen = true; genTokens += n }
            } else if !which, let n = und, share < 1 {
                if gen == nil || total == 0 || Double(undTokens) / Double(total) <= 1 - share { takeUnd = true; undTokens += n }
            }
        }
        return (takeGen, takeUnd)
    }
}
