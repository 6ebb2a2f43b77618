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

/// Everything that decides the bytes of a tokenized shard. Its hash is stored in each shard's
/// done-marker; a re-run reuses a shard only when the hash matches.
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

    /// Checks, before any data is read, that the views and the fold fit together.
    public func validate() throws(TokenizeConfigError) {
        if tasks.isEmpty { throw .message("no task: give --tasks gen, und or gen,und") }
        let s = views.generation.size
        if views.tiling.tileSize != s {
            throw .message("the tile side (\(views.tiling.tileSize)) must equal the generation crop side (\(s)): both go through one encoder")
        }
        do { try fold.check(gridRows: vq.gridRows, gridCols: vq.gridCols) } catch {
            throw .message("\(error.description) (the \(vq.preset) tokenizer makes \(vq.gridRows)x\(vq.gridCols) codes from \(s)x\(s) views)")
        }
        if vq.codebookSize > Int(UInt16.max) + 1 { throw .message("codebook of \(vq.codebookSize) does not fit uint16 codes") }
    }
}

/// A configuration that cannot work, found before reading data.
public enum TokenizeConfigError: Error, Equatable, CustomStringConvertible {
    case message(String)
    public var description: String {
        switch self { case .message(let m): return m }
    }
}
