import Foundation

/// Writes files so that a reader (or a resumed run) sees either the old file or the complete new
/// one: write a temporary file beside the target, fsync it, rename it over the target, fsync the folder.
///
/// Every writer in the pipeline names its temporary file with `temporaryPath(for:)`
/// (`<name>.tmp-<host>-<pid>`: unique among ranks on several machines writing one shared folder),
/// so one rule finds what a killed run left behind (`isLeftover`, `removeLeftovers`).
public enum AtomicFile {
    /// What sits between a file's name and the writing process's id in its temporary name.
    public static let temporaryMarker = ".tmp-"

    /// The temporary file beside `path` that this process writes before renaming it to `path`.
    public static func temporaryPath(for path: String) -> String { path + temporaryMarker + processTag }

    /// `<host>-<pid>` of this process (the host name's characters other than letters, digits, `-` and `.` as `_`).
    static let processTag: String = {
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count) == 0 ? String(cString: name) : "host"
        let safe = String(host.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
        return "\(safe.isEmpty ? "host" : safe)-\(getpid())"
    }()

    /// Whether the file name `name` is a temporary file of any process: of the file `target` when
    /// given (`<target>.tmp-<host>-<pid>`), of any file otherwise.
    public static func isLeftover(_ name: String, of target: String? = nil) -> Bool {
        if let target { return name.hasPrefix(target + temporaryMarker) }
        return name.contains(temporaryMarker)
    }

    /// Removes the temporary files a killed run left in `folder`: those of the file names `targets`
    /// when given, every temporary file otherwise. Files that cannot be removed are left.
    public static func removeLeftovers(in folder: String, of targets: [String]? = nil) {
        removeLeftovers(in: folder) { name in targets.map({ $0.contains { isLeftover(name, of: $0) } }) ?? isLeftover(name) }
    }

    /// Removes the temporary files in `folder` whose names `matching` accepts.
    public static func removeLeftovers(in folder: String, matching: (String) -> Bool) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where isLeftover(name) && matching(name) {
            try? FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(name))
        }
    }

    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let temporary = temporaryPath(for: path)
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
        // close reports late write errors (NFS, quotas): the file is then not complete.
        guard close(fd) == 0 else {
            let code = errno
            unlink(temporary)
            throw AtomicFileError(path: temporary, operation: "close", code: code)
        }
        try commit(temporary: temporary, to: path)
    }

    /// Writes UTF-8 text to `path` atomically.
    public static func write(_ text: String, to path: String) throws { try write(Array(text.utf8), to: path) }

    /// Fsyncs a finished temporary file, renames it to `path` and fsyncs the folder. On failure the
    /// temporary file is removed: nothing half-written stays behind, under either name.
    public static func commit(temporary: String, to path: String) throws {
        func fail(_ operation: String, _ file: String) -> AtomicFileError {
            let code = errno
            unlink(temporary)
            return AtomicFileError(path: file, operation: operation, code: code)
        }
        let fd = open(temporary, O_RDONLY)
        guard fd >= 0 else { throw fail("open", temporary) }
        let synced = fsync(fd)
        if synced != 0 { let error = fail("fsync", temporary); close(fd); throw error }
        close(fd)
        guard rename(temporary, path) == 0 else { throw fail("rename", path) }
        let folder = (path as NSString).deletingLastPathComponent
        let dir = open(folder.isEmpty ? "." : folder, O_RDONLY)
        if dir >= 0 { fsync(dir); close(dir) }
    }
}

extension AtomicFile {
    /// Refuses, before any work, a folder this process cannot create or write (read-only, no
    /// space, no permission): creates it when missing, then writes and removes a probe file.
    public static func checkWritable(folder: String) throws {
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw AtomicFileError(path: folder, operation: "create the output folder", code: errno == 0 ? EACCES : errno)
        }
        let probe = temporaryPath(for: (folder as NSString).appendingPathComponent(".write-probe"))
        let fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw AtomicFileError(path: folder, operation: "write into the output folder", code: errno) }
        let written = Glibc.write(fd, "ok", 2)
        let code = errno
        close(fd)
        unlink(probe)
        guard written == 2 else { throw AtomicFileError(path: folder, operation: "write into the output folder", code: code) }
    }
}

/// A failed system call while writing a file atomically.
public struct AtomicFileError: Error, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var code: Int32
    public var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
}
