#!/bin/bash
# Fault matrix (`make fault-matrix`): drives the release binary through crashes, signals, a full
# disk, a read-only output folder, flipped bytes and a dying `pipe:` command on a small demo corpus,
# and checks after each fault that no finished file was damaged and that a clean re-run of the same
# command ends with the bytes of an uninterrupted run.
#
#   scripts/fault-matrix.sh            run everything, print the table, exit 1 on any failure
#
# The corpus: `demo-data --samples 24 --per-shard 4` (6 shards), a tiny random Emu3-family VQ
# (`vq init --preset emu3 --ch 32 --ch-mult 1,1,2 --res-blocks 1 --attn-levels 2 --seed 1`),
# `tokenize --size 64 --workers 2`, `pack --seq $FAULT_PACK_SEQ --group-shards 2
# --sequences-per-shard 1` (at 256 positions: 11 .pack files in 3 groups, 19 files).
#
# References (uninterrupted): tokenize, pack, and 3 tokenize ranks + merge, 3 pack ranks + merge
# (both merged folders must equal the single-process ones). Then, every folder compared with its
# reference byte for byte, every file except those under ranks/ (the only files that depend on the
# world size or the clock):
#   kill -9    FAULT_KILLS seeded moments each for tokenize, pack, merge (tokenized 3-rank folder)
#              and merge (packed 3-rank folder): u × the reference duration (u in [0, 0.9]),
#              tokenize and pack timed from the first `.tmp-` file (startup excluded), merge from
#              process start; every fourth moment (every second for merge) is targeted instead:
#              0-0.5 ms after the temporary file of a short final write appears (tokenize:
#              plan.json / index.json, pack: a group marker / index.json, merge: index.json).
#              After the kill every file under a final name must equal the reference's (a
#              journal: a prefix of it); the re-run must exit 0 and give the reference folder,
#              temporary files included (none). Most kills must land while the process still
#              runs (FAULT_MIN_MIDRUN_PCT); a run that exits 0 before its kill must have written
#              the reference folder.
#   SIGTERM    FAULT_TERMS moments for tokenize and pack (the same rules): exit 143, no `*.tmp-*`
#              left, rank record `interrupted`, re-run -> reference; exit 0 only with the folder
#              already whole (the signal came after the last unit of work).
#   ENOSPC     the output folder is a small tmpfs (several sizes: the failure lands at other files):
#              non-zero exit, an error line with the path and "No space left on device", no
#              `*.tmp-*` left, finished files equal the reference's; remount at 64 MiB, re-run ->
#              reference. For tokenize and pack.
#   read-only  tmpfs remounted ro: tokenize, pack and merge fail with "Read-only file system",
#              non-zero, nothing written, no work reported done (tokenize and pack probe the folder
#              first; merge checks the folder, then fails creating index.json's temporary file).
#   bit flip   one byte of a .tok.zst and of a .pack flipped: `stats --verify` exits non-zero and
#              names the shard (what it says is printed).
#   pipe       `pipe:head -c N shard.tar` (stream cut, exit 0) and `pipe:head -c N shard.tar && kill
#              -9 $$` (killed): truncated-shard / pipe-failed, the complete samples before the cut
#              kept (record bodies equal the reference shard's first records).
# Prints a table (fault × command: runs, exit codes, files lost, re-run result) and details.
#
# Needs root (mount -t tmpfs), python3 (with `zstandard`, or the `zstd` command); about 5 minutes
# on 2 busy cores. Mounts under FAULT_WORK are removed on exit (trap). Environment:
#   SYNERGEN_BIN        binary (default: .build/release/synergen-prep)
#   FAULT_TOKENIZER     tokenizer.json (default: Tests/Fixtures/generated/text/qwen/tokenizer.json,
#                       from `make test-fixtures`)
#   FAULT_WORK          scratch folder, removed at the start (default: /tmp/synergen-fault-matrix)
#   FAULT_SEED          seed of the kill moments (default: 1)
#   FAULT_KILLS, FAULT_TERMS   kills per command (default 20), SIGTERMs per command (default 5)
#   FAULT_MIN_MIDRUN_PCT       share of kills that must land mid-run (default: 75)
#   FAULT_PACK_SEQ      pack --seq (default: 256)
#   FAULT_NICE          niceness the script gives itself (default: 10; "" for none)
# Commands are built as words ($(tok_cmd DIR) ...) and split on purpose: FAULT_WORK and the repo
# path must not contain spaces (checked below).
# shellcheck disable=SC2046,SC2010
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${SYNERGEN_BIN:-$repo/.build/release/synergen-prep}
[[ $bin = /* ]] || bin=$repo/$bin
tokenizer=${FAULT_TOKENIZER:-$repo/Tests/Fixtures/generated/text/qwen/tokenizer.json}
work=${FAULT_WORK:-/tmp/synergen-fault-matrix}
seed=${FAULT_SEED:-1}
kills=${FAULT_KILLS:-20}
terms=${FAULT_TERMS:-5}
min_midrun_pct=${FAULT_MIN_MIDRUN_PCT:-75}
pack_seq=${FAULT_PACK_SEQ:-256}
nice_level=${FAULT_NICE-10}
t_start=$(date +%s)

log() { echo "[fault-matrix +$(($(date +%s) - t_start))s] $*"; }
die() { echo "[fault-matrix] ERROR: $*" >&2; exit 2; }

[[ $(id -u) = 0 ]] || die "needs root (mount -t tmpfs)"
[[ $work$bin$tokenizer != *[[:space:]]* ]] || die "FAULT_WORK, the binary and the tokenizer paths must not contain spaces"
[[ -x $bin ]] || die "no binary $bin: swift build -c release --product synergen-prep"
[[ -f $tokenizer ]] || die "no tokenizer $tokenizer: make test-fixtures (or set FAULT_TOKENIZER)"
command -v python3 >/dev/null || die "needs python3"
[[ -n $nice_level ]] && renice -n "$nice_level" -p $$ >/dev/null

# --- mounts: every tmpfs under $work goes on exit --------------------------------------------
unmount_all() {
  local m
  # deepest first
  for m in $(awk -v w="$work/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
}
trap unmount_all EXIT
trap 'echo "[fault-matrix] interrupted"; exit 130' INT
trap 'echo "[fault-matrix] terminated"; exit 143' TERM
unmount_all
rm -rf "$work"
mkdir -p "$work/cases" || die "cannot create $work"
lib=$work/fmlib.py

# --- the Python helper -----------------------------------------------------------------------
cat >"$lib" <<'PY'
"""fault-matrix helpers: compare folders, run a command and signal it, flip bytes, tar cuts."""
import hashlib, json, os, random, signal, struct, subprocess, sys, tarfile, time

def files(d, ranks=False):
    out = {}
    for root, dirs, names in os.walk(d):
        if not ranks:
            dirs[:] = [x for x in dirs if x != "ranks"]
        for n in names:
            p = os.path.join(root, n)
            out[os.path.relpath(p, d)] = p
    return out

def read(p):
    with open(p, "rb") as f:
        return f.read()

def compare(ref, d, mode):
    """full: same names, same bytes. partial: every final-named file equals the reference's (a
    journal may be a prefix), temporary files counted. Prints one line; exit 1 on a difference."""
    r, o = files(ref), files(d)
    tmp = sorted(n for n in o if ".tmp-" in n)
    if mode == "full":
        bad = sorted(set(r) ^ set(o)) + sorted(n for n in set(r) & set(o) if read(r[n]) != read(o[n]))
        print("identical" if not bad else "differs: " + " ".join(bad[:6]))
        return 1 if bad else 0
    bad = []
    for n in sorted(set(o) - set(tmp)):
        if n not in r:
            bad.append(n + "(extra)")
            continue
        a, b = read(o[n]), read(r[n])
        if a != b and not (n.endswith(".journal") and b.startswith(a)):
            bad.append(n)
    print(f"final={len(o) - len(tmp)} tmp={len(tmp)} bad={len(bad)} {' '.join(bad[:6])}")
    return 1 if bad else 0

def count_tmp(d):
    return sum(1 for n in files(d, ranks=True) if ".tmp-" in n)

def fault(args):
    """fault OUT TRIGGER DELAY SIG LOG -- CMD...: run CMD (output to LOG); TRIGGER 'tmp' waits for the
    first .tmp- file under OUT, 'start' for nothing; then sleeps DELAY s and sends SIG (0: none).
    Prints JSON: rc, running (still running when signalled), times, tmp files after the end."""
    out, trigger, delay, sig, logf = args[0], args[1], float(args[2]), int(args[3]), args[4]
    cmd = args[args.index("--") + 1:]
    with open(logf, "wb") as lf:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=lf, stderr=subprocess.STDOUT)
        t_trig = None
        if trigger.startswith("tmp"):
            # 'tmp': any temporary file, 'tmp:PREFIX': one whose name starts with PREFIX; looks in
            # the folder and its ranks/ only (cheap), every 0.2 ms
            prefix = trigger[4:]
            tops = [out, os.path.join(out, "ranks")]
            while p.poll() is None:
                if any(".tmp-" in n and n.startswith(prefix) for t in tops if os.path.isdir(t) for n in os.listdir(t)):
                    break
                time.sleep(0.0002)
        t_trig = time.monotonic() - t0
        running = None
        t_sig = None
        if sig:
            end = time.monotonic() + delay
            while p.poll() is None and time.monotonic() < end:
                time.sleep(min(0.005, max(0.0, end - time.monotonic())))
            running = p.poll() is None
            if running:
                t_sig = time.monotonic() - t0
                os.kill(p.pid, sig)
        rc = p.wait()
        t_end = time.monotonic() - t0
    print(json.dumps({"rc": rc, "running": running, "t_trigger": round(t_trig, 4),
                      "t_signal": None if t_sig is None else round(t_sig, 4),
                      "t_end": round(t_end, 4), "tmp_after": count_tmp(out) if os.path.isdir(out) else 0}))

def delays(args):
    s, n, lo, hi = int(args[0]), int(args[1]), float(args[2]), float(args[3])
    rng = random.Random(s)
    print(" ".join(f"{rng.uniform(lo, hi):.4f}" for _ in range(n)))

def flip(args):
    path, where = args[0], args[1]
    size = os.path.getsize(path)
    off = size // 2 if where == "middle" else int(where)
    with open(path, "r+b") as f:
        f.seek(off)
        b = f.read(1)
        f.seek(off)
        f.write(bytes([b[0] ^ 0xFF]))
    print(off)

def tar_cut(args):
    """Samples of TAR whose every member ends at or before byte CUT (complete before the cut)."""
    path, cut = args[0], int(args[1])
    ends = {}
    with tarfile.open(path) as t:
        for m in t:
            key = os.path.basename(m.name).split(".", 1)[0]
            ends[key] = max(ends.get(key, 0), m.offset_data + m.size)
    print(sum(1 for e in ends.values() if e <= cut))

def records(path):
    try:
        import zstandard
        data = zstandard.ZstdDecompressor().stream_reader(open(path, "rb")).read()
    except ImportError:
        data = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
    assert data[:8] == b"SGTOKSHD", path
    pos = 12
    (hl,) = struct.unpack_from("<I", data, pos)
    pos += 4 + hl
    out = []
    while True:
        (n,) = struct.unpack_from("<I", data, pos)
        pos += 4
        if n == 0:
            break
        out.append(data[pos:pos + n])
        pos += n
    return out

def prefix_records(args):
    """prefix-records A B: A's records are B's first len(A) records, byte for byte."""
    a, b = records(args[0]), records(args[1])
    ok = a == b[:len(a)]
    print(f"{len(a)} records, {'equal to' if ok else 'DIFFERENT from'} the reference's first {len(a)}")
    return 0 if ok else 1

def jget(args):
    """jget FILE PATH...: print the value at a key path ('.'-separated) of a JSON file ('-': stdin)."""
    d = json.load(sys.stdin if args[0] == "-" else open(args[0]))
    for k in args[1].split("."):
        d = d[int(k)] if isinstance(d, list) else d.get(k)
    print(json.dumps(d) if isinstance(d, (dict, list)) else d)

if __name__ == "__main__":
    c, a = sys.argv[1], sys.argv[2:]
    rc = {"compare": lambda a: compare(*a), "fault": fault, "delays": delays, "flip": flip,
          "tar-cut": tar_cut, "prefix-records": prefix_records, "jget": jget}[c](a)
    sys.exit(rc or 0)
PY
py() { python3 "$lib" "$@"; }

# --- bookkeeping -----------------------------------------------------------------------------
failures=()
rows=()
details=()
fail() { failures+=("$*"); echo "  FAIL: $*"; }
row() { rows+=("$1|$2|$3|$4|$5|$6"); }   # fault | command | runs | exit codes | files lost | re-run
tally() { sort | uniq -c | awk '{ printf "%s%s×%s", (NR > 1 ? " " : ""), $2, $1 }'; }

# --- corpus and commands -----------------------------------------------------------------------
data=$work/data
vq=$work/vq.safetensors
manifest=$work/manifest.txt
log "corpus: demo-data 24 samples / 4 per shard, tiny emu3 VQ, binary $bin"
"$bin" demo-data --out "$data" --samples 24 --per-shard 4 >/dev/null || die "demo-data failed"
"$bin" vq init --preset emu3 --ch 32 --ch-mult 1,1,2 --res-blocks 1 --attn-levels 2 --seed 1 \
  --out "$vq" >/dev/null 2>&1 || die "vq init failed"
ls "$data"/*.tar >"$manifest"

tok_cmd() { echo "$bin" tokenize "$manifest" --out "$1" --vq-weights "$vq" --tokenizer "$tokenizer" --size 64 --workers 2 "${@:2}"; }
pack_cmd() { echo "$bin" pack "$ref_tok" --out "$1" --seq "$pack_seq" --group-shards 2 --sequences-per-shard 1 --tokenizer "$tokenizer" "${@:2}"; }
merge_cmd() { echo "$bin" merge "$1"; }
# shellcheck disable=SC2046
run_quiet() { local logf=$1; shift; "$@" >"$logf" 2>&1; }

# --- references --------------------------------------------------------------------------------
# Durations (from the trigger to the exit) are medians of a few uninterrupted runs: the kill moments
# are drawn inside them, and shrink to any shorter run seen later (see signal_cases).
ref=$work/ref
mkdir -p "$ref"
ref_tok=$ref/tokenized
ref_pack=$ref/packed
ranks_tok=$ref/tokenized-3ranks-unmerged
ranks_pack=$ref/packed-3ranks-unmerged
span() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(round(d['t_end']-d['t_trigger'],4))" "$1"; }
median() { python3 -c "import statistics,sys; print(round(statistics.median(map(float, sys.argv[1:])), 4))" "$@"; }
# measure NAME RUNS OUT TRIGGER SETUP CMD...: runs CMD into fresh copies (SETUP: 'empty' or a folder
# to copy), keeps the first run's folder at OUT, prints the median duration.
measure() {
  local name=$1 runs=$2 out=$3 trigger=$4 setup=$5 k dir m spans=(); shift 5
  for ((k = 1; k <= runs; k++)); do
    dir=$out; ((k > 1)) && dir=$work/cases/measure-$name-$k
    [[ $setup = empty ]] || cp -a "$setup" "$dir"
    m=$(py fault "$dir" "$trigger" 0 0 "$dir.log" -- "${@//@OUT@/$dir}") || die "helper failed"
    [[ $(py jget - rc <<<"$m") = 0 ]] || { cat "$dir.log"; die "reference $name failed"; }
    spans+=("$(span "$m")")
    ((k > 1)) && rm -rf "$dir" "$dir.log"
  done
  median "${spans[@]}"
}
log "reference: tokenize (and one timing run), pack (3 runs)"
t_tok=$(measure tokenize 2 "$ref_tok" tmp empty $(tok_cmd @OUT@)) || exit 2
t_pack=$(measure pack 3 "$ref_pack" tmp empty $(pack_cmd @OUT@)) || exit 2
[[ -f $ref_tok/index.json && -f $ref_pack/index.json ]] || die "reference folders lack index.json"

log "reference: 3 tokenize ranks + merge, 3 pack ranks + merge (5 timing runs each)"
for r in 0 1 2; do
  run_quiet "$ref/tokenize-rank$r.log" $(tok_cmd "$ranks_tok" --rank $r --world-size 3) || die "tokenize rank $r failed"
  run_quiet "$ref/pack-rank$r.log" $(pack_cmd "$ranks_pack" --rank $r --world-size 3) || die "pack rank $r failed"
done
t_merge_tok=$(measure merge-tok 5 "$ref/merged-tok" start "$ranks_tok" $(merge_cmd @OUT@)) || exit 2
t_merge_pack=$(measure merge-pack 5 "$ref/merged-pack" start "$ranks_pack" $(merge_cmd @OUT@)) || exit 2
for kind in tok pack; do
  res=$(py compare "$([[ $kind = tok ]] && echo "$ref_tok" || echo "$ref_pack")" "$ref/merged-$kind" full)
  [[ $res = identical ]] || fail "3-rank $kind + merge differs from one process: $res"
  row "reference" "3 ranks + merge ($kind)" 1 "0" "-" "$res to 1 process"
done
log "durations (medians): tokenize ${t_tok}s and pack ${t_pack}s after the first .tmp- file; merge ${t_merge_tok}s (tokenized), ${t_merge_pack}s (packed) from start"
row "reference" "tokenize" 1 "0" "-" "$(ls "$ref_tok" | wc -l) entries, ${t_tok}s after the first .tmp-"
row "reference" "pack" 1 "0" "-" "$(ls "$ref_pack" | grep -c '\.pack$') .pack files, ${t_pack}s after the first .tmp-"

# A copy of the references' bytes, to check at the end that no case touched them.
ref_digest() { (cd "$ref" && find tokenized packed merged-tok merged-pack -path '*/ranks' -prune -o -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum); }
ref_sum=$(ref_digest)

# --- signal cases ------------------------------------------------------------------------------
# signal_cases NAME COMMAND SIG COUNT SEED_OFFSET
# Moment k = u_k × window, u_k seeded in [0, 0.9]; window = the reference duration, lowered to any
# shorter uninterrupted run seen (a run that ended before its signal). Targeted moments: every
# fourth case (every second for merge) waits for the temporary file of a short final write instead
# (tokenize: plan.json / index.json, pack: a group marker / index.json, merge: index.json) and
# signals u_k × 0.5 ms after it appears.
signal_cases() {
  local name=$1 what=$2 sig=$3 count=$4 soff=$5
  local trigger reference window source="" i u d out m rc running codes=() rerun_codes=() lost=0 ident=0 midrun=0 midwrite=0 res status
  local nfail finished=0 ended=0 cmd trig
  case $what in
    tokenize) trigger=tmp; reference=$ref_tok; window=$t_tok ;;
    pack) trigger=tmp; reference=$ref_pack; window=$t_pack ;;
    merge-tok) trigger=start; reference=$ref_tok; window=$t_merge_tok; source=$ranks_tok ;;
    merge-pack) trigger=start; reference=$ref_pack; window=$t_merge_pack; source=$ranks_pack ;;
  esac
  log "$name × $what: $count moments in [0, 0.9 × ${window}s] after the $trigger; $([[ $what = merge-* ]] && echo "every second one" || echo "every fourth one") 0-0.5 ms after a final file's .tmp- appears"
  i=0
  for u in $(py delays $((seed * 1000 + soff)) "$count" 0 0.9); do
    i=$((i + 1))
    out=$work/cases/${name//[^a-zA-Z0-9]/}-$what-$i
    trig=$trigger
    d=$(awk -v u="$u" -v w="$window" 'BEGIN { printf "%.4f", u * w }')
    # Targeted moments, inside the short final writes that random moments seldom hit.
    local target=""
    case $what:$((i % 4)) in
      merge-*:0|merge-*:2) target=index.json ;;
      tokenize:0) ((i % 8 == 0)) && target=index.json || target=plan.json ;;
      pack:0) ((i % 8 == 0)) && target=index.json || target=pack-000001.group.json ;;
    esac
    [[ -n $target ]] && { trig=tmp:$target; d=$(awk -v u="$u" 'BEGIN { printf "%.5f", u / 0.9 * 0.0005 }'); }
    case $what in
      tokenize) cmd=$(tok_cmd "$out") ;;
      pack) cmd=$(pack_cmd "$out") ;;
      merge-*) cp -a "$source" "$out"; cmd=$(merge_cmd "$out") ;;
    esac
    nfail=${#failures[@]}
    m=$(py fault "$out" "$trig" "$d" "$sig" "$out.log" -- $cmd)
    echo "$m" >"$out.fault.json"
    rc=$(py jget - rc <<<"$m"); running=$(py jget - running <<<"$m")
    # A process can end between the helper's last look and the signal: exit 0 means it had ended.
    [[ $sig = 9 && $rc = 0 ]] && running=False
    if [[ $running = True ]]; then midrun=$((midrun + 1))
    elif [[ $trig = "$trigger" ]]; then
      ended=$((ended + 1)); window=$(awk -v w="$window" -v s="$(span "$m")" 'BEGIN { print (s < w ? s : w) }')
    fi
    [[ $rc = -9 ]] && rc=SIGKILL
    [[ $rc = -15 ]] && rc=SIGTERM
    codes+=("$rc")
    [[ $(py jget - tmp_after <<<"$m") != 0 ]] && midwrite=$((midwrite + 1))
    res=$(py compare "$reference" "$out" partial)
    [[ $res == *"bad=0 "* ]] || { lost=$((lost + 1)); fail "$name $what #$i (at ${d}s): finished files damaged: $res"; }
    if [[ $sig = 15 ]]; then
      if [[ $rc = 0 ]]; then
        # Finished anyway (the signal came after the last unit of work): the folder must be whole.
        [[ $(py compare "$reference" "$out" full) = identical ]] || fail "$name $what #$i: exit 0 after SIGTERM but the folder is not the reference (log $out.log)"
        [[ $running = True ]] && finished=$((finished + 1))
      elif [[ $rc != 143 ]]; then fail "$name $what #$i: exit $rc, expected 143 (log $out.log)"; fi
      [[ $res == *" tmp=0 "* ]] || fail "$name $what #$i: temporary files left after SIGTERM: $res"
      if [[ $rc = 143 ]]; then
        status=$(for f in "$out"/ranks/*-rank-00000-of-00001.json; do py jget "$f" status; done 2>/dev/null | head -1)
        [[ $status = interrupted ]] || fail "$name $what #$i: rank record status '$status', expected interrupted"
      fi
    fi
    if [[ $sig = 9 && $rc = 0 ]]; then
      [[ $(py compare "$reference" "$out" full) = identical ]] || fail "$name $what #$i: exit 0 before the kill but the folder is not the reference (log $out.log)"
    elif [[ $sig = 9 && $rc != SIGKILL ]]; then fail "$name $what #$i: exit $rc after kill -9 (log $out.log)"; fi
    run_quiet "$out.rerun.log" $cmd; rc=$?
    rerun_codes+=("$rc")
    [[ $rc = 0 ]] || fail "$name $what #$i: re-run exit $rc (log $out.rerun.log)"
    res=$(py compare "$reference" "$out" full)
    if [[ $res = identical ]]; then ident=$((ident + 1)); else fail "$name $what #$i (at ${d}s after the $trig): re-run $res (kept $out)"; fi
    # Keep what failed for a look; drop the rest.
    (( ${#failures[@]} > nfail )) || rm -rf "$out" "$out".log "$out".rerun.log "$out".fault.json
  done
  if (( midrun * 100 < count * min_midrun_pct )); then
    fail "$name $what: only $midrun of $count signals landed mid-run (need $min_midrun_pct %)"
  fi
  local extra="mid-run $midrun/$count"
  ((ended)) && extra+=", $ended ended before"
  ((finished)) && extra+=", $finished finished anyway (exit 0, folder whole)"
  extra+=", .tmp- left $midwrite/$count"
  row "$name" "$what" "$count ($extra)" "$(printf '%s\n' "${codes[@]}" | tally); re-run $(printf '%s\n' "${rerun_codes[@]}" | tally)" "$lost" "identical $ident/$count"
}

signal_cases "kill -9" tokenize 9 "$kills" 1
signal_cases "kill -9" pack 9 "$kills" 2
signal_cases "kill -9" merge-tok 9 "$kills" 3
signal_cases "kill -9" merge-pack 9 "$kills" 4
signal_cases "SIGTERM" tokenize 15 "$terms" 5
signal_cases "SIGTERM" pack 15 "$terms" 6

# --- full disk -----------------------------------------------------------------------------------
# enospc_cases COMMAND SIZES...
enospc_cases() {
  local what=$1; shift
  local size out cmd rc codes=() lost=0 ident=0 res line reference
  reference=$([[ $what = tokenize ]] && echo "$ref_tok" || echo "$ref_pack")
  log "ENOSPC × $what: tmpfs of $* KiB"
  for size in "$@"; do
    out=$work/cases/enospc-$what-${size}k
    mkdir -p "$out"
    mount -t tmpfs -o "size=${size}k,mode=0755" tmpfs "$out" || { fail "mount tmpfs ${size}k"; continue; }
    cmd=$([[ $what = tokenize ]] && tok_cmd "$out" || pack_cmd "$out")
    run_quiet "$out.log" $cmd; rc=$?
    codes+=("$rc")
    [[ $rc != 0 ]] || fail "ENOSPC $what ${size}k: exit 0 on a full disk?"
    line=$(grep -m1 'No space left on device' "$out.log")
    if [[ -z $line ]]; then fail "ENOSPC $what ${size}k: no 'No space left on device' line (log $out.log)"
    elif [[ $line != *"$out"/* && $line != *"$(basename "$out")/"* ]]; then fail "ENOSPC $what ${size}k: error names no path: $line"; fi
    details+=("ENOSPC $what ${size} KiB: exit $rc, $(find "$out" -path "$out/ranks" -prune -o -type f -print | wc -l) finished files kept (all equal to the reference's), writes that failed: $(grep -o '[^ ]*: No space left' "$out.log" | sed 's/: No space left//; s/\.tmp-.*//; s|.*/||' | sort -u | paste -sd' ' -); first error: ${line:0:160}")
    res=$(py compare "$reference" "$out" partial)
    [[ $res == *" tmp=0 "* ]] || fail "ENOSPC $what ${size}k: temporary files left: $res"
    [[ $res == *"bad=0 "* ]] || { lost=$((lost + 1)); fail "ENOSPC $what ${size}k: finished files damaged: $res"; }
    mount -o remount,size=64m "$out" || fail "remount ${size}k"
    run_quiet "$out.rerun.log" $cmd || fail "ENOSPC $what ${size}k: re-run after remount exit $? (log $out.rerun.log)"
    res=$(py compare "$reference" "$out" full)
    if [[ $res = identical ]]; then ident=$((ident + 1)); else fail "ENOSPC $what ${size}k: re-run $res"; fi
    umount "$out"
  done
  row "ENOSPC (tmpfs)" "$what" "$# ($1-${!#} KiB; details below)" "$(printf '%s\n' "${codes[@]}" | tally); re-run 0" "$lost" "identical $ident/$#"
}
enospc_cases tokenize 16 28 40 52 68
enospc_cases pack 8 16 24 48 64

# --- read-only output folder -------------------------------------------------------------------
log "read-only output folder: tokenize, pack, merge"
for what in tokenize pack merge; do
  out=$work/cases/readonly-$what
  mkdir -p "$out"
  mount -t tmpfs -o size=4m,mode=0755 tmpfs "$out" || { fail "mount tmpfs"; continue; }
  [[ $what = merge ]] && cp -a "$ranks_tok"/. "$out"/
  before=$(cd "$out" && find . -print0 | sort -z | xargs -0 ls -ld --time-style=+%s.%N | sha256sum)
  mount -o remount,ro "$out" || fail "remount ro"
  case $what in tokenize) cmd=$(tok_cmd "$out") ;; pack) cmd=$(pack_cmd "$out") ;; merge) cmd=$(merge_cmd "$out") ;; esac
  run_quiet "$out.log" $cmd; rc=$?
  after=$(cd "$out" && find . -print0 | sort -z | xargs -0 ls -ld --time-style=+%s.%N | sha256sum)
  msg=$(grep -m1 'Read-only file system' "$out.log")
  verdict="refused: ${msg:-NO MESSAGE}"
  [[ $rc != 0 ]] || fail "read-only $what: exit 0"
  [[ -n $msg ]] || fail "read-only $what: no 'Read-only file system' message (log $out.log)"
  [[ $before = "$after" ]] || fail "read-only $what: the folder changed"
  if grep -Eq 'samples=[1-9]|^tokenized |^merged ' "$out.log"; then fail "read-only $what: work was done before the refusal"; fi
  details+=("read-only $what: $verdict")
  row "read-only (tmpfs ro)" "$what" 1 "$rc" "0" "refused, nothing written$([[ -n $msg ]] || echo ": NO MESSAGE")"
  umount "$out"
