import ArgumentParser
import Foundation
import SynergenPrep

/// `synergen-prep text …`: tokenizer utilities over stdin/stdout.
///
/// Input lines are split on LF only (a CR stays part of the line). Bytes that are not
/// valid UTF-8 are replaced by U+FFFD per maximal invalid subsequence — the same
/// result as Python's `bytes.decode("utf-8", errors="replace")`.
struct TextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Encode / decode text with a Hugging Face tokenizer.json (BPE).",
        subcommands: [Encode.self, Decode.self])

    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read UTF-8 lines on stdin, print one JSON array of token ids per line.")

        @Option(name: .long, help: "Path to tokenizer.json.")
        var tokenizer: String

        @Flag(name: .long, help: "Recognise special tokens (e.g. <|im_end|>) written in the text; by default they are encoded as plain text.")
        var special = false

        func run() throws {
            let tok = try loadTokenizer(tokenizer)
            var out = OutputBuffer()
            forEachLine { line in
                let text = UTF8Input.lossyString(line)
                let ids = tok.encode(text, parseSpecial: special)
                out.write("[")
                for (i, id) in ids.enumerated() {
                    if i > 0 { out.write(",") }
                    out.write(String(id))
                }
                out.write("]\n")
            }
            out.flush()
        }
    }

    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read one JSON array of token ids per line on stdin, print the decoded text per line.")

        @Option(name: .long, help: "Path to tokenizer.json.")
        var tokenizer: String

        @Flag(name: .long, help: "Keep special tokens in the output; by default they are skipped.")
        var special = false

        func run() throws {
            let tok = try loadTokenizer(tokenizer)
            var out = OutputBuffer()
            var lineNumber = 0
            var failure: Error?
            forEachLine { line in
                guard failure == nil else { return }
                lineNumber += 1
                do {
                    let ids = try JSONDecoder().decode([Int32].self, from: Data(line))
                    out.write(try tok.decode(ids, skipSpecial: !special))
                    out.write("\n")
                } catch let error as TokenizerError {
                    failure = TextCommandFailure(message: "line \(lineNumber): \(error)")
                } catch {
                    failure = TextCommandFailure(message: "line \(lineNumber): expected a JSON array of integer token ids")
                }
            }
            out.flush()
            if let failure { throw failure }
        }
    }
}

/// A failure reported as `Error: <message>` with exit status 1 (no usage text).
struct TextCommandFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Loads a tokenizer.json, naming the file in any error.
private func loadTokenizer(_ path: String) throws -> Tokenizer {
    do {
        return try Tokenizer(contentsOf: URL(fileURLWithPath: path))
    } catch .unreadableFile(let p, let reason) {
        let why = FileManager.default.fileExists(atPath: p) ? reason : "no such file"
        throw TextCommandFailure(message: "cannot read tokenizer file \(p): \(why)")
    } catch {
        throw TextCommandFailure(message: "cannot load tokenizer \(path): \(error)")
    }
}

/// Calls `body` with each LF-terminated line of stdin (without the LF).
private func forEachLine(_ body: ([UInt8]) -> Void) {
    var pending: [UInt8] = []
    let chunk = 1 << 16
    var buf = [UInt8](repeating: 0, count: chunk)
    while true {
        let n = buf.withUnsafeMutableBytes { read(0, $0.baseAddress, chunk) }
        if n <= 0 { break }
        var start = 0
        for i in 0..<n where buf[i] == 0x0A {
            pending.append(contentsOf: buf[start..<i])
            body(pending)
            pending.removeAll(keepingCapacity: true)
            start = i + 1
        }
        pending.append(contentsOf: buf[start..<n])
    }
    if !pending.isEmpty { body(pending) }
}

/// Buffered stdout writer.
private struct OutputBuffer {
    private var bytes: [UInt8] = []

    mutating func write(_ s: String) {
        bytes.append(contentsOf: s.utf8)
        if bytes.count > 1 << 16 { flush() }
    }

    mutating func flush() {
        bytes.withUnsafeBytes { p in
            var off = 0
            while off < p.count {
                let w = Foundation.write(1, p.baseAddress! + off, p.count - off)
                if w <= 0 { break }
                off += w
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }
}
