/// The `post_processor` of `tokenizer.json`, used only when the caller asks to add
/// special tokens (`addSpecialTokens: true`). `ByteLevel` only adjusts offsets, so it
/// adds nothing to ids; `TemplateProcessing` is supported for single sequences.
public enum PostProcessor: Sendable, Equatable {
    case none
    /// Ids to put before and after the encoded sequence.
    case template(before: [Int32], after: [Int32])

    static func from(json: JSONValue?) throws(TokenizerError) -> PostProcessor {
        guard let json, !json.isNull else { return .none }
        guard let type = json["type"]?.string else {
            throw .malformed(path: "post_processor", reason: "missing \"type\"")
        }
        switch type {
        case "ByteLevel":
            return .none
        case "TemplateProcessing":
            guard let single = json["single"]?.array else {
                throw .malformed(path: "post_processor.single", reason: "expected array")
            }
            let specials = json["special_tokens"]
            var before: [Int32] = [], after: [Int32] = []
            var seenSequence = false
            for (i, item) in single.enumerated() {
                if let seq = item["Sequence"] {
                    guard seq["id"]?.string == "A", !seenSequence else {
                        throw .unsupported(component: "post_processor", type: "TemplateProcessing single item \(i)")
                    }
                    seenSequence = true
                } else if let name = item["SpecialToken"]?["id"]?.string {
                    guard let ids = specials?[name]?["ids"]?.array else {
                        throw .malformed(path: "post_processor.special_tokens.\(name)", reason: "missing ids")
                    }
                    for v in ids {
                        guard let id = v.int, (0..<Int(Int32.max)).contains(id) else { throw .malformed(path: "post_processor.special_tokens.\(name).ids", reason: "expected integers") }
                        if seenSequence { after.append(Int32(id)) } else { before.append(Int32(id)) }
                    }
                } else {
                    throw .malformed(path: "post_processor.single[\(i)]", reason: "expected Sequence or SpecialToken")
                }
            }
            return .template(before: before, after: after)
        default:
            throw .unsupported(component: "post_processor", type: type)
        }
    }
}
