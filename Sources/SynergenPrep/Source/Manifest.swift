import Foundation

/// The list of input shards a run reads, from one or more manifest files.
///
/// A manifest has one shard per line: blank lines and lines starting with `#` are ignored; brace
/// ranges expand (`laion-{000000..000099}.tar`); relative paths are relative to the manifest's
/// folder; `pipe:CMD` streams a shard from a command. A bad line is a `ManifestError` naming
/// `file:line`, and no shard of a bad manifest is read.
public struct Manifest: Sendable, Equatable {
    public var shards: [ShardLocation]

    public init(shards: [ShardLocation]) { self.shards = shards }

    /// Reads and expands manifest files in order.
    public static func load(paths: [String]) throws(ManifestError) -> Manifest {
        var shards: [ShardLocation] = []
        for path in paths { shards += try load(path: path).shards }
        return Manifest(shards: shards)
    }

    /// Reads and expands one manifest file.
    public static func load(path: String) throws(ManifestError) -> Manifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ManifestError(file: path, line: 0, message: "cannot read the manifest")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ManifestError(file: path, line: 0, message: "the manifest is not UTF-8 text")
        }
        let folder = (path as NSString).deletingLastPathComponent
        return try parse(text, name: path, folder: folder.isEmpty ? "." : folder)
    }

    /// Parses manifest text; `folder` resolves relative paths, `name` is used in errors.
    public static func parse(_ text: String, name: String, folder: String) throws(ManifestError) -> Manifest {
        var shards: [ShardLocation] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let lineNumber = index + 1
            func fail(_ message: String) -> ManifestError { ManifestError(file: name, line: lineNumber, message: message) }
            guard shards.count <= BraceExpansion.defaultLimit else {
                throw fail("the manifest lists more than \(BraceExpansion.defaultLimit) shards")
            }
            if line.hasPrefix("pipe:") {
                let command = String(line.dropFirst(5)).trimmingCharacters(in: .whitespaces)
                if command.isEmpty { throw fail("empty pipe: command") }
                do { shards += try BraceExpansion.expand(command).map { ShardLocation.pipe($0) } }
                catch { throw fail(error.message) }
                continue
            }
            var path = line
            if path.hasPrefix("file:") { path = String(path.dropFirst(5)) }
            if let scheme = path.range(of: "://"), !path[..<scheme.lowerBound].contains("/") {
                throw fail("URL \"\(line)\" is not read directly: stream it with a pipe, e.g. \"pipe:curl -sfL \(line)\"")
            }
            let expanded: [String]
            do { expanded = try BraceExpansion.expand(path) } catch { throw fail(error.message) }
            for name in expanded {
                guard ShardLocation.tarSuffixes.contains(where: { name.hasSuffix($0) }) else {
                    throw fail("\"\(name)\" is not a tar shard (expected one of \(ShardLocation.tarSuffixes.joined(separator: ", ")))")
                }
                let resolved = name.hasPrefix("/") ? name : (folder as NSString).appendingPathComponent(name)
                shards.append(.file(normalize(resolved)))
            }
        }
        return Manifest(shards: shards)
    }
}

/// Removes `.` components and folds `name/..` pairs, without touching the file system.
func normalize(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
        if part == "." { continue }
        if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
        parts.append(part)
    }
    let joined = parts.joined(separator: "/")
    return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
}

/// A manifest line that cannot be used, with the file and line that hold it.
public struct ManifestError: Error, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the file itself could not be read.
    public var line: Int
    public var message: String
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
