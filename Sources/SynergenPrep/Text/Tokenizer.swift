import Foundation

/// A Hugging Face–compatible BPE tokenizer: added-token extraction, normaliser,
/// pre-tokenizer, BPE model and decoder, producing the same ids as the `tokenizers`
/// library. Immutable and `Sendable`: share one instance between threads.
public struct Tokenizer: Sendable {
    public let file: TokenizerFile
    private let rawMatcher: AddedTokenMatcher
    private let normalizedMatcher: AddedTokenMatcher
    private let addedById: [Int32: AddedToken]
    private let addedByContent: [[UInt8]: Int32]

    /// Loads a `tokenizer.json` file.
    public init(contentsOf url: URL) throws(TokenizerError) {
        self.init(file: try TokenizerFile(contentsOf: url))
    }

    /// Builds a tokenizer from a parsed file.
    public init(file: TokenizerFile) {
        self.file = file
        // Special tokens first, then the others (the Rust library's pattern order).
        let ordered = file.addedTokens.filter { $0.special } + file.addedTokens.filter { !$0.special }
        let raw = ordered.filter { !$0.normalized }
        let norm = ordered.filter { $0.normalized }
        rawMatcher = AddedTokenMatcher(tokens: raw, patterns: raw.map { $0.content })
        normalizedMatcher = AddedTokenMatcher(
            tokens: norm, patterns: norm.map { file.normalizer?.apply($0.content) ?? $0.content })
        var byId: [Int32: AddedToken] = [:]
        var byContent: [[UInt8]: Int32] = [:]
        for t in file.addedTokens {
            byContent[t.content] = t.id
            // Like the Rust library, a `normalized` added token is spelled in its
            // normalised form when decoding (e.g. `cat` → `▁cat` with a Prepend normaliser).
            var spelled = t
            if t.normalized, let n = file.normalizer { spelled.content = n.apply(t.content) }
            byId[t.id] = spelled
        }
        addedById = byId
        addedByContent = byContent
    }

    /// One past the largest id (model vocabulary and added tokens).
    public var vocabularySize: Int {
        max(file.model.idToToken.count, Int((file.addedTokens.map(\.id).max() ?? -1) + 1))
    }

    /// The id of a token given its exact spelling (added tokens first, then the model).
    public func id(forToken token: String) -> Int32? {
        let b = Array(token.utf8)
        return addedByContent[b] ?? file.model.vocab[b]
    }

    /// The spelling of an id, if it exists.
    public func token(forId id: Int32) -> String? {
        if let t = addedById[id] { return t.contentString }
        return file.model.token(for: id).map { String(decoding: $0, as: UTF8.self) }
    }

    /// True when `id` is a special added token.
    public func isSpecial(_ id: Int32) -> Bool { addedById[id]?.special ?? false }

    /// Encodes text.
    /// - Parameters:
    ///   - parseSpecial: recognise special tokens written in the text (the `tokenizers`
    ///     default). When false they are tokenised as ordinary text (like
    ///     `encode_special_tokens = True`), which is what untrusted captions need.
    ///   - addSpecialTokens: apply the post-processor template (e.g. a BOS token).
    public func encode(_ text: String, parseSpecial: Bool = true, addSpecialTokens: Bool = false) -> [Int32] {
        encode(utf8: Array(text.utf8), parseSpecial: parseSpecial, addSpecialTokens: addSpecialTokens)
    }

    /// Encodes valid UTF-8 bytes (see `encode(_:parseSpecial:addSpecialTokens:)`).
    public func encode(utf8 bytes: [UInt8], parseSpecial: Bool = true, addSpecialTokens: Bool = false) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(bytes.count / 3 + 4)
        if addSpecialTokens, case let .template(before, _) = file.postProcessor { out += before }
        var buffer: [UInt8] = []
        var words: [Range<Int>] = []
        for seg in rawMatcher.split(bytes, skipSpecial: !parseSpecial) {
            switch seg {
            case let .token(id):
                out.append(id)
            case let .text(r):
                let atOrigin = r.lowerBound == 0
                let normalized: [UInt8]
                if let n = file.normalizer { normalized = n.apply(Array(bytes[r])) } else { normalized = Array(bytes[r]) }
                for seg2 in normalizedMatcher.split(normalized, skipSpecial: !parseSpecial) {
                    switch seg2 {
                    case let .token(id):
                        out.append(id)
                    case let .text(r2):
                        buffer.removeAll(keepingCapacity: true)
                        words.removeAll(keepingCapacity: true)
                        let piece = r2.count == normalized.count ? normalized : Array(normalized[r2])
                        file.preTokenizer.run(piece, atOrigin: atOrigin && r2.lowerBound == 0, buffer: &buffer, words: &words)
                        let byteLevel = file.preTokenizer.byteLevel
                        buffer.withUnsafeBufferPointer { p in
                            for w in words {
                                file.model.encodeWord(UnsafeBufferPointer(rebasing: p[w]), byteLevel: byteLevel, into: &out)
                            }
                        }
                    }
                }
            }
        }
        if addSpecialTokens, case let .template(_, after) = file.postProcessor { out += after }
        return out
    }

    /// Decodes ids to text. Invalid UTF-8 produced by byte tokens becomes U+FFFD.
    /// - Parameter skipSpecial: drop special added tokens (the `tokenizers` default).
    /// - Throws: `TokenizerError.unknownId` for an id that is in neither vocabulary.
    public func decode(_ ids: [Int32], skipSpecial: Bool = true) throws(TokenizerError) -> String {
        var tokens: [[UInt8]] = []
        tokens.reserveCapacity(ids.count)
        for id in ids {
            if let t = addedById[id] {
                if skipSpecial && t.special { continue }
                tokens.append(t.content)
            } else if let t = file.model.token(for: id) {
                tokens.append(t)
            } else {
                throw .unknownId(id)
            }
        }
        if let d = file.decoder { tokens = d.decodeChain(tokens) }
        return String(decoding: tokens.flatMap { $0 }, as: UTF8.self)
    }
}
