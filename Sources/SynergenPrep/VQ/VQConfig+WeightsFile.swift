import Foundation

extension VQConfig {
    /// The safetensors metadata key under which `vq init` records the full configuration.
    public static let metadataKey = "synergen_vq_config"

    /// What a weights file says about itself: the configuration `vq init` recorded (nil for
    /// published checkpoints, which need a preset) and whether the weights are seeded random ones.
    public struct FileDescription: Sendable {
        public var config: VQConfig?
        public var randomSeed: UInt64?
    }

    /// Reads only the header of a weights file.
    public static func describe(weightsFile path: String) throws(VQError) -> FileDescription {
        let file = try SafeTensorsFile(path: path)
        var config: VQConfig?
        if let text = file.metadata[metadataKey] {
            config = try? JSONDecoder().decode(VQConfig.self, from: Data(text.utf8))
        }
        return FileDescription(config: config, randomSeed: file.metadata["seed"].flatMap { UInt64($0) })
    }
}
