/// Errors raised while loading a `tokenizer.json`, encoding text or decoding ids.
///
/// Every case carries enough context (component, JSON path, offending value) for
/// the message to be actionable on its own.
public enum TokenizerError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file could not be read from disk.
    case unreadableFile(path: String, reason: String)
    /// The file is not well-formed JSON (byte offset of the problem).
    case invalidJSON(offset: Int, reason: String)
    /// A required field is missing or has the wrong JSON type.
    case malformed(path: String, reason: String)
    /// A component (`normalizer`, `pre_tokenizer`, `model`, `decoder`, …) of a type this
    /// implementation does not support. Never silently ignored.
    case unsupported(component: String, type: String)
    /// A merge refers to a token that is not in the vocabulary.
    case unknownMergeToken(rank: Int, token: String)
    /// An id passed to `decode` is not in the vocabulary.
    case unknownId(Int32)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "cannot read tokenizer file \(path): \(reason)"
        case let .invalidJSON(offset, reason):
            return "invalid JSON at byte \(offset): \(reason)"
        case let .malformed(path, reason):
            return "malformed tokenizer.json at \(path): \(reason)"
        case let .unsupported(component, type):
            return "unsupported \(component) in tokenizer.json: \(type)"
        case let .unknownMergeToken(rank, token):
            return "merge #\(rank) uses token \(token.debugDescription) that is not in the vocabulary"
        case let .unknownId(id):
            return "token id \(id) is not in the vocabulary"
        }
    }
}
