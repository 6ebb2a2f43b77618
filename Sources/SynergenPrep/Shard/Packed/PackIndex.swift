import Foundation

/// Everything the trainer and the inference model must agree on, recorded in `index.json`.
public struct PackConfig: Codable, Sendable, Equatable {
    public var formatVersion = Int(PackedShard.version)
    public var sequenceLength: Int
    public var seed: UInt64
    /// Target share of generation documents by tokens (gen + uncond), from `--mix`.
    public var generationShare: Double
    public var cfgDrop: Double
    public var buffer: Int
    public var viewDelimiting: ViewDelimiting
    public var template: ChatTemplateConfig
    public var imageTokens: ImageTokenMap
    /// Token id of every image position (one past the last image marker: `imageTokens.vocabularySize`).
    public var imagePlaceholderID: Int32
    /// Token id of pad positions (`<|endoftext|>` when the tokenizer has it, else `<|im_end|>`).
    public var padID: Int32
    /// Vocabulary the model needs for the text side: image markers included, placeholder excluded.
    public var vocabularySize: Int
    public var turnStartID: Int32
    public var turnEndID: Int32
    public var fold: TokenFold
    public var codebookSize: Int
    public var vqPreset: String
    public var vqWeightsSHA256: String
    public var randomVQWeights: Bool
    public var tokenizerSHA256: String
    /// Config hashes of the tokenized shards that went in.
    public var tokenizedConfigHashes: [String]
    /// Loss weights of the paper's Eq. 4 (CE_text + 2·CE_image), for the trainer's convenience.
    public var lossWeights: [String: Double] = ["text": 1, "image": 2]
    /// The packing strategy (`Packer.Strategy` raw value): "completion" (default) or "bfd".
    public var packing = "completion"
    /// Tokenized shards per pack group (`--group-shards`): each group is packed on its own.
    public var groupShards = 64
}

/// One shard in `index.json`.
public struct PackShardEntry: Codable, Sendable, Equatable {
    public var file: String
    public var sequences: Int
    public var documents: Int
    public var bytes: Int
    public var sha256: String
}

/// Totals of a pack run (all counts exact), recorded in `index.json` and printed by `stats`.
public struct PackTotals: Codable, Sendable, Equatable {
    public var samples = 0
    public var sequences = 0
    public var documents = 0
    /// Non-pad positions.
    public var positions = 0
    public var padPositions = 0
    /// Task → documents, task → positions.
    public var documentsByTask: [String: Int] = [:]
    public var tokensByTask: [String: Int] = [:]
    /// "text" / "image" → positions with loss.
    public var lossTokensByModality: [String: Int] = [:]
    /// Role kind → images, "role rowsxcols" → images.
    public var imagesByRole: [String: Int] = [:]
    public var imagesByGrid: [String: Int] = [:]
    /// Documents per sequence → sequences.
    public var documentsPerSequence: [String: Int] = [:]
    /// Reason word → documents dropped.
    public var dropped: [String: Int] = [:]
    /// "gen-only" / "und-only" / "mixed" → sequences (uncond counts as gen).
    public var sequencesByTaskMix: [String: Int] = [:]

    public init() {}

    /// Adds another run's (or group's) totals: every count summed.
    mutating func add(_ other: PackTotals) {
        samples += other.samples; sequences += other.sequences; documents += other.documents
        positions += other.positions; padPositions += other.padPositions
        for (mine, theirs) in [(\PackTotals.documentsByTask, other.documentsByTask), (\.tokensByTask, other.tokensByTask),
                               (\.lossTokensByModality, other.lossTokensByModality), (\.imagesByRole, other.imagesByRole),
                               (\.imagesByGrid, other.imagesByGrid), (\.documentsPerSequence, other.documentsPerSequence),
                               (\.dropped, other.dropped), (\.sequencesByTaskMix, other.sequencesByTaskMix)] {
            self[keyPath: mine].merge(theirs, uniquingKeysWith: +)
        }
    }

    /// Non-pad share of all positions.
    public var fill: Double {
        let total = positions + padPositions
        return total == 0 ? 0 : Double(positions) / Double(total)
    }

    /// Generation (gen + uncond) share of document positions.
    public var generationTokenShare: Double {
        let g = (tokensByTask["gen"] ?? 0) + (tokensByTask["uncond"] ?? 0)
        return positions == 0 ? 0 : Double(g) / Double(positions)
    }

