import Foundation
import FuzzSupport
import SynergenPrep

/// Bytes → a `.safetensors` file → `SafeTensorsFile(path:)` (header length, JSON header, dtype /
/// shape / data_offsets checks, `__metadata__`) → every F32/F16/BF16 tensor converted to floats,
/// and `VQConfig.describe(weightsFile:)` (the `synergen_vq_config` metadata JSON and the seed).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzScratch.write(UnsafeRawBufferPointer(start: data, count: size), name: "weights.safetensors")
    guard let file = FuzzLog.attempt("safetensors", { try SafeTensorsFile(path: path) }) else { return 0 }
    FuzzLog.note("\(file.tensors.count) tensors, metadata \(file.metadata.keys.sorted())")
    for name in file.tensors.keys.sorted() {
        _ = try? file.rawBytes(name)
        if let floats = FuzzLog.attempt(name, { try file.floats(name) }) { FuzzLog.note("\(name): \(floats.prefix(6))") }
    }
    _ = file.metadata.count
    if let description = FuzzLog.attempt("describe", { try VQConfig.describe(weightsFile: path) }) {
        FuzzLog.note("config \(description.config.map { "\($0)" } ?? "none"), seed \(description.randomSeed.map(String.init) ?? "none")")
    }
    return 0
}
