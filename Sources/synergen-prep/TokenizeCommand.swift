import ArgumentParser
import Foundation
import SynergenPrep

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "WebDataset shards → tokenized shards: decode, views, VQ codes (folded), caption ids.",
        discussion: """
        One output per input shard (<stem>.tok.zst + <stem>.stats.json, see FORMAT.md). A re-run skips \
        shards already done with the same configuration. With several ranks (--rank/--world-size or a \
        scheduler's environment) each takes shards i with i % world size == rank; `merge` then writes \
        index.json (a single rank writes it itself). Exit status: 0; 1 when no input could be read \
        or a shard failed; 2 for a bad manifest or configuration; 3 when --max-error-rate is exceeded.
        """
    )

    @Argument(help: "Manifest files (one shard per line).")
    var manifests: [String]

    @Option(help: "Output folder.")
    var out = "shards/tokenized"

    @Option(help: "VQ encoder weights (.safetensors). Default: models/<preset>-random.safetensors, made with `vq init --seed 0` when missing (random weights: for trying the pipeline only).")
    var vqWeights: String?

    @Option(help: "VQ encoder family when the weights file does not record its configuration: emu3, llamagen-vq16, llamagen-vq8, chameleon.")
    var vqPreset: VQConfig.Preset = .emu3

    @OptionGroup var tokenizer: TokenizerOptions

    @Option(help: "Understanding tiling preset: s1 (1 tile), s2 (≤6 + thumbnail), sft (≤12 + thumbnail).")
    var stage: TilingPreset = .s2

    @Option(help: "Tasks to prepare images for: gen (generation crop), und (tiles + thumbnail), or gen,und.")
    var tasks = "gen,und"

    @Option(help: "Token fold, rows x cols of codes per LLM position.")
    var fold = "2x8"

    @Option(help: "Side of the generation crop and of each tile, in pixels.")
    var size = 512

    @Flag(help: "Decode large JPEGs at a reduced DCT scale that still covers every view (faster; pixels differ from Pillow's).")
    var dctDownscale = false

    @Flag(help: "Redo every shard, even those already done with this configuration.")
    var overwrite = false

    @Option(help: "Fail (exit 3) when more than this share of samples is bad.")
    var maxErrorRate = 1.0

    @OptionGroup var workers: WorkerOptions
    @OptionGroup var decode: DecodeFlags
    @OptionGroup var ranks: RankOptions
    @OptionGroup var publishing: AfterShardOption

    func validate() throws {
        guard TokenFold(parsing: fold) != nil else { throw ValidationError("--fold must look like 2x8, got \(fold)") }
        guard size >= 8 else { throw ValidationError("--size must be at least 8, got \(size)") }
        guard (0...1).contains(maxErrorRate) else { throw ValidationError("--max-error-rate must be between 0 and 1") }
        _ = try parsedTasks()
    }

    func parsedTasks() throws -> [TokenizeTask] {
        try tasks.split(separator: ",").map { word in
            guard let task = TokenizeTask(rawValue: word.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--tasks takes gen, und or gen,und; got \(tasks)")
            }
            return task
        }
    }

    func run() throws {
        let rank = try ranks.resolved()
        let manifest: Manifest
        do { manifest = try Manifest.load(paths: manifests) } catch {
            StandardError.write("error: \(error)\n")
            throw ExitCode(2)
        }
        let weights = try modelFile { try $0.vqWeights(given: vqWeights, preset: vqPreset) }
        let tokenizerPath = try tokenizer.path()

        VQEncoder.keepFreedMemoryForReuse()
        let setup = try TokenizeSetup(
            settings: TokenizeSettings(tasks: try parsedTasks(), tiling: stage, fold: TokenFold(parsing: fold)!, size: size,
                                       dctDownscale: dctDownscale, maxPixels: decode.maxPixels,
                                       maxMemberBytes: decode.maxMemberMib << 20, vqPreset: vqPreset),
            weightsPath: weights, tokenizerPath: tokenizerPath)
        if let seed = setup.randomWeightsSeed {
            StandardError.write("""
            ************************************************************************
            WARNING: \(weights) holds RANDOM VQ weights (vq init --seed \(seed)).
            The codes are fine for trying the pipeline and useless for training:
            pass --vq-weights with a real \(setup.vqConfig.family.rawValue) checkpoint.
            ************************************************************************

            """)
        }
        do { try setup.config.validate() } catch {
            StandardError.write("error: \(error.withFlags)\n")
            throw ExitCode(2)
        }
        let mine = rank.share(of: manifest.shards.count).count
        RankOptions.announce(rank, stage: "tokenize", items: "shards=\(mine) of \(manifest.shards.count)")
        let progress = ProgressReporter(stage: "tokenize", totalShards: mine, rank: rank)
        let summary: TokenizeSummary
        do {
            summary = try setup.run(manifest.shards, into: out, workers: workers.workers, overwrite: overwrite, rank: rank,
                                    afterShard: publishing.hook, interruption: Interruption.watchSignals(), progress: progress)
        } catch let error as TokenizePlanError {
            StandardError.write("error: \(error) \(rank.logFields)\n")
            throw ExitCode(2)
        } catch let error as Interrupted {
            progress.finish()
            StandardError.write("\(error) \(rank.logFields): finished shards stay published, the others left no file; re-run to complete\n")
            throw ExitCode(error.exitStatus)
        }
        progress.finish()
        print(RankOptions.prefixed(Self.report(summary, out: out), rank))
        switch summary.outcome(maxErrorRate: maxErrorRate) {
        case .succeeded: return
        case .failed: throw ExitCode(1)
        case .tooManyBadSamples(let bad, let read):
            StandardError.write("error: \(bad) of \(read) samples are bad, over --max-error-rate \(maxErrorRate)\n")
            throw ExitCode(3)
        }
    }

    static func report(_ s: TokenizeSummary, out: String) -> String {
        var lines = ["tokenized \(s.shards - s.skipped - s.failed.count) shards into \(out) (\(s.skipped) already done, \(s.failed.count) failed)",
                     "samples: \(s.samplesIn) in, \(s.samplesOut) out, \(s.sampleErrors) bad; images: \(s.images)"]
        for (reason, count) in s.errors.sorted(by: { $0.key < $1.key }) { lines.append("  \(reason): \(count)") }
        for (shard, message) in s.failed { lines.append("FAILED \(shard): \(message)") }
        if s.indexWritten { lines.append("every shard of the plan is done: \(out)/index.json written") }
        if !s.notIndexed.isEmpty && s.rank.worldSize == 1 {
            lines.append("index.json not written: \(s.notIndexed.count) shard(s) not done (first: \(s.notIndexed[0]))")
        }
        if s.rank.worldSize > 1 { lines.append("rank \(s.rank.rank) of \(s.rank.worldSize) done; `synergen-prep merge \(out)` writes index.json once every rank is done") }
        if s.wallSeconds > 0 && s.shards > s.skipped {
            lines.append(String(format: "time: %.1f s, %.2f samples/s, %.2f images/s; VQ %.0f%% of shard time (decode + views + text: %.1f s, overlapped)",
                                s.wallSeconds, Double(s.samplesIn - s.skippedSamples) / s.wallSeconds,
                                Double(s.images - s.skippedImages) / s.wallSeconds, 100 * s.vqShare, s.prepareSeconds))
        }
        return lines.joined(separator: "\n")
    }
}
