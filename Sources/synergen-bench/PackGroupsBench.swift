import ArgumentParser
import Foundation
import SynergenPrep

/// `synergen-bench pack-groups`: what cutting the input into pack groups costs — each group mixed
/// (`TaskMixer`) and packed (`Packer`) on its own, seeded per group as `pack` does — against one
/// group over everything: fill, extra sequences, and the generation share of tokens overall and
/// per group. Samples of the synthetic stage-2 mix, each offering a gen and an und document.
struct PackGroupsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack-groups",
        abstract: "Fill and mix of pack groups vs one group; one JSON line per group size.")

    @Option(help: "Samples (each offers one gen and one und document).")
    var samples = 200_000

    @Option(help: "Samples per group, comma-separated (0: one group over all).")
    var groupSamples = "0,64000,6400,1000"

    @Option(help: "Sequence length.")
    var seq = 8192

    @Option(help: "Target generation share of tokens.")
    var generationShare = 0.5

    @Option(help: "Shuffle buffer in documents.")
    var buffer = 1000

    @Option(help: "Seed.")
    var seed: UInt64 = 0

    func run() throws {
        // Alternate lengths: even entries are gen documents, odd ones und documents; pair them per sample.
        let lengths = PackBench.stage2Lengths(count: 2 * samples, seed: seed)
        for size in groupSamples.split(separator: ",").compactMap({ Int($0) }) {
            let perGroup = size == 0 ? samples : size
            var used = 0, sequences = 0, gen = 0, und = 0
            var shares: [Double] = []
            for (g, start) in stride(from: 0, to: samples, by: perGroup).enumerated() {
                let groupSeed = PackRun.groupSeed(seed, group: g)
                var mixer = TaskMixer(generationShare: generationShare, seed: groupSeed)
                var packer = Packer(sequenceLength: seq, buffer: buffer, seed: groupSeed)
                func count(_ bins: [Packer.Bin]) { for b in bins { used += b.used; sequences += 1 } }
                for i in start..<min(samples, start + perGroup) {
                    let (g, u) = (lengths[2 * i], lengths[2 * i + 1])
                    let pick = mixer.choose(gen: g, und: u)
                    if pick.gen { count(packer.add(Self.document(g, task: .gen))) }
                    if pick.und { count(packer.add(Self.document(u, task: .und))) }
                }
                count(packer.finish())
                gen += mixer.genTokens; und += mixer.undTokens
                shares.append(Double(mixer.genTokens) / Double(max(1, mixer.genTokens + mixer.undTokens)))
            }
            let line: [String: Any] = [
                "group_samples": perGroup, "groups": shares.count, "seq": seq, "sequences": sequences,
                "fill": Double(used) / Double(max(1, sequences * seq)), "generation_share": Double(gen) / Double(max(1, gen + und)),
                "group_share_min": shares.min() ?? 0, "group_share_max": shares.max() ?? 0,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
        }
    }

    static func document(_ length: Int, task: PackTask) -> PackDocument {
        PackDocument(task: task, key: "", ids: Array(repeating: 0, count: length), modality: [], loss: [])
    }
}
