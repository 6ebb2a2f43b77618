import Foundation

/// The printable result of `inspect`: totals at the top level, one entry per shard under `shards`.
public struct InspectReport: Codable, Sendable {
    /// One summary as it appears in JSON.
    public struct Entry: Codable, Sendable {
        public var path: String
        public var samples: Int
        public var ok: Int
        public var errors: [String: Int]
        public var errorExamples: [String: [String]]
        public var extensions: [String: Int]
        public var formats: [String: Int]
        public var width: SizeHistogram.Summary?
        public var height: SizeHistogram.Summary?
        public var failedShards: Int

        enum CodingKeys: String, CodingKey {
            case path, samples, ok, errors, extensions, formats, width, height
            case errorExamples = "error_examples", failedShards = "failed_shards"
        }

        init(_ s: InspectionSummary) {
            path = s.path
            samples = s.samples
            ok = s.ok
            errors = s.errors.byWord
            errorExamples = s.errors.examplesByWord
            extensions = s.extensions
            formats = s.formats
            width = s.widths.summary
            height = s.heights.summary
            failedShards = s.failedShards
        }
    }

    public var total: Entry
    public var shards: [Entry]

    public init(shards: [InspectionSummary], total: InspectionSummary) {
        self.total = Entry(total)
        self.shards = shards.map(Entry.init)
    }

    /// One JSON object: the total's fields at the top level plus `shards`.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var object = try JSONSerialization.jsonObject(with: encoder.encode(total)) as! [String: Any]
        object["shards"] = try JSONSerialization.jsonObject(with: encoder.encode(shards))
        object.removeValue(forKey: "path")
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// A report for people.
    public func text() -> String {
        var lines: [String] = []
        func describe(_ e: Entry) -> [String] {
            var out = ["\(e.samples) samples, \(e.ok) ok, \(e.errors.values.reduce(0, +)) errors"]
            if !e.extensions.isEmpty {
                out.append("extensions: " + e.extensions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            if let w = e.width, let h = e.height {
                out.append("width min/median/max: \(w.min) / \(w.median) / \(w.max)")
                out.append("height min/median/max: \(h.min) / \(h.median) / \(h.max)")
            }
            for (reason, count) in e.errors.sorted(by: { $0.key < $1.key }) {
                let examples = (e.errorExamples[reason] ?? []).joined(separator: ", ")
                out.append("error \(reason): \(count)" + (examples.isEmpty ? "" : " (first: \(examples))"))
            }
            return out
        }
        for shard in shards {
            let body = describe(shard)
            lines.append("\(shard.path): " + body[0])
            lines += body.dropFirst().map { "  " + $0 }
        }
        let body = describe(total)
        lines.append("total (\(shards.count) shards): " + body[0])
        lines += body.dropFirst().map { "  " + $0 }
        return lines.joined(separator: "\n")
    }
}
