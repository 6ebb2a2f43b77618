#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A memory-mapped safetensors file (8-byte little-endian header length, JSON header, raw data):
/// lists its tensors and converts F32, F16 and BF16 tensors to `Float` on demand. Pages are read
/// only when a tensor is converted; the mapping lives as long as this object.
public final class SafeTensorsFile: @unchecked Sendable {
    /// One entry of the header.
    public struct TensorInfo: Sendable, Equatable {
        public let name: String
        /// `F32`, `F16`, `BF16`, `I64`, `U8`, …
        public let dtype: String
        public let shape: [Int]
        /// Byte range inside the data section (after the header).
        public let byteRange: Range<Int>
        /// Number of elements (product of the shape; 1 for a scalar).
        public var elementCount: Int { shape.reduce(1, *) }
    }

    public let path: String
    /// Tensors by name.
    public let tensors: [String: TensorInfo]
    /// The header's `__metadata__` strings.
    public let metadata: [String: String]
    private let base: UnsafeMutableRawPointer?
    private let mappedLength: Int
    private let dataOffset: Int

    /// Bytes per element of the dtypes the reader knows.
    public static func bytesPerElement(_ dtype: String) -> Int? {
        switch dtype {
        case "F64", "I64", "U64": return 8
        case "F32", "I32", "U32": return 4
        case "F16", "BF16", "I16", "U16": return 2
        case "U8", "I8", "BOOL": return 1
        default: return nil
        }
    }

    /// The largest header read (the safetensors format's own limit): a longer one is refused unread.
    public static let maxHeaderBytes = 100_000_000

