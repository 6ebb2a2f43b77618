import Foundation

/// A value built on first use and then shared by every caller, whichever thread asks first — the
/// VQ encoder of a `tokenize` run, so its weights are loaded (and transformed) once and held in
/// memory once however many shard jobs use it. A build that throws is retried by the next caller.
public final class BuiltOnce<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value?
    private let build: @Sendable () throws -> Value

    public init(_ build: @escaping @Sendable () throws -> Value) {
        self.build = build
    }

    /// The value; the first call builds it while later callers wait.
    public func get() throws -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let value { return value }
        let built = try build()
        value = built
        return built
    }
}
