import SynergenPrep

// The library names an option by what it means ("the task mix"); a command's user names it by its
// flag (`--mix`). These say the library's messages with the flags, where a flag is what to change.

extension PackError {
    /// The message as `pack` prints it.
    var withFlags: String {
        switch self {
        case .mixNotWeights(let text): return "--mix takes gen=W,und=W with weights >= 0; got \(text)"
        case .mixUnknownTask(let word): return "--mix knows gen and und; got \(word)"
        case .mixWithoutWeight: return "--mix needs a positive weight"
        case .tokenizerDiffers(let given, let shards):
            return "the tokenizer's SHA-256 \(given) differs from the one the shards were tokenized with (\(shards)): pass --tokenizer with the same tokenizer.json"
        default: return description
        }
    }
}

extension TokenizeConfigError {
    /// The message as `tokenize` prints it.
    var withFlags: String {
        switch self {
        case .noTask: return "no task: give --tasks gen, und or gen,und"
        default: return description
        }
    }
}

extension PackedStats.Advice {
    /// The advice as `pack` and `stats` print it.
    var withFlags: String {
        switch self {
        case .tooLongDocuments(let n):
            return "too-long documents exceed --seq \(n): tokenize with a smaller tiling preset (--stage s1) or pack with a longer --seq"
        }
    }
}
