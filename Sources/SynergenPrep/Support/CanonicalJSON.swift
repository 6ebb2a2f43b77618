import Foundation

extension Encodable {
    /// Compact JSON with sorted keys: the same value always gives the same text (used for hashes).
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}

extension Encodable {
    /// Pretty JSON with sorted keys and a final newline: the deterministic text of every JSON file
    /// the pipeline writes (markers, plans, indexes, rank records).
    public func prettyJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
