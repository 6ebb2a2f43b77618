import Foundation

/// The line protocol of `synergen-prep text encode|decode`: one output line per input line.
///
/// Encoding reads a line of text (invalid UTF-8 replaced by U+FFFD per maximal invalid
/// subsequence, like Python's `bytes.decode("utf-8", errors="replace")`) and writes its ids as a
/// JSON array without spaces (`[9707,1879]`); decoding reads such an array and writes the text.
/// Lines are split on LF only (a CR stays part of the line).
public struct TextLineCodec: Sendable {
    public let tokenizer: Tokenizer

    public init(tokenizer: Tokenizer) { self.tokenizer = tokenizer }

    /// Loads `path` (a Hugging Face tokenizer.json), naming the file in any error.
    public init(tokenizerFile path: String) throws(TextLineError) {
        do {
            tokenizer = try Tokenizer(contentsOf: URL(fileURLWithPath: path))
        } catch .unreadableFile(let file, let reason) {
            throw .unreadableTokenizer(path: file, reason: FileManager.default.fileExists(atPath: file) ? reason : "no such file")
        } catch {
            throw .invalidTokenizer(path: path, error)
        }
    }

    /// The ids of one line of text, as a JSON array; `parseSpecial` recognises special tokens written in the text.
    public func encode(line: [UInt8], parseSpecial: Bool) -> String {
        let ids = tokenizer.encode(UTF8Input.lossyString(line), parseSpecial: parseSpecial)
        var out = "["
        for (i, id) in ids.enumerated() {
            if i > 0 { out += "," }
            out += String(id)
        }
        return out + "]"
    }

    /// The text of one line holding a JSON array of ids (`lineNumber` counts from 1, for the error).
    public func decode(line: [UInt8], lineNumber: Int, skipSpecial: Bool) throws(TextLineError) -> String {
        let ids: [Int32]
        do { ids = try JSONDecoder().decode([Int32].self, from: Data(line)) } catch { throw .notTokenIDs(line: lineNumber) }
        do { return try tokenizer.decode(ids, skipSpecial: skipSpecial) } catch { throw .undecodable(line: lineNumber, error) }
    }

    /// `text encode`: every line of `input`, its ids written to `output`.
    public func encodeLines(input: LineReader, output: inout BufferedOutput, parseSpecial: Bool) {
        input.forEachLine { line in
            output.write(encode(line: line, parseSpecial: parseSpecial))
            output.write("\n")
        }
        output.flush()
    }

    /// `text decode`: every line of `input`, its text written to `output`; at the first bad line the
    /// text of the lines before it is written, the rest of the input read and the error thrown.
    public func decodeLines(input: LineReader, output: inout BufferedOutput, skipSpecial: Bool) throws(TextLineError) {
        var lineNumber = 0
        var failure: TextLineError?
        input.forEachLine { line in
            guard failure == nil else { return }
            lineNumber += 1
            do throws(TextLineError) {
                output.write(try decode(line: line, lineNumber: lineNumber, skipSpecial: skipSpecial))
                output.write("\n")
            } catch {
                failure = error
            }
        }
        output.flush()
        if let failure { throw failure }
    }
}
