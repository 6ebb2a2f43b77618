import Foundation

extension Encodable {
    /// Compact JSON with sorted keys: the same value always gives the same text (used for hashes).
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}
