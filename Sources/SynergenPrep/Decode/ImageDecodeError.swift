/// Why one image could not be decoded: a reason word plus a message for people.
public struct ImageDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: FailureReason
    public var message: String

    public init(_ reason: FailureReason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(reason.rawValue): \(message)" }
}
