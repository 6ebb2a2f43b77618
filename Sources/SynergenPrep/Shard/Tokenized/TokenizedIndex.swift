import Foundation

/// `index.json` of a tokenized folder: every planned shard, done, in plan order, with its files'
/// sizes and hashes — written by a single-rank `tokenize` when the last shard is done, or by
/// `merge` over a folder several ranks wrote (the same bytes either way).
public struct TokenizedIndex: Codable, Sendable, Equatable {
    public static let fileName = "index.json"

    /// One shard: its files and counts (from its done-marker).
    public struct Entry: Codable, Sendable, Equatable {
        public var stem: String
        public var source: String
        public var file: String
        public var marker: String
        public var bytes: Int
        public var sha256: String
        public var samplesIn: Int
        public var samples: Int
    }

    public var format = "synergen-tokenized"
    public var formatVersion = Int(TokenizedShard.version)
    public var configHash: String
    /// SHA-256 of `plan.json`.
    public var planSHA256: String
    public var shards: [Entry]
    public var samplesIn: Int
    public var samples: Int

    /// The index of `folder` when every shard of its plan is done and, with `verify`, its data file
    /// has the marker's SHA-256 and record count; otherwise every problem found, in plan order.
    public static func assemble(folder: String, verify: Bool) -> Result<TokenizedIndex, MergeProblems> {
        let plan: TokenizePlan
        do {
            guard let found = try TokenizePlan.load(folder: folder) else {
                return .failure(MergeProblems([MergeProblem(item: folder, index: nil, kind: .noPlan("no \(TokenizePlan.fileName): not a folder written by tokenize"))]))
            }
            plan = found
        } catch {
            return .failure(MergeProblems([MergeProblem(item: folder, index: nil, kind: .noPlan("\(error)"))]))
        }
        let tokenized = TokenizedFolder(folder)
        var entries: [Entry] = [], problems: [MergeProblem] = []
        for (i, shard) in plan.shards.enumerated() {
            switch tokenized.checkDone(shard.stem, configHash: plan.configHash, verify: verify) {
            case .failure(let kind): problems.append(MergeProblem(item: shard.stem, index: i, kind: kind))
            case .success(let stats):
                entries.append(Entry(stem: shard.stem, source: stats.source, file: stats.output,
                                     marker: shard.stem + TokenizedFolder.markerExtension, bytes: stats.outputBytes,
                                     sha256: stats.outputSHA256, samplesIn: stats.samplesIn, samples: stats.samplesOut))
            }
        }
        if !problems.isEmpty { return .failure(MergeProblems(problems)) }
        return .success(TokenizedIndex(configHash: plan.configHash, planSHA256: plan.digest, shards: entries,
                                       samplesIn: entries.reduce(0) { $0 + $1.samplesIn },
                                       samples: entries.reduce(0) { $0 + $1.samples }))
    }

    /// The index of `folder`, nil when it has none.
    public static func load(folder: String) throws -> TokenizedIndex? {
        let path = TokenizedFolder(folder).path(of: fileName)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do { return try JSONDecoder().decode(TokenizedIndex.self, from: data) } catch {
            throw ShardFormatError(path: path, message: "not a tokenized index: \(error)")
        }
    }

    /// Pretty JSON with sorted keys (deterministic).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Publishes the index in `folder` atomically.
    public func write(in folder: String) throws {
        try AtomicFile.write(try json(), to: TokenizedFolder(folder).path(of: Self.fileName))
    }
}
