import Foundation
/// Where one input shard comes from: a tar file on disk, or the standard output of a command.
public enum ShardLocation: Hashable, Sendable, CustomStringConvertible {
    /// A `.tar`, `.tar.gz`/`.tgz` (or other libarchive-compressed tar) file.
    case file(String)
    /// `pipe:CMD`: the shard is streamed from the stdout of `/bin/sh -c CMD`.
    case pipe(String)

    /// The name as written in a manifest, with relative paths resolved.
    public var description: String {
        switch self {
        case .file(let path): return path
        case .pipe(let command): return "pipe:" + command
        }
    }

    /// The file name without its folder and tar extensions (e.g. `laion-000001`); for a pipe, the
    /// last word of the command that looks like a shard name. Used to name per-shard outputs.
    public var stem: String {
        let name: String
        switch self {
        case .file(let path): name = path
        case .pipe(let command):
            // The last word naming a tar, without the shell's quotes and separators around it
            // (`sh -c 'curl … x.tar'`, `cat x.tar; …`).
            let shell = CharacterSet(charactersIn: "'\";&|()<>`")
            name = command.split(separator: " ").map { $0.trimmingCharacters(in: shell) }
                .last { $0.contains(".tar") || $0.contains(".tgz") } ?? command
        }
        var base = String(name.split(separator: "/").last ?? Substring(name))
        for suffix in ShardLocation.tarSuffixes where base.hasSuffix(suffix) {
            base.removeLast(suffix.count)
            break
        }
        return base
    }

    /// File name endings accepted for tar shards. libarchive detects the compression from content.
    public static let tarSuffixes = [".tar.gz", ".tgz", ".tar.zst", ".tar.xz", ".tar.bz2", ".tar"]
}
