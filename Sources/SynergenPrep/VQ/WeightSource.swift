/// What a tensor is for; random initialisation picks its distribution from it.
public enum TensorRole: Sendable {
    /// Convolution kernel with `fanIn` inputs per output.
    case convWeight(fanIn: Int)
    case convBias
    /// GroupNorm / BatchNorm scale.
    case normWeight
    /// GroupNorm / BatchNorm shift.
    case normBias
    case runningMean
    case runningVar
    /// Codebook rows.
    case codebook
}

/// Where the encoder's tensors come from: a checkpoint (`WeightStore`) or a seeded generator
/// (`RandomWeights`). The encoder tree asks for every tensor by its checkpoint name and shape.
public protocol WeightSource {
    /// The tensor called `name` (checkpoint key without any file prefix) with exactly `shape`.
    mutating func tensor(_ name: String, shape: [Int], role: TensorRole) throws(VQError) -> [Float]
    /// Called for tensors the checkpoint carries but the encoder does not read (e.g. BatchNorm's
    /// `num_batches_tracked`), so a writer can reproduce the published layout.
    mutating func note(_ name: String, int64Scalar value: Int64)
}

extension WeightSource {
    public mutating func note(_ name: String, int64Scalar value: Int64) {}
}

/// Reads tensors from a safetensors checkpoint, converting F16/BF16 to `Float` and checking shapes.
/// Keys may carry a prefix (Anole/HF Chameleon store the VQ-VAE under `model.vqmodel.`); it is
/// detected from the file. Tensors not asked for (the decoder) are ignored.
public struct WeightStore: WeightSource {
    public let file: SafeTensorsFile
    /// Prefix found in front of the checkpoint keys (`""` or e.g. `"model.vqmodel."`).
    public let prefix: String

    /// Prefixes tried, in order, when a key is not found as is.
    public static let knownPrefixes = ["", "model.vqmodel.", "vqmodel.", "model.", "vq_model."]

    public init(file: SafeTensorsFile) {
        self.file = file
        let names = file.tensors.keys
        prefix = Self.knownPrefixes.first { p in
            names.contains(p + "quantize.embedding.weight") || names.contains(p + "encoder.conv_in.weight")
        } ?? ""
    }

    public init(path: String) throws(VQError) {
        self.init(file: try SafeTensorsFile(path: path))
    }

    public mutating func tensor(_ name: String, shape: [Int], role: TensorRole) throws(VQError) -> [Float] {
        let key = prefix + name
        guard let info = file.tensors[key] else {
            throw .missingTensor(name: name, tried: prefix.isEmpty ? [name] : [key])
        }
        guard info.shape == shape else { throw .shapeMismatch(name: key, expected: shape, found: info.shape) }
        return try file.floats(key)
    }
}

/// Seeded pseudo-random weights in a checkpoint's exact layout (for tests, demos, benchmarks):
/// records every tensor it hands out so `SafeTensorsWriter` can write them in order.
public struct RandomWeights: WeightSource {
    private var rng: SeededGenerator
    /// Every tensor handed out, in order, with its values.
    public private(set) var recorded: [(name: String, shape: [Int], values: [Float])] = []
    /// Scalars noted but not read (written as I64).
    public private(set) var notedScalars: [(name: String, value: Int64)] = []
    /// Keep the values in `recorded` (needed to write the file; off to save memory when only encoding).
    public var keepValues: Bool

    public init(seed: UInt64, keepValues: Bool = true) {
        rng = SeededGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15)
        self.keepValues = keepValues
    }

    private mutating func next() -> UInt64 { rng.next() }

    /// Uniform in [0, 1).
    private mutating func uniform() -> Float { Float(next() >> 40) * (1.0 / Float(1 << 24)) }

    /// Uniform in [−1, 1).
    private mutating func symmetric() -> Float { 2 * uniform() - 1 }

    public mutating func tensor(_ name: String, shape: [Int], role: TensorRole) throws(VQError) -> [Float] {
        let n = shape.reduce(1, *)
        var v = [Float](repeating: 0, count: n)
        switch role {
        case let .convWeight(fanIn):
            // Uniform with variance 2/fanIn (He), so activations keep their scale through the blocks.
            let bound = (6 / Float(fanIn)).squareRoot()
            for i in 0..<n { v[i] = bound * symmetric() }
        case .convBias, .normBias, .runningMean:
            for i in 0..<n { v[i] = 0.1 * symmetric() }
        case .normWeight:
            for i in 0..<n { v[i] = 1 + 0.2 * symmetric() }
        case .runningVar:
            for i in 0..<n { v[i] = 0.5 + uniform() }
        case .codebook:
            for i in 0..<n { v[i] = symmetric() }
        }
        recorded.append((name, shape, keepValues ? v : []))
        return v
    }

    public mutating func note(_ name: String, int64Scalar value: Int64) {
        notedScalars.append((name, value))
    }
}
