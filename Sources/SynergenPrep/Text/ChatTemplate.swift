import Foundation

/// One piece of a rendered training sample: text ids, or a placeholder where the
/// image tokens of `slot` go (this stage does not know the image's size).
public enum ChatSegment: Codable, Sendable, Equatable {
    case text([Int32])
    case image(slot: Int)
}

/// A segment plus whether it is a training target (loss is computed on it).
public struct TemplateSegment: Codable, Sendable, Equatable {
    public var segment: ChatSegment
    /// True for the assistant answer and its end token.
    public var carriesLoss: Bool
}

/// The SynerGen-VL sample layouts.
public enum SampleLayout: Sendable, Equatable {
    /// User turn: image then the instruction; assistant turn: the caption.
    case understanding(caption: String)
    /// User turn: the generation prompt with the caption; assistant turn: the image.
    case generation(caption: String)
    /// User turn: the unconditional prompt (with `<UNCOND>`); assistant turn: the image.
    case unconditional
}

/// Errors raised by `ChatTemplate`.
public enum ChatTemplateError: Error, Equatable, CustomStringConvertible {
    /// A turn delimiter is not a single token of the vocabulary.
    case missingToken(String)

    public var description: String {
        switch self {
        case let .missingToken(t): return "chat template token \(t.debugDescription) is not in the tokenizer vocabulary"
        }
    }
}

/// Wording and delimiters of the chat template (ChatML by default, as InternLM2 and Qwen use).
public struct ChatTemplateConfig: Codable, Sendable, Equatable {
    public var turnStart = "<|im_start|>"
    public var turnEnd = "<|im_end|>"
    public var userRole = "user"
    public var assistantRole = "assistant"
    /// Optional system turn placed before the user turn.
    public var systemPrompt: String? = nil
    public var understandingPrompt = "Provide a one-sentence caption for the image:"
    /// `{caption}` is replaced by the caption.
    public var generationPrompt = "Generate an image of \"{caption}\"."
    /// `<UNCOND>` marks where the unconditional token goes.
    public var unconditionalPrompt = "Here is a random image <UNCOND>:"

    public init() {}
}

/// Renders SynerGen-VL samples into text ids and image placeholders with loss flags.
///
/// ChatML layout (`⟨image⟩` = `<boi>`, image slot, `<eoi>`):
/// `<|im_start|>user\n⟨image⟩\nPROMPT<|im_end|>\n<|im_start|>assistant\nCAPTION<|im_end|>\n` for
/// understanding; generation puts the prompt in the user turn and `⟨image⟩` as the answer.
/// The answer and its `<|im_end|>` carry loss; the final `\n` does not. Caption text is
/// encoded with special-token parsing off, so a caption cannot inject control tokens.
public struct ChatTemplate: Sendable {
    public let tokenizer: Tokenizer
    public let config: ChatTemplateConfig
    public let imageTokens: ImageTokenMap
    private let turnStart: Int32
    private let turnEnd: Int32

    public init(tokenizer: Tokenizer, config: ChatTemplateConfig = ChatTemplateConfig(),
                imageTokens: ImageTokenMap? = nil) throws(ChatTemplateError) {
        self.tokenizer = tokenizer
        self.config = config
        self.imageTokens = imageTokens ?? ImageTokenMap.resolve(for: tokenizer)
        guard let s = tokenizer.id(forToken: config.turnStart) else { throw .missingToken(config.turnStart) }
        guard let e = tokenizer.id(forToken: config.turnEnd) else { throw .missingToken(config.turnEnd) }
        turnStart = s
        turnEnd = e
    }

    /// Renders one sample. The single image is `slot` 0.
    public func render(_ layout: SampleLayout) -> [TemplateSegment] {
        var out = Builder(tokenizer: tokenizer)
        if let system = config.systemPrompt {
            out.ids([turnStart]); out.text("system\n" + system); out.ids([turnEnd]); out.text("\n")
        }
        out.ids([turnStart]); out.text(config.userRole + "\n")
        switch layout {
        case let .understanding(caption):
            out.image(imageTokens, loss: false)
            out.text("\n" + config.understandingPrompt)
            openAssistant(&out)
            out.text(caption, loss: true)
        case let .generation(caption):
            out.text(config.generationPrompt.replacingAll("{caption}", with: caption))
            openAssistant(&out)
            out.image(imageTokens, loss: true)
        case .unconditional:
            let parts = config.unconditionalPrompt.components(separatedBy: ImageTokenMap.uncondToken)
            for (i, p) in parts.enumerated() {
                if i > 0 { out.ids([imageTokens.uncond]) }
                out.text(p)
            }
            openAssistant(&out)
            out.image(imageTokens, loss: true)
        }
        out.ids([turnEnd], loss: true)
        out.text("\n")
        return out.segments
    }

    private func openAssistant(_ out: inout Builder) {
        out.ids([turnEnd]); out.text("\n"); out.ids([turnStart]); out.text(config.assistantRole + "\n")
    }

    /// Accumulates segments, merging adjacent text with the same loss flag.
    private struct Builder {
        let tokenizer: Tokenizer
        var segments: [TemplateSegment] = []

        mutating func text(_ s: String, loss: Bool = false) {
            if s.isEmpty { return }
            ids(tokenizer.encode(s, parseSpecial: false), loss: loss)
        }

        mutating func ids(_ ids: [Int32], loss: Bool = false) {
            if ids.isEmpty { return }
            if let last = segments.last, last.carriesLoss == loss, case let .text(prev) = last.segment {
                segments[segments.count - 1].segment = .text(prev + ids)
            } else {
                segments.append(TemplateSegment(segment: .text(ids), carriesLoss: loss))
            }
        }

        mutating func image(_ map: ImageTokenMap, loss: Bool) {
            ids([map.boi], loss: loss)
            segments.append(TemplateSegment(segment: .image(slot: 0), carriesLoss: loss))
            ids([map.eoi], loss: loss)
        }
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        components(separatedBy: target).joined(separator: replacement)
    }
}
