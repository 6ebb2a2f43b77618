import Foundation
import Testing
@testable import SynergenPrep

@Suite("Chat templates for SynerGen-VL samples")
struct ChatTemplateTests {
    static func qwen() throws -> (Tokenizer, ChatTemplate) {
        let tok = try TextFixtures.tokenizer("qwen")
        return (tok, try ChatTemplate(tokenizer: tok))
    }

    @Test("image tokens are appended after the last id when missing, in order, and recorded")
    func appendedImageTokens() throws {
        let (tok, template) = try Self.qwen()
        let map = template.imageTokens
        let last = try #require(tok.file.addedTokens.map(\.id).max())
        #expect(tok.vocabularySize == Int(last) + 1)
        #expect(map.boi == last + 1 && map.eoi == last + 2 && map.uncond == last + 3)
        #expect(map.appended == ["<boi>", "<eoi>", "<UNCOND>"])
        #expect(map.vocabularySize == Int(last) + 4)
        let data = try JSONEncoder().encode(map)
        #expect(try JSONDecoder().decode(ImageTokenMap.self, from: data) == map)
    }

    @Test("image tokens already in the vocabulary keep their ids")
    func existingImageTokens() throws {
        let json = #"{"added_tokens":[{"id":3,"content":"<eoi>","special":true,"normalized":false}],"normalizer":null,"pre_tokenizer":null,"decoder":null,"model":{"type":"BPE","vocab":{"a":0,"b":1,"<boi>":2},"merges":[]}}"#
        let tok = Tokenizer(file: try TokenizerFile(bytes: Array(json.utf8)))
        let map = ImageTokenMap.resolve(for: tok)
        #expect(map.boi == 2 && map.eoi == 3 && map.uncond == 4)
        #expect(map.appended == ["<UNCOND>"])
        #expect(map.baseVocabularySize == 4 && map.vocabularySize == 5)
    }

    @Test("understanding: image then instruction; loss on the caption and its end token")
    func understanding() throws {
        let (tok, template) = try Self.qwen()
        let m = template.imageTokens
        let start = try #require(tok.id(forToken: "<|im_start|>"))
        let end = try #require(tok.id(forToken: "<|im_end|>"))
        let segs = template.render(.understanding(caption: "A cat on a mat <|im_end|>."))
        let expected: [TemplateSegment] = [
            .init(segment: .text([start] + tok.encode("user\n") + [m.boi]), carriesLoss: false),
            .init(segment: .image(slot: 0), carriesLoss: false),
            .init(segment: .text([m.eoi] + tok.encode("\nProvide a one-sentence caption for the image:") + [end]
                + tok.encode("\n") + [start] + tok.encode("assistant\n")), carriesLoss: false),
            .init(segment: .text(tok.encode("A cat on a mat <|im_end|>.", parseSpecial: false) + [end]), carriesLoss: true),
            .init(segment: .text(tok.encode("\n")), carriesLoss: false),
        ]
        #expect(segs == expected)
        // The caption's literal "<|im_end|>" is text, not a control token.
        if case let .text(ids) = segs[3].segment { #expect(ids.filter { $0 == end }.count == 1) }
    }

    @Test("generation and unconditional: the image is the loss-carrying answer")
    func generation() throws {
        let (tok, template) = try Self.qwen()
        let m = template.imageTokens
        let start = try #require(tok.id(forToken: "<|im_start|>"))
        let end = try #require(tok.id(forToken: "<|im_end|>"))
        let gen = template.render(.generation(caption: "a red bicycle"))
        let header = [start] + tok.encode("user\n") + tok.encode("Generate an image of \"a red bicycle\".")
            + [end] + tok.encode("\n") + [start] + tok.encode("assistant\n")
        #expect(gen == [
            .init(segment: .text(header), carriesLoss: false),
            .init(segment: .text([m.boi]), carriesLoss: true),
            .init(segment: .image(slot: 0), carriesLoss: true),
            .init(segment: .text([m.eoi, end]), carriesLoss: true),
            .init(segment: .text(tok.encode("\n")), carriesLoss: false),
        ])
        let unc = template.render(.unconditional)
        guard case let .text(first) = unc[0].segment else { Issue.record("expected text"); return }
        let prompt = [start] + tok.encode("user\n") + tok.encode("Here is a random image ") + [m.uncond]
            + tok.encode(":") + [end] + tok.encode("\n") + [start] + tok.encode("assistant\n")
        #expect(first == prompt)
        #expect(unc.dropFirst().map(\.carriesLoss) == [true, true, true, false])
    }

    @Test("prompt wordings are configurable")
    func configurable() throws {
        let tok = try TextFixtures.tokenizer("qwen")
        var config = ChatTemplateConfig()
        config.understandingPrompt = "Describe:"
        config.systemPrompt = "You are helpful."
        let template = try ChatTemplate(tokenizer: tok, config: config)
        let segs = template.render(.understanding(caption: "x"))
        guard case let .text(first) = segs[0].segment, case let .text(third) = segs[2].segment else {
            Issue.record("unexpected layout"); return
        }
        #expect(first.starts(with: [try #require(tok.id(forToken: "<|im_start|>"))] + tok.encode("system\nYou are helpful.")))
        #expect(third.starts(with: [template.imageTokens.eoi] + tok.encode("\nDescribe:")))
        var bad = ChatTemplateConfig()
        bad.turnStart = "<|nope|>"
        #expect(throws: ChatTemplateError.missingToken("<|nope|>")) { _ = try ChatTemplate(tokenizer: tok, config: bad) }
    }
}
