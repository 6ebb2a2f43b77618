/// The supported pre-tokenizer pipeline (`pre_tokenizer` field), flattened from a
/// possibly nested `Sequence`: zero or more splitting steps, optionally followed by
/// the byte-level character mapping (which must come last).
public struct PreTokenizer: Sendable, Equatable {
    /// One splitting step.
    public enum Step: Sendable, Equatable {
        /// A `Split` with one of the natively implemented regexes, `Isolated` behaviour.
        case split(ByteLevelSplit)
        /// SentencePiece-style `Metaspace`.
        case metaspace(Metaspace)
        /// `ByteLevel` with `add_prefix_space` and/or `use_regex` (GPT-2 pattern).
        case byteLevelPrefixAndSplit(addPrefixSpace: Bool, useRegex: Bool)
    }

    public var steps: [Step] = []
    /// True when the last step is `ByteLevel`: words are spelled in the byte alphabet.
    public var byteLevel = false

    static func from(json: JSONValue?, path: String = "pre_tokenizer") throws(TokenizerError) -> PreTokenizer {
        var result = PreTokenizer()
        guard let json, !json.isNull else { return result }
        try result.add(json, path: path)
        return result
    }

    private mutating func add(_ json: JSONValue, path: String) throws(TokenizerError) {
        guard let type = json["type"]?.string else { throw .malformed(path: path, reason: "missing \"type\"") }
        if byteLevel {
            throw .unsupported(component: "pre_tokenizer", type: "\(type) after ByteLevel (ByteLevel must be last)")
        }
        switch type {
        case "Sequence":
            guard let items = json["pretokenizers"]?.array else {
                throw .malformed(path: path + ".pretokenizers", reason: "expected array")
            }
            for (i, item) in items.enumerated() { try add(item, path: "\(path).pretokenizers[\(i)]") }
        case "Split":
            guard let regex = json["pattern"]?["Regex"]?.string else {
                throw .unsupported(component: "pre_tokenizer", type: "Split with a non-Regex pattern")
            }
            guard let split = ByteLevelSplit(pattern: regex) else {
                throw .unsupported(component: "pre_tokenizer", type: "Split regex \(regex.debugDescription)")
            }
            let behavior = json["behavior"]?.string ?? ""
            guard behavior == "Isolated" else {
                throw .unsupported(component: "pre_tokenizer", type: "Split behavior \(behavior)")
            }
            guard json["invert"]?.bool != true else {
                throw .unsupported(component: "pre_tokenizer", type: "Split with invert: true")
            }
            steps.append(.split(split))
        case "ByteLevel":
            let addPrefix = json["add_prefix_space"]?.bool ?? true
            let useRegex = json["use_regex"]?.bool ?? true
            if addPrefix || useRegex {
                steps.append(.byteLevelPrefixAndSplit(addPrefixSpace: addPrefix, useRegex: useRegex))
            }
            byteLevel = true
        case "Metaspace":
            steps.append(.metaspace(try Metaspace.from(json: json, path: path, component: "pre_tokenizer")))
        default:
            throw .unsupported(component: "pre_tokenizer", type: type)
        }
    }

    /// True when no step splits or rewrites the text.
    var isIdentity: Bool { steps.isEmpty }

    /// Runs the steps on one normalised piece; appends the words (as byte ranges of
    /// `buffer`) to `words`.
    func run(_ piece: [UInt8], atOrigin: Bool, buffer: inout [UInt8], words: inout [Range<Int>]) {
        if steps.isEmpty {
            let s = buffer.count
            buffer.append(contentsOf: piece)
            words.append(s..<buffer.count)
            return
        }
        // Fast path: a single native split (Qwen2 / GPT-4 / GPT-2 style).
        if steps.count == 1, case let .split(split) = steps[0] {
            appendSplit(split, piece, buffer: &buffer, words: &words)
            return
        }
        var pieces: [[UInt8]] = [piece]
        var firstAtOrigin = atOrigin
        for step in steps {
            var next: [[UInt8]] = []
            next.reserveCapacity(pieces.count)
            for (i, p) in pieces.enumerated() {
                switch step {
                case let .split(split):
                    var ends: [Int] = []
                    p.withUnsafeBufferPointer { split.split($0, 0, p.count, into: &ends) }
                    var s = 0
                    for e in ends { next.append(Array(p[s..<e])); s = e }
                case let .metaspace(m):
                    m.apply(p, atOrigin: firstAtOrigin && i == 0, into: &next)
                case let .byteLevelPrefixAndSplit(addPrefix, useRegex):
                    var q = p
                    if addPrefix && q.first != 0x20 { q.insert(0x20, at: 0) }
                    if useRegex {
                        var ends: [Int] = []
                        q.withUnsafeBufferPointer { ByteLevelSplit.gpt2.split($0, 0, q.count, into: &ends) }
                        var s = 0
                        for e in ends { next.append(Array(q[s..<e])); s = e }
                    } else {
                        next.append(q)
                    }
                }
            }
            // Only the first piece of the input can still be at offset 0.
            firstAtOrigin = firstAtOrigin && !(pieces.first?.isEmpty ?? true)
            pieces = next
        }
        for p in pieces where !p.isEmpty {
            let s = buffer.count
            buffer.append(contentsOf: p)
            words.append(s..<buffer.count)
        }
    }

    private func appendSplit(_ split: ByteLevelSplit, _ piece: [UInt8], buffer: inout [UInt8], words: inout [Range<Int>]) {
        let base = buffer.count
        buffer.append(contentsOf: piece)
        var ends: [Int] = []
        buffer.withUnsafeBufferPointer { split.split($0, base, base + piece.count, into: &ends) }
        var s = base
        for e in ends { words.append(s..<e); s = e }
    }
}
