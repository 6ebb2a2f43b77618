/// Why a shard, or its tail, could not be read. Samples read before the failure are kept.
public struct ShardFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: FailureReason
    public var shard: String
    public var message: String

    public init(_ reason: FailureReason, shard: String, _ message: String) {
        self.reason = reason
        self.shard = shard
        self.message = message
    }

    public var description: String { "\(reason.rawValue): \(shard): \(message)" }
}
