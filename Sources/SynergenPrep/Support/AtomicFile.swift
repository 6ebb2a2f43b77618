import Foundation

/// Writes files so that a reader (or a resumed run) sees either the old file or the complete new
/// one: write a temporary file beside the target, fsync it, rename it over the target, fsync the folder.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw AtomicFileError(path: temporary, operation: "open", code: errno) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                let code = errno
                close(fd); unlink(temporary)
                throw AtomicFileError(path: temporary, operation: "write", code: code)
            }
            offset += n
        }
        close(fd)
        try commit(temporary: temporary, to: path)
    }

    /// Writes UTF-8 text to `path` atomically.
    public static func write(_ text: String, to path: String) throws { try write(Array(text.utf8), to: path) }

    /// Fsyncs a finished temporary file, renames it to `path` and fsyncs the folder.
    public static func commit(temporary: String, to path: String) throws {
        let fd = open(temporary, O_RDONLY)
        guard fd >= 0 else { throw AtomicFileError(path: temporary, operation: "open", code: errno) }
        let synced = fsync(fd)
        close(fd)
        guard synced == 0 else { throw AtomicFileError(path: temporary, operation: "fsync", code: errno) }
        guard rename(temporary, path) == 0 else { throw AtomicFileError(path: path, operation: "rename", code: errno) }
        let folder = (path as NSString).deletingLastPathComponent
        let dir = open(folder.isEmpty ? "." : folder, O_RDONLY)
        if dir >= 0 { fsync(dir); close(dir) }
    }
}

/// A failed system call while writing a file atomically.
public struct AtomicFileError: Error, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var code: Int32
    public var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
}
