import Dispatch

/// Spreads the encoder's loops over threads. Every caller partitions independent outputs (rows,
/// channels, tiles, column blocks of a product), never a sum, so the thread count decides only who
/// computes an output, not how: results are the same for any `threads`.
public enum Parallel {
    /// Runs `body` on contiguous sub-ranges of `0..<count`, at most `threads` at once; each index
    /// is visited exactly once.
    @inlinable
    public static func chunks(_ count: Int, threads: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        let w = min(threads, max(1, count / max(1, minimumChunk)))
        if w <= 1 { body(0..<count); return }
        // The chunks are disjoint and `concurrentPerform` returns after all of them: the body's
        // captures (buffer pointers) are only used while the caller waits.
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedBody(run: escapable)
            DispatchQueue.concurrentPerform(iterations: w) { i in
                let lo = count * i / w, hi = count * (i + 1) / w
                if lo < hi { box.run(lo..<hi) }
            }
        }
    }

    /// Runs `body(i)` for every `i` in `0..<count`, spread over `threads`.
    @inlinable
    public static func forEach(_ count: Int, threads: Int, _ body: (Int) -> Void) {
        chunks(count, threads: threads) { r in for i in r { body(i) } }
    }
}

/// Carries a non-Sendable loop body into `concurrentPerform` (see `Parallel.chunks`).
@usableFromInline
struct UncheckedBody: @unchecked Sendable {
    @usableFromInline let run: (Range<Int>) -> Void
    @usableFromInline init(run: @escaping (Range<Int>) -> Void) { self.run = run }
}
