import Foundation

/// Runs `count` independent jobs on at most `workers` threads, each job by index; results come back
/// in index order whatever the scheduling, which keeps outputs deterministic.
public enum WorkerPool {
    public static func map<T: Sendable>(count: Int, workers: Int, _ job: @Sendable (Int) -> T) -> [T] {
        let results = ResultSlots<T>(count: count)
        let next = Counter()
        let threads = max(1, min(workers, count))
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let index = next.take()
                if index >= count { return }
                results.set(index, job(index))
            }
        }
        return results.values()
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take() -> Int { lock.withLock { defer { value += 1 }; return value } }
}

private final class ResultSlots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: T) { lock.withLock { slots[index] = value } }
    func values() -> [T] { lock.withLock { slots.map { $0! } } }
}
