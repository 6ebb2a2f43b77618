import CArchive
import Foundation

/// Writes a tar file (POSIX pax-restricted format) with deterministic headers (mtime 0, uid/gid 0,
/// mode 0644), atomically: members go to a temporary file that `finish()` renames into place.
///
/// Wraps `archive_write_*`.
public final class TarWriter {
    private let archive: OpaquePointer
    private let path: String
    private let temporaryPath: String
    private var finished = false

    public init(path: String) throws {
        self.path = path
        temporaryPath = AtomicFile.temporaryPath(for: path)
        guard let archive = archive_write_new() else { throw TarWriterError(path: path, message: "archive_write_new failed") }
        self.archive = archive
        archive_write_set_format_pax_restricted(archive)
        if archive_write_open_filename(archive, temporaryPath) != ARCHIVE_OK {
            let message = String(cString: archive_error_string(archive))
            archive_write_free(archive)
            throw TarWriterError(path: path, message: message)
        }
    }

    deinit {
        if !finished {
            archive_write_free(archive)
            unlink(temporaryPath)
        }
    }

    /// Appends one regular file.
    public func add(name: String, bytes: [UInt8]) throws {
        guard let entry = archive_entry_new() else { throw TarWriterError(path: path, message: "archive_entry_new failed") }
        defer { archive_entry_free(entry) }
        archive_entry_set_pathname(entry, name)
        archive_entry_set_size(entry, la_int64_t(bytes.count))
        archive_entry_set_filetype(entry, 0o100000)  // AE_IFREG
        archive_entry_set_perm(entry, 0o644)
        archive_entry_set_mtime(entry, 0, 0)
        guard archive_write_header(archive, entry) == ARCHIVE_OK else { throw failure() }
        let written = bytes.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw failure() }
    }

    /// Closes the archive, flushes it to disk and renames it into place.
    public func finish() throws {
        guard archive_write_close(archive) == ARCHIVE_OK else { throw failure() }
        archive_write_free(archive)
        finished = true
        try AtomicFile.commit(temporary: temporaryPath, to: path)
    }

    private func failure() -> TarWriterError {
        TarWriterError(path: path, message: archive_error_string(archive).map { String(cString: $0) } ?? "write failed")
    }
}

/// A tar file that could not be written.
public struct TarWriterError: Error, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}
