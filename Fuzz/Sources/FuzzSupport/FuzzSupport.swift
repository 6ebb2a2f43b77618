#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers shared by the fuzz targets: a private scratch folder and the input written to a file
/// (the shard readers and the safetensors reader take paths, not bytes).
public enum FuzzScratch {
    /// `$TMPDIR/synergen-fuzz-<pid>` (or `/tmp`), created once per process.
    public static let folder: String = {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        let path = "\(base)/synergen-fuzz-\(getpid())"
        mkdir(path, 0o700)
        return path
    }()

    /// Writes `bytes` to `folder/name` (replacing it) and returns the path.
    public static func write(_ bytes: UnsafeRawBufferPointer, name: String) -> String {
        let path = folder + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0, "cannot create \(path)")
        var done = 0
        while done < bytes.count {
            let n = systemWrite(fd, bytes.baseAddress! + done, bytes.count - done)
            precondition(n > 0, "cannot write \(path)")
            done += n
        }
        close(fd)
        return path
    }

    public static func write(_ bytes: [UInt8], name: String) -> String {
        bytes.withUnsafeBytes { write($0, name: name) }
    }
}

/// The fuzzer's input as a byte array.
public func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#else
private let systemWrite = Darwin.write
#endif

/// With `SYNERGEN_FUZZ_VERBOSE=1`, what each input did goes to stderr (to check that seeds parse:
/// `SYNERGEN_FUZZ_VERBOSE=1 .build/release/FuzzTokenizer corpus/FuzzTokenizer/*`).
public enum FuzzLog {
    public static let verbose = getenv("SYNERGEN_FUZZ_VERBOSE").map { String(cString: $0) == "1" } ?? false

    public static func note(_ message: @autoclosure () -> String) {
        guard verbose else { return }
        let line = Array((message() + "\n").utf8)
        line.withUnsafeBytes { _ = systemWrite(2, $0.baseAddress!, $0.count) }
    }

    /// The value of `body`, or nil with its error noted.
    public static func attempt<T>(_ what: String, _ body: () throws -> T) -> T? {
        do { return try body() } catch {
            note("\(what): \(error)")
            return nil
        }
    }
}
