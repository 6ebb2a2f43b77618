import Foundation

/// The packed shard format (FORMAT.md, "Packed shards"): every sequence is its own zstd frame,
/// found through a u64 offset table, so a reader inflates one sequence without touching the rest.
///
/// ```
/// magic "SGPACKSH" (8 bytes) · u32 version · u32 0 (reserved) · u64 sequence count N
/// u64 offsets[N + 1]   (from the start of the file; offsets[N] = file size)
/// frame*               (sequence i = bytes offsets[i] ..< offsets[i+1])
/// ```
public enum PackedShard {
    public static let magic = Array("SGPACKSH".utf8)
    public static let version: UInt32 = 1
    public static let fileExtension = ".pack"

    /// The largest sequence record inflated (a frame declaring more is refused before allocating):
    /// 16,384 positions with 16 codes each take under 1 MB.
    public static let maxSequenceBytes = 256 << 20

    /// The whole shard file for these sequences.
    public static func encode(_ sequences: [PackedSequence], level: Int32 = 3) throws -> [UInt8] {
        let frames = try sequences.map { try Zstd.compress(PackedSequenceCoding.encode($0), level: level) }
        var w = ByteWriter()
        w.raw(magic)
        w.u32(version)
        w.u32(0)
        w.u64(UInt64(frames.count))
        var offset = 24 + 8 * (frames.count + 1)
        for f in frames { w.u64(UInt64(offset)); offset += f.count }
        w.u64(UInt64(offset))
        for f in frames { w.raw(f) }
        return w.bytes
    }
}

/// Reads sequences from one packed shard, one frame at a time (the file is never read whole).
public final class PackedShardReader {
    public let path: String
    public let offsets: [UInt64]
    private let handle: FileHandle

    public init(path: String) throws {
        self.path = path
        guard let h = FileHandle(forReadingAtPath: path) else { throw ShardFormatError(path: path, message: "cannot open") }
        handle = h
        var r = ByteReader([UInt8](try h.read(upToCount: 24) ?? Data()), context: path)
        guard (try? r.raw(8)) == PackedShard.magic else { throw ShardFormatError(path: path, message: "not a packed shard (bad magic)") }
        let version = try r.u32()
        guard version == PackedShard.version else {
            throw ShardFormatError(path: path, message: "format version \(version); this build reads \(PackedShard.version)")
        }
        _ = try r.u32()
        let declared = try r.u64()
        // The table and every frame must lie inside the file: checked before anything is allocated.
        let fileSize = Int(try h.seekToEnd())
        guard declared < 1 << 32, 24 + 8 * (Int(declared) + 1) <= fileSize else {
            throw ShardFormatError(path: path, message: "sequence count \(declared) does not fit the \(fileSize)-byte file")
        }
        let count = Int(declared), tableEnd = 24 + 8 * (count + 1)
        try h.seek(toOffset: 24)
        var t = ByteReader([UInt8](try h.read(upToCount: 8 * (count + 1)) ?? Data()), context: path)
        offsets = try (0...count).map { _ throws(ShardFormatError) in try t.u64() }
        guard offsets[0] >= UInt64(tableEnd), offsets[count] == UInt64(fileSize) else {
            throw ShardFormatError(path: path, message: "offset table does not span the file (\(offsets[0])…\(offsets[count]) of \(fileSize) bytes)")
        }
        for i in 0..<count where offsets[i] > offsets[i + 1] {
            throw ShardFormatError(path: path, message: "offset table not increasing at \(i)")
        }
    }

    deinit { try? handle.close() }

    public var count: Int { offsets.count - 1 }

    /// Sequence `i`, inflating only its frame.
    public func sequence(_ i: Int) throws -> PackedSequence {
        guard i >= 0 && i < count else { throw ShardFormatError(path: path, message: "no sequence \(i) (\(count) in shard)") }
        try handle.seek(toOffset: offsets[i])
        let n = Int(offsets[i + 1] - offsets[i])
        let frame = [UInt8](try handle.read(upToCount: n) ?? Data())
        guard frame.count == n else { throw ShardFormatError(path: path, message: "sequence \(i) ends early") }
        return try PackedSequenceCoding.decode(try Zstd.decompress(frame, maxSize: PackedShard.maxSequenceBytes), context: "\(path)#\(i)")
    }
}
