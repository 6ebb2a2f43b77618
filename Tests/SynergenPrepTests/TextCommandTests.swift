import Foundation
import Testing
@testable import SynergenPrep

/// End-to-end tests of `synergen-prep text encode|decode`: the real built binary (found
/// beside the test bundle, as `Fixtures.executable`) fed on stdin from a file, its output
/// compared with the ids and strings that the `tokenizers` package produced for the
/// fixtures (`make test-fixtures`).
@Suite("text encode / decode command line", .serialized)
struct TextCommandTests {
    struct Result {
        let status: Int32
        let stdout: [UInt8]
        let stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
        /// stdout split at LF, the final LF removed.
        var lines: [String] {
            var t = text
            if t.hasSuffix("\n") { t.removeLast() }
            return t.isEmpty && stdout.isEmpty ? [] : t.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// Runs the CLI with `stdin` as its standard input (through a temporary file);
    /// stdout and stderr go to files too, so a large output cannot block the pipe.
    static func run(_ arguments: [String], stdin: [UInt8]) throws -> Result {
        let dir = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("stdin"), output = dir.appendingPathComponent("stdout"),
            errors = dir.appendingPathComponent("stderr")
        try Data(stdin).write(to: input)
        try Data().write(to: output)
        try Data().write(to: errors)
        let exe = Fixtures.executable
        guard FileManager.default.isExecutableFile(atPath: exe.path) else {
            Issue.record("synergen-prep binary not found beside the test bundle (\(exe.path)); run `swift build` first")
            throw FixtureMissing()
        }
        let process = Process()
        process.executableURL = exe
        process.arguments = arguments
        let inHandle = try FileHandle(forReadingFrom: input)
        let outHandle = try FileHandle(forWritingTo: output)
        let errHandle = try FileHandle(forWritingTo: errors)
        process.standardInput = inHandle
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        process.waitUntilExit()
        try? inHandle.close(); try? outHandle.close(); try? errHandle.close()
        return Result(status: process.terminationStatus,
                      stdout: [UInt8](try Data(contentsOf: output)),
                      stderr: String(decoding: try Data(contentsOf: errors), as: UTF8.self))
    }

    static func tokenizerPath(_ name: String) throws -> String {
        try TextFixtures.url("\(name)/tokenizer.json").path
    }

    /// One JSON array of ids per line, as the CLI prints them.
    static func parseIds(_ line: String) -> [Int32]? {
        guard let a = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [NSNumber] else { return nil }
        return a.map { $0.int32Value }
    }

    static func idsLine(_ ids: [Int32]) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    @Test("encode: the corpus gives the expected ids, with and without --special", arguments: TextTokenizerParityTests.names)
    func encodeCorpus(name: String) throws {
        let corpus = try TextFixtures.corpus()
        let exp = try #require(TextFixtures.json("\(name)/expected.json") as? [String: Any])
        let parse = try TextFixtures.ids(exp["parse_special"])
        let plain = try TextFixtures.ids(exp["plain"])
        // Lines are LF-separated on stdin; corpus entries with an LF cannot be one line.
        let rows = corpus.indices.filter { !corpus[$0].utf8.contains(0x0A) }
        #expect(rows.count > 3000)
        #expect(rows.contains { corpus[$0].isEmpty })
        let input = Array(rows.map { corpus[$0] }.joined(separator: "\n").utf8) + [0x0A]
        for special in [false, true] {
            let r = try Self.run(["text", "encode", "--tokenizer", Self.tokenizerPath(name)] + (special ? ["--special"] : []), stdin: input)
            #expect(r.status == 0, "stderr: \(r.stderr)")
            let lines = r.lines
            try #require(lines.count == rows.count, "\(name) special=\(special): \(lines.count) output lines for \(rows.count) input lines")
            var bad = 0
            for (k, i) in rows.enumerated() {
                let want = special ? parse[i] : plain[i]
                if lines[k] != Self.idsLine(want) {
                    bad += 1
                    if bad <= 5 { Issue.record("\(name) special=\(special) line \(i) \(corpus[i].debugDescription.prefix(80)): got \(lines[k].prefix(200)) expected \(want.prefix(40))") }
                }
            }
            #expect(bad == 0)
        }
    }

    @Test("encode: empty lines, CR kept, no final LF")
    func encodeLines() throws {
        let path = try Self.tokenizerPath("qwen")
        let tok = try TextFixtures.tokenizer("qwen")
        let r = try Self.run(["text", "encode", "--tokenizer", path], stdin: Array("\n\nHello world\r\n\nlast <|im_end|>".utf8))
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.lines == ["[]", "[]", Self.idsLine(tok.encode("Hello world\r", parseSpecial: false)), "[]",
                            Self.idsLine(tok.encode("last <|im_end|>", parseSpecial: false))])
        let s = try Self.run(["text", "encode", "--tokenizer", path, "--special"], stdin: Array("last <|im_end|>\n".utf8))
        #expect(s.lines == [Self.idsLine(tok.encode("last <|im_end|>", parseSpecial: true))])
        #expect(s.lines.first?.hasSuffix(",151645]") == true)
        let empty = try Self.run(["text", "encode", "--tokenizer", path], stdin: [])
        #expect(empty.status == 0 && empty.stdout.isEmpty)
    }

