import Foundation
import Testing

/// Locates the fixtures that `make test-fixtures` generates and the repository's own files.
enum Fixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let generated = repository.appendingPathComponent("Tests/Fixtures/generated")

    /// A generated fixture folder; records a test failure naming the set-up command when it is missing.
    static func folder(_ name: String) throws -> URL {
        let url = generated.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            Issue.record("missing fixtures \(url.path): run `make test-fixtures` first")
            throw FixtureMissing()
        }
        return url
    }

    static func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    static func json(_ url: URL) throws -> Any { try JSONSerialization.jsonObject(with: Data(contentsOf: url)) }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("synergen-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The built command-line tool, beside the test bundle.
    static var executable: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("synergen-prep").path) && folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("synergen-prep")
    }

    /// Runs the CLI (with `environment` added to this process's); returns (exit status, stdout, stderr).
    static func run(_ arguments: [String], in directory: URL? = nil,
                    environment: [String: String] = [:]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}

struct FixtureMissing: Error {}

/// A small tmpfs mounted for a test (needs root and CAP_SYS_ADMIN, as `make test` has here):
/// a disk that fills up, or turns read-only.
struct TmpfsMount {
    let path: String

    /// Whether this process may mount a tmpfs (tried once on a scratch folder).
    static let available: Bool = {
        guard getuid() == 0, let probe = try? TmpfsMount(at: NSTemporaryDirectory() + "synergen-mount-probe-\(getpid())", size: "64k") else {
            return false
        }
        probe.unmount()
        return true
    }()

    init(at path: String, size: String) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Self.mount(["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path])
    }

    func resize(_ size: String) throws { try Self.mount(["-o", "remount,size=\(size)", path]) }
    func remount(readOnly: Bool) throws { try Self.mount(["-o", readOnly ? "remount,ro" : "remount,rw", path]) }

    func unmount() {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/umount")
        p.arguments = [path]
        try? p.run()
        p.waitUntilExit()
        try? FileManager.default.removeItem(atPath: path)
    }

    private static func mount(_ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/mount")
        p.arguments = arguments
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw MountFailed() }
    }

    struct MountFailed: Error {}
}
