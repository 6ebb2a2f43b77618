import ArgumentParser
import Foundation
import SynergenPrep

/// `synergen-bench pack`: documents packed per second and fill of the pack stage's packer against
/// classic best-fit decreasing (same buffer) and plain greedy first-fit (one open sequence), on the same document lengths, at several
/// sequence lengths. Lengths come from a synthetic stage-2 mix or from a tokenized folder (the
/// documents the pack stage would make: every sample's gen and und documents).
struct PackBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Fill and documents/s of the pack stage's packer vs best-fit decreasing and greedy first-fit; one JSON line per (source, seq).")

    @Option(help: "Documents of the synthetic stage-2 mix (0: none).")
    var synthetic = 20000

    @Option(help: "A tokenized folder whose documents to pack as well.")
    var tokenized: String?

    @Option(help: "tokenizer.json for --tokenized.")
    var tokenizer: String?

    @Option(help: "Repeat the tokenized corpus's documents this many times (a small demo is only a few sequences).")
    var repeatCorpus = 500

    @Option(help: "Sequence lengths.")
    var seq = "4096,8192,16384"

    @Option(help: "Shuffle buffer in documents.")
    var buffer = 1000

    @Option(help: "Seed.")
    var seed: UInt64 = 0

    /// Stage-2 lengths at 512 px, 2×8 fold: gen = 256 image + 2 markers + ~14 template + caption;
    /// und = views × (256 + 2) + ~20 template + caption, views 1 (one tile) or 3–7 (tiles + thumbnail).
    static func stage2Lengths(count: Int, seed: UInt64) -> [Int] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { i in
            let caption = 8 + Int(pow(rng.unit(), 2) * 70)
            if i % 2 == 0 { return 256 + 2 + 14 + caption }
            let views = rng.pick([1, 3, 3, 4, 4, 5, 5, 6, 7])
            return views * 258 + 20 + caption
        }
    }

    func run() throws {
        var sources: [(String, [Int])] = []
        if synthetic > 0 { sources.append(("synthetic-stage2", Self.stage2Lengths(count: synthetic, seed: seed))) }
        if let tokenized {
            let path = tokenizer ?? "models/tokenizer.json"
            let tok = try Tokenizer(contentsOf: URL(fileURLWithPath: path))
            let builder = DocumentBuilder(template: try ChatTemplate(tokenizer: tok))
            var lengths: [Int] = []
            for p in try TokenizedFolder(tokenized).shards().complete {
                let reader = try TokenizedShardReader(path: p)
                while let s = try reader.next() {
                    for task in [PackTask.gen, .und] { if let d = builder.document(task, from: s) { lengths.append(d.length) } }
                }
            }
            sources.append(("demo-corpus x\(repeatCorpus)", Array(repeating: lengths, count: repeatCorpus).flatMap { $0 }))
        }
        for (name, lengths) in sources {
            let docs = lengths.enumerated().map { i, n in
                PackDocument(task: .und, key: String(i), ids: Array(repeating: 0, count: n), modality: [], loss: [])
            }
            for s in seq.split(separator: ",").compactMap({ Int($0) }) {
                func measure(_ strategy: Packer.Strategy) -> (fill: Double, docsPerS: Double, sequences: Int, packed: Int, dropped: Int) {
                    var packer = Packer(sequenceLength: s, buffer: buffer, seed: seed, strategy: strategy)
                    let t0 = Date()
                    var used = 0, sequences = 0, packed = 0
                    for d in docs {
                        for b in packer.add(d) { used += b.used; sequences += 1; packed += b.documents.count }
                    }
                    for b in packer.finish() { used += b.used; sequences += 1; packed += b.documents.count }
                    let dt = Date().timeIntervalSince(t0)
                    return (sequences == 0 ? 0 : Double(used) / Double(sequences * s), Double(packed) / max(dt, 1e-9), sequences, packed,
                            packer.dropped["too-long"] ?? 0)
                }
                let main = measure(.completion), bfd = measure(.bestFitDecreasing)
                var greedy = GreedyPacker(sequenceLength: s)
                let g0 = Date()
                for n in lengths { greedy.add(length: n) }
                let gdt = Date().timeIntervalSince(g0)
                let line: [String: Any] = [
                    "source": name, "seq": s, "documents": main.packed, "dropped": main.dropped,
                    "sequences": main.sequences, "fill": main.fill,
                    "docs_per_s": main.docsPerS, "docs_per_sequence": Double(main.packed) / Double(max(main.sequences, 1)),
                    "bfd_fill": bfd.fill, "bfd_docs_per_s": bfd.docsPerS,
                    "greedy_fill": greedy.fill(), "greedy_docs_per_s": Double(lengths.count) / max(gdt, 1e-9),
                ]
                print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
            }
        }
    }
}
