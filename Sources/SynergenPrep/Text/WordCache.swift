import Foundation

/// Bounded, thread-safe cache from a pre-tokenized word (its bytes) to its BPE ids.
/// Once full it stops inserting (deterministic, no eviction churn).
///
/// The map lives behind a pointer rather than in a `var` property: a class's stored `var` is
/// checked for exclusive access at run time on every read (`swift_beginAccess`, ~5 % of the BPE
/// encoder's time), which the lock already guarantees.
final class WordCache: @unchecked Sendable {
    private let lock = NSLock()
    private let map: UnsafeMutablePointer<[[UInt8]: [Int32]]>
    let capacity: Int
    /// Words longer than this many bytes are never cached.
    let maxWordBytes = 64

    init(capacity: Int) {
        self.capacity = capacity
        map = .allocate(capacity: 1)
        map.initialize(to: [:])
    }

    deinit {
        map.deinitialize(count: 1)
        map.deallocate()
    }

    func get(_ word: UnsafeBufferPointer<UInt8>) -> [Int32]? {
        guard word.count <= maxWordBytes else { return nil }
        let key = Array(word)
        lock.lock(); defer { lock.unlock() }
        return map.pointee[key]
    }

    func put(_ word: UnsafeBufferPointer<UInt8>, _ ids: [Int32]) {
        guard word.count <= maxWordBytes else { return }
        let key = Array(word)
        lock.lock(); defer { lock.unlock() }
        if map.pointee.count < capacity { map.pointee[key] = ids }
    }
}
