import Foundation

/// The choices of a tokenize run that decide its configuration (a command's options, parsed).
public struct TokenizeSettings: Sendable {
    public var tasks: [TokenizeTask]
    /// Understanding tiling preset.
    public var tiling: TilingPreset
    public var fold: TokenFold
    /// Side of the generation crop and of each tile, in pixels.
    public var size: Int
    public var dctDownscale: Bool
    public var maxPixels: Int
    public var maxMemberBytes: Int
    /// The VQ family to assume when the weights file does not record its configuration.
    public var vqPreset: VQConfig.Preset

    public init(tasks: [TokenizeTask], tiling: TilingPreset, fold: TokenFold, size: Int, dctDownscale: Bool,
                maxPixels: Int, maxMemberBytes: Int, vqPreset: VQConfig.Preset) {
        self.tasks = tasks
        self.tiling = tiling
        self.fold = fold
        self.size = size
        self.dctDownscale = dctDownscale
        self.maxPixels = maxPixels
        self.maxMemberBytes = maxMemberBytes
        self.vqPreset = vqPreset
    }
}

/// A tokenize run made ready from its settings and model files: the VQ configuration read from the
/// weights file (or the preset), the text tokenizer loaded, both files hashed into the
/// `TokenizeConfig` whose hash every shard records.
public struct TokenizeSetup: Sendable {
    public let config: TokenizeConfig
    public let vqConfig: VQConfig
    public let weightsPath: String
    /// The `vq init` seed when the weights file holds random weights: codes fine for trying the
    /// pipeline, useless for training.
    public let randomWeightsSeed: UInt64?
    public let tokenizer: Tokenizer

    /// Reads the weights file's description and the tokenizer, and assembles the configuration
    /// (not yet validated: see `TokenizeConfig.validate()`).
    public init(settings: TokenizeSettings, weightsPath: String, tokenizerPath: String) throws {
        let description = try VQConfig.describe(weightsFile: weightsPath)
        let vqConfig = description.config ?? VQConfig.preset(settings.vqPreset)
        let side = vqConfig.gridSide(settings.size)
        self.vqConfig = vqConfig
        self.weightsPath = weightsPath
        randomWeightsSeed = description.randomSeed
        tokenizer = try Tokenizer(contentsOf: URL(fileURLWithPath: tokenizerPath))
        config = TokenizeConfig(
            tasks: settings.tasks,
            views: ImageViewOptions(generation: GenerationCropPolicy(size: settings.size),
                                    tiling: settings.tiling.config(tileSize: settings.size)),
            fold: settings.fold,
            vq: VQIdentity(preset: description.config == nil ? settings.vqPreset.rawValue : vqConfig.family.rawValue,
                           weightsSHA256: try SHA256.hex(file: weightsPath), codebookSize: vqConfig.codebookSize,
                           gridRows: side, gridCols: side, randomWeights: description.randomSeed != nil),
            tokenizerSHA256: try SHA256.hex(file: tokenizerPath),
            dctDownscale: settings.dctDownscale, maxPixels: settings.maxPixels, maxMemberBytes: settings.maxMemberBytes)
    }

    /// Tokenizes `shards` into `folder` with one VQ encoder for all shard jobs, loaded when the
    /// first shard needs it (not when all are done). One shard at a time gives the encoder all
    /// `cores`; several at once give it one thread each — the codes are the same either way (see
    /// `VQEncoder`).
    public func run(_ shards: [ShardLocation], into folder: String, workers: Int, overwrite: Bool,
                    rank: WorldRank = .single, afterShard: AfterShardHook? = nil, interruption: Interruption? = nil,
                    cores: Int = AvailableCores.count(),
                    progress: ProgressReporter? = nil) throws -> TokenizeSummary {
        let vqConfig = vqConfig, weightsPath = weightsPath
        // A rank's share may be fewer shards than workers: the spare cores go to the encoder.
        let workers = max(1, min(workers, rank.share(of: shards.count).count))
        let tuning = EncoderTuning(threads: EncoderTuning.threadsPerEncoder(workers: workers, cores: cores))
        let encoder = BuiltOnce {
            var encoder = try VQEncoder(config: vqConfig, weightsPath: weightsPath, tuning: tuning)
            encoder.interruption = interruption
            return encoder
        }
        var run = TokenizeRun(config: config, tokenizer: tokenizer, folder: folder, workers: workers, overwrite: overwrite) {
            try encoder.get()
        }
        run.rank = rank
        run.afterShard = afterShard
        run.interruption = interruption
        return try run.run(shards, progress: progress)
    }
}
