import ArgumentParser
import SynergenPrep

struct DemoDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-data",
        abstract: "Write a deterministic WebDataset corpus of procedural images with true captions."
    )

    @Option(help: "Output folder for the tar shards.")
    var out: String

    @Option(help: "Number of samples.")
    var samples: Int = 64

    @Option(help: "Samples per shard.")
    var perShard: Int = 16

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    func validate() throws {
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
        guard perShard >= 1 else { throw ValidationError("--per-shard must be at least 1") }
    }

    func run() throws {
        let corpus = DemoCorpus(samples: samples, perShard: perShard, seed: seed)
        let paths = try corpus.write(to: out)
        print("wrote \(samples) samples in \(paths.count) shards to \(out)")
        print("manifest line (relative to \(out)): \(corpus.manifestPattern)")
    }
}
