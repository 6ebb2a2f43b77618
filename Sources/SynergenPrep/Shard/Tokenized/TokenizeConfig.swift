import Foundation

/// Which documents a run prepares images for: `gen` (text→image: the generation crop) and
/// `und` (image→text: InternVL tiles and thumbnail).
public enum TokenizeTask: String, Codable, Sendable, CaseIterable, Comparable {
    case gen, und
    public static func < (a: TokenizeTask, b: TokenizeTask) -> Bool { a.rawValue < b.rawValue }
}

/// Identity of the VQ tokenizer a run used, as recorded in every shard.
public struct VQIdentity: Codable, Sendable, Equatable {
    public var preset: String
    public var weightsSHA256: String
    public var codebookSize: Int
    /// Code grid of one S×S view.
    public var gridRows: Int
    public var gridCols: Int
    /// True when the weights were made by `vq init` (random): codes are meaningless for training.
    public var randomWeights: Bool

    public init(preset: String, weightsSHA256: String, codebookSize: Int, gridRows: Int, gridCols: Int, randomWeights: Bool) {
        self.preset = preset
        self.weightsSHA256 = weightsSHA256
        self.codebookSize = codebookSize
        self.gridRows = gridRows
        self.gridCols = gridCols
        self.randomWeights = randomWeights
    }
}

/// Everything that decides the bytes of a tokenized shard, recorded as canonical JSON in every
/// shard's header (`TokenizedShard.Header.config`). Its hash is stored in each shard's done-marker;
/// a re-run reuses a shard only when the hash matches. `validate()` (Tokenize) checks it fits together.
public struct TokenizeConfig: Codable, Sendable, Equatable {
    public var formatVersion = Int(TokenizedShard.version)
    public var tasks: [TokenizeTask]
    public var views: ImageViewOptions
    public var fold: TokenFold
    public var vq: VQIdentity
    public var tokenizerSHA256: String
    public var dctDownscale: Bool
    public var maxPixels: Int
    public var maxMemberBytes: Int

    public init(tasks: [TokenizeTask], views: ImageViewOptions, fold: TokenFold, vq: VQIdentity, tokenizerSHA256: String,
                dctDownscale: Bool = false, maxPixels: Int = DecodeOptions().maxPixels, maxMemberBytes: Int = 256 << 20) {
        self.tasks = Array(Set(tasks)).sorted()
        self.views = views
        self.fold = fold
        self.vq = vq
        self.tokenizerSHA256 = tokenizerSHA256
        self.dctDownscale = dctDownscale
        self.maxPixels = maxPixels
        self.maxMemberBytes = maxMemberBytes
    }

    /// SHA-256 of the canonical JSON.
    public var hash: String { SHA256.hex(Array(canonicalJSON.utf8)) }
}
