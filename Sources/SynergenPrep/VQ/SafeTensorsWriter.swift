import Foundation

/// Writes a safetensors file: tensors in the order given, 8-byte-aligned header, `Float` data
/// stored as F32, F16 or BF16, or raw bytes in any dtype (e.g. an I64 `num_batches_tracked`).
public struct SafeTensorsWriter {
    /// How `Float` values are stored.
    public enum FloatStorage: String, Sendable, CaseIterable {
        case f32 = "F32", f16 = "F16", bf16 = "BF16"
    }

    private var entries: [(name: String, dtype: String, shape: [Int], bytes: [UInt8])] = []
    public var metadata: [String: String] = [:]

    public init() {}

    /// Adds `values` (row-major, `shape`) stored as `storage`.
    public mutating func add(_ name: String, shape: [Int], values: [Float], storage: FloatStorage = .f32) {
        precondition(values.count == shape.reduce(1, *), "\(name): \(values.count) values for shape \(shape)")
        var bytes = [UInt8]()
        switch storage {
        case .f32:
            bytes = values.withUnsafeBytes { [UInt8]($0) }
        case .f16:
            bytes.reserveCapacity(values.count * 2)
            for v in values { let h = SafeTensorsFile.floatToHalf(v); bytes.append(UInt8(h & 0xFF)); bytes.append(UInt8(h >> 8)) }
        case .bf16:
            bytes.reserveCapacity(values.count * 2)
            for v in values { let h = SafeTensorsFile.floatToBFloat16(v); bytes.append(UInt8(h & 0xFF)); bytes.append(UInt8(h >> 8)) }
        }
        entries.append((name, storage.rawValue, shape, bytes))
    }

    /// Adds raw little-endian bytes of `dtype`.
    public mutating func addRaw(_ name: String, dtype: String, shape: [Int], bytes: [UInt8]) {
        entries.append((name, dtype, shape, bytes))
    }

    /// The complete file contents.
    public func serialized() -> [UInt8] {
        var header = "{"
        var offset = 0
        var parts: [String] = []
        if !metadata.isEmpty {
            let m = metadata.sorted { $0.key < $1.key }.map { "\(Self.quote($0.key)):\(Self.quote($0.value))" }
            parts.append("\"__metadata__\":{" + m.joined(separator: ",") + "}")
        }
        for e in entries {
            let shape = e.shape.map(String.init).joined(separator: ",")
            parts.append("\(Self.quote(e.name)):{\"dtype\":\"\(e.dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + e.bytes.count)]}")
            offset += e.bytes.count
        }
        header += parts.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var out = [UInt8]()
        out.reserveCapacity(8 + headerBytes.count + offset)
        var n = UInt64(headerBytes.count)
        for _ in 0..<8 { out.append(UInt8(n & 0xFF)); n >>= 8 }
        out += headerBytes
        for e in entries { out += e.bytes }
        return out
    }

    /// Writes the file to `path`.
    /// Writes the file atomically (temporary file, fsync, rename), creating its folder if needed.
    public func write(to path: String) throws(VQError) {
        do {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            try AtomicFile.write(serialized(), to: path)
        } catch {
            throw .io(path: path, reason: "\(error)")
        }
    }

    private static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }
}
