/// Expands shell-style brace patterns in shard names, as webdataset's `braceexpand` does:
/// numeric ranges `{000000..000099}` (zero padding kept, descending ranges allowed) and
/// alternatives `{a,b,c}`; several groups multiply. Nested braces are not supported.
public enum BraceExpansion {
    /// Why a pattern could not be expanded.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// At most this many names per pattern (and per manifest): a larger expansion is refused before
    /// any name is made.
    public static let defaultLimit = 10_000_000

    /// The expansions of `pattern`, in order. A pattern without braces expands to itself. More
    /// than `limit` names is refused from the groups' sizes alone, before anything is allocated.
    public static func expand(_ pattern: String, limit: Int = defaultLimit) throws(Failure) -> [String] {
        var results = [""]
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{") {
            let prefix = rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw Failure(message: "unbalanced '{' in \"\(pattern)\"")
            }
            let body = rest[rest.index(after: open)..<close]
            if body.contains("{") { throw Failure(message: "nested '{' in \"\(pattern)\"") }
            let count = try choiceCount(String(body), pattern: pattern)
            guard count <= limit / results.count else {
                throw Failure(message: "\"\(pattern)\" expands to more than \(limit) names")
            }
            let choices = try alternatives(String(body), pattern: pattern)
            results = results.flatMap { head in choices.map { head + prefix + $0 } }
            rest = rest[rest.index(after: close)...]
        }
        if rest.contains("}") { throw Failure(message: "unbalanced '}' in \"\(pattern)\"") }
        return results.map { $0 + rest }
    }

    /// How many names the brace group `body` stands for (Int.max when a range's size overflows).
    private static func choiceCount(_ body: String, pattern: String) throws(Failure) -> Int {
        if body.range(of: "..") != nil {
            let (a, b, _) = try bounds(body, pattern: pattern)
            let (span, overflow) = max(a, b).subtractingReportingOverflow(min(a, b))
            return overflow || span == Int.max ? Int.max : span + 1
        }
        return body.contains(",") ? body.split(separator: ",", omittingEmptySubsequences: false).count : 1
    }

    /// A range's two integers and its zero-padded width (0: no padding).
    private static func bounds(_ body: String, pattern: String) throws(Failure) -> (Int, Int, width: Int) {
        let range = body.range(of: "..")!
        let lower = String(body[..<range.lowerBound]), upper = String(body[range.upperBound...])
        guard let a = Int(lower), let b = Int(upper), !lower.isEmpty, !upper.isEmpty,
              lower.allSatisfy(\.isASCII), upper.allSatisfy(\.isASCII) else {
            throw Failure(message: "range {\(body)} in \"\(pattern)\" is not two integers")
        }
        let padded = (lower.count > 1 && lower.hasPrefix("0")) || (upper.count > 1 && upper.hasPrefix("0"))
        return (a, b, padded ? max(lower.count, upper.count) : 0)
    }

    private static func alternatives(_ body: String, pattern: String) throws(Failure) -> [String] {
        if body.range(of: "..") != nil {
            let (a, b, width) = try bounds(body, pattern: pattern)
            let step = a <= b ? 1 : -1
            return stride(from: a, through: b, by: step).map { value in
                let digits = String(value)
                return digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
            }
        }
        if body.contains(",") { return body.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        // A brace group that is neither a range nor a list is literal text, as in braceexpand.
        return ["{" + body + "}"]
    }
}
