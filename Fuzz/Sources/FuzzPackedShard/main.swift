import FuzzSupport
import SynergenPrep

/// Bytes → a `.pack` file → `PackedShardReader` (magic, version, count, offset table) → every
/// sequence (its zstd frame and the record decoder).
///
/// The first byte picks the mode: even → the rest of the input is the file as it is; odd → the rest
/// is a list of *decompressed* sequence records, cut at the 8-byte separator "SGPACKSQ", each
/// compressed here into its own zstd frame behind a valid header and offset table, so the
/// fuzzer reaches the record decoder and not only zstd's frame checks.
let separator = Array("SGPACKSQ".utf8)

func frames(_ bytes: [UInt8]) -> [[UInt8]] {
    var out: [[UInt8]] = []
    var start = 0, i = 0
    while i + separator.count <= bytes.count {
        if bytes[i..<(i + separator.count)].elementsEqual(separator) {
            out.append(Array(bytes[start..<i]))
            i += separator.count
            start = i
        } else {
            i += 1
        }
    }
    out.append(Array(bytes[start...]))
    return out
}

func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let rest = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    var file: [UInt8]
    if data[0] & 1 == 0 {
        file = rest
    } else {
        var compressed: [[UInt8]] = []
        for record in frames(rest) {
            guard let frame = try? Zstd.compress(record, level: 1) else { return 0 }
            compressed.append(frame)
        }
        file = Array("SGPACKSH".utf8) + [1, 0, 0, 0, 0, 0, 0, 0] + le64(UInt64(compressed.count))
        var offset = UInt64(24 + 8 * (compressed.count + 1))
        for f in compressed { file += le64(offset); offset += UInt64(f.count) }
        file += le64(offset)
        for f in compressed { file += f }
    }
    let path = FuzzScratch.write(file, name: "shard.pack")
    guard let reader = FuzzLog.attempt("open", { try PackedShardReader(path: path) }) else { return 0 }
    for i in 0..<min(reader.count, 100_000) {
        if let sequence = FuzzLog.attempt("sequence \(i)", { try reader.sequence(i) }) {
            FuzzLog.note("sequence \(i): \(sequence.documents.count) documents, \(sequence.images.count) images, \(sequence.ids.count) used")
        }
    }
    return 0
}
