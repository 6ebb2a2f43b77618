import ArgumentParser
import SynergenPrep

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Summarise a folder of tokenized shards (or a packed folder, found by its index.json: fill, documents, mix, drops): samples, errors by reason, images by role and grid, codes, text tokens, histograms."
    )

    @Argument(help: "A folder written by `tokenize` or by `pack`.")
    var folder: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Flag(help: "Re-read every data file and check its SHA-256 and sample count against its stats.")
    var verify = false

    @Option(help: "Packed folders only: write a PNG of the totals (documents per sequence, fill, tokens by task, loss by modality).")
    var plot: String?

    func run() throws {
        if PackedStats.isPacked(folder) {
            var packed = try PackedStats(folder: folder)
            if verify { try packed.verify() }
            print(json ? try packed.json() : packed.text(advice: \.withFlags))
            if let plot {
                try AtomicFile.write(packed.plotPNG(), to: plot)
                if !json { print("plot: \(plot) (\(PackedStats.plotLegend))") }
            }
            if !packed.problems.isEmpty { throw ExitCode(1) }
            return
        }
        if PackedFolder(folder).isUnmergedPack {
            let problems = PackIndex.assemble(folder: PackedFolder(folder), verify: false)
            print("packed folder \(folder) is not merged yet (no index.json): run `synergen-prep merge \(folder)`")
            if case .failure(let p) = problems { print(p.all.map { "  \($0)" }.joined(separator: "\n")) }
            print(RankStats(folder: folder, stage: "pack").lines.joined(separator: "\n"))
            throw ExitCode(1)
        }
        if plot != nil {
            StandardError.write("error: --plot is for packed folders (with index.json)\n")
            throw ExitCode(2)
        }
        var stats = try TokenizedStats(folder: folder)
        if stats.shards.isEmpty {
            StandardError.write("error: no *.stats.json in \(folder)\n")
            throw ExitCode(2)
        }
        if verify { stats.verify() }
        print(json ? try stats.json() : stats.text())
        if !stats.problems.isEmpty { throw ExitCode(1) }
    }
}
