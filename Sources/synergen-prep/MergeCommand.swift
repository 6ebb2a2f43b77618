import ArgumentParser
import SynergenPrep

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Validate a folder several ranks wrote (tokenized or packed) and write its index.json.",
        discussion: """
        Checks every item of the job — every planned tokenized shard, or every pack group — is done with \
        one configuration and its files have the recorded size, SHA-256 and record count; then writes the \
        index.json a single-rank run writes (same bytes). Otherwise writes nothing and reports, per rank, \
        what is missing or wrong. Exit status: 0 when every folder was merged; 1 otherwise.
        """
    )

    @Argument(help: "Folders written by `tokenize` or `pack` ranks (each merged on its own, in order).")
    var folders: [String]

    @Flag(help: "Check sizes only, not SHA-256 and record counts (faster on huge folders).")
    var noVerify = false

    func run() throws {
        var failed = false
        for folder in folders {
            let outcome = try FolderMerge(folder: folder, verify: !noVerify).run()
            print(outcome.report)
            failed = failed || !outcome.succeeded
        }
        if failed { throw ExitCode(1) }
    }
}
