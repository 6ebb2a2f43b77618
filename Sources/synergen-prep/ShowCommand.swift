import ArgumentParser
import Foundation
import SynergenPrep

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print one packed sequence for a person: decoded text, image positions, document boundaries, loss spans (⟦…⟧)."
    )

    @Argument(help: "A folder written by `pack`.")
    var folder: String

    @Option(help: "Sequence number in the folder (shards in index order).")
    var seq = 0

    @OptionGroup var tokenizer: TokenizerOptions

    @Flag(help: "Print the sequence's arrays as one JSON object (ids, modality, loss, position_ids, codes, cu_seqlens, documents, images) instead.")
    var json = false

    /// Refuses a `--seq` outside the folder before any other work, for the listing and `--json` alike.
    func validate() throws {
        let count = try PackedDataset(folder: folder).count
        guard seq >= 0 && seq < count else {
            StandardError.write("error: --seq \(seq): the folder holds \(count) sequences\n")
            throw ExitCode(2)
        }
    }

    func run() throws {
        let data = try PackedDataset(folder: folder)
        if json {
            print(try SequenceListing.json(try data.sequence(seq)))
            return
        }
        let path = try tokenizer.path()
        let sha = try SHA256.hex(file: path)
        if sha != data.index.config.tokenizerSHA256 {
            StandardError.write("error: \(path) is not the tokenizer the folder was packed with (SHA-256 \(sha), index says \(data.index.config.tokenizerSHA256))\n")
            throw ExitCode(2)
        }
        let text = try Tokenizer(contentsOf: URL(fileURLWithPath: path))
        print(SequenceListing.render(try data.sequence(seq), config: data.index.config, tokenizer: text))
    }
}
