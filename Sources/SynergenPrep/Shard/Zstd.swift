import CZstd

/// Wraps libzstd's one-shot frame API: the compression behind every shard format we write.
public enum Zstd {
    /// A zstd call that failed, with libzstd's message.
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { "zstd: \(message)" }
    }

    /// Compresses `bytes` into one zstd frame with the content size recorded (wraps `ZSTD_compress`).
    public static func compress(_ bytes: [UInt8], level: Int32 = 3) throws(Failure) -> [UInt8] {
        let bound = ZSTD_compressBound(bytes.count)
        return try output(capacity: bound) { buffer in
            bytes.withUnsafeBytes { ZSTD_compress(buffer.baseAddress, bound, $0.baseAddress, $0.count, level) }
        }
    }

    /// Runs a libzstd call that writes into a fresh buffer of `capacity` bytes and returns the
    /// number written or an error code.
    private static func output(capacity: Int, _ call: (UnsafeMutableBufferPointer<UInt8>) -> Int) throws(Failure) -> [UInt8] {
        var failure: Failure?
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            let written = call(buffer)
            if ZSTD_isError(written) != 0 {
                failure = Failure(message: String(cString: ZSTD_getErrorName(written)))
                count = 0
            } else {
                count = written
            }
        }
        if let failure { throw failure }
        return output
    }

    /// Decompresses one complete frame whose content size is recorded, refusing frames that would
    /// inflate beyond `maxSize` (wraps `ZSTD_getFrameContentSize` and `ZSTD_decompress`).
    public static func decompress(_ frame: [UInt8], maxSize: Int = 1 << 32) throws(Failure) -> [UInt8] {
        let size = frame.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        if size == ZSTD_CONTENTSIZE_ERROR { throw Failure(message: "not a zstd frame") }
        if size == ZSTD_CONTENTSIZE_UNKNOWN { throw Failure(message: "frame without a recorded content size") }
        guard size <= UInt64(maxSize) else { throw Failure(message: "frame inflates to \(size) bytes, over \(maxSize)") }
        return try output(capacity: Int(size)) { buffer in
            frame.withUnsafeBytes { ZSTD_decompress(buffer.baseAddress, Int(size), $0.baseAddress, $0.count) }
        }
    }
}