    /// Opens and maps `path`, parsing and checking the header.
    public init(path: String) throws(VQError) {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
        let size = Int(st.st_size)
        guard size >= 8 else { throw .badHeader(path: path, reason: "file has \(size) bytes") }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw .io(path: path, reason: "mmap: " + String(cString: strerror(errno)))
        }
        base = p
        mappedLength = size
        var headerLength = 0
        for i in 0..<8 { headerLength |= Int(p.load(fromByteOffset: i, as: UInt8.self)) << (8 * i) }
        guard headerLength > 0, headerLength <= size - 8, headerLength <= Self.maxHeaderBytes else {
            munmap(p, size)
            throw .badHeader(path: path, reason: "header length \(headerLength) exceeds the file size \(size) or the 100 MB limit")
        }
        dataOffset = 8 + headerLength
        let headerData = Data(bytes: p + 8, count: headerLength)
        do {
            (tensors, metadata) = try Self.parseHeader(headerData, path: path, dataLength: size - dataOffset)
        } catch {
            munmap(p, size)
            throw error
        }
    }

    deinit {
        if let base { munmap(base, mappedLength) }
    }

    private static func parseHeader(_ data: Data, path: String, dataLength: Int) throws(VQError)
        -> ([String: TensorInfo], [String: String]) {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw .badHeader(path: path, reason: "header is not JSON")
        }
        guard let dict = object as? [String: Any] else { throw .badHeader(path: path, reason: "header is not a JSON object") }
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in dict {
            if name == "__metadata__" {
                for (k, v) in (value as? [String: Any]) ?? [:] { metadata[k] = "\(v)" }
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = (entry["shape"] as? [NSNumber])?.map({ $0.intValue }),
                  let offsets = (entry["data_offsets"] as? [NSNumber])?.map({ $0.intValue }), offsets.count == 2 else {
                throw .badHeader(path: path, reason: "entry \(name) lacks dtype, shape or data_offsets")
            }
            let range = offsets[0]..<max(offsets[0], offsets[1])
            guard offsets[0] >= 0, offsets[1] >= offsets[0], offsets[1] <= dataLength else {
                throw .badTensorData(name: name, reason: "data_offsets \(offsets) outside the \(dataLength)-byte data section of \(path)")
            }
            guard let elements = Self.elementCount(shape) else {
                throw .badTensorData(name: name, reason: "shape \(shape) is negative or its size overflows")
            }
            if let b = bytesPerElement(dtype), range.count != b &* elements || elements > Int.max / b {
                throw .badTensorData(name: name, reason: "\(range.count) bytes for \(dtype) shape \(shape)")
            }
            tensors[name] = TensorInfo(name: name, dtype: dtype, shape: shape, byteRange: range)
        }
        return (tensors, metadata)
    }

    /// The number of elements of `shape`, nil when a dimension is negative or the product overflows.
    static func elementCount(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (product, overflow) = n.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            n = product
        }
        return n
    }

    /// The raw bytes of tensor `name` (valid while `self` lives).
    public func rawBytes(_ name: String) throws(VQError) -> UnsafeRawBufferPointer {
        guard let info = tensors[name] else { throw .missingTensor(name: name, tried: [name]) }
        return UnsafeRawBufferPointer(start: base! + dataOffset + info.byteRange.lowerBound, count: info.byteRange.count)
    }

    /// Tensor `name` converted to `Float` (F32, F16, BF16 only), row-major.
    public func floats(_ name: String) throws(VQError) -> [Float] {
        guard let info = tensors[name] else { throw .missingTensor(name: name, tried: [name]) }
        let raw = try rawBytes(name)
        let n = info.elementCount
        switch info.dtype {
        case "F32":
            return [Float](unsafeUninitializedCapacity: n) { buf, count in
                memcpy(buf.baseAddress!, raw.baseAddress!, n * 4)
                count = n
            }
        case "F16":
            return [Float](unsafeUninitializedCapacity: n) { buf, count in
                for i in 0..<n {
                    buf[i] = Self.halfToFloat(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                }
                count = n
            }
        case "BF16":
            return [Float](unsafeUninitializedCapacity: n) { buf, count in
                for i in 0..<n {
                    buf[i] = Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16)
                }
                count = n
            }
        default:
            throw .unsupportedDType(name: name, dtype: info.dtype)
        }
    }

    /// IEEE half → float, exact (subnormals, infinities and NaN included).
    @inlinable
    public static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exp = Int((h >> 10) & 0x1F)
        let mant = UInt32(h & 0x3FF)
        if exp == 0 {
            // Zero or subnormal: mant · 2^-24.
            let v = Float(mant) * Float(bitPattern: 0x3380_0000)
            return sign == 0 ? v : -v
        }
        if exp == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mant << 13)) }
        return Float(bitPattern: sign | (UInt32(exp + 112) << 23) | (mant << 13))
    }

    /// float → IEEE half, round to nearest even (overflow → infinity).
    public static func floatToHalf(_ f: Float) -> UInt16 {
        let bits = f.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exp = Int((bits >> 23) & 0xFF)
        var mant = bits & 0x7F_FFFF
        if exp == 0xFF { return sign | 0x7C00 | (mant != 0 ? 0x200 : 0) }
        let e = exp - 127 + 15
        if e >= 31 { return sign | 0x7C00 }
        if e <= 0 {
            if e < -10 { return sign }
            mant |= 0x80_0000
            let shift = UInt32(14 - e)
            var half = mant >> shift
            let rem = mant & ((1 << shift) - 1)
            let halfway = UInt32(1) << (shift - 1)
            if rem > halfway || (rem == halfway && (half & 1) == 1) { half += 1 }
            return sign | UInt16(half)
        }
        var half = UInt32(e) << 10 | (mant >> 13)
        let rem = mant & 0x1FFF
        if rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1) { half += 1 }
        return sign | UInt16(half)
    }

    /// float → bfloat16, round to nearest even.
    public static func floatToBFloat16(_ f: Float) -> UInt16 {
        let bits = f.bitPattern
        if f.isNaN { return UInt16(bits >> 16) | 0x40 }
        let rounding = 0x7FFF + ((bits >> 16) & 1)
        return UInt16((bits &+ rounding) >> 16)
    }
}
