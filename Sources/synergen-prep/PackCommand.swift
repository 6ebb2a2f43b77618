import ArgumentParser
import Foundation
import SynergenPrep

struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Tokenized shards → packed training sequences: chat-template documents, gen/und mix, best-fit packing.",
        discussion: """
        Writes pack-NNNNNN.pack shards and index.json (written last; FORMAT.md "Packed shards"). A re-run \
        with the same input and options (after a kill, say) keeps the shards already written (pack.journal). Documents \
        are never split; a document longer than --seq is dropped and counted (too-long). Same input and \
        seed give the same bytes. Exit status: 0; 1 when nothing could be packed; 2 for bad options or a \
        tokenizer that differs from the shards'.
        """
    )

    @Argument(help: "A folder written by `tokenize`.")
    var input = "shards/tokenized"

    @Option(help: "Sequence length in positions (4096 stage 1, 8192 stage 2, 16384 instruction tuning).")
    var seq = 8192

    @Option(help: "Output folder.")
    var out = "shards/packed"

    @Option(help: "Share of generation vs understanding by tokens, e.g. gen=1,und=1 or gen=3,und=1.")
    var mix = "gen=1,und=1"

    @Option(help: "Share of generation documents whose prompt becomes the unconditional one (classifier-free guidance).")
    var cfgDrop = 0.1

    @Option(help: "Seed of the shuffle buffer, the mix and the CFG drop.")
    var seed: UInt64 = 0

    @Option(help: "Documents in the shuffle buffer that best-fit decreasing packs at once.")
    var buffer = 1000

    @Option(help: "Sequences per packed shard.")
    var sequencesPerShard = 256

    @Option(help: "Delimiting of an understanding image's views: per-view (<boi>v<eoi> each) or together (one <boi>…<eoi>).")
    var views: ViewDelimiting = .perView

    @Option(help: "Packing: completion (fills one sequence at a time, ≥ 99 % fill at 8192) or bfd (classic best-fit decreasing).")
    var packing: Packer.Strategy = .completion

    @OptionGroup var tokenizer: TokenizerOptions

    func validate() throws {
        guard seq >= 16 else { throw ValidationError("--seq must be at least 16") }
        guard (0...1).contains(cfgDrop) else { throw ValidationError("--cfg-drop must be between 0 and 1") }
        guard buffer >= 1, sequencesPerShard >= 1 else { throw ValidationError("--buffer and --sequences-per-shard must be at least 1") }
        do { var o = PackOptions(); try o.parseMix(mix) } catch { throw ValidationError(error.withFlags) }
    }

    func run() throws {
        var options = PackOptions()
        try options.parseMix(mix)
        options.sequenceLength = seq
        options.cfgDrop = cfgDrop
        options.seed = seed
        options.buffer = buffer
        options.sequencesPerShard = sequencesPerShard
        options.delimiting = views
        options.packing = packing
        let tokenizerPath = try tokenizer.path()
        let text = try Tokenizer(contentsOf: URL(fileURLWithPath: tokenizerPath))
        let run = PackRun(input: input, output: out, options: options, tokenizer: text, tokenizerSHA256: try SHA256.hex(file: tokenizerPath))
        let start = Date()
        let index: PackIndex, reused: Int
        let shards = (try? TokenizedFolder(input).shards().complete.count) ?? 0
        let progress = ProgressReporter(stage: "pack", totalShards: shards)
        defer { progress.finish() }
        do { (index, reused) = try run.run(progress: progress) } catch let error as PackError {
            StandardError.write("error: \(error.withFlags)\n")
            throw ExitCode(2)
        }
        let seconds = Date().timeIntervalSince(start)
        var stats = try PackedStats(folder: out)
        stats.problems = []
        print(stats.text(advice: \.withFlags))
        print(String(format: "time: %.2f s, %.0f documents/s", seconds, Double(index.totals.documents) / max(seconds, 1e-9)))
        if reused > 0 { print("reused \(reused) of \(index.shards.count) packed shards written by an earlier run of the same inputs and options") }
        if index.totals.sequences == 0 { throw ExitCode(1) }
    }
}

extension ViewDelimiting: ExpressibleByArgument {}
extension Packer.Strategy: ExpressibleByArgument {}
