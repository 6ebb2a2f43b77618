#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (ASan + libFuzzer coverage, release) and runs each one.
#
#   scripts/fuzz.sh [TARGET...]          every target when none is named (FuzzManifest, FuzzTar, ...,
#                                        PyPackedReader: the Python reader under Atheris)
#
# Environment:
#   FUZZ_SECONDS=30        time per target (-max_total_time)
#   FUZZ_RUNS=N            also stop a target after N executions (-runs)
#   FUZZ_KEEP_GOING=1      do not stop at the first crash: libFuzzer's fork mode with one job,
#                          -ignore_crashes/-ignore_ooms/-ignore_timeouts, every finding kept
#   FUZZ_SKIP_BUILD=1      use the binaries already in Fuzz/.build/release
#   FUZZ_WORK=DIR          working corpora, findings and logs (default Fuzz/.build/fuzz)
#   FUZZ_ARGS="..."        extra libFuzzer flags
#
# Every target runs with -rss_limit_mb=2048 -timeout=10, starting from the committed seeds in
# Fuzz/corpus/<target>/ plus what earlier runs added to $FUZZ_WORK/corpus/<target>/ (new inputs
# go there, never into the committed seeds). Findings (crash-*, oom-*, timeout-*, leak-*) land in
# $FUZZ_WORK/findings/<target>/, the full log in $FUZZ_WORK/logs/<target>.log. The script prints
# one line per target and exits 1 when any target found something (or failed to run).
#
# Reproduce a finding:   Fuzz/.build/release/<target> FILE
# Minimise it:           Fuzz/.build/release/<target> -minimize_crash=1 -runs=10000 FILE
# Run in CI (30 s each): scripts/fuzz.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUZZ="$ROOT/Fuzz"
SECONDS_PER_TARGET="${FUZZ_SECONDS:-30}"
WORK="${FUZZ_WORK:-$FUZZ/.build/fuzz}"
ALL_TARGETS=(FuzzManifest FuzzTar FuzzJPEG FuzzPNG FuzzTokenizer FuzzSafeTensors FuzzTokenizedShard FuzzPackedShard
             PyPackedReader)
if [ "$#" -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi

# SwiftPM's `--sanitize fuzzer` compiles the executables with -parse-as-library and links them
# without SwiftPM's renamed entry point, so libFuzzer's main() drives LLVMFuzzerTestOneInput.
# Not `--sanitize fuzzer --sanitize address`: SwiftPM passes them as two -sanitize= flags in no
# fixed order and swiftc keeps only the last, so a build gets either coverage or ASan, never both
# (seen with Swift 6.3.1). The trailing `-Xswiftc -sanitize=fuzzer,address` comes last on every
# swiftc line (compile and link), and `-Xcc -fsanitize=address` adds ASan to the C shim (CPNGShim).
BUILD_FLAGS=(-c release --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address)

if [ "${FUZZ_SKIP_BUILD:-0}" != 1 ]; then
    echo "building the fuzz targets (release, -sanitize=fuzzer,address)..."
    start=$(date +%s)
    (cd "$FUZZ" && swift build "${BUILD_FLAGS[@]}")
    echo "build took $(( $(date +%s) - start )) s"
fi
BIN="$(cd "$FUZZ" && swift build "${BUILD_FLAGS[@]}" --show-bin-path)"

mkdir -p "$WORK/logs"
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/synergen-fuzz.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT

# ASan without leak reports (the Swift runtime's one-time caches would be reported). The Swift
# runtime's own crash backtracer is off: it reads memory out of process on a trap, ASan reports
# that read as an "unknown-crash" in CrashHandlerLinux.cpp and hides the real trap; without it a
# Swift runtime failure reaches libFuzzer as a "deadly signal" with the symbolised stack.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:handle_abort=1}"
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"

printf '\n%-20s %12s %8s %9s %8s %8s  %s\n' target executions time_s exec/s corpus cov findings
status=0
for target in "${TARGETS[@]}"; do
    seeds="$FUZZ/corpus/$target"
    command=("$BIN/$target")
    if [ "$target" = PyPackedReader ]; then
        # Same input format and seeds as FuzzPackedShard. Atheris when installed, else the
        # script's plain seeded mutation fuzzer (no coverage feedback).
        seeds="$FUZZ/corpus/FuzzPackedShard"
        command=(env PYTHONPATH="$ROOT/python" python3 "$FUZZ/python/fuzz_packed_reader.py")
        if ! python3 -c 'import atheris' 2>/dev/null; then
            echo "(atheris is not installed: PyPackedReader runs the plain mutation fuzzer)"
            command=(env PYTHONPATH="$ROOT/python" FUZZ_PLAIN_FINDINGS="$WORK/findings/$target"
                     python3 "$FUZZ/python/fuzz_packed_reader.py" --plain "$SECONDS_PER_TARGET")
        fi
    elif [ ! -x "$BIN/$target" ]; then
        echo "no such target: $target" >&2; status=1; continue
    fi
    corpus="$WORK/corpus/$target"
    findings="$WORK/findings/$target"
    log="$WORK/logs/$target.log"
    mkdir -p "$corpus" "$findings"
    flags=(-max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
           -artifact_prefix="$findings/")
    [ -n "${FUZZ_RUNS:-}" ] && flags+=(-runs="$FUZZ_RUNS")
    # Fork mode for the Swift targets only (Atheris runs in one process).
    [ "${FUZZ_KEEP_GOING:-0}" = 1 ] && [ "$target" != PyPackedReader ] &&
        flags+=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
    # shellcheck disable=SC2206
    [ -n "${FUZZ_ARGS:-}" ] && flags+=(${FUZZ_ARGS})
    case "${command[*]}" in *--plain*) flags=() ;; esac
    before=$(find "$findings" -type f | wc -l)
    start=$(date +%s%N)
    set +e
    (cd "$SCRATCH" && TMPDIR="$SCRATCH" "${command[@]}" "${flags[@]}" "$corpus" "$seeds") >"$log" 2>&1
    rc=$?
    set -e
    elapsed=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
    # Executions: "Done N runs" (plain mode), else the last "#N" status line (fork mode).
    execs=$(grep -oE '^Done [0-9]+ runs' "$log" | tail -1 | grep -oE '[0-9]+' || true)
    [ -z "$execs" ] && execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
    [ -z "$execs" ] && execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || true)
    [ -z "$execs" ] && execs=$(grep -oE '^plain fuzzer: [0-9]+' "$log" | grep -oE '[0-9]+' || true)
    execs=${execs:-0}
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
    files=$(find "$corpus" -type f | wc -l)
    after=$(find "$findings" -type f | wc -l)
    new=$((after - before))
    per_s=$(awk -v n="$execs" -v t="$elapsed" 'BEGIN { printf "%d", (t > 0 ? n / t : 0) }')
    note="$new new"
    [ "$new" -gt 0 ] && note="$new new ($(cd "$findings" && ls -t | head -n "$new" | sed 's/-.*//' | sort | uniq -c | awk '{printf "%s%s:%s", sep, $2, $1; sep=","}'))"
    # Plain mode stops at the first finding with a non-zero exit; fork mode keeps going.
    if [ "$rc" -ne 0 ] && [ "$new" -eq 0 ]; then note="exit $rc, see $log"; fi
    [ "$new" -gt 0 ] || [ "$rc" -ne 0 ] && status=1
    printf '%-20s %12s %8.1f %9s %8s %8s  %s\n' "$target" "$execs" "$elapsed" "$per_s" "$files" "$cov" "$note"
done

echo
echo "findings: $WORK/findings/<target>/  logs: $WORK/logs/"
exit $status
