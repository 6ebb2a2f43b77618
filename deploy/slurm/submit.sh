#!/bin/bash
# Submits tokenize -> pack -> merge as three chained Slurm jobs:
#   tokenize: array job, W tasks (one rank each)
#   pack:     array job, P tasks, --dependency=afterok:<tokenize>  (starts when every rank succeeded)
#   merge:    one task,           --dependency=afterok:<pack>      (validates, writes index.json)
# with --kill-on-invalid-dep=yes, so a failed stage cancels the stages after it instead of leaving
# them pending. Prints the three job ids; the last line is "job ids: TOKENIZE PACK MERGE".
#
#   deploy/slurm/submit.sh MANIFEST... [options] [-- more sbatch options for all three jobs]
#
# Run it from the directory the jobs should work in (or give --chdir); that directory, the binary,
# the manifests, the models and the output folders must be on a file system every node sees.
# Relative paths are relative to that directory.
#
# Options (each has an environment variable; a flag wins over the variable):
#   -n, --tasks W          tokenize array tasks = ranks                SYNERGEN_TASKS (4)
#   --pack-tasks P         pack array tasks (more than pack groups:    SYNERGEN_PACK_TASKS (--tasks)
#                          the extra ones have nothing to do)
#   --max-parallel M       at most M array tasks of a job at once      SYNERGEN_MAX_PARALLEL (no limit)
#   --tok DIR              tokenized folder                            SYNERGEN_TOK_DIR (shards/tokenized)
#   --pack DIR             packed folder                               SYNERGEN_PACK_DIR (shards/packed)
#   --logs DIR             job logs, %x-%A_%a.out (created)            SYNERGEN_LOG_DIR (slurm-logs)
#   --bin FILE             synergen-prep binary                        SYNERGEN_BIN (./.build/release/
#                                                                      synergen-prep, else PATH)
#   --vq-weights FILE      tokenize --vq-weights                       SYNERGEN_VQ_WEIGHTS
#   --tokenizer FILE       tokenize and pack --tokenizer               SYNERGEN_TOKENIZER
#   --size N               tokenize --size                             SYNERGEN_SIZE
#   --workers N            tokenize --workers (per rank)               SYNERGEN_WORKERS
#   --seq N                pack --seq                                  SYNERGEN_SEQ
#   --group-shards G       pack --group-shards                         SYNERGEN_GROUP_SHARDS
#   --tokenize-args STR    more tokenize options (split at blanks)     SYNERGEN_TOKENIZE_ARGS
#   --pack-args STR        more pack options (split at blanks)         SYNERGEN_PACK_ARGS
#   --merge-args STR       more merge options (split at blanks)        SYNERGEN_MERGE_ARGS
#   --tokenize-after-shard CMD   tokenize --after-shard                SYNERGEN_TOKENIZE_AFTER_SHARD
#   --pack-after-shard CMD       pack --after-shard                    SYNERGEN_PACK_AFTER_SHARD
#   --partition P          sbatch --partition (all three)              SYNERGEN_PARTITION
#   --account A            sbatch --account                            SYNERGEN_ACCOUNT
#   --time T               sbatch --time for tokenize and pack         SYNERGEN_TIME
#   --cpus N               sbatch --cpus-per-task for tokenize, pack   SYNERGEN_CPUS
#   --mem M                sbatch --mem for tokenize and pack          SYNERGEN_MEM (e.g. 8G)
#   --sbatch-args STR      more sbatch options for all three           SYNERGEN_SBATCH_ARGS
#   --chdir DIR            the jobs' working directory                 SYNERGEN_WORKDIR ($PWD)
#   --dry-run              print the sbatch commands, submit nothing
#   -h, --help
# The settings reach the jobs as exported SYNERGEN_* variables (sbatch --export=ALL); values may
# hold commas and blanks. The *-args strings are split at blanks and cannot quote.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
die() { echo "submit.sh: $*" >&2; exit 2; }