    @Test("encode: invalid UTF-8 on stdin is replaced by U+FFFD like Python errors=\"replace\"", arguments: TextTokenizerParityTests.names)
    func encodeInvalidUTF8(name: String) throws {
        let rows = try #require(TextFixtures.json("utf8.json") as? [[String]])
        let ids = try #require(TextFixtures.json("utf8_ids.json") as? [String: Any])
        let expected = try TextFixtures.ids(ids[name])
        try #require(expected.count == rows.count)
        var input: [UInt8] = []
        var kept: [Int] = []
        for (i, r) in rows.enumerated() {
            var bytes: [UInt8] = []
            var it = r[0].makeIterator()
            while let h = it.next(), let l = it.next() { bytes.append(UInt8(String([h, l]), radix: 16)!) }
            if bytes.contains(0x0A) { continue }  // would be two lines
            kept.append(i)
            input += bytes + [0x0A]
        }
        #expect(kept.count > 250)
        #expect(kept.filter { rows[$0][1].unicodeScalars.contains("\u{FFFD}") }.count > 200)
        let r = try Self.run(["text", "encode", "--tokenizer", Self.tokenizerPath(name)], stdin: input)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        try #require(r.lines.count == kept.count)
        for (k, i) in kept.enumerated() {
            #expect(r.lines[k] == Self.idsLine(expected[i]), "bytes \(rows[i][0])")
        }
    }

    @Test("decode: ids give the expected strings, special tokens skipped unless --special", arguments: TextTokenizerParityTests.names)
    func decode(name: String) throws {
        let exp = try #require(TextFixtures.json("\(name)/expected.json") as? [String: Any])
        let parse = try TextFixtures.ids(exp["parse_special"])
        let decoded = try #require(exp["decoded"] as? [String])
        let decodedSkip = try #require(exp["decoded_skip_special"] as? [String])
        let randomIds = try TextFixtures.ids(exp["random_ids"])
        let randomDecoded = try #require(exp["random_decoded"] as? [String])
        // Output is one line per input line: keep the rows whose text has no LF.
        let rows = parse.indices.filter { !decoded[$0].utf8.contains(0x0A) && !decodedSkip[$0].utf8.contains(0x0A) }
        let randomRows = randomIds.indices.filter { !randomDecoded[$0].utf8.contains(0x0A) }
        #expect(rows.count > 3000 && randomRows.count > 900)
        let input = Array((rows.map { Self.idsLine(parse[$0]) }.joined(separator: "\n") + "\n").utf8)
        let path = try Self.tokenizerPath(name)

        let skip = try Self.run(["text", "decode", "--tokenizer", path], stdin: input)
        #expect(skip.status == 0, "stderr: \(skip.stderr)")
        #expect(skip.stdout == Array((rows.map { decodedSkip[$0] }.joined(separator: "\n") + "\n").utf8))

        let keep = try Self.run(["text", "decode", "--tokenizer", path, "--special"], stdin: input)
        #expect(keep.status == 0, "stderr: \(keep.stderr)")
        #expect(keep.stdout == Array((rows.map { decoded[$0] }.joined(separator: "\n") + "\n").utf8))

        let randomInput = Array((randomRows.map { Self.idsLine(randomIds[$0]) }.joined(separator: "\n") + "\n").utf8)
        let random = try Self.run(["text", "decode", "--tokenizer", path, "--special"], stdin: randomInput)
        #expect(random.status == 0, "stderr: \(random.stderr)")
        #expect(random.stdout == Array((randomRows.map { randomDecoded[$0] }.joined(separator: "\n") + "\n").utf8))
    }

