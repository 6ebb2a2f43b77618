import Foundation

/// `synergen-prep merge DIR`: turns a folder that several ranks wrote — tokenized (it has
/// `plan.json`) or packed (it has `pack-*.group.json`) — into one dataset, by validating every
/// item of the job (done, same configuration, files with the recorded size, SHA-256 and record
/// count) and only then writing the single `index.json` the readers use: the bytes a single-rank
/// run writes. Otherwise nothing is written and the report names, per rank, what is missing or wrong.
public struct FolderMerge: Sendable {
    public enum Kind: String, Sendable { case tokenized, packed }

    /// What merging one folder found.
    public struct Outcome: Sendable {
        public var folder: String
        public var kind: Kind?
        public var problems: [MergeProblem] = []
        /// Shards in the written index (nil when none was written).
        public var indexedShards: Int?
        public var samples = 0
        public var ranks: [RankRecord] = []

        public var succeeded: Bool { problems.isEmpty && indexedShards != nil }
    }

    public let folder: String
    /// Re-read every file (SHA-256, record count); without, sizes only.
    public var verify = true

    public init(folder: String, verify: Bool = true) { self.folder = folder; self.verify = verify }

    /// The folder's kind, from its files.
    public static func kind(of folder: String) -> Kind? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        if names.contains(TokenizePlan.fileName) { return .tokenized }
        if names.contains(where: { $0.hasSuffix(".group.json") }) { return .packed }
        return nil
    }

    /// Validates the folder and writes its index when nothing is wrong; then no rank is running, so
    /// every temporary file left in the folder is a killed run's and goes.
    public func run() throws -> Outcome {
        var outcome = Outcome(folder: folder, kind: Self.kind(of: folder))
        defer { if outcome.succeeded { AtomicFile.removeLeftovers(in: folder) } }
        switch outcome.kind {
        case nil:
            outcome.problems = [MergeProblem(item: folder, index: nil,
                                             kind: .noPlan("neither plan.json (tokenize) nor pack-*.group.json (pack): nothing to merge"))]
        case .tokenized?:
            outcome.ranks = RankRecord.all(in: folder, stage: "tokenize")
            switch TokenizedIndex.assemble(folder: folder, verify: verify) {
            case .success(let index):
                try index.write(in: folder)
                outcome.indexedShards = index.shards.count
                outcome.samples = index.samples
            case .failure(let problems): outcome.problems = problems.all
            }
        case .packed?:
            outcome.ranks = RankRecord.all(in: folder, stage: "pack")
            switch try PackedFolder(folder).publishIndex(verify: verify) {
            case .success(let index):
                outcome.indexedShards = index.shards.count
                outcome.samples = index.totals.samples
            case .failure(let problems): outcome.problems = problems.all
            }
        }
        return outcome
    }
}

extension FolderMerge.Outcome {
    /// The report: what was written, or every problem under the rank that owns it (for each world
    /// size the rank records show; by item index alone when there are none) with that rank's record.
    public var report: String {
        let what = kind.map { "\($0.rawValue) folder" } ?? "folder"
        if succeeded {
            return "merged \(what) \(folder): \(indexedShards!) shards, \(samples) samples; index.json written"
                + (ranks.isEmpty ? "" : " (from \(Set(ranks.map(\.worldSize)).sorted().map { "\($0)" }.joined(separator: ", ")) rank(s) per world size)")
        }
        var lines = ["NOT merged \(what) \(folder): \(problems.count) problem(s); index.json not written"]
        let worlds = Set(ranks.map(\.worldSize)).sorted()
        for world in worlds {
            lines.append("under a world size of \(world):")
            let byRank = Dictionary(grouping: problems.filter { $0.index != nil }) { $0.index! % world }
            for rank in byRank.keys.sorted() {
                let record = ranks.first { $0.worldSize == world && $0.rank == rank }
                lines.append("  " + (record?.summary ?? "rank \(rank) of \(world): no rank record (never started)"))
                lines += byRank[rank]!.map { "    " + $0.description }
            }
        }
        let unplaced = worlds.isEmpty ? problems : problems.filter { $0.index == nil }
        lines += unplaced.map { "  " + $0.description }
        return lines.joined(separator: "\n")
    }
}