done

# --- flipped bytes -----------------------------------------------------------------------------
log "flipped bytes: stats --verify"
for what in tokenized packed; do
  src=$([[ $what = tokenized ]] && echo "$ref_tok" || echo "$ref_pack")
  out=$work/cases/flip-$what
  cp -a "$src" "$out"
  "$bin" stats "$out" --verify >"$out.clean.log" 2>&1 || fail "stats --verify on an intact $what folder: exit $?"
  target=$([[ $what = tokenized ]] && echo demo-000002.tok.zst || echo pack-000001-000002.pack)
  off=$(py flip "$out/$target" middle)
  "$bin" stats "$out" --verify >"$out.log" 2>&1; rc=$?
  said=$(grep -m2 -E "${target%%.*}" "$out.log" | tr -s ' ' | cut -c1-160 | paste -sd'/')
  [[ $rc != 0 ]] || fail "flip $what: stats --verify exit 0 with byte $off of $target flipped"
  [[ -n $said ]] || fail "flip $what: stats --verify does not name ${target%%.*} (log $out.log)"
  details+=("stats --verify $what, byte $off of $target flipped: ${said:-?}")
  row "byte flip" "stats --verify ($what)" 1 "$rc (intact: 0)" "-" "names ${target%%.*}: $([[ -n $said ]] && echo yes || echo NO)"
