/// The ids of the image marker tokens `<boi>`, `<eoi>` and `<UNCOND>` for one
/// tokenizer. Each is taken from the vocabulary when present, otherwise appended after
/// the last id in the order boi, eoi, UNCOND. Recorded (Codable) so that the trainer
/// and the inference model agree on the mapping.
public struct ImageTokenMap: Codable, Sendable, Equatable {
    public static let boiToken = "<boi>"
    public static let eoiToken = "<eoi>"
    public static let uncondToken = "<UNCOND>"

    public var boi: Int32
    public var eoi: Int32
    public var uncond: Int32
    /// Tokens that were not in the vocabulary and got new ids (in that order).
    public var appended: [String]
    /// Vocabulary size (one past the last id) before appending.
    public var baseVocabularySize: Int
    /// Vocabulary size the model needs, including the appended tokens.
    public var vocabularySize: Int

    public init(boi: Int32, eoi: Int32, uncond: Int32, appended: [String], baseVocabularySize: Int, vocabularySize: Int) {
        self.boi = boi; self.eoi = eoi; self.uncond = uncond
        self.appended = appended
        self.baseVocabularySize = baseVocabularySize
        self.vocabularySize = vocabularySize
    }

    /// Resolves the mapping for a tokenizer.
    public static func resolve(for tokenizer: Tokenizer) -> ImageTokenMap {
        let base = tokenizer.vocabularySize
        var next = Int32(base)
        var appended: [String] = []
        func id(_ token: String) -> Int32 {
            if let existing = tokenizer.id(forToken: token) { return existing }
            appended.append(token)
            defer { next += 1 }
            return next
        }
        let boi = id(boiToken), eoi = id(eoiToken), uncond = id(uncondToken)
        return ImageTokenMap(boi: boi, eoi: eoi, uncond: uncond, appended: appended,
                             baseVocabularySize: base, vocabularySize: Int(next))
    }
}
