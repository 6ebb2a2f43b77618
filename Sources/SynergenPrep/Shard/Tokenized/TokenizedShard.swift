import Foundation

/// The tokenized shard format (FORMAT.md, "Tokenized shards"): one zstd stream holding a header
/// and one length-prefixed record per sample, all little-endian.
///
/// ```
/// magic "SGTOKSHD" (8 bytes) · u32 version · string header JSON
/// record*: u32 byte length · record body
/// end: u32 0 · u64 sample count
/// record body: string key · u32 ordinal · u32 width · u32 height · 32 bytes sha256 · string caption
///              · i32[] caption ids · u16 view count · view*
/// view: u8 role (0 generation, 1 tile, 2 thumbnail) · u16 tile row · u16 tile col · u16 grid rows
///       · u16 grid cols · u8 fold rows · u8 fold cols · u16[] folded codes
/// ```
/// Strings are u32 length + UTF-8; arrays are u32 count + values.
public enum TokenizedShard {
    public static let magic = Array("SGTOKSHD".utf8)
    public static let version: UInt32 = 1
    /// Largest record a reader accepts (a sample with 13 views of 64×64 codes is ~110 KB).
    public static let maxRecordBytes = 256 << 20
    /// File name ending of tokenized shards.
    public static let fileExtension = ".tok.zst"

    /// What a tokenized shard says about itself.
    public struct Header: Codable, Sendable, Equatable {
        public var formatVersion: Int
        /// The input shard it was made from.
        public var source: String
        /// Hash of the configuration that produced it (see `TokenizeConfig.hash`).
        public var configHash: String
        /// The configuration itself, as canonical JSON.
        public var config: String

        public init(formatVersion: Int = Int(TokenizedShard.version), source: String, configHash: String, config: String) {
            self.formatVersion = formatVersion
            self.source = source
            self.configHash = configHash
            self.config = config
        }
    }

    static func encode(_ sample: TokenizedSample) -> [UInt8] {
        var w = ByteWriter()
        w.string(sample.key)
        w.u32(UInt32(sample.ordinal))
        w.u32(UInt32(sample.originalSize.width))
        w.u32(UInt32(sample.originalSize.height))
        w.raw(sample.imageSHA256)
        w.string(sample.caption)
        w.i32Array(sample.captionIDs)
        w.u16(UInt16(sample.views.count))
        for view in sample.views {
            w.role(view.role)
            w.u16(UInt16(view.gridRows))
            w.u16(UInt16(view.gridCols))
            w.u8(UInt8(view.fold.rows))
            w.u8(UInt8(view.fold.cols))
            w.u16Array(view.codes)
        }
        return w.bytes
    }

    static func decode(_ bytes: [UInt8], path: String) throws(ShardFormatError) -> TokenizedSample {
        var r = ByteReader(bytes, context: path)
        let key = try r.string()
        let ordinal = Int(try r.u32())
        let size = ImageSize(width: Int(try r.u32()), height: Int(try r.u32()))
        let sha = try r.raw(32)
        let caption = try r.string()
        let ids = try r.i32Array()
        let count = Int(try r.u16())
        var views: [TokenizedView] = []
        for _ in 0..<count {
            let role = try r.role()
            let gridRows = Int(try r.u16()), gridCols = Int(try r.u16())
            let fold = TokenFold(rows: Int(try r.u8()), cols: Int(try r.u8()))
            let codes = try r.u16Array()
            guard codes.count == gridRows * gridCols else {
                throw ShardFormatError(path: path, message: "sample \(key): \(codes.count) codes for a \(gridRows)x\(gridCols) grid")
            }
            views.append(TokenizedView(role: role, gridRows: gridRows, gridCols: gridCols, fold: fold, codes: codes))
        }
        guard r.isAtEnd else { throw ShardFormatError(path: path, message: "sample \(key): trailing bytes in record") }
        return TokenizedSample(key: key, ordinal: ordinal, originalSize: size, imageSHA256: sha, caption: caption,
                               captionIDs: ids, views: views)
    }
}

/// Streams samples into a tokenized shard; the file appears (atomically) only on `finish()`.
public final class TokenizedShardWriter {
    private let file: ZstdFileWriter
    public private(set) var count = 0

    public init(path: String, header: TokenizedShard.Header) throws {
        file = try ZstdFileWriter(path: path)
        var w = ByteWriter()
        w.raw(TokenizedShard.magic)
        w.u32(TokenizedShard.version)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        w.string(String(decoding: try encoder.encode(header), as: UTF8.self))
        try file.write(w.bytes)
    }

    public func append(_ sample: TokenizedSample) throws {
        let body = TokenizedShard.encode(sample)
        var w = ByteWriter()
        w.u32(UInt32(body.count))
        try file.write(w.bytes + body)
        count += 1
    }

    /// Writes the end marker and the count, then renames the file into place.
    public func finish() throws {
        var w = ByteWriter()
        w.u32(0)
        w.u64(UInt64(count))
        try file.write(w.bytes)
        try file.finish()
    }
}

/// Reads a tokenized shard sample by sample (bounded memory), checking the end marker and count.
public final class TokenizedShardReader {
    private let file: ZstdFileReader
    private let path: String
    public let header: TokenizedShard.Header
    private var read = 0
    private var ended = false

    public init(path: String) throws {
        self.path = path
        file = try ZstdFileReader(path: path)
        guard let magic = try file.read(8), magic == TokenizedShard.magic else {
            throw ShardFormatError(path: path, message: "not a tokenized shard (bad magic)")
        }
        var r = ByteReader(try file.read(4) ?? [], context: path)
        let version = try r.u32()
        guard version == TokenizedShard.version else {
            throw ShardFormatError(path: path, message: "format version \(version); this build reads \(TokenizedShard.version)")
        }
        var lengthReader = ByteReader(try file.read(4) ?? [], context: path)
        let length = Int(try lengthReader.u32())
        guard length <= TokenizedShard.maxRecordBytes else {
            throw ShardFormatError(path: path, message: "header of \(length) bytes: the file is damaged")
        }
        guard let json = try file.read(length) else { throw ShardFormatError(path: path, message: "header ends early") }
        header = try JSONDecoder().decode(TokenizedShard.Header.self, from: Data(json))
    }

    /// The next sample, or nil after the last one (once the end marker and count are verified).
    public func next() throws -> TokenizedSample? {
        if ended { return nil }
        guard let lengthBytes = try file.read(4) else { throw ShardFormatError(path: path, message: "missing end marker") }
        var r = ByteReader(lengthBytes, context: path)
        let length = Int(try r.u32())
        if length == 0 {
            var c = ByteReader(try file.read(8) ?? [], context: path)
            let count = try c.u64()   // compared as read: a damaged count above Int.max must not trap
            guard count == UInt64(read) else { throw ShardFormatError(path: path, message: "end marker says \(count) samples, read \(read)") }
            ended = true
            return nil
        }
        guard length <= TokenizedShard.maxRecordBytes else {
            throw ShardFormatError(path: path, message: "record of \(length) bytes: the file is damaged")
        }
        guard let body = try file.read(length) else { throw ShardFormatError(path: path, message: "record ends early") }
        read += 1
        return try TokenizedShard.decode(body, path: path)
    }

    /// Every sample.
    public func readAll() throws -> [TokenizedSample] {
        var all: [TokenizedSample] = []
        while let s = try next() { all.append(s) }
        return all
    }
}