done

# --- a dying pipe: -------------------------------------------------------------------------------
log "pipe: commands that die mid-stream"
shard=$data/demo-000000.tar
cut=33000
want=$(py tar-cut "$shard" $cut)
for variant in cut killed; do
  out=$work/cases/pipe-$variant
  mkdir -p "$out"
  if [[ $variant = cut ]]; then line="pipe:head -c $cut $shard"; else line="pipe:head -c $cut $shard && kill -9 \$\$"; fi
  echo "$line" >"$out.manifest"
  "$bin" tokenize "$out.manifest" --out "$out" --vq-weights "$vq" --tokenizer "$tokenizer" --size 64 --workers 2 >"$out.log" 2>&1; rc=$?
  "$bin" stats "$out" --json >"$out.stats.json" 2>/dev/null || fail "pipe $variant: stats --json exit $?"
  reasons=$(py jget "$out.stats.json" errors)
  kept=$(py jget "$out.stats.json" ok)
  reason=$(grep -o -E 'truncated-shard|pipe-failed' <<<"$reasons" | head -1)
  [[ -n $reason ]] || fail "pipe $variant: neither truncated-shard nor pipe-failed counted: $reasons"
  [[ $kept = "$want" ]] || fail "pipe $variant: kept $kept samples, $want complete before byte $cut"
  rec="no data file"
  [[ -f $out/demo-000000.tok.zst ]] && { rec=$(py prefix-records "$out/demo-000000.tok.zst" "$ref_tok/demo-000000.tok.zst") || fail "pipe $variant: $rec"; }
  details+=("pipe $variant: manifest line '$line' -> errors $reasons; kept $kept of the $want samples complete before byte $cut; $rec")
  row "pipe: dies mid-stream" "tokenize ($variant at byte $cut)" 1 "$rc" "-" "$reason; kept $kept of $want complete; records $([[ $rec == *equal\ to* ]] && echo equal || echo "$rec")"
done

# --- the references must be untouched ------------------------------------------------------------
[[ $(ref_digest) = "$ref_sum" ]] || fail "the reference folders changed during the run"

# --- table -------------------------------------------------------------------------------------
echo
python3 - "${rows[@]}" <<'PY'
import sys
rows = [r.split("|") for r in sys.argv[1:]]
head = ["fault", "command", "runs", "exit codes seen", "files lost", "re-run / result"]
w = [max(len(x[i]) for x in rows + [head]) for i in range(6)]
line = lambda r: "| " + " | ".join(c.ljust(w[i]) for i, c in enumerate(r)) + " |"
print(line(head)); print("|" + "|".join("-" * (n + 2) for n in w) + "|")
for r in rows: print(line(r))
PY
echo
printf '%s\n' "${details[@]}"
echo
log "done in $(($(date +%s) - t_start)) s"
if ((${#failures[@]})); then
  echo "FAIL: ${#failures[@]} problem(s):"
  printf '  %s\n' "${failures[@]}"
  exit 1
fi
echo "PASS"