    @Test("encode then decode round-trips plain text")
    func roundTrip() throws {
        let path = try Self.tokenizerPath("qwen")
        let text = "Hello world\nCafé 中文 😀\n\n  spaced  out\n"
        let enc = try Self.run(["text", "encode", "--tokenizer", path], stdin: Array(text.utf8))
        #expect(enc.status == 0)
        let dec = try Self.run(["text", "decode", "--tokenizer", path], stdin: enc.stdout)
        #expect(dec.status == 0, "stderr: \(dec.stderr)")
        #expect(dec.text == text)
    }

    @Test("a bad tokenizer file is a clear error with a non-zero exit", arguments: [
        ("missing", "no such file"),
        ("not json", "invalid JSON"),
        ("no model", "malformed tokenizer.json at model"),
        ("WordPiece", "unsupported model in tokenizer.json: WordPiece"),
    ])
    func badTokenizer(kind: String, message: String) throws {
        let dir = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tokenizer.json")
        switch kind {
        case "missing": break
        case "not json": try Data(#"{"version": "1.0", "model": "#.utf8).write(to: file)
        case "no model": try Data(#"{"version": "1.0"}"#.utf8).write(to: file)
        default:
            try Data(#"{"version":"1.0","added_tokens":[],"normalizer":null,"pre_tokenizer":null,"post_processor":null,"decoder":null,"model":{"type":"WordPiece","vocab":{}}}"#.utf8).write(to: file)
        }
        for sub in ["encode", "decode"] {
            let r = try Self.run(["text", sub, "--tokenizer", file.path], stdin: Array("[1]\n".utf8))
            #expect(r.status != 0, "\(sub) \(kind)")
            #expect(r.stdout.isEmpty)
            #expect(r.stderr.contains(message), "\(sub) \(kind): stderr \(r.stderr.debugDescription)")
            #expect(r.stderr.contains(file.path), "\(sub) \(kind): the error names the file: \(r.stderr.debugDescription)")
            #expect(!r.stderr.contains("Usage:"), "\(sub) \(kind): no usage text for a file error")
        }
    }

    @Test("decode: a bad input line is an error naming the line, after the good lines")
    func badDecodeInput() throws {
        let path = try Self.tokenizerPath("qwen")
        let notJSON = try Self.run(["text", "decode", "--tokenizer", path], stdin: Array("[9707]\n[1, x]\n[9707]\n".utf8))
        #expect(notJSON.status != 0)
        #expect(notJSON.text == "Hello\n")
        #expect(notJSON.stderr.contains("line 2"), "stderr \(notJSON.stderr.debugDescription)")
        let unknown = try Self.run(["text", "decode", "--tokenizer", path], stdin: Array("[99999999]\n".utf8))
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("line 1: token id 99999999 is not in the vocabulary"), "stderr \(unknown.stderr.debugDescription)")
        let noTokenizer = try Self.run(["text", "encode"], stdin: [])
        #expect(noTokenizer.status != 0)
        #expect(noTokenizer.stderr.contains("--tokenizer"))
    }
}
