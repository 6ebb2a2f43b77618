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

    func run() throws {
        let manifest: Manifest
        do { manifest = try Manifest.load(paths: manifests) } catch {
            StandardError.write("error: \(error)\n")
            throw ExitCode(2)
        }
        let progress = ProgressReporter(stage: "inspect", totalShards: manifest.shards.count)
        let inspection = Inspection(decodeOptions: decode.decodeOptions, reader: decode.reader, workers: workers.workers)
        let (shards, total) = inspection.run(manifest.shards, progress: progress)
        progress.finish()
        let report = InspectReport(shards: shards, total: total)
        print(json ? try report.json() : report.text())
        if !manifest.shards.isEmpty && total.samples == 0 && total.failedShards == manifest.shards.count {
            throw ExitCode(1)
        }
    }
}
