/// Options of a pack run (what a command's flags set).
public struct PackOptions: Sendable {
    public var sequenceLength = 8192
    /// Relative weights of generation and understanding tokens (the task mix, `gen=1,und=1`).
    public var mixGen = 1.0
    public var mixUnd = 1.0
    public var cfgDrop = 0.1
    public var seed: UInt64 = 0
    public var buffer = 1000
    public var sequencesPerShard = 256
    /// Tokenized shards per pack group (each group packed on its own; ranks take whole groups).
    public var groupShards = 64
    public var delimiting: ViewDelimiting = .perView
    public var packing: Packer.Strategy = .completion
    public var template = ChatTemplateConfig()

    public init() {}

    public var generationShare: Double { mixGen + mixUnd == 0 ? 0 : mixGen / (mixGen + mixUnd) }

    /// Parses the task mix `gen=1,und=1` (either may be missing: 0).
    public mutating func parseMix(_ text: String) throws(PackError) {
        var gen = 0.0, und = 0.0
        for part in text.split(separator: ",") {
            let kv = part.split(separator: "=")
            guard kv.count == 2, let v = Double(kv[1].trimmingCharacters(in: .whitespaces)), v >= 0 else {
                throw .mixNotWeights(text)
            }
            switch kv[0].trimmingCharacters(in: .whitespaces) {
            case "gen": gen = v
            case "und": und = v
            default: throw .mixUnknownTask(String(kv[0]))
            }
        }
        guard gen + und > 0 else { throw .mixWithoutWeight }
        mixGen = gen; mixUnd = und
    }
}
