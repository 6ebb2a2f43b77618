/// Why a folder written by ranks cannot be merged yet: one item (a tokenized shard or a pack
/// group) missing or not what its record says. `index` is the item's place in the job's list, so
/// the rank that owns it follows from any world size (`WorldRank.owner(of:)`).
public struct MergeProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Error, Sendable, Equatable {
        /// No done-marker: the item was never finished.
        case notDone
        /// The marker says the input could not be read completely (reason word and message).
        case incomplete(String)
        /// Done with another configuration than the rest of the job.
        case configurationDiffers(found: String, expected: String)
        /// The marker is there, the data file is not.
        case dataMissing(file: String)
        case sizeDiffers(file: String, found: Int, expected: Int)
        case sha256Differs(file: String)
        /// The SHA-256 differs and reading the file fails at `at` (a record or sequence number).
        case damaged(file: String, at: String, message: String)
        case countDiffers(file: String, found: Int, expected: Int)
        case unreadable(file: String, message: String)
        /// Done, but the `--after-shard` command failed or was killed: not published yet.
        case unpublished
        /// The folder has no job description (`plan.json` or pack group markers).
        case noPlan(String)
        /// A marker of another job's item (another group count, say).
        case otherJob(String)
    }

    public var item: String
    public var index: Int?
    public var kind: Kind

    public init(item: String, index: Int?, kind: Kind) {
        self.item = item; self.index = index; self.kind = kind
    }

    public var description: String {
        switch kind {
        case .notDone: return "\(item): not done (no done-marker)"
        case .incomplete(let why): return "\(item): incomplete (\(why)); a re-run of its rank retries it"
        case .configurationDiffers(let found, let expected):
            return "\(item): done with configuration \(found.prefix(12)), the job's is \(expected.prefix(12))"
        case .dataMissing(let file): return "\(item): \(file) is missing"
        case .sizeDiffers(let file, let found, let expected): return "\(item): \(file) has \(found) bytes, its marker says \(expected)"
        case .sha256Differs(let file): return "\(item): \(file) SHA-256 differs from its marker"
        case .damaged(let file, let at, let message): return "\(item): \(file) SHA-256 differs from its marker; \(at) cannot be read: \(message)"
        case .countDiffers(let file, let found, let expected): return "\(item): \(file) holds \(found) records, its marker says \(expected)"
        case .unreadable(let file, let message): return "\(item): \(file) cannot be read: \(message)"
        case .unpublished: return "\(item): done but not published (the --after-shard command failed or was killed); a re-run of its rank retries it"
        case .noPlan(let why): return "\(item): \(why)"
        case .otherJob(let why): return "\(item): \(why)"
        }
    }
}

/// Every problem that keeps a folder from being merged, in the job's order.
public struct MergeProblems: Error, Sendable, Equatable, CustomStringConvertible {
    public var all: [MergeProblem]
    public init(_ all: [MergeProblem]) { self.all = all }
    public var description: String { all.map(\.description).joined(separator: "\n") }
}
