import Foundation

/// The `--after-shard CMD` of `tokenize` and `pack`: a shell command run after a shard's files are
/// renamed into place, with their paths as the positional parameters (`/bin/sh -c CMD sh PATH...`:
/// `"$1"`, `"$2"`, `"$@"` for all) — an upload to object storage, typically. A command that exits non-zero (or is killed) leaves the
/// shard not yet published, so the next run of the rank runs it again; its status and the tail of
/// its standard error are in the error and the log.
public struct AfterShardHook: Sendable {
    public let command: String

    public init(command: String) { self.command = command }

    /// Runs the command on `paths`; throws when it does not exit with status 0.
    public func run(_ paths: [String]) throws(AfterShardHookError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command, "sh"] + paths
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.standardError
        do { try process.run() } catch {
            throw AfterShardHookError(command: command, paths: paths, status: -1, signalled: false, stderrTail: "\(error)")
        }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationReason != .exit || process.terminationStatus != 0 else { return }
        throw AfterShardHookError(command: command, paths: paths, status: process.terminationStatus,
                                  signalled: process.terminationReason == .uncaughtSignal,
                                  stderrTail: String(text.trimmingCharacters(in: .whitespacesAndNewlines).suffix(400)))
    }
}

/// An `--after-shard` command that failed, with its exit status (or signal) and standard error's tail.
public struct AfterShardHookError: Error, CustomStringConvertible {
    public var command: String
    public var paths: [String]
    public var status: Int32
    public var signalled: Bool
    public var stderrTail: String

    public var description: String {
        let how = status < 0 ? "could not start" : signalled ? "was killed by signal \(status)" : "exited with status \(status)"
        let files = paths.map { ($0 as NSString).lastPathComponent }.joined(separator: " ")
        return "--after-shard command \(how) for \(files)" + (stderrTail.isEmpty ? "" : "; stderr: \(stderrTail)")
    }

    /// The structured log line: `after-shard status=… files=… stderr=…`.
    public var logLine: String {
        "after-shard status=\(signalled ? "signal-\(status)" : String(status)) files=\(paths.map { ($0 as NSString).lastPathComponent }.joined(separator: ",")) stderr=\(stderrTail.debugDescription)"
    }
}
