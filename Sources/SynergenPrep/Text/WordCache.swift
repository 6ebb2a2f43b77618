import Foundation

/// Bounded, thread-safe cache from a pre-tokenized word (its bytes) to its BPE ids.
/// Once full it stops inserting (deterministic, no eviction churn).
final class WordCache: @unchecked Sendable {
    private let lock = NSLock()
    private var map: [[UInt8]: [Int32]] = [:]
    let capacity: Int
    /// Words longer than this many bytes are never cached.
    let maxWordBytes = 64

    init(capacity: Int) { self.capacity = capacity }

    func get(_ word: UnsafeBufferPointer<UInt8>) -> [Int32]? {
        guard word.count <= maxWordBytes else { return nil }
        let key = Array(word)
        lock.lock(); defer { lock.unlock() }
        return map[key]
    }

    func put(_ word: UnsafeBufferPointer<UInt8>, _ ids: [Int32]) {
        guard word.count <= maxWordBytes else { return }
        let key = Array(word)
        lock.lock(); defer { lock.unlock() }
        if map.count < capacity { map[key] = ids }
    }
}
