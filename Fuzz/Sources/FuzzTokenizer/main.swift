import FuzzSupport
import SynergenPrep

/// `tokenizer.json` bytes → `TokenizerFile(bytes:)` (the JSON parser and every component's
/// validation: normalizers, pre-tokenizers, BPE vocab/merges, decoders, post-processor, added
/// tokens) → `Tokenizer(file:)` → encoding a fixed text three ways and decoding the ids again.
let text = "A photo of  a cat — 3.14 😺 naïve Café\t東京\n<|im_start|>user <|endoftext|> <s> </s> <unk> ▁x \u{301}e ﬁ'll"
let fixedIDs: [Int32] = Array(0..<300) + [-1, 65_535, 151_643, Int32.max]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    guard let file = FuzzLog.attempt("tokenizer.json", { try TokenizerFile(bytes: bytes) }) else { return 0 }
    let tokenizer = Tokenizer(file: file)
    _ = tokenizer.vocabularySize
    let ids = tokenizer.encode(text)
    FuzzLog.note("vocabulary \(tokenizer.vocabularySize), \(ids.count) ids: \(ids.prefix(12))")
    _ = tokenizer.encode(text, parseSpecial: false)
    _ = tokenizer.encode(text, parseSpecial: true, addSpecialTokens: true)
    _ = try? tokenizer.decode(ids)
    _ = try? tokenizer.decode(ids, skipSpecial: false)
    _ = try? tokenizer.decode(fixedIDs)
    for id in ids.prefix(64) { _ = tokenizer.token(forId: id); _ = tokenizer.isSpecial(id) }
    _ = tokenizer.id(forToken: "<|im_end|>")
    return 0
}