manifests=()
sbatch_more=()
dry_run=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --dry-run) dry_run=1; shift; continue ;;
    --) shift; sbatch_more+=("$@"); break ;;
    -n|--tasks|--pack-tasks|--max-parallel|--tok|--pack|--logs|--bin|--vq-weights|--tokenizer|--size|\
    --workers|--seq|--group-shards|--tokenize-args|--pack-args|--merge-args|--tokenize-after-shard|\
    --pack-after-shard|--partition|--account|--time|--cpus|--mem|--sbatch-args|--chdir)
      [ "$#" -ge 2 ] || die "$1 needs a value"
      case "$1" in
        -n|--tasks) SYNERGEN_TASKS=$2 ;;
        --pack-tasks) SYNERGEN_PACK_TASKS=$2 ;;
        --max-parallel) SYNERGEN_MAX_PARALLEL=$2 ;;
        --tok) SYNERGEN_TOK_DIR=$2 ;;
        --pack) SYNERGEN_PACK_DIR=$2 ;;
        --logs) SYNERGEN_LOG_DIR=$2 ;;
        --bin) SYNERGEN_BIN=$2 ;;
        --vq-weights) SYNERGEN_VQ_WEIGHTS=$2 ;;
        --tokenizer) SYNERGEN_TOKENIZER=$2 ;;
        --size) SYNERGEN_SIZE=$2 ;;
        --workers) SYNERGEN_WORKERS=$2 ;;
        --seq) SYNERGEN_SEQ=$2 ;;
        --group-shards) SYNERGEN_GROUP_SHARDS=$2 ;;
        --tokenize-args) SYNERGEN_TOKENIZE_ARGS=$2 ;;
        --pack-args) SYNERGEN_PACK_ARGS=$2 ;;
        --merge-args) SYNERGEN_MERGE_ARGS=$2 ;;
        --tokenize-after-shard) SYNERGEN_TOKENIZE_AFTER_SHARD=$2 ;;
        --pack-after-shard) SYNERGEN_PACK_AFTER_SHARD=$2 ;;
        --partition) SYNERGEN_PARTITION=$2 ;;
        --account) SYNERGEN_ACCOUNT=$2 ;;
        --time) SYNERGEN_TIME=$2 ;;
        --cpus) SYNERGEN_CPUS=$2 ;;
        --mem) SYNERGEN_MEM=$2 ;;
        --sbatch-args) SYNERGEN_SBATCH_ARGS=$2 ;;
        --chdir) SYNERGEN_WORKDIR=$2 ;;
      esac
      shift 2 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) manifests+=("$1"); shift ;;
  esac
done

[ "${#manifests[@]}" -gt 0 ] || die "no manifest given (usage: submit.sh MANIFEST... [options]; --help)"

workdir=${SYNERGEN_WORKDIR:-$PWD}
[ -d "$workdir" ] || die "working directory $workdir does not exist"
workdir=$(cd "$workdir" && pwd)

tasks=${SYNERGEN_TASKS:-4}
pack_tasks=${SYNERGEN_PACK_TASKS:-$tasks}
for n in "$tasks" "$pack_tasks" ${SYNERGEN_MAX_PARALLEL:+"$SYNERGEN_MAX_PARALLEL"}; do
  case "$n" in ''|*[!0-9]*|0) die "task counts must be positive integers (got '$n')" ;; esac
done

# The binary: absolute, so that it does not depend on PATH or the directory on the nodes.
if [ -z "${SYNERGEN_BIN:-}" ]; then
  if [ -x "$workdir/.build/release/synergen-prep" ]; then
    SYNERGEN_BIN=$workdir/.build/release/synergen-prep
  else
    SYNERGEN_BIN=$(command -v synergen-prep) || [ "$dry_run" = 1 ] ||
      die "no synergen-prep binary: give --bin FILE or SYNERGEN_BIN"
    SYNERGEN_BIN=${SYNERGEN_BIN:-synergen-prep}
  fi
fi
case "$SYNERGEN_BIN" in
  /*) ;;
  */*) SYNERGEN_BIN=$workdir/${SYNERGEN_BIN#./} ;;
  *) SYNERGEN_BIN=$(command -v "$SYNERGEN_BIN") || [ "$dry_run" = 1 ] || die "$SYNERGEN_BIN is not on PATH" ;;
esac
[ -x "$SYNERGEN_BIN" ] || [ "$dry_run" = 1 ] || die "$SYNERGEN_BIN is not an executable file"

# Fail here, not in every array task, on a typo in a manifest or model path.
(
  cd "$workdir"
  for f in "${manifests[@]}" ${SYNERGEN_VQ_WEIGHTS:+"$SYNERGEN_VQ_WEIGHTS"} ${SYNERGEN_TOKENIZER:+"$SYNERGEN_TOKENIZER"}; do
    [ -f "$f" ] || [ "$dry_run" = 1 ] || die "$f: no such file (relative to $workdir)"
  done
) || exit 2

