import Foundation

/// What `stats` prints for a packed folder (one with `index.json`): the totals recorded by the
/// pack run, optionally checked against the shard files.
public struct PackedStats: Sendable {
    public let index: PackIndex
    public var problems: [String] = []
    /// What each rank that packed into the folder recorded (none for a folder packed before ranks).
    public let ranks: RankStats
    private let folder: String

    public init(folder: String) throws {
        self.folder = folder
        index = try PackIndex.load(folder: folder)
        ranks = RankStats(folder: folder, stage: "pack")
    }

    /// True when `folder` holds a packed index.
    public static func isPacked(_ folder: String) -> Bool {
        PackedFolder(folder).isPacked
    }

    /// Checks sizes and SHA-256 of every shard against the index.
    public mutating func verify() throws { problems = try PackedDataset(folder: folder).verify() }

    /// One JSON object: `sequences`, `documents`, `fill`, `pad_positions`, `positions`, `dropped`,
    /// `documents_by_task`, `tokens_by_task`, `generation_token_share`, `loss_tokens_by_modality`,
    /// `images_by_role`, `images_by_grid`, `documents_per_sequence`, `sequence_length`, `shards`.
    public func json() throws -> String {
        let t = index.totals
        let object: [String: Any] = [
            "ranks": ranks.jsonObjects, "groups": index.groups?.count ?? 0,
            "sequences": t.sequences, "documents": t.documents, "fill": t.fill, "pad_positions": t.padPositions,
            "positions": t.positions, "samples": t.samples, "dropped": t.dropped, "documents_by_task": t.documentsByTask,
            "tokens_by_task": t.tokensByTask, "generation_token_share": t.generationTokenShare,
            "target_generation_share": index.config.generationShare,
            "loss_tokens_by_modality": t.lossTokensByModality, "images_by_role": t.imagesByRole,
            "images_by_grid": t.imagesByGrid, "documents_per_sequence": t.documentsPerSequence, "sequences_by_task_mix": t.sequencesByTaskMix,
            "mean_documents_per_sequence": t.sequences == 0 ? 0 : Double(t.documents) / Double(t.sequences),
            "sequence_length": index.config.sequenceLength, "problems": problems,
            "shards": index.shards.map { ["file": $0.file, "sequences": $0.sequences, "documents": $0.documents,
                                          "bytes": $0.bytes, "sha256": $0.sha256] as [String: Any] },
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// Advice the totals call for.
    public enum Advice: Sendable, Equatable, CustomStringConvertible {
        /// Documents were dropped for being longer than a sequence.
        case tooLongDocuments(sequenceLength: Int)

        public var description: String {
            switch self {
            case .tooLongDocuments(let n):
                return "too-long documents exceed the sequence length \(n): tokenize with a smaller tiling preset (s1) or pack with a longer sequence"
            }
        }
    }

    /// What the totals advise, in the order `text()` prints it.
    public var advice: [Advice] {
        (index.totals.dropped["too-long"] ?? 0) > 0 ? [.tooLongDocuments(sequenceLength: index.config.sequenceLength)] : []
    }

    /// A report for people; `describe` words each piece of advice (a command names its own flags).
    public func text(advice describe: (Advice) -> String = \.description) -> String {
        let t = index.totals
        let c = index.config
        func list(_ d: [String: Int]) -> String { d.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
        let docsByTask = t.documentsByTask.values.reduce(0, +)
        var lines = [
            "packed folder \(folder): \(index.shards.count) shards in \(index.groups?.count ?? 1) groups of up to \(c.groupShards) tokenized shards, \(t.sequences) sequences of \(c.sequenceLength) positions",
            String(format: "fill: %.4f (%d document positions, %d pad)", t.fill, t.positions, t.padPositions),
            String(format: "documents: %d from %d samples, %.2f per sequence", t.documents, t.samples,
                   t.sequences == 0 ? 0 : Double(t.documents) / Double(t.sequences)),
            "documents per sequence: " + t.documentsPerSequence.sorted { Int($0.key)! < Int($1.key)! }.map { "\($0.key)→\($0.value)" }.joined(separator: " "),
            "documents by task: " + PackTask.allCases.map {
                let n = t.documentsByTask[$0.description] ?? 0
                return String(format: "%@ %d (%.1f%%)", $0.description, n, docsByTask == 0 ? 0 : 100 * Double(n) / Double(docsByTask))
            }.joined(separator: ", "),
            "tokens by task: " + PackTask.allCases.map {
                let n = t.tokensByTask[$0.description] ?? 0
                return String(format: "%@ %d (%.1f%%)", $0.description, n, t.positions == 0 ? 0 : 100 * Double(n) / Double(t.positions))
            }.joined(separator: ", "),
            String(format: "generation share of tokens: %.3f (target %.3f)", t.generationTokenShare, c.generationShare),
            "sequences by task mix: " + list(t.sequencesByTaskMix),
            "loss positions by modality: " + list(t.lossTokensByModality),
            "images by role: " + list(t.imagesByRole),
            "images by grid: " + list(t.imagesByGrid),
            "dropped: " + (t.dropped.isEmpty ? "none" : list(t.dropped)),
        ]
        for a in advice { lines.append("  " + describe(a)) }
        if c.randomVQWeights { lines.append("WARNING: the image codes come from RANDOM VQ weights: for trying the pipeline only") }
        for p in problems { lines.append("PROBLEM \(p)") }
        return (lines + ranks.lines).joined(separator: "\n")
    }
}

extension PackedStats {
    /// What the panels of `plotPNG()` show, for the command to print.
    public static let plotLegend = """
        top: documents per sequence (one bar per count, height = sequences); then three stacked bars: \
        fill (blue used, gray pad), tokens by task (green und, blue gen, orange uncond), \
        loss positions by modality (green text, blue image)
        """

    /// A 640×400 RGB PNG of the totals (no text: see `plotLegend`), encoded by `PNG.encode`.
    public func plotPNG() throws(ImageDecodeError) -> [UInt8] {
        let w = 640, h = 400
        var px = [UInt8](repeating: 255, count: w * h * 3)
        func rect(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ c: (UInt8, UInt8, UInt8)) {
            for y in max(0, y0)..<min(h, y1) {
                for x in max(0, x0)..<min(w, x1) { let i = (y * w + x) * 3; px[i] = c.0; px[i + 1] = c.1; px[i + 2] = c.2 }
            }
        }
        let blue: (UInt8, UInt8, UInt8) = (52, 101, 164), green: (UInt8, UInt8, UInt8) = (78, 154, 6)
        let orange: (UInt8, UInt8, UInt8) = (245, 121, 0), gray: (UInt8, UInt8, UInt8) = (186, 189, 182)
        let t = index.totals
        // Histogram of documents per sequence.
        let hist = t.documentsPerSequence.compactMap { k, v in Int(k).map { ($0, v) } }
        let maxDocs = hist.map(\.0).max() ?? 1, maxCount = hist.map(\.1).max() ?? 1
        rect(20, 220, 620, 221, (0, 0, 0))
        for (docs, count) in hist {
            let x = 20 + (docs - 1) * 600 / max(maxDocs, 1)
            let bw = max(2, 600 / max(maxDocs, 1) - 1)
            rect(x, 220 - count * 200 / max(maxCount, 1), x + bw, 220, blue)
        }
        func stacked(_ y: Int, _ parts: [(Int, (UInt8, UInt8, UInt8))]) {
            let total = max(1, parts.reduce(0) { $0 + $1.0 })
            var x = 20
            for (n, c) in parts { let dx = n * 600 / total; rect(x, y, x + dx, y + 36, c); x += dx }
        }
        stacked(240, [(t.positions, blue), (t.padPositions, gray)])
        stacked(292, [(t.tokensByTask["und"] ?? 0, green), (t.tokensByTask["gen"] ?? 0, blue), (t.tokensByTask["uncond"] ?? 0, orange)])
        stacked(344, [(t.lossTokensByModality["text"] ?? 0, green), (t.lossTokensByModality["image"] ?? 0, blue)])
        return try PNG.encode(RGBImage(width: w, height: h, pixels: px))
    }
}
