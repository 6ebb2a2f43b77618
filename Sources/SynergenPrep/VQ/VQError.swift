/// Everything that can go wrong while reading VQ weights or running the encoder; each case names
/// the file or tensor involved so a bad checkpoint is diagnosed from the message alone.
public enum VQError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened, mapped or written.
    case io(path: String, reason: String)
    /// The safetensors header is malformed.
    case badHeader(path: String, reason: String)
    /// A tensor the encoder needs is not in the file (`tried` lists the names looked up).
    case missingTensor(name: String, tried: [String])
    /// A tensor has another shape than the config implies.
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// A tensor is stored in a dtype the reader does not convert (only F32, F16, BF16 are read as floats).
    case unsupportedDType(name: String, dtype: String)
    /// A tensor's byte range does not fit its dtype and shape, or lies outside the file.
    case badTensorData(name: String, reason: String)
    /// The config is inconsistent (e.g. channels not divisible by 32 groups).
    case invalidConfig(String)
    /// The input batch does not fit the encoder (channels, size not divisible by the downsampling).
    case invalidInput(String)
    /// SIGTERM or SIGINT arrived: the encoder stopped between batches (`VQEncoder.interruption`).
    case interrupted(Interrupted)

    public var description: String {
        switch self {
        case let .io(path, reason): return "\(path): \(reason)"
        case let .badHeader(path, reason): return "\(path): bad safetensors header: \(reason)"
        case let .missingTensor(name, tried):
            return "missing tensor \(name)" + (tried.count > 1 ? " (tried \(tried.joined(separator: ", ")))" : "")
        case let .shapeMismatch(name, expected, found):
            return "tensor \(name): expected shape \(expected), found \(found)"
        case let .unsupportedDType(name, dtype): return "tensor \(name): unsupported dtype \(dtype) (need F32, F16 or BF16)"
        case let .badTensorData(name, reason): return "tensor \(name): \(reason)"
        case let .invalidConfig(reason): return "invalid VQ config: \(reason)"
        case let .invalidInput(reason): return "invalid encoder input: \(reason)"
        case let .interrupted(why): return "\(why)"
        }
    }
}
