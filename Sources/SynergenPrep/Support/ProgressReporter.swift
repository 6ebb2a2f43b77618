import Foundation

/// Shows how a long run is going on standard error: one redrawn line on a terminal, a structured
/// `key=value` log line every few seconds otherwise; both carry the rank and world size. Thread-safe.
public final class ProgressReporter: @unchecked Sendable {
    private let stage: String
    private var totalShards: Int
    private let isTTY: Bool
    private let start = Date()
    private let lock = NSLock()
    private var lastPrint = Date.distantPast
    private var shardsDone = 0
    private var samples = 0
    private var errors = 0
    private var images = 0
    private let enabled: Bool
    private let rank: WorldRank

    public init(stage: String, totalShards: Int, rank: WorldRank = .single, enabled: Bool = true) {
        self.stage = stage
        self.rank = rank
        self.totalShards = totalShards
        self.enabled = enabled
        isTTY = isatty(2) != 0
    }

    /// Adds to the counters and prints when it is time.
    public func add(samples: Int = 0, errors: Int = 0, shards: Int = 0, images: Int = 0) {
        lock.withLock {
            self.samples += samples
            self.errors += errors
            self.images += images
            shardsDone += shards
            let now = Date()
            if now.timeIntervalSince(lastPrint) >= (isTTY ? 0.25 : 5) {
                lastPrint = now
                emit(line(now: now), final: false)
            }
        }
    }

    /// Sets the number of shards the run will do (once known).
    public func setTotal(shards: Int) { lock.withLock { totalShards = shards } }

    /// Prints the last line.
    public func finish() {
        lock.withLock { emit(line(now: Date()), final: true) }
    }

    private func line(now: Date) -> String {
        let elapsed = max(now.timeIntervalSince(start), 1e-6)
        let rate = Double(samples) / elapsed
        var eta = "?"
        if shardsDone > 0 && shardsDone < totalShards {
            eta = String(format: "%.0fs", elapsed / Double(shardsDone) * Double(totalShards - shardsDone))
        } else if shardsDone >= totalShards {
            eta = "0s"
        }
        let imageRate = Double(images) / elapsed
        if isTTY {
            return String(format: "%@%@: shards %d/%d  samples %d  %.1f samples/s  %.1f images/s  errors %d  ETA %@",
                          rank.worldSize > 1 ? "[rank \(rank.rank)/\(rank.worldSize)] " : "", stage, shardsDone, totalShards,
                          samples, rate, imageRate, errors, eta)
        }
        return String(format: "progress %@ stage=%@ shards=%d/%d samples=%d samples_per_s=%.2f images_per_s=%.2f errors=%d eta=%@ elapsed_s=%.1f",
                      rank.logFields, stage, shardsDone, totalShards, samples, rate, imageRate, errors, eta, elapsed)
    }

    private func emit(_ text: String, final: Bool) {
        guard enabled else { return }
        let output = isTTY ? "\r\u{1B}[K" + text + (final ? "\n" : "") : text + "\n"
        StandardError.write(output)
    }
}

/// Unbuffered writes to file descriptor 2 (Glibc's `stderr` is not concurrency-safe in Swift 6).
public enum StandardError {
    public static func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { return }
            offset += n
        }
    }
}
