import Foundation

/// The result of a whole `tokenize` run.
public struct TokenizeSummary: Sendable {
    public var shards = 0
    /// Shards whose done-marker matched the configuration: not redone.
    public var skipped = 0
    /// Shards that failed (VQ or write error): no done-marker, redone next time.
    public var failed: [(shard: String, message: String)] = []
    public var samplesIn = 0
    public var samplesOut = 0
    public var sampleErrors = 0
    public var errors: [String: Int] = [:]
    public var images = 0
    /// Samples and images of the skipped shards (already done).
    public var skippedSamples = 0
    public var skippedImages = 0
    public var vqSeconds = 0.0
    public var prepareSeconds = 0.0
    /// Sum of the shards' wall times (shards run in parallel with `workers` > 1).
    public var shardSeconds = 0.0
    public var wallSeconds = 0.0
    /// The rank that ran (its share of the manifest's shards is `shards`).
    public var rank = WorldRank.single
    /// A single rank whose every planned shard is done wrote `index.json`; otherwise why not.
    public var indexWritten = false
    public var notIndexed: [String] = []

    /// Share of the shards' time spent in the VQ: the rest is what did not hide behind it.
    public var vqShare: Double { shardSeconds > 0 ? vqSeconds / shardSeconds : 0 }

    /// Adds one shard's stats.
    mutating func add(_ stats: ShardTokenizeStats) {
        samplesIn += stats.samplesIn
        samplesOut += stats.samplesOut
        sampleErrors += stats.sampleErrors
        errors.merge(stats.errors, uniquingKeysWith: +)
        images += stats.views.values.reduce(0, +)
    }
}

/// How a tokenize run ended, for the caller's exit status.
public enum TokenizeOutcome: Sendable, Equatable {
    case succeeded
    /// A shard failed (no done-marker: redone next time), or no sample of the inputs could be read.
    case failed
    /// More than the allowed share of the samples read is bad.
    case tooManyBadSamples(bad: Int, read: Int)
}

extension TokenizeSummary {
    /// The run's outcome when at most `maxErrorRate` of the samples read may be bad.
    public func outcome(maxErrorRate: Double) -> TokenizeOutcome {
        if !failed.isEmpty || (samplesIn == 0 && shards > 0) { return .failed }
        if samplesIn > 0 && Double(sampleErrors) / Double(samplesIn) > maxErrorRate {
            return .tooManyBadSamples(bad: sampleErrors, read: samplesIn)
        }
        return .succeeded
    }
}
