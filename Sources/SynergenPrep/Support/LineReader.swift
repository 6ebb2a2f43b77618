import Foundation

/// LF-terminated lines read from a file descriptor: a CR stays part of its line, a last line
/// without LF still counts, nothing is decoded.
public struct LineReader {
    /// The file descriptor read until end of file (or a read error).
    public let fileDescriptor: Int32
    private let chunkSize: Int

    public init(fileDescriptor: Int32, chunkSize: Int = 1 << 16) {
        self.fileDescriptor = fileDescriptor
        self.chunkSize = chunkSize
    }

    /// Calls `body` with each line's bytes (without the LF).
    public func forEachLine(_ body: ([UInt8]) throws -> Void) rethrows {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress, chunkSize) }
            if n <= 0 { break }
            var start = 0
            for i in 0..<n where buffer[i] == 0x0A {
                pending.append(contentsOf: buffer[start..<i])
                try body(pending)
                pending.removeAll(keepingCapacity: true)
                start = i + 1
            }
            pending.append(contentsOf: buffer[start..<n])
        }
        if !pending.isEmpty { try body(pending) }
    }
}
