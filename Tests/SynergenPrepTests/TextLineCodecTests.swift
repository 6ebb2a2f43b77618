import Foundation
import Testing
@testable import SynergenPrep

/// `TextLineCodec`, the line protocol of `text encode|decode`, without the executable: single
/// lines, and whole streams through `LineReader` and `BufferedOutput` on temporary files.
@Suite struct TextLineCodecTests {
    static func codec() throws -> TextLineCodec { TextLineCodec(tokenizer: try TextFixtures.tokenizer("qwen")) }

    /// Runs `body` with `input` behind a read descriptor; returns what it wrote to the write
    /// descriptor and the error it threw, if any.
    static func stream(_ input: [UInt8], _ body: (LineReader, inout BufferedOutput) throws -> Void) throws -> (output: [UInt8], error: (any Error)?) {
        let dir = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inURL = dir.appendingPathComponent("in"), outURL = dir.appendingPathComponent("out")
        try Data(input).write(to: inURL)
        try Data().write(to: outURL)
        let inHandle = try FileHandle(forReadingFrom: inURL), outHandle = try FileHandle(forWritingTo: outURL)
        var output = BufferedOutput(fileDescriptor: outHandle.fileDescriptor)
        var thrown: (any Error)?
        do { try body(LineReader(fileDescriptor: inHandle.fileDescriptor, chunkSize: 7), &output) } catch { thrown = error }
        try inHandle.close()
        try outHandle.close()
        return (try Fixtures.bytes(outURL), thrown)
    }

    @Test func encodeLineIsAJSONArrayOfTheIds() throws {
        let codec = try Self.codec()
        let tok = codec.tokenizer
        #expect(codec.encode(line: [], parseSpecial: false) == "[]")
        let ids = tok.encode("Hello world\r", parseSpecial: false)
        #expect(codec.encode(line: Array("Hello world\r".utf8), parseSpecial: false) == "[" + ids.map(String.init).joined(separator: ",") + "]")
        #expect(codec.encode(line: Array("<|im_end|>".utf8), parseSpecial: true) == "[151645]")
        #expect(codec.encode(line: Array("<|im_end|>".utf8), parseSpecial: false) != "[151645]")
        // Invalid UTF-8 is replaced by U+FFFD per maximal invalid subsequence.
        let ffIds = tok.encode("a\u{FFFD}\u{FFFD}b", parseSpecial: false)
        #expect(codec.encode(line: [0x61, 0xFF, 0xC3, 0x62], parseSpecial: false) == "[" + ffIds.map(String.init).joined(separator: ",") + "]")
    }

    @Test func decodeLineAndItsErrors() throws {
        let codec = try Self.codec()
        #expect(try codec.decode(line: Array("[9707]".utf8), lineNumber: 1, skipSpecial: true) == "Hello")
        #expect(try codec.decode(line: Array("[9707, 151645]".utf8), lineNumber: 1, skipSpecial: true) == "Hello")
        #expect(try codec.decode(line: Array("[9707,151645]".utf8), lineNumber: 1, skipSpecial: false) == "Hello<|im_end|>")
        #expect(throws: TextLineError.notTokenIDs(line: 2)) { try codec.decode(line: Array("[1, x]".utf8), lineNumber: 2, skipSpecial: true) }
        #expect(throws: TextLineError.notTokenIDs(line: 3)) { try codec.decode(line: Array("{}".utf8), lineNumber: 3, skipSpecial: true) }
        #expect(throws: TextLineError.undecodable(line: 1, .unknownId(99999999))) {
            try codec.decode(line: Array("[99999999]".utf8), lineNumber: 1, skipSpecial: true)
        }
        #expect(TextLineError.undecodable(line: 1, .unknownId(99999999)).description
                    == "line 1: token id 99999999 is not in the vocabulary")
    }

    @Test func aMissingOrBadTokenizerFileIsNamed() throws {
        let dir = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("tokenizer.json").path
        #expect(throws: TextLineError.unreadableTokenizer(path: missing, reason: "no such file")) { try TextLineCodec(tokenizerFile: missing) }
        try Data(#"{"version": "1.0"}"#.utf8).write(to: URL(fileURLWithPath: missing))
        do { _ = try TextLineCodec(tokenizerFile: missing); Issue.record("no error") } catch {
            guard case .invalidTokenizer(let path, _) = error else { Issue.record("\(error)"); return }
            #expect(path == missing)
            #expect(error.description.hasPrefix("cannot load tokenizer \(missing): malformed tokenizer.json at model"))
        }
    }

    @Test func encodeStreamSplitsOnLFOnly() throws {
        let codec = try Self.codec()
        let input = Array("\n\nHello world\r\n\nlast <|im_end|>".utf8)
        let out = try Self.stream(input) { codec.encodeLines(input: $0, output: &$1, parseSpecial: false) }
        let expected = ["", "", "Hello world\r", "", "last <|im_end|>"].map { codec.encode(line: Array($0.utf8), parseSpecial: false) }
        #expect(out.error == nil)
        #expect(String(decoding: out.output, as: UTF8.self) == expected.joined(separator: "\n") + "\n")
        #expect(try Self.stream([]) { codec.encodeLines(input: $0, output: &$1, parseSpecial: false) }.output.isEmpty)
    }

    @Test func decodeStreamStopsAtTheFirstBadLineAfterWritingTheGoodOnes() throws {
        let codec = try Self.codec()
        let good = try Self.stream(Array("[9707]\n[]\n[9707,151645]".utf8)) { try codec.decodeLines(input: $0, output: &$1, skipSpecial: true) }
        #expect(good.error == nil)
        #expect(String(decoding: good.output, as: UTF8.self) == "Hello\n\nHello\n")
        let bad = try Self.stream(Array("[9707]\n[1, x]\n[9707]\n".utf8)) { try codec.decodeLines(input: $0, output: &$1, skipSpecial: true) }
        #expect(bad.error as? TextLineError == .notTokenIDs(line: 2))
        #expect(String(decoding: bad.output, as: UTF8.self) == "Hello\n")
    }
}
