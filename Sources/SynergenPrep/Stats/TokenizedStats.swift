import Foundation

/// Totals over a folder of tokenized shards, read from their done-markers (`*.stats.json`), and
/// optionally checked against the data files.
public struct TokenizedStats: Sendable {
    public var shards: [ShardTokenizeStats]
    public var total: ShardTokenizeStats
    /// Problems found by `verify` (hash or count mismatches, unreadable files).
    public var problems: [String] = []
    /// What each rank that tokenized into the folder recorded.
    public let ranks: RankStats

    /// Reads every `*.stats.json` in `folder` (sorted by name).
    public init(folder: String) throws {
        ranks = RankStats(folder: folder, stage: "tokenize")
        let timings = RankRecord.latestTimings(ranks.records)
        shards = try TokenizedFolder(folder).markers().map { name, stats in
            var stats = stats
            if let t = timings[String(name.dropLast(TokenizedFolder.markerExtension.count))] {
                stats.timings = .init(prepareSeconds: t["prepare"] ?? 0, vqSeconds: t["vq"] ?? 0, writeSeconds: t["write"] ?? 0, wallSeconds: t["wall"] ?? 0)
            }
            return stats
        }
        var total = ShardTokenizeStats(source: folder, output: "", configHash: Set(shards.map(\.configHash)).sorted().joined(separator: ","))
        total.complete = shards.allSatisfy(\.complete)
        for s in shards {
            total.samplesIn += s.samplesIn
            total.samplesOut += s.samplesOut
            total.errors.merge(s.errors, uniquingKeysWith: +)
            total.errorKeys.merge(s.errorKeys, uniquingKeysWith: +)
            total.textTokens += s.textTokens
            total.codes += s.codes
            total.views.merge(s.views, uniquingKeysWith: +)
            total.grids.merge(s.grids, uniquingKeysWith: +)
            total.captionLengths.merge(s.captionLengths, uniquingKeysWith: +)
            total.viewsPerImage.merge(s.viewsPerImage, uniquingKeysWith: +)
            total.outputBytes += s.outputBytes
            total.timings.prepareSeconds += s.timings.prepareSeconds
            total.timings.vqSeconds += s.timings.vqSeconds
            total.timings.writeSeconds += s.timings.writeSeconds
            total.timings.wallSeconds += s.timings.wallSeconds
        }
        self.total = total
        self.folder = folder
    }

    private let folder: String

    /// Re-reads every data file: its SHA-256 and its record count must match the marker.
    public mutating func verify() {
        let tokenized = TokenizedFolder(folder)
        problems += shards.compactMap { s in tokenized.verifyData(of: s).map { MergeProblem(item: s.output, index: nil, kind: $0).description } }
    }

    /// One JSON object: totals at the top level (`samples`, `ok`, `errors`, `images`, `codes`,
    /// `text_tokens`, ...) and `shards`.
    public func json() throws -> String {
        func object(_ s: ShardTokenizeStats) -> [String: Any] {
            var o: [String: Any] = [
                "samples": s.samplesIn, "ok": s.samplesOut, "errors": s.errors, "error_keys": s.errorKeys,
                "images": s.views.values.reduce(0, +), "images_by_role": s.views, "images_by_grid": s.grids,
                "codes": s.codes, "text_tokens": s.textTokens, "caption_length_histogram": s.captionLengths,
                "views_per_image_histogram": s.viewsPerImage, "complete": s.complete, "output_bytes": s.outputBytes,
                "vq_seconds": s.timings.vqSeconds, "wall_seconds": s.timings.wallSeconds,
            ]
            if !s.output.isEmpty { o["path"] = s.output; o["source"] = s.source }
            return o
        }
        var top = object(total)
        top["shards"] = shards.map(object)
        top["ranks"] = ranks.jsonObjects
        if !problems.isEmpty { top["problems"] = problems }
        let data = try JSONSerialization.data(withJSONObject: top, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// A report for people.
    public func text() -> String {
        func histogram(_ h: [String: Int], bucket: Int) -> String {
            var buckets: [Int: Int] = [:]
            for (k, v) in h { buckets[(Int(k) ?? 0) / bucket * bucket, default: 0] += v }
            return buckets.keys.sorted().map { bucket == 1 ? "\($0): \(buckets[$0]!)" : "\($0)–\($0 + bucket - 1): \(buckets[$0]!)" }
                .joined(separator: ", ")
        }
        func sorted(_ d: [String: Int]) -> String { d.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
        var lines: [String] = []
        for s in shards {
            let errs = s.errors.values.reduce(0, +)
            lines.append("\(s.output): \(s.samplesIn) samples, \(s.samplesOut) ok, \(errs) errors, \(s.views.values.reduce(0, +)) images, \(s.codes) codes, \(s.textTokens) text tokens" + (s.complete ? "" : " (incomplete: \(s.shardError?.reason.rawValue ?? "?"))"))
        }
        let t = total
        lines.append("total (\(shards.count) shards): \(t.samplesIn) samples, \(t.samplesOut) ok, \(t.errors.values.reduce(0, +)) errors")
        lines.append("  images: \(t.views.values.reduce(0, +)) (\(sorted(t.views)))")
        lines.append("  grids: \(sorted(t.grids))")
        lines.append("  codes: \(t.codes), text tokens: \(t.textTokens), output: \(t.outputBytes) bytes")
        lines.append("  caption length (tokens): \(histogram(t.captionLengths, bucket: 8))")
        if !t.viewsPerImage.isEmpty { lines.append("  understanding views per image: \(histogram(t.viewsPerImage, bucket: 1))") }
        for (reason, count) in t.errors.sorted(by: { $0.key < $1.key }) {
            lines.append("  error \(reason): \(count) (first: \((t.errorKeys[reason] ?? []).prefix(5).joined(separator: ", ")))")
        }
        if t.timings.wallSeconds > 0 {
            lines.append(String(format: "  time: VQ %.1f s of %.1f s shard wall time (%.0f%%)", t.timings.vqSeconds, t.timings.wallSeconds,
                                100 * t.timings.vqSeconds / t.timings.wallSeconds))
        }
        for p in problems { lines.append("  PROBLEM: \(p)") }
        return (lines + ranks.lines).joined(separator: "\n")
    }
}
