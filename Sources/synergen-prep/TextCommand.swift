import ArgumentParser
import Foundation
import SynergenPrep

/// `synergen-prep text …`: tokenizer utilities over stdin/stdout, one line in, one line out
/// (the line protocol is `TextLineCodec`'s).
struct TextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Encode / decode text with a Hugging Face tokenizer.json (BPE).",
        subcommands: [Encode.self, Decode.self])

    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read UTF-8 lines on stdin, print one JSON array of token ids per line.")

        @OptionGroup var tokenizer: TokenizerOptions

        @Flag(name: .long, help: "Recognise special tokens (e.g. <|im_end|>) written in the text; by default they are encoded as plain text.")
        var special = false

        func validate() throws { _ = try tokenizer.required() }

        func run() throws {
            var output = BufferedOutput(fileDescriptor: 1)
            try TextLineCodec(tokenizerFile: tokenizer.required())
                .encodeLines(input: LineReader(fileDescriptor: 0), output: &output, parseSpecial: special)
        }
    }

    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read one JSON array of token ids per line on stdin, print the decoded text per line.")

        @OptionGroup var tokenizer: TokenizerOptions

        @Flag(name: .long, help: "Keep special tokens in the output; by default they are skipped.")
        var special = false

        func validate() throws { _ = try tokenizer.required() }

        func run() throws {
            var output = BufferedOutput(fileDescriptor: 1)
            try TextLineCodec(tokenizerFile: tokenizer.required())
                .decodeLines(input: LineReader(fileDescriptor: 0), output: &output, skipSpecial: !special)
        }
    }
}
