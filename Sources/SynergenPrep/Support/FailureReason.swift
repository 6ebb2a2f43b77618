/// The reason word under which a skipped sample or shard is counted and reported.
///
/// Sample reasons describe one sample (its image or text); shard reasons describe
/// a whole input shard or the part of it that could not be read.
public enum FailureReason: String, Codable, Sendable, CaseIterable, Comparable {
    // Sample reasons.
    /// The image bytes are not a valid image of their format.
    case corrupt
    /// The image data ends before the image does.
    case truncated
    /// A real image format we do not decode (GIF, WebP, ...), or a variant of JPEG/PNG we do not.
    case unsupported
    /// The header declares more pixels than the configured limit.
    case tooLarge = "too-large"
    /// The sample has no member with an image extension.
    case noImage = "no-image"
    /// The sample has no caption member, or the caption is empty or not text.
    case noText = "no-text"
    /// Two members of one sample have the same extension (webdataset raises on this).
    case duplicateExtension = "duplicate-extension"
    /// A key that already appeared earlier in the shard, not adjacently; the later sample is dropped.
    case duplicateKey = "duplicate-key"

    // Shard reasons.
    /// A shard listed in the manifest does not exist.
    case missingShard = "missing-shard"
    /// A shard that exists but cannot be opened or is not a tar archive.
    case unreadableShard = "unreadable-shard"
    /// The tar stream ends in the middle of a member or header; samples before the cut are kept.
    case truncatedShard = "truncated-shard"
    /// A `pipe:` command exited with a non-zero status or was killed.
    case pipeFailed = "pipe-failed"

    /// Whether this reason describes a shard rather than one sample.
    public var isShardLevel: Bool {
        switch self {
        case .missingShard, .unreadableShard, .truncatedShard, .pipeFailed: return true
        default: return false
        }
    }

    public static func < (lhs: FailureReason, rhs: FailureReason) -> Bool { lhs.rawValue < rhs.rawValue }
}
