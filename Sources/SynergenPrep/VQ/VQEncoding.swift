/// The result of encoding a batch: one `rows`×`cols` code grid per image (row-major, not folded)
/// and, when asked for, the pre-quantisation latents.
public struct VQEncoding: Sendable, Equatable {
    public let rows: Int
    public let cols: Int
    /// `codes[n]` holds image n's `rows·cols` codes, row-major.
    public let codes: [[Int32]]
    /// `[N, codeDim, rows, cols]` latents fed to the codebook (before LlamaGen's normalisation), if kept.
    public let latents: [Float]?
}

extension VQEncoding {
    /// Per image, the SHA-256 of its latents' float bits (little-endian): two runs whose digests
    /// agree computed every latent bit for bit alike. Nil when the latents were not kept.
    public var latentDigests: [String]? {
        guard let latents, !codes.isEmpty else { return nil }
        let per = latents.count / codes.count
        return (0..<codes.count).map { n in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(per * 4)
            for v in latents[(n * per)..<((n + 1) * per)] {
                withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
            return SHA256.hex(bytes)
        }
    }
}
