/// Conversion of untrusted input bytes to text.
public enum UTF8Input {
    /// Decodes bytes as UTF-8, replacing each maximal invalid subsequence with U+FFFD —
    /// the same result as Python's `bytes.decode("utf-8", errors="replace")`.
    public static func lossyString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(decoding: bytes, as: UTF8.self)
    }
}
