import FuzzSupport
import SynergenPrep

/// JPEG bytes → `ImageDecoder` (TurboJPEG header and decode, CMYK/YCCK conversion, DCT scaling,
/// EXIF orientation from APP1) with a 4-megapixel limit; plus the marker scanner and the EXIF
/// reader on the raw bytes. The decode options follow from the input length, so one input always
/// runs the same way: full size, DCT-scaled to ≥ 64×64 (Pillow's scales), or every n/8 scale.
nonisolated(unsafe) let decoder = ImageDecoder()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    let markers = JPEGMarkers(scanning: raw)
    if let exif = markers.exif, let orientation = EXIFOrientation(exif: exif) { _ = orientation.swapsAxes }
    _ = EXIFOrientation(exif: Array(raw))
    var options = DecodeOptions(maxPixels: 4_000_000)
    switch size % 3 {
    case 1: options.minimumSize = ImageSize(width: 64, height: 64)
    case 2: options.minimumSize = ImageSize(width: 33, height: 17); options.allDCTScales = true
    default: break
    }
    _ = try? decoder.probe(raw)
    if let decoded = FuzzLog.attempt("decode", { try decoder.decode(raw, options: options) }) {
        FuzzLog.note("\(decoded.format) \(decoded.image.width)x\(decoded.image.height) scale \(decoded.scale) orientation \(decoded.orientation)")
        precondition(decoded.image.pixels.count == decoded.image.width * decoded.image.height * 3)
    }
    return 0
}
