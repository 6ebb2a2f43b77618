import Foundation

/// The tokenized shards a pack job reads, in plan (manifest) order: every shard of the input
/// folder's `plan.json` (or, for a folder written before plans, every done-marker sorted by name),
/// each complete or not; the complete ones checked to agree on everything the model sees
/// (tokenizer, fold, VQ) and on the tokenizer the run was given. Read from the done-markers and one
/// data header per distinct configuration, so listing a large folder stays cheap.
struct PackInputs {
    /// One input shard: its stem, data file, and its marker when it is complete (nil: counted as dropped).
    struct Shard {
        var stem: String
        var path: String
        var stats: ShardTokenizeStats?
        /// "name size configHash": what identifies the input in a group's run key.
        var identity: String { stats.map { "\($0.output) \($0.outputBytes) \($0.configHash)" } ?? "\(stem) incomplete" }
    }

    let shards: [Shard]
    /// The configuration of the first complete shard (all agree with it).
    let config: TokenizeConfig
    /// The complete shards' configuration hashes, sorted, without repeats.
    let configHashes: [String]

    init(folder: String, tokenizerSHA256: String) throws {
        let tokenized = TokenizedFolder(folder)
        let stems: [String]
        if let plan = try TokenizePlan.load(folder: folder) { stems = plan.shards.map(\.stem) } else {
            stems = try tokenized.markerNames().map { String($0.dropLast(TokenizedFolder.markerExtension.count)) }
        }
        shards = stems.map { stem in
            Shard(stem: stem, path: tokenized.paths(for: stem).data, stats: tokenized.finishedMarker(for: stem, configHash: nil))
        }
        var configs: [String: (TokenizeConfig, String)] = [:]
        for shard in shards {
            guard let stats = shard.stats, configs[stats.configHash] == nil else { continue }
            let header = try TokenizedShardReader(path: shard.path).header
            configs[stats.configHash] = (try JSONDecoder().decode(TokenizeConfig.self, from: Data(header.config.utf8)), shard.path)
        }
        guard let first = shards.first(where: { $0.stats != nil }), let (config, firstPath) = configs[first.stats!.configHash] else {
            throw PackError.noCompleteShards(folder: folder)
        }
        self.config = config
        configHashes = configs.keys.sorted()
        try Self.checkAgreement(configs.values.sorted { $0.1 < $1.1 }, first: (config, firstPath))
        guard config.tokenizerSHA256 == tokenizerSHA256 else {
            throw PackError.tokenizerDiffers(given: tokenizerSHA256, shards: config.tokenizerSHA256)
        }
    }

    /// Every configuration must have the first shard's tokenizer, fold and VQ.
    static func checkAgreement(_ configs: [(TokenizeConfig, String)], first: (TokenizeConfig, String)) throws(PackError) {
        for (c, p) in configs {
            if c.tokenizerSHA256 != first.0.tokenizerSHA256 || c.fold != first.0.fold || c.vq.weightsSHA256 != first.0.vq.weightsSHA256
                || c.vq.codebookSize != first.0.vq.codebookSize {
                throw .shardsDisagree(shard: p, first: first.1)
            }
        }
    }
}
