/// One document's entry in a packed sequence.
public struct PackedDocumentEntry: Sendable, Equatable {
    public var task: PackTask
    public var key: String
    /// First position in the sequence.
    public var start: Int
    public var length: Int
    /// Index of its first image in the sequence's image table, and how many it has.
    public var firstImage: Int
    public var imageCount: Int
}

/// One training sequence: documents back to back, then `padLength` pad positions.
///
/// `ids`, `modality`, `loss` and `positionIDs` cover the used positions only (the reader pads);
/// `codes` holds `fold.rows · fold.cols` codes per image position, in position order.
public struct PackedSequence: Sendable, Equatable {
    public var sequenceLength: Int
    public var ids: [Int32] = []
    public var modality: [UInt8] = []
    public var loss: [UInt8] = []
    public var positionIDs: [Int32] = []
    public var codes: [UInt16] = []
    public var documents: [PackedDocumentEntry] = []
    /// Images with `start` relative to the sequence.
    public var images: [PackImage] = []

    public init(sequenceLength: Int) { self.sequenceLength = sequenceLength }

    public var used: Int { ids.count }
    public var padLength: Int { sequenceLength - used }

    /// Document boundaries for variable-length attention: 0, end of document 1, …, `used`.
    public var cuSeqlens: [Int32] { [0] + documents.map { Int32($0.start + $0.length) } }
}

/// Encodes and decodes one sequence record (the body of one zstd frame; FORMAT.md "Packed shards").
enum PackedSequenceCoding {
    static func encode(_ s: PackedSequence) -> [UInt8] {
        var w = ByteWriter()
        w.bytes.reserveCapacity(s.used * 10 + s.codes.count * 2 + 256)
        w.u32(UInt32(s.sequenceLength))
        w.u32(UInt32(s.used))
        w.u32(UInt32(s.documents.count))
        w.u32(UInt32(s.images.count))
        w.u32(UInt32(s.codes.count))
        for v in s.ids { w.u32(UInt32(bitPattern: v)) }
        w.raw(s.modality)
        w.raw(s.loss)
        for v in s.positionIDs { w.u32(UInt32(bitPattern: v)) }
        for d in s.documents {
            w.u32(UInt32(d.start)); w.u32(UInt32(d.length)); w.u32(UInt32(d.firstImage)); w.u32(UInt32(d.imageCount))
            w.u8(d.task.rawValue)
            w.string(d.key)
        }
        for i in s.images {
            w.u32(UInt32(i.start)); w.u32(UInt32(i.positions))
            w.u16(UInt16(i.gridRows)); w.u16(UInt16(i.gridCols)); w.u8(UInt8(i.fold.rows)); w.u8(UInt8(i.fold.cols))
            w.role(i.role)
        }
        for c in s.codes { w.u16(c) }
        return w.bytes
    }

    static func decode(_ bytes: [UInt8], context: String) throws(ShardFormatError) -> PackedSequence {
        var r = ByteReader(bytes, context: context)
        var s = PackedSequence(sequenceLength: Int(try r.u32()))
        let used = Int(try r.u32()), docs = Int(try r.u32()), images = Int(try r.u32()), codes = Int(try r.u32())
        guard used <= s.sequenceLength, used * 10 + codes * 2 <= bytes.count else {
            throw ShardFormatError(path: context, message: "sequence header does not fit its record")
        }
        s.ids = try (0..<used).map { _ throws(ShardFormatError) in Int32(bitPattern: try r.u32()) }
        s.modality = try r.raw(used)
        s.loss = try r.raw(used)
        s.positionIDs = try (0..<used).map { _ throws(ShardFormatError) in Int32(bitPattern: try r.u32()) }
        for _ in 0..<docs {
            let start = Int(try r.u32()), length = Int(try r.u32()), first = Int(try r.u32()), count = Int(try r.u32())
            let code = try r.u8()
            guard let task = PackTask(rawValue: code) else { throw ShardFormatError(path: context, message: "unknown task \(code)") }
            s.documents.append(PackedDocumentEntry(task: task, key: try r.string(), start: start, length: length,
                                                   firstImage: first, imageCount: count))
        }
        for _ in 0..<images {
            let start = Int(try r.u32()), positions = Int(try r.u32())
            let gr = Int(try r.u16()), gc = Int(try r.u16())
            let fold = TokenFold(rows: Int(try r.u8()), cols: Int(try r.u8()))
            let role = try r.role()
            s.images.append(PackImage(role: role, gridRows: gr, gridCols: gc, fold: fold, start: start, positions: positions))
        }
        s.codes = try (0..<codes).map { _ throws(ShardFormatError) in try r.u16() }
        guard r.isAtEnd else { throw ShardFormatError(path: context, message: "trailing bytes in sequence record") }
        return s
    }
}
