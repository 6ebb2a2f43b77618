import Foundation

/// What tokenizing one shard did; written last, as `<stem>.stats.json`, it is the shard's
/// done-marker: a re-run skips the shard when `complete` is true and `configHash` matches
/// (`TokenizedFolder` reads and writes it). Its bytes follow from the input and the configuration
/// alone: the timings are not written here but in the rank's record (`RankRecord.timings`).
public struct ShardTokenizeStats: Codable, Sendable, Equatable {
    /// Where the shard's time went; the only fields that differ between identical runs, so they are
    /// kept out of the marker (markers written before that still carry them, and are read so).
    public struct Timings: Codable, Sendable, Equatable {
        /// Decoding, views and text (the producer thread's busy time; it overlaps the VQ).
        public var prepareSeconds = 0.0
        /// VQ encoding (the consumer thread).
        public var vqSeconds = 0.0
        /// Folding and writing.
        public var writeSeconds = 0.0
        public var wallSeconds = 0.0
    }

    /// Why the input shard broke off or could not be read.
    public struct ShardError: Codable, Sendable, Equatable {
        public var reason: FailureReason
        public var message: String

        public init(reason: FailureReason, message: String) {
            self.reason = reason
            self.message = message
        }
    }

    public var formatVersion = Int(TokenizedShard.version)
    public var source: String
    public var output: String
    public var configHash: String
    /// False when the input could not be read (missing, unreadable, failed pipe): a re-run retries it.
    public var complete: Bool
    public var samplesIn = 0
    public var samplesOut = 0
    /// Reason word → count.
    public var errors: [String: Int] = [:]
    /// Reason word → every key counted under it.
    public var errorKeys: [String: [String]] = [:]
    public var shardError: ShardError?
    public var textTokens = 0
    public var codes = 0
    /// Role kind ("generation", "tile", "thumbnail") → views.
    public var views: [String: Int] = [:]
    /// "role rowsxcols" (e.g. "tile 64x64") → views.
    public var grids: [String: Int] = [:]
    /// Caption length in tokens → samples.
    public var captionLengths: [String: Int] = [:]
    /// Understanding views per image (tiles + thumbnail) → samples.
    public var viewsPerImage: [String: Int] = [:]
    public var outputBytes = 0
    public var outputSHA256 = ""
    public var timings = Timings()

    /// Every field but `timings` goes into the marker.
    enum CodingKeys: String, CodingKey {
        case formatVersion, source, output, configHash, complete, samplesIn, samplesOut, errors, errorKeys, shardError
        case textTokens, codes, views, grids, captionLengths, viewsPerImage, outputBytes, outputSHA256
    }

    public init(source: String, output: String, configHash: String, complete: Bool = true) {
        self.source = source
        self.output = output
        self.configHash = configHash
        self.complete = complete
    }

    /// Reads the done-marker at `path`.
    public static func load(path: String) throws -> ShardTokenizeStats {
        do { return try JSONDecoder().decode(ShardTokenizeStats.self, from: Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw ShardFormatError(path: path, message: "not a tokenize stats file: \(error)")
        }
    }

    /// Counts one rejected sample (or a shard-level failure, under the shard's name).
    mutating func count(_ reason: FailureReason, key: String) {
        errors[reason.rawValue, default: 0] += 1
        errorKeys[reason.rawValue, default: []].append(key)
    }

    /// Counts one written sample.
    mutating func count(_ sample: TokenizedSample) {
        samplesOut += 1
        textTokens += sample.captionIDs.count
        captionLengths[String(sample.captionIDs.count), default: 0] += 1
        var understanding = 0
        for view in sample.views {
            codes += view.codes.count
            views[view.role.kind, default: 0] += 1
            grids["\(view.role.kind) \(view.gridRows)x\(view.gridCols)", default: 0] += 1
            if view.role != .generation { understanding += 1 }
        }
        if understanding > 0 { viewsPerImage[String(understanding), default: 0] += 1 }
    }

    /// Sample-level errors (shard-level failures excluded).
    public var sampleErrors: Int {
        errors.filter { !(FailureReason(rawValue: $0.key)?.isShardLevel ?? false) }.values.reduce(0, +)
    }
}
