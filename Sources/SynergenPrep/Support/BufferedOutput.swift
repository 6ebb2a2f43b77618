import Foundation

/// Text written to a file descriptor in blocks of about 64 KiB (what `text encode|decode` print).
public struct BufferedOutput {
    /// The file descriptor written to.
    public let fileDescriptor: Int32
    private var bytes: [UInt8] = []

    public init(fileDescriptor: Int32) { self.fileDescriptor = fileDescriptor }

    /// Appends `text`, writing the buffer out once it holds more than 64 KiB.
    public mutating func write(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        if bytes.count > 1 << 16 { flush() }
    }

    /// Writes out everything buffered (stops early if the descriptor refuses bytes).
    public mutating func flush() {
        bytes.withUnsafeBytes { p in
            var offset = 0
            while offset < p.count {
                let w = Foundation.write(fileDescriptor, p.baseAddress! + offset, p.count - offset)
                if w <= 0 { break }
                offset += w
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }
}
