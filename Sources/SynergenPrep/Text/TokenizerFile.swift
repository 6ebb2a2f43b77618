import Foundation

/// The parsed, validated content of a Hugging Face `tokenizer.json` whose model is
/// BPE. Every component is checked while loading: anything this implementation
/// cannot reproduce exactly raises `TokenizerError.unsupported` naming it.
public struct TokenizerFile: Sendable {
    public var normalizer: Normalizer?
    public var preTokenizer: PreTokenizer
    public var model: BPEModel
    public var decoder: TokenDecoder?
    public var postProcessor: PostProcessor
    public var addedTokens: [AddedToken]

    /// Reads and parses a `tokenizer.json` file.
    public init(contentsOf url: URL) throws(TokenizerError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadableFile(path: url.path, reason: "\(error)")
        }
        try self.init(bytes: [UInt8](data))
    }

    /// Parses the bytes of a `tokenizer.json` document.
    public init(bytes: [UInt8]) throws(TokenizerError) {
        let json = try JSONValue.parse(bytes)
        guard json.members != nil else { throw .malformed(path: "$", reason: "expected a JSON object") }
        for key in ["truncation", "padding"] {
            if let v = json[key], !v.isNull {
                throw .unsupported(component: key, type: "\(key) settings (ids are never padded or truncated here)")
            }
        }
        if let n = json["normalizer"], !n.isNull {
            normalizer = try Normalizer.from(json: n, path: "normalizer")
        }
        preTokenizer = try PreTokenizer.from(json: json["pre_tokenizer"])
        guard let m = json["model"] else { throw .malformed(path: "model", reason: "missing") }
        model = try BPEModel.from(json: m)
        if let d = json["decoder"], !d.isNull {
            decoder = try TokenDecoder.from(json: d, path: "decoder")
        }
        postProcessor = try PostProcessor.from(json: json["post_processor"])
        addedTokens = []
        for (i, t) in (json["added_tokens"]?.array ?? []).enumerated() {
            guard let id = t["id"]?.int, (0..<Int(Int32.max)).contains(id), let content = t["content"]?.stringBytes else {
                throw .malformed(path: "added_tokens[\(i)]", reason: "needs id and content")
            }
            let special = t["special"]?.bool ?? false
            addedTokens.append(AddedToken(
                id: Int32(id), content: content,
                singleWord: t["single_word"]?.bool ?? false,
                lstrip: t["lstrip"]?.bool ?? false,
                rstrip: t["rstrip"]?.bool ?? false,
                normalized: t["normalized"]?.bool ?? !special,
                special: special))
        }
    }
}
