/// Seeded random encoder weights in a family's exact checkpoint layout (the published key names
/// and shapes, plus BatchNorm's `num_batches_tracked`), for tests, demos and benchmarks:
/// `synergen-prep vq init`.
public enum VQRandomWeights {
    /// The safetensors file for `config` with weights drawn from `seed`.
    public static func file(config: VQConfig, seed: UInt64,
                            storage: SafeTensorsWriter.FloatStorage = .f32) throws(VQError) -> SafeTensorsWriter {
        var source = RandomWeights(seed: seed)
        _ = try VQEncoder(config: config, source: &source)
        var writer = SafeTensorsWriter()
        writer.metadata = ["format": "pt", "synergen_vq_family": config.family.rawValue, "seed": String(seed),
                           VQConfig.metadataKey: config.canonicalJSON]
        for t in source.recorded { writer.add(t.name, shape: t.shape, values: t.values, storage: storage) }
        for s in source.notedScalars {
            var v = UInt64(bitPattern: s.value), bytes: [UInt8] = []
            for _ in 0..<8 { bytes.append(UInt8(v & 0xFF)); v >>= 8 }
            writer.addRaw(s.name, dtype: "I64", shape: [], bytes: bytes)
        }
        return writer
    }

    /// The encoder built directly from `seed` (same weights as `file(config:seed:)` in F32).
    public static func encoder(config: VQConfig, seed: UInt64, tuning: EncoderTuning = EncoderTuning()) throws(VQError) -> VQEncoder {
        var source = RandomWeights(seed: seed, keepValues: false)
        return try VQEncoder(config: config, source: &source, tuning: tuning)
    }
}
