/// How webdataset names samples: the key is the member path up to the first dot of the file name,
/// the extension is the rest, lower-cased. Paths without such a dot, and `__*__` metadata members,
/// belong to no sample.
public enum SampleKey {
    /// Splits a member path into (key, extension) exactly as webdataset's `base_plus_ext` regex
    /// `^((?:.*/|)[^.]+)[.]([^/]*)$` does (before lower-casing). Nil when the regex does not match.
    public static func split(_ path: String) -> (key: String, ext: String)? {
        let bytes = Array(path.utf8)
        if bytes.contains(0x0A) { return nil }  // '.' in the regex does not match a newline
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        let lastSlash = bytes.lastIndex(of: slash) ?? -1
        guard let firstDot = bytes[(lastSlash + 1)...].firstIndex(of: dot) else { return nil }
        if firstDot == lastSlash + 1 {
            // The file name starts with a dot: the regex backtracks to an earlier start, which works
            // only when the segment before the last slash has no dot.
            guard lastSlash >= 0 else { return nil }
            let previousSlash = bytes[..<lastSlash].lastIndex(of: slash) ?? -1
            if bytes[(previousSlash + 1)..<lastSlash].contains(dot) { return nil }
        }
        let key = String(decoding: bytes[..<firstDot], as: UTF8.self)
        let ext = String(decoding: bytes[(firstDot + 1)...], as: UTF8.self)
        return (key, ext)
    }

    /// Whether webdataset skips the member as metadata: a top-level `__name__`, or a path matching
    /// `__[^/]*__($|/)` at its start.
    public static func isMetadata(_ path: String) -> Bool {
        if !path.contains("/") && path.hasPrefix("__") && path.hasSuffix("__") { return true }
        guard path.hasPrefix("__") else { return false }
        let rest = path.dropFirst(2)
        let segment = rest.prefix { $0 != "/" }
        // Greedy [^/]* then "__": the segment (up to the first slash) must end with "__".
        return segment.count >= 2 && segment.hasSuffix("__")
    }
}

/// One sample as grouped from a shard: its key and its members by extension, in tar order.
public struct RawSample: Sendable {
    /// One member of a sample.
    public struct Member: Sendable {
        /// Lower-cased extension, e.g. `jpg`, `seg.png`, `txt`.
        public var ext: String
        public var bytes: [UInt8]
    }
    public var key: String
    public var members: [Member]
    /// 0-based position of the sample in its shard (rejected samples included).
    public var ordinal: Int

    public func member(_ ext: String) -> Member? { members.first { $0.ext == ext } }
}

/// A sample the reader refused, with the reason and a message.
public struct SampleRejection: Error, Sendable, Equatable {
    public var key: String
    public var reason: FailureReason
    public var message: String
    public init(key: String, reason: FailureReason, message: String) {
        self.key = key
        self.reason = reason
        self.message = message
    }
}

/// Groups consecutive tar members into samples like webdataset's `group_by_keys`, and reports
/// what webdataset would raise on or silently duplicate: a repeated extension within a sample,
/// and a key that reappears non-adjacently (the later sample is dropped).
public struct SampleGrouper {
    public enum Event: Sendable {
        case sample(RawSample)
        case rejected(SampleRejection)
    }

    private var current: RawSample?
    private var currentProblem: (FailureReason, String)?
    private var seenKeys: Set<String> = []
    private var ordinal = 0
    private var pending: (path: String, ext: String)?

    public init() {}

    /// Starts a member: returns the sample this member's key completes (if any) and whether the
    /// member belongs to a sample at all (metadata and dot-less names do not; skip their data).
    public mutating func begin(path: String) -> (completed: Event?, accepted: Bool) {
        if SampleKey.isMetadata(path) { return (nil, false) }
        guard let (key, rawExt) = SampleKey.split(path) else { return (nil, false) }
        guard current?.key != key else {
            pending = (path, rawExt.lowercased())
            return (nil, true)
        }
        let completed = flush()
        pending = (path, rawExt.lowercased())
        current = RawSample(key: key, members: [], ordinal: ordinal)
        ordinal += 1
        if seenKeys.contains(key) {
            currentProblem = (.duplicateKey, "key \(key) already appeared earlier in the shard; this later sample is dropped")
        }
        seenKeys.insert(key)
        return (completed, true)
    }

    /// Adds the data of the member last accepted by `begin`; nil bytes mean it was over the size
    /// limit of `size` bytes.
    public mutating func add(bytes: [UInt8]?, size: Int) {
        guard let (path, ext) = pending, current != nil else { return }
        pending = nil
        if current!.members.contains(where: { $0.ext == ext }) {
            if currentProblem == nil { currentProblem = (.duplicateExtension, "two members named \(current!.key).\(ext)") }
        } else if let bytes {
            current!.members.append(.init(ext: ext, bytes: bytes))
        } else if currentProblem == nil {
            currentProblem = (.tooLarge, "member \(path) is \(size) bytes, over the member size limit")
        }
    }

    /// Completes the last sample at the end of the shard (or at a truncation).
    public mutating func flush() -> Event? {
        defer { current = nil; currentProblem = nil; pending = nil }
        guard let sample = current else { return nil }
        if let (reason, message) = currentProblem {
            return .rejected(SampleRejection(key: sample.key, reason: reason, message: message))
        }
        return .sample(sample)
    }
}
