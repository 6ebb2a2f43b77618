/// A pack run that cannot start or cannot go on.
public enum PackError: Error, Equatable, CustomStringConvertible {
    /// The task mix is not `gen=W,und=W` with weights ≥ 0.
    case mixNotWeights(String)
    /// The task mix names a task other than gen and und.
    case mixUnknownTask(String)
    /// Every weight of the task mix is 0.
    case mixWithoutWeight
    /// The input folder holds no complete tokenized shard.
    case noCompleteShards(folder: String)
    /// `shard` was tokenized with another tokenizer, fold or VQ than `first`.
    case shardsDisagree(shard: String, first: String)
    /// The given tokenizer's SHA-256 is not the one the shards were tokenized with.
    case tokenizerDiffers(given: String, shards: String)
    /// Tests: the run stopped on purpose after writing this many shards.
    case stoppedForTest(afterShards: Int)

    public var description: String {
        switch self {
        case .mixNotWeights(let text): return "the task mix takes gen=W,und=W with weights >= 0; got \(text)"
        case .mixUnknownTask(let word): return "the task mix knows gen and und; got \(word)"
        case .mixWithoutWeight: return "the task mix needs a positive weight"
        case .noCompleteShards(let folder): return "no complete tokenized shards (*.stats.json with complete: true) in \(folder)"
        case .shardsDisagree(let shard, let first):
            return "\(shard) was tokenized with another tokenizer, fold or VQ than \(first): pack them separately"
        case .tokenizerDiffers(let given, let shards):
            return "the tokenizer's SHA-256 \(given) differs from the one the shards were tokenized with (\(shards)): use the same tokenizer.json"
        case .stoppedForTest(let n): return "stopped after \(n) shards (test)"
        }
    }
}
