import ArgumentParser
import Foundation
import SynergenPrep

struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Tokenized shards → packed training sequences: chat-template documents, gen/und mix, best-fit packing.",
        discussion: """
        Cuts the tokenized shards (in plan order) into groups of --group-shards, packs each group on its \
        own into pack-GGGGGG-NNNNNN.pack shards and its done-marker, then writes index.json (written last; \
        FORMAT.md "Packed shards"). With several ranks each packs whole groups (group g goes to rank \
        g % world size) and `merge` writes index.json: the same bytes as one rank. A re-run with the same \
        input and options (after a kill, say) keeps the groups and shards already written. Documents \
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

    @Option(help: "Tokenized shards per pack group: each group is packed on its own, so ranks can take whole groups and the output does not depend on their number (each group ends with one partly filled sequence).")
    var groupShards = 64

    @OptionGroup var tokenizer: TokenizerOptions
    @OptionGroup var ranks: RankOptions
    @OptionGroup var publishing: AfterShardOption

    func validate() throws {
        guard groupShards >= 1 else { throw ValidationError("--group-shards must be at least 1") }
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
        options.groupShards = groupShards
        let rank = try ranks.resolved()
        let tokenizerPath = try tokenizer.path()
        let text = try Tokenizer(contentsOf: URL(fileURLWithPath: tokenizerPath))
        var run = PackRun(input: input, output: out, options: options, tokenizer: text, tokenizerSHA256: try SHA256.hex(file: tokenizerPath))
        run.rank = rank
        run.afterShard = publishing.hook
        run.interruption = Interruption.watchSignals()
        RankOptions.announce(rank, stage: "pack", items: "group_shards=\(groupShards)")
        let start = Date()
        let progress = ProgressReporter(stage: "pack", totalShards: 0, rank: rank)
        defer { progress.finish() }
        let result: PackRun.Result
        do { result = try run.run(progress: progress) } catch let error as PackError {
            StandardError.write("error: \(error.withFlags) \(rank.logFields)\n")
            throw ExitCode(2)
        } catch let error as Interrupted {
            StandardError.write("\(error) \(rank.logFields): finished groups stay, the running one left no file; re-run to complete\n")
            throw ExitCode(error.exitStatus)
        }
        let seconds = Date().timeIntervalSince(start)
        print(RankOptions.prefixed(try Self.report(result, out: out, seconds: seconds), rank))
        // One rank: the folder must be whole and hold something. Several: a rank left without a
        // group (more ranks than groups) has nothing to do, which is not a failure.
        if rank.worldSize == 1 && (result.index?.totals.sequences ?? 0) == 0 { throw ExitCode(1) }
    }

    /// What the run did: the folder's stats when it wrote the index, this rank's groups otherwise.
    static func report(_ result: PackRun.Result, out: String, seconds: Double) throws -> String {
        var lines: [String] = []
        if result.index != nil {
            var stats = try PackedStats(folder: out)
            stats.problems = []
            lines.append(stats.text(advice: \.withFlags))
        } else {
            lines.append("packed \(result.packedGroups.count) group(s), \(result.skippedGroups.count) already done, of \(result.groups); "
                         + "\(result.totals.sequences) sequences from \(result.totals.samples) samples")
            if result.notIndexed.isEmpty {
                lines.append("`synergen-prep merge \(out)` writes index.json once every rank is done")
            } else {
                lines.append("index.json not written:")
                lines += result.notIndexed.map { "  \($0)" }
            }
        }
        lines.append(String(format: "time: %.2f s, %.0f documents/s", seconds, Double(result.totals.documents) / max(seconds, 1e-9)))
        if result.reusedShards > 0 {
            lines.append("reused \(result.reusedShards) of \(result.reusedShards + result.writtenShards) packed shards written by an earlier run of the same inputs and options")
        }
        if !result.skippedGroups.isEmpty { lines.append("kept \(result.skippedGroups.count) pack group(s) an earlier run finished") }
        return lines.joined(separator: "\n")
    }
}

extension ViewDelimiting: ExpressibleByArgument {}
extension Packer.Strategy: ExpressibleByArgument {}