SYNERGEN_TOK_DIR=${SYNERGEN_TOK_DIR:-shards/tokenized}
SYNERGEN_PACK_DIR=${SYNERGEN_PACK_DIR:-shards/packed}
logs=${SYNERGEN_LOG_DIR:-slurm-logs}
case "$logs" in /*) ;; *) logs=$workdir/$logs ;; esac
[ "$dry_run" = 1 ] || mkdir -p "$logs"   # Slurm does not create the folder of --output

# What the .sbatch scripts read (an unset variable stays unset; sbatch --export=ALL passes them on).
export SYNERGEN_BIN SYNERGEN_TOK_DIR SYNERGEN_PACK_DIR SYNERGEN_VQ_WEIGHTS SYNERGEN_TOKENIZER \
  SYNERGEN_SIZE SYNERGEN_WORKERS SYNERGEN_SEQ SYNERGEN_GROUP_SHARDS SYNERGEN_TOKENIZE_ARGS \
  SYNERGEN_PACK_ARGS SYNERGEN_MERGE_ARGS SYNERGEN_TOKENIZE_AFTER_SHARD SYNERGEN_PACK_AFTER_SHARD

common=(--parsable --export=ALL --chdir="$workdir")
if [ -n "${SYNERGEN_PARTITION:-}" ]; then common+=(--partition="$SYNERGEN_PARTITION"); fi
if [ -n "${SYNERGEN_ACCOUNT:-}" ]; then common+=(--account="$SYNERGEN_ACCOUNT"); fi
if [ -n "${SYNERGEN_SBATCH_ARGS:-}" ]; then
  read -r -a more <<<"$SYNERGEN_SBATCH_ARGS"
  common+=("${more[@]}")
fi
common+=(${sbatch_more[@]+"${sbatch_more[@]}"})
work=()
if [ -n "${SYNERGEN_TIME:-}" ]; then work+=(--time="$SYNERGEN_TIME"); fi
if [ -n "${SYNERGEN_CPUS:-}" ]; then work+=(--cpus-per-task="$SYNERGEN_CPUS"); fi
if [ -n "${SYNERGEN_MEM:-}" ]; then work+=(--mem="$SYNERGEN_MEM"); fi
limit=${SYNERGEN_MAX_PARALLEL:+%$SYNERGEN_MAX_PARALLEL}

# submit NAME SBATCH-ARGS...: runs sbatch (prints it with --dry-run) and prints the job id.
submit() {
  local name=$1
  shift
  if [ "$dry_run" = 1 ]; then
    if [ "$name" = tokenize ]; then env | grep '^SYNERGEN_' | sort | sed 's/^/export /' >&2; fi
    printf '%q ' sbatch "$@" >&2
    echo >&2
    echo "<$name-id>"
    return
  fi
  local id
  id=$(sbatch "$@") || die "sbatch failed: $(printf '%q ' sbatch "$@")"
  echo "${id%%;*}"   # --parsable prints "id" or "id;cluster"
}

tok_id=$(submit tokenize --job-name=synergen-tokenize "${common[@]}" ${work[@]+"${work[@]}"} \
  --array="0-$((tasks - 1))$limit" --output="$logs/%x-%A_%a.out" \
  "$here/tokenize.sbatch" "${manifests[@]}")
pack_id=$(submit pack --job-name=synergen-pack "${common[@]}" ${work[@]+"${work[@]}"} \
  --array="0-$((pack_tasks - 1))$limit" --output="$logs/%x-%A_%a.out" \
  --dependency="afterok:$tok_id" --kill-on-invalid-dep=yes \
  "$here/pack.sbatch")
merge_id=$(submit merge --job-name=synergen-merge "${common[@]}" --ntasks=1 \
  --output="$logs/%x-%j.out" \
  --dependency="afterok:$pack_id" --kill-on-invalid-dep=yes \
  "$here/merge.sbatch")

echo "tokenize: job $tok_id, $tasks array tasks -> $SYNERGEN_TOK_DIR"
echo "pack:     job $pack_id, $pack_tasks array tasks -> $SYNERGEN_PACK_DIR (after $tok_id)"
echo "merge:    job $merge_id (after $pack_id)"
echo "logs:     $logs/synergen-{tokenize,pack}-<job>_<task>.out, $logs/synergen-merge-<job>.out"
echo "watch:    squeue -j $tok_id,$pack_id,$merge_id"
echo "job ids: $tok_id $pack_id $merge_id"