    /// Counts one written sequence.
    mutating func add(_ s: PackedSequence) {
        sequences += 1
        documents += s.documents.count
        positions += s.used
        padPositions += s.padLength
        documentsPerSequence[String(s.documents.count), default: 0] += 1
        let groups = Set(s.documents.map(\.task.mixGroup))
        sequencesByTaskMix[groups.count > 1 ? "mixed" : "\(groups.first ?? "none")-only", default: 0] += 1
        for d in s.documents {
            documentsByTask[d.task.description, default: 0] += 1
            tokensByTask[d.task.description, default: 0] += d.length
        }
        for (m, l) in zip(s.modality, s.loss) where l != 0 {
            lossTokensByModality[m == PackModality.image.rawValue ? "image" : "text", default: 0] += 1
        }
        for i in s.images {
            imagesByRole[i.role.kind, default: 0] += 1
            imagesByGrid["\(i.role.kind) \(i.gridRows)x\(i.gridCols)", default: 0] += 1
        }
    }
}

/// `index.json` of a packed folder.
public struct PackIndex: Codable, Sendable, Equatable {
    public static let formatName = "synergen-packed"
    public var format = formatName
    public var formatVersion = Int(PackedShard.version)
    public var config: PackConfig
    /// SHA-256 of the canonical JSON of `config`.
    public var configHash: String
    /// The pack groups, in order (absent in folders written before groups).
    public var groups: [PackGroupEntry]?
    public var shards: [PackShardEntry]
    public var totals: PackTotals

    /// The index of a folder whose every group is done: the groups' records end to end. With
    /// `verify` every shard is re-read (SHA-256 and sequence count); without, its size is checked.
    public static func assemble(folder: PackedFolder, verify: Bool) -> Result<PackIndex, MergeProblems> {
        let records: [Int: PackGroupRecord]
        do { records = try folder.groupRecords() } catch {
            return .failure(MergeProblems([MergeProblem(item: folder.path, index: nil, kind: .noPlan("cannot list: \(error)"))]))
        }
        guard let first = records.keys.min().flatMap({ records[$0] }) else {
            return .failure(MergeProblems([MergeProblem(item: folder.path, index: nil, kind: .noPlan("no pack group is done (no pack-*.group.json)"))]))
        }
        var problems: [MergeProblem] = [], index = PackIndex(config: first.config, configHash: first.configHash, groups: [],
                                                               shards: [], totals: PackTotals())
        for g in 0..<first.groups {
            let item = PackedFolder.groupName(g)
            guard let record = records[g] else { problems.append(MergeProblem(item: item, index: g, kind: .notDone)); continue }
            guard record.groups == first.groups else {
                problems.append(MergeProblem(item: item, index: g, kind: .otherJob("a job of \(record.groups) groups, not \(first.groups)")))
                continue
            }
            guard record.configHash == first.configHash else {
                problems.append(MergeProblem(item: item, index: g, kind: .configurationDiffers(found: record.configHash, expected: first.configHash)))
                continue
            }
            problems += record.shards.compactMap { shard in folder.check(shard, verify: verify).map { MergeProblem(item: item, index: g, kind: $0) } }
            index.groups!.append(PackGroupEntry(group: g, inputs: record.inputs, shards: record.shards.map(\.file),
                                                sequences: record.shards.reduce(0) { $0 + $1.sequences }))
            index.shards += record.shards
            index.totals.add(record.totals)
        }
        for g in records.keys.sorted() where g >= first.groups {
            problems.append(MergeProblem(item: PackedFolder.groupName(g), index: g, kind: .otherJob("beyond the job's \(first.groups) groups")))
        }
        return problems.isEmpty ? .success(index) : .failure(MergeProblems(problems))
    }

    /// Reads the `index.json` of `folder`, refusing a format version this build does not read.
    public static func load(folder: String) throws -> PackIndex {
        let path = PackedFolder(folder).indexPath
        let index: PackIndex
        do { index = try JSONDecoder().decode(PackIndex.self, from: Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw ShardFormatError(path: path, message: "not a packed index: \(error)")
        }
        guard index.formatVersion == Int(PackedShard.version) else {
            throw ShardFormatError(path: path, message: "format version \(index.formatVersion); this build reads \(PackedShard.version)")
        }
        return index
    }

    /// Pretty JSON with sorted keys (deterministic).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
