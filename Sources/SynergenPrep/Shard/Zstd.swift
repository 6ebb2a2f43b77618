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
        var failure: Failure?
        let output = [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            let written = bytes.withUnsafeBytes { ZSTD_compress(buffer.baseAddress, bound, $0.baseAddress, $0.count, level) }
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
        var failure: Failure?
        let output = [UInt8](unsafeUninitializedCapacity: Int(size)) { buffer, count in
            let written = frame.withUnsafeBytes { ZSTD_decompress(buffer.baseAddress, Int(size), $0.baseAddress, $0.count) }
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
}
