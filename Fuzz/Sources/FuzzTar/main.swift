import FuzzSupport
import SynergenPrep

/// Bytes → a shard file → `ShardReader` (libarchive's tar reader and every filter it detects, then
/// webdataset grouping) → `SampleContent` (image/caption choice, JSON captions) for every sample.
/// Members over 16 MiB are skipped (the production limit is 256 MiB; the reader allocates a
/// member's declared size before reading it, which only slows the fuzzer down).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzScratch.write(UnsafeRawBufferPointer(start: data, count: size), name: "shard.tar")
    let reader = ShardReader(maxMemberBytes: 16 << 20)
    var samples = 0
    let failure = reader.read(.file(path)) { event in
        switch event {
        case .sample(let raw):
            samples += 1
            _ = raw.member("txt")
            if let content = FuzzLog.attempt("sample \(raw.key)", { try SampleContent(raw) }) {
                FuzzLog.note("sample \(content.key): \(content.imageExt) \(content.imageBytes.count) bytes, \"\(content.caption)\"")
            }
        case .rejected(let rejection):
            FuzzLog.note("rejected \(rejection.key): \(rejection.reason)")
        }
    }
    FuzzLog.note("\(samples) samples, failure: \(failure.map { "\($0)" } ?? "none")")
    return 0
}
