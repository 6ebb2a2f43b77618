import Foundation
import FuzzSupport
import SynergenPrep

/// Bytes → a `.tok.zst` file → `TokenizedShardReader` (magic, version, header JSON, every record,
/// the end marker and count) → the header's `config` decoded as a `TokenizeConfig`.
///
/// The first byte picks the mode, so that the fuzzer reaches the record decoder and not only
/// zstd's frame checks: even → the rest of the input is the file as it is; odd → the rest is the
/// *decompressed* stream, compressed here into one valid zstd frame before it is written.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let rest = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let file: [UInt8]
    if data[0] & 1 == 0 {
        file = rest
    } else {
        guard let compressed = try? Zstd.compress(rest, level: 1) else { return 0 }
        file = compressed
    }
    let path = FuzzScratch.write(file, name: "shard.tok.zst")
    guard let reader = FuzzLog.attempt("open", { try TokenizedShardReader(path: path) }) else { return 0 }
    _ = FuzzLog.attempt("config", { try JSONDecoder().decode(TokenizeConfig.self, from: Data(reader.header.config.utf8)) })
    var records = 0
    while records < 1_000_000, let sample = FuzzLog.attempt("record \(records)", { try reader.next() }) ?? nil {
        records += 1
        FuzzLog.note("record \(sample.key): \(sample.views.count) views, \(sample.captionIDs.count) caption ids")
    }
    return 0
}
