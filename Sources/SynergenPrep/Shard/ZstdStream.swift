import CZstd
import Foundation

/// Writes one zstd stream to a file as bytes arrive (bounded memory, content checksum on), to a
/// temporary name that `finish()` fsyncs and renames into place; an unfinished writer leaves nothing.
///
/// Wraps `ZSTD_compressStream2`. Single-threaded compression: the same bytes give the same file.
public final class ZstdFileWriter {
    private let context: OpaquePointer
    private let path: String
    private let temporaryPath: String
    private let fd: Int32
    private var outBuffer: [UInt8]
    private var finished = false
    /// Uncompressed bytes written so far.
    public private(set) var bytesIn = 0

    public init(path: String, level: Int32 = 3) throws {
        self.path = path
        temporaryPath = AtomicFile.temporaryPath(for: path)
        guard let context = ZSTD_createCCtx() else { throw Zstd.Failure(message: "ZSTD_createCCtx failed") }
        self.context = context
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        outBuffer = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            ZSTD_freeCCtx(context)
            throw AtomicFileError(path: temporaryPath, operation: "open", code: errno)
        }
    }

    deinit {
        ZSTD_freeCCtx(context)
        if !finished {
            close(fd)
            unlink(temporaryPath)
        }
    }

    /// Compresses and appends `bytes`.
    public func write(_ bytes: [UInt8]) throws {
        bytesIn += bytes.count
        try bytes.withUnsafeBytes { try pump($0, end: false) }
    }

    /// Ends the stream, fsyncs the file and renames it to its final path.
    public func finish() throws {
        try pump(UnsafeRawBufferPointer(start: nil, count: 0), end: true)
        close(fd)
        finished = true
        try AtomicFile.commit(temporary: temporaryPath, to: path)
    }

    private func pump(_ bytes: UnsafeRawBufferPointer, end: Bool) throws {
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        let capacity = outBuffer.count
        while true {
            var output = ZSTD_outBuffer(dst: nil, size: capacity, pos: 0)
            let remaining = outBuffer.withUnsafeMutableBytes { out -> Int in
                output.dst = out.baseAddress
                return ZSTD_compressStream2(context, &output, &input, end ? ZSTD_e_end : ZSTD_e_continue)
            }
            if ZSTD_isError(remaining) != 0 { throw Zstd.Failure(message: String(cString: ZSTD_getErrorName(remaining))) }
            try writeAll(output.pos)
            if end ? remaining == 0 : input.pos == input.size { return }
        }
    }

    private func writeAll(_ count: Int) throws {
        var offset = 0
        while offset < count {
            let n = outBuffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, count - offset) }
            guard n > 0 else { throw AtomicFileError(path: temporaryPath, operation: "write", code: errno) }
            offset += n
        }
    }
}

/// Reads a zstd-compressed file as a stream of exact-length records (bounded memory).
///
/// Wraps `ZSTD_decompressStream`. A file that ends inside a frame is reported as truncated.
public final class ZstdFileReader {
    private let context: OpaquePointer
    private let path: String
    private let fd: Int32
    private var inBuffer: [UInt8]
    private var inPos = 0
    private var inSize = 0
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var frameOpen = false
    private var atEOF = false

    public init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw AtomicFileError(path: path, operation: "open", code: errno) }
        guard let context = ZSTD_createDCtx() else {
            close(fd)
            throw Zstd.Failure(message: "ZSTD_createDCtx failed")
        }
        self.context = context
        inBuffer = [UInt8](repeating: 0, count: ZSTD_DStreamInSize())
    }

    deinit {
        ZSTD_freeDCtx(context)
        close(fd)
    }

    /// The next `count` bytes, or nil at a clean end of the stream (an error if it ends mid-way).
    public func read(_ count: Int) throws -> [UInt8]? {
        while pending.count - pendingStart < count {
            if try !fill() {
                if pending.count == pendingStart { return nil }
                throw Zstd.Failure(message: "\(path): stream ends inside a record")
            }
        }
        let out = Array(pending[pendingStart..<(pendingStart + count)])
        pendingStart += count
        if pendingStart > (1 << 20) {
            pending.removeFirst(pendingStart)
            pendingStart = 0
        }
        return out
    }

    /// Decompresses more bytes into `pending`; false at the end of the input.
    private func fill() throws -> Bool {
        if inPos == inSize {
            if atEOF { return false }
            let n = inBuffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 { throw AtomicFileError(path: path, operation: "read", code: errno) }
            if n == 0 {
                atEOF = true
                if frameOpen { throw Zstd.Failure(message: "\(path): truncated zstd stream") }
                return false
            }
            inPos = 0
            inSize = n
        }
        let chunk = ZSTD_DStreamOutSize()
        var produced = [UInt8](repeating: 0, count: chunk)
        var output = ZSTD_outBuffer(dst: nil, size: chunk, pos: 0)
        let hint = inBuffer.withUnsafeBytes { inRaw -> Int in
            var input = ZSTD_inBuffer(src: inRaw.baseAddress, size: inSize, pos: inPos)
            let hint = produced.withUnsafeMutableBytes { out -> Int in
                output.dst = out.baseAddress
                return ZSTD_decompressStream(context, &output, &input)
            }
            inPos = input.pos
            return hint
        }
        if ZSTD_isError(hint) != 0 { throw Zstd.Failure(message: "\(path): \(String(cString: ZSTD_getErrorName(hint)))") }
        frameOpen = hint != 0
        pending.append(contentsOf: produced[0..<output.pos])
        return true
    }
}
