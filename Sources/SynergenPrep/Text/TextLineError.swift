/// Why `TextLineCodec` could not load its tokenizer or decode a line.
public enum TextLineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The tokenizer file could not be read (`reason` is "no such file" when it is missing).
    case unreadableTokenizer(path: String, reason: String)
    /// The tokenizer file was read but is not a usable tokenizer.json.
    case invalidTokenizer(path: String, TokenizerError)
    /// An input line of `decode` is not a JSON array of integers.
    case notTokenIDs(line: Int)
    /// An input line of `decode` holds ids the tokenizer cannot decode.
    case undecodable(line: Int, TokenizerError)

    public var description: String {
        switch self {
        case .unreadableTokenizer(let path, let reason): return "cannot read tokenizer file \(path): \(reason)"
        case .invalidTokenizer(let path, let error): return "cannot load tokenizer \(path): \(error)"
        case .notTokenIDs(let line): return "line \(line): expected a JSON array of integer token ids"
        case .undecodable(let line, let error): return "line \(line): \(error)"
        }
    }
}
