import ArgumentParser
import SynergenPrep

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Read every shard, decode every image, and report samples, sizes and errors by reason.",
        discussion: "Exit status 0 when the input could be read (bad samples are findings), 1 when no shard could be read, 2 for a bad manifest."
    )

    @Argument(help: "Manifest files (one shard per line).")
    var manifests: [String]

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @OptionGroup var workers: WorkerOptions
    @OptionGroup var decode: DecodeFlags
    @OptionGroup var ranks: RankOptions

    func run() throws {
        let rank = try ranks.resolved()
        let manifest: Manifest
        do { manifest = try Manifest.load(paths: manifests) } catch {
            StandardError.write("error: \(error)\n")
            throw ExitCode(2)
        }
        // With several ranks each inspects its share of the shards (shard i goes to rank i % world size).
        let mine = rank.share(of: manifest.shards.count).map { manifest.shards[$0] }
        if rank.worldSize > 1 { RankOptions.announce(rank, stage: "inspect", items: "shards=\(mine.count) of \(manifest.shards.count)") }
        let progress = ProgressReporter(stage: "inspect", totalShards: mine.count, rank: rank)
        let inspection = Inspection(decodeOptions: decode.decodeOptions, reader: decode.reader, workers: workers.workers)
        let (shards, total) = inspection.run(mine, progress: progress)
        progress.finish()
        let report = InspectReport(shards: shards, total: total)
        print(json ? try report.json() : RankOptions.prefixed(report.text(), rank))
        if !mine.isEmpty && total.samples == 0 && total.failedShards == mine.count {
            throw ExitCode(1)
        }
    }
}
