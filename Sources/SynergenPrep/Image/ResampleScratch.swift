/// Reusable working memory for `ResamplePlan.apply`: the 8-bit intermediate image between the
/// two passes and the 32-bit accumulator row of the scalar vertical pass. Keep one per thread
/// and pass it to every resize so that steady-state resizing allocates nothing.
public struct ResampleScratch: Sendable {
    var intermediate: [UInt8] = []
    var accumulator: [Int32] = []

    public init() {}

    /// Moves the buffers out (no copy) so both can be borrowed at once; put them back after.
    mutating func takeIntermediate() -> [UInt8] { var b: [UInt8] = []; swap(&b, &intermediate); return b }
    mutating func takeAccumulator() -> [Int32] { var b: [Int32] = []; swap(&b, &accumulator); return b }

    /// Grows the intermediate buffer to at least `n` bytes (contents unspecified).
    mutating func reserve(intermediate n: Int) {
        if intermediate.count < n { intermediate = [UInt8](repeating: 0, count: n) }
    }

    /// Grows the accumulator row to at least `m` entries (contents unspecified).
    mutating func reserve(accumulator m: Int) {
        if accumulator.count < m { accumulator = [Int32](repeating: 0, count: m) }
    }
}
