#!/usr/bin/env bash
# Packed shards for the Python reader's tests (python/tests): demo-data -> tiny random VQ ->
# tokenize at 64 px -> pack, with the debug binary, into Tests/Fixtures/generated/pack/.
# Needs the Qwen tokenizer fixture (make test-fixtures) or models/tokenizer.json.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/debug/synergen-prep}
OUT=Tests/Fixtures/generated/pack
TOK=Tests/Fixtures/generated/text/qwen/tokenizer.json
[ -f "$TOK" ] || TOK=models/tokenizer.json
[ -x "$BIN" ] || swift build --product synergen-prep
rm -rf "$OUT"
mkdir -p "$OUT"
"$BIN" demo-data --out "$OUT/in" --samples 12 --per-shard 4 >/dev/null
"$BIN" vq init --preset emu3 --ch 32 --ch-mult 1,1,2 --res-blocks 1 --attn-levels 2 --seed 1 --out "$OUT/tiny.safetensors" >/dev/null
printf 'in/demo-{000000..000002}.tar\n' > "$OUT/manifest.txt"
"$BIN" tokenize "$OUT/manifest.txt" --vq-weights "$OUT/tiny.safetensors" --size 64 --tokenizer "$TOK" \
    --out "$OUT/tokenized" >/dev/null 2>&1
# Short sequences so that several hold more than one document; one with a too-long drop.
"$BIN" pack "$OUT/tokenized" --seq 512 --out "$OUT/packed" --tokenizer "$TOK" --seed 7 --sequences-per-shard 4 >/dev/null 2>>"$OUT/pack.log"
"$BIN" pack "$OUT/tokenized" --seq 100 --out "$OUT/packed-short" --tokenizer "$TOK" --seed 7 >/dev/null 2>>"$OUT/pack.log"
"$BIN" pack "$OUT/tokenized" --seq 512 --out "$OUT/packed-together" --views together --mix gen=3,und=1 \
    --tokenizer "$TOK" --seed 7 >/dev/null 2>>"$OUT/pack.log"
# One pack group per tokenized shard, once by one process and once by two ranks + merge: the
# Python reader must see the same folder (test_reader.py::test_merged_folder_reads_like_one_rank).
"$BIN" pack "$OUT/tokenized" --seq 512 --out "$OUT/packed-groups" --tokenizer "$TOK" --seed 7 --group-shards 1 \
    >/dev/null 2>>"$OUT/pack.log"
for r in 0 1; do
    RANK=$r WORLD_SIZE=2 "$BIN" pack "$OUT/tokenized" --seq 512 --out "$OUT/packed-ranks" --tokenizer "$TOK" --seed 7 \
        --group-shards 1 >/dev/null 2>>"$OUT/pack.log"
done
"$BIN" merge "$OUT/packed-ranks" >/dev/null
cp "$TOK" "$OUT/tokenizer.json"
echo "packed fixtures in $OUT"
