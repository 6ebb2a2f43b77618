import Foundation

/// The tokenized shards a pack run reads: the complete ones of the input folder, checked to agree
/// on everything the model sees (tokenizer, fold, VQ) and on the tokenizer the run was given.
struct PackInputs {
    /// Data files of the complete shards, sorted by name.
    let paths: [String]
    /// Done-marker names of the shards that are not complete (counted as dropped).
    let incomplete: [String]
    /// The configuration of the first shard (all agree with it).
    let config: TokenizeConfig
    /// The shards' configuration hashes, sorted, without repeats.
    let configHashes: [String]
    /// Per shard "name size configHash": what identifies the input in the run key.
    let identities: [String]

    init(folder: String, tokenizerSHA256: String) throws {
        (paths, incomplete) = try TokenizedFolder(folder).shards()
        guard !paths.isEmpty else { throw PackError.noCompleteShards(folder: folder) }
        var configs: [TokenizeConfig] = []
        var hashes = Set<String>()
        var identities: [String] = []
        for p in paths {
            let header = try TokenizedShardReader(path: p).header
            configs.append(try JSONDecoder().decode(TokenizeConfig.self, from: Data(header.config.utf8)))
            hashes.insert(header.configHash)
            let size = (try? FileManager.default.attributesOfItem(atPath: p)[.size] as? Int) ?? -1
            identities.append("\((p as NSString).lastPathComponent) \(size) \(header.configHash)")
        }
        config = configs[0]
        configHashes = hashes.sorted()
        self.identities = identities
        try Self.checkAgreement(configs, paths: paths)
        guard config.tokenizerSHA256 == tokenizerSHA256 else {
            throw PackError.tokenizerDiffers(given: tokenizerSHA256, shards: config.tokenizerSHA256)
        }
    }

    /// Every shard must have the first one's tokenizer, fold and VQ.
    static func checkAgreement(_ configs: [TokenizeConfig], paths: [String]) throws(PackError) {
        let first = configs[0]
        for (p, c) in zip(paths, configs) {
            if c.tokenizerSHA256 != first.tokenizerSHA256 || c.fold != first.fold || c.vq.weightsSHA256 != first.vq.weightsSHA256
                || c.vq.codebookSize != first.vq.codebookSize {
                throw .shardsDisagree(shard: p, first: paths[0])
            }
        }
    }
}
