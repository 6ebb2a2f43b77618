import FuzzSupport
import SynergenPrep

/// PNG bytes → `ImageDecoder` (libpng through the setjmp shim: palettes, tRNS, 1–16 bits, Adam7,
/// alpha over white, eXIf orientation) with a 4-megapixel limit. Even-length inputs keep the EXIF
/// orientation, odd-length ones are decoded as stored.
nonisolated(unsafe) let decoder = ImageDecoder()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    let options = DecodeOptions(maxPixels: 4_000_000, applyOrientation: size % 2 == 0)
    _ = try? decoder.probe(raw)
    if let decoded = FuzzLog.attempt("decode", { try decoder.decode(raw, options: options) }) {
        FuzzLog.note("\(decoded.format) \(decoded.image.width)x\(decoded.image.height) scale \(decoded.scale) orientation \(decoded.orientation)")
        precondition(decoded.image.pixels.count == decoded.image.width * decoded.image.height * 3)
    }
    return 0
}
