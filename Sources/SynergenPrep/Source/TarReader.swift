import CArchive
import Foundation

/// Streams the members of one tar shard with libarchive (any compression libarchive detects),
/// from a file or from a `pipe:` command's stdout. Never holds more than one member in memory.
///
/// Wraps `archive_read_*`; one instance per shard, used by one task.
public final class TarReader {
    private let archive: OpaquePointer
    private let shard: String
    private var pipe: PipeSource?
    private var finished = false

    /// Opens the shard (once `archive` is set, a throwing init still runs `deinit`, which frees it).
    /// Missing files are `missing-shard`; anything libarchive refuses is `unreadable-shard`.
    public init(_ location: ShardLocation) throws(ShardFailure) {
        shard = location.description
        guard let archive = archive_read_new() else {
            throw ShardFailure(.unreadableShard, shard: shard, "archive_read_new failed")
        }
        self.archive = archive
        archive_read_support_format_tar(archive)
        archive_read_support_filter_all(archive)
        let status: Int32
        switch location {
        case .file(let path):
            var info = stat()
            if stat(path, &info) != 0 {
                throw ShardFailure(errno == ENOENT ? .missingShard : .unreadableShard, shard: shard,
                                   String(cString: strerror(errno)))
            }
            status = archive_read_open_filename(archive, path, 1 << 16)
        case .pipe(let command):
            do {
                let source = try PipeSource(command: command)
                pipe = source
                status = archive_read_open_fd(archive, source.fileDescriptor, 1 << 16)
            } catch {
                throw ShardFailure(.pipeFailed, shard: shard, "cannot start the command: \(error)")
            }
        }
        if status != ARCHIVE_OK {
            let message = errorString()
            let pipeFailure = pipe?.finish()
            finished = true
            throw pipeFailure.map { ShardFailure(.pipeFailed, shard: shard, $0) }
                ?? ShardFailure(.unreadableShard, shard: shard, message)
        }
    }

    deinit {
        if !finished { _ = pipe?.finish(kill: true) }
        archive_read_free(archive)
    }

    private func errorString() -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unknown libarchive error"
    }

    /// Moves to the next regular-file member and returns its path and declared size, or nil at the
    /// end of the archive. A failure is `truncated-shard` (or `unreadable-shard` when not even the
    /// first header could be read as tar).
    public func nextHeader(isFirst: Bool) throws(ShardFailure) -> (path: String, size: Int)? {
        while true {
            var entry: OpaquePointer? = nil
            let status = archive_read_next_header(archive, &entry)
            if status == ARCHIVE_EOF { return nil }
            if status < ARCHIVE_WARN || entry == nil {
                let message = errorString()
                let reason: FailureReason = isFirst && !message.localizedCaseInsensitiveContains("truncated")
                    ? .unreadableShard : .truncatedShard
                throw ShardFailure(reason, shard: shard, message)
            }
            // AE_IFREG is a cast macro Swift does not import: 0o100000.
            guard archive_entry_filetype(entry) == 0o100000 else { continue }
            let path = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
            return (path, Int(archive_entry_size(entry)))
        }
    }

    /// Reads the current member's data, or skips it and returns nil when it is over `maxBytes`
    /// (or `skip` is set). A short read is `truncated-shard`.
    public func readData(path: String, size: Int, maxBytes: Int, skip: Bool = false) throws(ShardFailure) -> [UInt8]? {
        guard size >= 0 else { throw ShardFailure(.truncatedShard, shard: shard, "member \(path): declared size \(size)") }
        if skip || size > maxBytes {
            if archive_read_data_skip(archive) != ARCHIVE_OK {
                throw ShardFailure(.truncatedShard, shard: shard, "member \(path): \(errorString())")
            }
            return nil
        }
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var filled = 0
            while filled < size {
                let n = archive_read_data(archive, buffer.baseAddress! + filled, size - filled)
                if n <= 0 { failed = true; break }
                filled += n
            }
            count = failed ? 0 : size
        }
        if failed { throw ShardFailure(.truncatedShard, shard: shard, "member \(path): \(errorString())") }
        return bytes
    }

    /// Ends reading; for a `pipe:` shard, drains and waits for the command and returns a
    /// `pipe-failed` failure when it exited non-zero.
    public func finish() -> ShardFailure? {
        finished = true
        return pipe?.finish().map { ShardFailure(.pipeFailed, shard: shard, $0) }
    }
}

/// A running `/bin/sh -c CMD` whose stdout is read as a shard.
private final class PipeSource {
    private let process = Process()
    private let stdout = Pipe()
    private let stderrFile: URL

    var fileDescriptor: Int32 { stdout.fileHandleForReading.fileDescriptor }

    init(command: String) throws {
        stderrFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("synergen-pipe-\(getpid())-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
    }

    /// Waits for the command; returns a message when it failed. Unread output is drained first so
    /// the command does not die of SIGPIPE on trailing tar padding; `kill` stops it instead.
    func finish(kill: Bool = false) -> String? {
        if kill {
            process.terminate()
        } else {
            let handle = stdout.fileHandleForReading
            while let chunk = try? handle.read(upToCount: 1 << 16), !chunk.isEmpty {}
        }
        process.waitUntilExit()
        try? stdout.fileHandleForReading.close()
        let errorText = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: stderrFile)
        if kill { return nil }
        let tail = errorText.trimmingCharacters(in: .whitespacesAndNewlines).suffix(300)
        switch process.terminationReason {
        case .exit where process.terminationStatus == 0: return nil
        case .exit: return "command exited with status \(process.terminationStatus)" + (tail.isEmpty ? "" : ": \(tail)")
        case .uncaughtSignal: return "command killed by signal \(process.terminationStatus)" + (tail.isEmpty ? "" : ": \(tail)")
        @unknown default: return "command failed"
        }
    }
}
