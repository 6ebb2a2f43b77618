import ArgumentParser
import SynergenPrep

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Summarise a folder of tokenized shards: samples, errors by reason, images by role and grid, codes, text tokens, histograms."
    )

    @Argument(help: "A folder written by `tokenize`.")
    var folder: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Flag(help: "Re-read every data file and check its SHA-256 and sample count against its stats.")
    var verify = false

    func run() throws {
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
