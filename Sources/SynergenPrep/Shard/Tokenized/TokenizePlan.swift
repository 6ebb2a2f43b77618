import Foundation

/// `plan.json` of a tokenized folder: every input shard of the job, in manifest order, and the
/// configuration hash — what `merge` checks the folder against and what `pack` cuts into groups.
///
/// It does not depend on the world size, so every rank writes the same bytes; it is the one file
/// several ranks may write, always whole (atomic rename), never appended. A rank that finds a plan
/// of another manifest or configuration refuses to start (unless told to overwrite).
public struct TokenizePlan: Codable, Sendable, Equatable {
    public static let fileName = "plan.json"

    /// One planned input shard.
    public struct Shard: Codable, Sendable, Equatable {
        public var stem: String
        public var source: String
        public init(stem: String, source: String) { self.stem = stem; self.source = source }
    }

    public var format = "synergen-tokenize-plan"
    public var formatVersion = 1
    public var configHash: String
    public var shards: [Shard]

    public init(configHash: String, shards: [Shard]) {
        self.configHash = configHash
        self.shards = shards
    }

    /// SHA-256 of the plan's bytes: what the folder's index records.
    public var digest: String { SHA256.hex(Array(((try? json()) ?? "").utf8)) }

    /// Pretty JSON with sorted keys (deterministic).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// The plan of `folder`, nil when it has none.
    public static func load(folder: String) throws -> TokenizePlan? {
        let path = TokenizedFolder(folder).path(of: fileName)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do { return try JSONDecoder().decode(TokenizePlan.self, from: data) } catch {
            throw ShardFormatError(path: path, message: "not a tokenize plan: \(error)")
        }
    }

    /// Writes the plan into `folder` unless the same plan is there. Another plan is replaced when
    /// `replace` is true (a single-rank run, or `--overwrite`) and refused otherwise.
    public func publish(in folder: String, replace: Bool) throws {
        let existing = try Self.load(folder: folder)
        if existing == self { return }
        if let existing, !replace {
            throw TokenizePlanError.otherPlan(folder: folder, shards: existing.shards.count, configHash: existing.configHash)
        }
        try AtomicFile.write(try json(), to: TokenizedFolder(folder).path(of: Self.fileName))
    }
}

/// A rank found the folder planned for another job.
public enum TokenizePlanError: Error, CustomStringConvertible {
    case otherPlan(folder: String, shards: Int, configHash: String)

    public var description: String {
        switch self {
        case .otherPlan(let folder, let shards, let hash):
            return "\(folder) holds the plan of another job (\(shards) shards, configuration \(hash.prefix(12))): "
                + "every rank must get the same manifest and options; to start another job there, re-run with --overwrite"
        }
    }
}
