import Dispatch
import Foundation

/// Splits CPU-bound loops of the encoder (norms, im2col, softmax) over the cores. The matrix
/// products run on OpenBLAS's own threads; these loops run between them, never at the same time.
public enum Parallel {
    /// Worker count for the encoder's own loops (defaults to the active processor count).
    nonisolated(unsafe) public static var workers: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `body` on contiguous sub-ranges of `0..<count`, at most `workers` at once.
    @inlinable
    public static func chunks(_ count: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        let w = min(workers, max(1, count / max(1, minimumChunk)))
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

    /// Runs `body(i)` for every `i` in `0..<count`, spread over the workers.
    @inlinable
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        chunks(count) { r in for i in r { body(i) } }
    }
}

/// Carries a non-Sendable loop body into `concurrentPerform` (see `Parallel.chunks`).
@usableFromInline
struct UncheckedBody: @unchecked Sendable {
    @usableFromInline let run: (Range<Int>) -> Void
    @usableFromInline init(run: @escaping (Range<Int>) -> Void) { self.run = run }
}
