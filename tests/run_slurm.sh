#!/bin/bash
# The jobs/ scripts against a real SLURM (Debian's slurm-wlm 22.05 and munge), started here on
# this one node, as root, with every file under the work dir (nothing in /etc is touched):
#  - jobs/run.sbatch on the tutorial network with srun --mpi=pmix and with LAUNCHER=mpirun:
#    the spike file is byte-identical to a run outside SLURM, the summary says 2 ranks;
#  - jobs/strong_scaling.sbatch over two layouts, with srun and with mpirun: 2 CSV rows each,
#    the layouts asked for, the same spike count in both, positive times;
#  - jobs/weak_scaling.sbatch over two layouts: the network doubles with the cores;
#  - the checkpoint chain, twice: a warning signal emulated with scancel --signal=USR1 --batch,
#    and a real time limit (--time=2 --signal=B:USR1@60): checkpoint, chained job, final spikes;
#    RESTART=auto continues from it; CHAIN_MAX stops the chain; a plain scancel does not chain.
# Fails (never skips) when SLURM or munge cannot be started, printing the daemons' logs.
# CHAIN_BIN selects the binary for the chain: "real" (default) for snn_mpi itself, "fake" for
# tests/slurm/fake_snn_mpi.sh (checkpoint on SIGUSR1, exit 8; tests the scripts alone).
. "$(dirname "$0")/common.sh"
CHAIN_BIN=${CHAIN_BIN:-real}
export SNN_MPI=$SNN # the binary under test for every job (jobs/lib.sh would pick build/snn_mpi)
DEADLINE=$((SECONDS + 170))   # the whole test, SLURM start to the last job
PIDS=()                       # daemons started here, stopped on exit in reverse order
JOBS=()
TMPSOCK=""

show_logs() {
    local f
    for f in "$WORK"/*.log "$WORK"/munge/munged.log "$WORK"/jobs/*.out; do
        [ -f "$f" ] || continue
        echo "----- $f (last 40 lines)" >&2
        tail -n 40 "$f" >&2
    done
}
fail() {
    echo "FAIL: $*" >&2
    show_logs
    exit 1
}
cleanup() {
    local i p
    if [ ${#JOBS[@]} -gt 0 ] && command -v scancel >/dev/null; then scancel "${JOBS[@]}" 2>/dev/null; fi
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        p=${PIDS[i]}
        kill "$p" 2>/dev/null || continue
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$p" 2>/dev/null
    done
    [ -n "$TMPSOCK" ] && rm -rf "$TMPSOCK"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || fail "this test starts munged and SLURM's daemons and must run as root"
for c in munged munge unmunge slurmctld slurmd sbatch srun scontrol scancel sinfo squeue; do
    command -v "$c" >/dev/null || fail "$c is not installed (tools/install_deps.sh installs munge and slurm-wlm)"
done
id munge >/dev/null 2>&1 || fail "no munge user (Debian's munge package creates it)"

# --- reference run outside SLURM, for the byte-for-byte comparison
mpirun_n 2 -q -o "$WORK/ref" "$SRC/examples/ei_balanced.cfg" || fail "reference run"

# --- munge: own key, socket, pid and log file
# munged runs as the munge user: its directory must be reachable by that user (a work directory
# below a 0700 parent, such as a clone in `mktemp -d`, is not) and its socket path short.
MDIR=$WORK/munge
mkdir -p "$MDIR"
chown munge: "$MDIR" && chmod 755 "$MDIR"
if [ ${#MDIR} -gt 80 ] || ! runuser -u munge -- test -w "$MDIR"; then
    TMPSOCK=$(mktemp -d /tmp/snn-munge.XXXXXX)
    MDIR=$TMPSOCK
    chown munge: "$MDIR" && chmod 755 "$MDIR"
fi
dd if=/dev/urandom of="$MDIR/munge.key" bs=1024 count=1 status=none
chown munge: "$MDIR/munge.key" && chmod 400 "$MDIR/munge.key"
MSOCK=$MDIR/munge.socket
runuser -u munge -- munged --key-file="$MDIR/munge.key" --socket="$MSOCK" \
    --pid-file="$MDIR/munged.pid" --log-file="$MDIR/munged.log" --seed-file="$MDIR/munged.seed" ||
    fail "munged did not start"
PIDS+=("$(cat "$MDIR/munged.pid")")
munge -n -S "$MSOCK" | unmunge -S "$MSOCK" >/dev/null || fail "munge credential round trip"
[ "$MDIR" = "$WORK/munge" ] || cp "$MDIR/munged.log" "$WORK/munged.log" 2>/dev/null

# --- slurm.conf for this node
HOST=$(hostname -s)
NCPU=$(nproc)
MEM=$(($(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo) - 1024))
read -r PCTLD PSLURMD < <("$PY" -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("", 0))
print(*[x.getsockname()[1] for x in s])')
mkdir -p "$WORK/state" "$WORK/spool" "$WORK/jobs"
export SLURM_CONF=$WORK/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=snntest
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MSOCK
SlurmctldPort=$PCTLD
SlurmdPort=$PSLURMD
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MailProg=/bin/true
KillWait=5
MinJobAge=600
NodeName=$HOST CPUs=$NCPU RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF

slurmctld -D -i -f "$SLURM_CONF" >"$WORK/slurmctld.stdout.log" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" >"$WORK/slurmd.stdout.log" 2>&1 &
PIDS+=($!)
state=""
for _ in $(seq 120); do
    state=$(sinfo -h -N -o %t 2>/dev/null)
    [ "$state" = idle ] && break
    kill -0 "${PIDS[1]}" 2>/dev/null || fail "slurmctld exited"
    kill -0 "${PIDS[2]}" 2>/dev/null || fail "slurmd exited"
    sleep 0.5
done
[ "$state" = idle ] || fail "the node is not idle after 60 s (sinfo: \"$state\")"
echo "SLURM up: node $HOST, $NCPU CPUs, $MEM MB, ports $PCTLD/$PSLURMD"

# --- jobs. All share the node (--oversubscribe); every job's log goes to jobs/<name>-<id>.out.
export SNN_HOME=$SRC
submit() { # submit NAME [sbatch args...]: prints the job id
    local name=$1 id
    shift
    # from the work dir: it is the jobs' SLURM_SUBMIT_DIR, under which they write out/<name>-<id>
    id=$(cd "$WORK" && sbatch --parsable -J "$name" -s -o "$WORK/jobs/%x-%j.out" "$@") ||
        fail "sbatch $name"
    echo "${id%%;*}"
}
job_field() { # job_field ID FIELD
    scontrol -o show job "$1" 2>/dev/null | grep -o "\b$2=[^ ]*" | head -n 1 | cut -d= -f2
}
wait_job() { # wait_job ID: waits until it ends, fails unless COMPLETED with exit code 0:0
    local st=""
    while [ $SECONDS -lt $DEADLINE ]; do
        st=$(job_field "$1" JobState)
        case "$st" in
        PENDING | RUNNING | CONFIGURING | COMPLETING | SUSPENDED | "") sleep 1 ;;
        *) break ;;
        esac
    done
    [ "$st" = COMPLETED ] || fail "job $1 ($(job_field "$1" JobName)) ended as \"$st\" (or the test ran out of time)"
    [ "$(job_field "$1" ExitCode)" = 0:0 ] || fail "job $1: exit code $(job_field "$1" ExitCode)"
}
wait_file() { # wait_file PATH: until it exists
    while [ $SECONDS -lt $DEADLINE ]; do
        compgen -G "$1" >/dev/null && return 0
        sleep 0.5
    done
    fail "no $1 in time"
}

# The chain: chain-sig.cfg is signalled after a few seconds, chain-time.cfg must still be running
# when the time-limit warning comes (30 to 60 s after its start).
if [ "$CHAIN_BIN" = real ]; then
    CHAIN_SNN=$SNN
    # chain-time must run about 75 s on this machine: long enough for the warning 30-60 s after
    # its start, short enough that the chained job finishes it. Calibrated with a 100 s run.
    reduced "$SRC/examples/brunel.cfg" 0.02 "100000 ms" "$WORK/chain-cal.cfg"
    t0=$(date +%s.%N)
    mpirun_n 1 -q -o "$WORK/chain-cal" "$WORK/chain-cal.cfg" || fail "calibration run"
    wall=$("$PY" -c 'import sys; print(max(float(sys.argv[2]) - float(sys.argv[1]), 0.05))' "$t0" "$(date +%s.%N)")
    model_ms() { "$PY" -c 'import sys; print(int(100000 * float(sys.argv[2]) / float(sys.argv[1])))' "$wall" "$1"; }
    echo "chain-time: $(model_ms 75) ms of model time for about 75 s of work"
    reduced "$SRC/examples/brunel.cfg" 0.02 "$(model_ms 75) ms" "$WORK/chain-time.cfg"
    # chain-sig (also chain-max, chain-cancel) is signalled once it runs: about 15 s of work
    reduced "$SRC/examples/brunel.cfg" 0.02 "$(model_ms 15) ms" "$WORK/chain-sig.cfg"
    mpirun_n 1 -q -o "$WORK/ref-chain" "$WORK/chain-sig.cfg" || fail "uninterrupted chain-sig run"
    DEADLINE=$((DEADLINE + 150))
else
    CHAIN_SNN=$SRC/tests/slurm/fake_snn_mpi.sh
    cp "$SRC/examples/ei_balanced.cfg" "$WORK/chain-sig.cfg"
    cp "$SRC/examples/ei_balanced.cfg" "$WORK/chain-time.cfg"
fi
RUN=$SRC/jobs/run.sbatch
TL=$(OUT=$WORK/out/chain-time SNN_MPI=$CHAIN_SNN CHAIN_SBATCH_ARGS="-s --signal=B:USR1@60" \
    submit chain-time -n 1 -c 1 --time=2 --signal=B:USR1@60 "$RUN" "$WORK/chain-time.cfg")
SIG=$(OUT=$WORK/out/chain-sig SNN_MPI=$CHAIN_SNN CHAIN_SBATCH_ARGS=-s submit chain-sig -n 1 -c 1 "$RUN" "$WORK/chain-sig.cfg")
# CHAIN_MAX=1: the checkpoint is written but nothing is resubmitted, and the job fails with 8
MAX=$(OUT=$WORK/out/chain-max SNN_MPI=$CHAIN_SNN CHAIN_MAX=1 submit chain-max -n 1 -c 1 "$RUN" "$WORK/chain-sig.cfg")
# a plain scancel (SIGTERM, no warning): checkpoint kept, not resubmitted
CAN=$(OUT=$WORK/out/chain-cancel SNN_MPI=$CHAIN_SNN submit chain-cancel -n 1 -c 1 "$RUN" "$WORK/chain-sig.cfg")
JOBS+=("$TL" "$SIG" "$MAX" "$CAN")
EI=$SRC/examples/ei_balanced.cfg
R1=$(submit run-srun -n 2 -c 1 "$RUN" "$EI")
R2=$(LAUNCHER=mpirun submit run-mpirun -n 2 -c 1 "$RUN" "$EI")
S1=$(LAYOUTS="1x2 2x1" submit strong-srun -n 2 -c 1 "$SRC/jobs/strong_scaling.sbatch" "$EI")
S2=$(LAYOUTS="1x1 2x1" LAUNCHER=mpirun submit strong-mpirun -n 2 -c 1 "$SRC/jobs/strong_scaling.sbatch" "$EI")
W1=$(LAYOUTS="1x1 2x1" BASE_SCALE=0.5 DURATION="50 ms" submit weak-srun -n 2 -c 1 \
    "$SRC/jobs/weak_scaling.sbatch" "$EI")
JOBS+=("$R1" "$R2" "$S1" "$S2" "$W1")

# the warning signal, emulated: once the fake (or real) run is going, signal the batch shell
for j in "$SIG" "$MAX"; do
    if [ "$CHAIN_BIN" = real ]; then
        wait_file "$WORK/jobs/*-$j.out"
        while ! grep -q '^\[' "$WORK"/jobs/*-"$j".out && [ $SECONDS -lt $DEADLINE ]; do sleep 0.5; done
    else
        wait_file "$WORK/out/$(job_field "$j" JobName)/started.*"
    fi
    scancel --signal=USR1 --batch "$j" || fail "scancel --signal=USR1 --batch $j"
done
if [ "$CHAIN_BIN" = real ]; then
    wait_file "$WORK/jobs/*-$CAN.out"
    while ! grep -q '^\[' "$WORK"/jobs/*-"$CAN".out && [ $SECONDS -lt $DEADLINE ]; do sleep 0.5; done
else
    wait_file "$WORK/out/chain-cancel/started.*"
fi
scancel "$CAN" || fail "scancel $CAN"

for j in "$R1" "$R2"; do
    wait_job "$j"
    name=$(job_field "$j" JobName)
    out=$WORK/out/$name-$j
    cmp "$WORK/ref/spikes.h5" "$out/spikes.h5" || fail "$name: $out/spikes.h5 differs from the run outside SLURM"
    "$PY" -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["ranks"] == 2 and s["threads"] == 1, s' \
        "$out/summary.json" || fail "$name: summary.json does not say 2 ranks of 1 thread"
    echo "ok: $name ($j): spikes identical to mpirun outside SLURM"
done

check_csv() { # check_csv CSV MODE "RxT RxT"
    "$PY" - "$@" <<'PY' || fail "$1: bad table"
import csv, sys
path, mode, layouts = sys.argv[1], sys.argv[2], sys.argv[3].split()
rows = list(csv.DictReader(open(path)))
print(open(path).read(), end="")
assert len(rows) == len(layouts), f"{len(rows)} rows, expected {len(layouts)}"
assert [f"{r['ranks']}x{r['threads']}" for r in rows] == layouts, "layouts differ"
for r in rows:
    assert r["workload"] == "ei_balanced" and r["mode"] == mode
    assert float(r["simulate_s"]) > 0 and float(r["build_s"]) > 0 and float(r["rtf"]) > 0
    assert float(r["peak_mb_per_rank"]) > 1 and int(r["spikes"]) > 0
    assert float(r["update_s"]) + float(r["exchange_s"]) + float(r["delivery_s"]) + float(r["output_s"]) \
        <= float(r["simulate_s"]) * 1.001 + 1e-6
if mode == "strong":
    assert all(int(r["neurons"]) == 500 and int(r["synapses"]) == 25000 for r in rows)
    assert len({r["spikes"] for r in rows}) == 1, "spike counts differ between layouts"
else:
    n = [int(r["neurons"]) for r in rows]
    assert n[1] == 2 * n[0], f"weak scaling: neurons {n}"
PY
}
wait_job "$S1"
check_csv "$WORK/out/strong-srun-$S1/scaling.csv" strong "1x2 2x1"
wait_job "$S2"
check_csv "$WORK/out/strong-mpirun-$S2/scaling.csv" strong "1x1 2x1"
wait_job "$W1"
check_csv "$WORK/out/weak-srun-$W1/scaling.csv" weak "1x1 2x1"
[ -s "$WORK/out/weak-srun-$W1/scaling.png" ] || fail "weak_scaling.sbatch drew no plot"
echo "ok: strong and weak scaling tables"

check_chain() { # check_chain JOBID OUT
    local id=$1 out=$2 next
    wait_job "$id"
    [ -f "$out/checkpoint.h5" ] || fail "job $id: no checkpoint in $out"
    [ -f "$out/chain-1.jobid" ] || fail "job $id: no chained job"
    next=$(cat "$out/chain-1.jobid")
    JOBS+=("$next")
    wait_job "$next"
    [ "$(job_field "$next" JobName)" = "$(job_field "$id" JobName)" ] || fail "chained job $next: another name"
    [ "$(job_field "$next" NumCPUs)" = "$(job_field "$id" NumCPUs)" ] || fail "chained job $next: other CPUs"
    [ "$(job_field "$next" TimeLimit)" = "$(job_field "$id" TimeLimit)" ] || fail "chained job $next: other time limit"
    grep -q "chain 1/10" "$WORK/jobs/$(job_field "$id" JobName)-$next.out" || fail "job $next: not chain index 1"
    local k=1 last=$next # a chained job may itself reach the warning and chain again
    while [ -f "$out/chain-$((k + 1)).jobid" ]; do
        k=$((k + 1))
        last=$(cat "$out/chain-$k.jobid")
        JOBS+=("$last")
        wait_job "$last"
    done
    [ "$k" -eq 1 ] || echo "job $id: the chain took $k jobs"
    if [ "$CHAIN_BIN" = real ]; then
        [ "$(total_spikes "$out/spikes.h5")" -gt 0 ] || fail "chain: no spikes after the restart"
    else
        grep -q "^fake spikes of $WORK/$(job_field "$id" JobName).cfg restarted from $out/checkpoint.h5\$" "$out/spikes.h5" ||
            fail "chain: $out/spikes.h5 is not the restarted run's"
    fi
    echo "ok: job $id checkpointed and its chain ($next ... $last) finished from it"
}
check_chain "$SIG" "$WORK/out/chain-sig"
grep -q "got SIGUSR1" "$WORK/jobs/chain-sig-$SIG.out" || fail "chain-sig: the batch shell saw no SIGUSR1"
if [ "$CHAIN_BIN" = real ]; then
    cmp "$WORK/ref-chain/spikes.h5" "$WORK/out/chain-sig/spikes.h5" ||
        fail "chain-sig: the spikes after checkpoint and restart differ from an uninterrupted run"
    echo "ok: chain-sig: spikes after checkpoint, chained job and restart identical to an uninterrupted run"
fi
st=""
while [ $SECONDS -lt $DEADLINE ]; do
    st=$(job_field "$MAX" JobState)
    case "$st" in PENDING | RUNNING | CONFIGURING | COMPLETING | "") sleep 1 ;; *) break ;; esac
done
[ "$st" = FAILED ] && [ "$(job_field "$MAX" ExitCode)" = 8:0 ] ||
    fail "chain-max: expected FAILED with exit code 8:0, got $st $(job_field "$MAX" ExitCode)"
[ -f "$WORK/out/chain-max/checkpoint.h5" ] || fail "chain-max: no checkpoint"
[ ! -e "$WORK/out/chain-max/chain-1.jobid" ] || fail "chain-max: resubmitted beyond CHAIN_MAX"
echo "ok: CHAIN_MAX=1 stops the chain with status 8 and keeps the checkpoint"
# RESTART=auto in a directory with a checkpoint (the stopped chain-max run's) continues from it
AUTO=$(OUT=$WORK/out/chain-max SNN_MPI=$CHAIN_SNN RESTART=auto submit chain-auto -n 1 -c 1 "$RUN" "$WORK/chain-sig.cfg")
JOBS+=("$AUTO")
wait_job "$AUTO"
grep -q -- "--restart $WORK/out/chain-max/checkpoint.h5 -o" "$WORK/jobs/chain-auto-$AUTO.out" ||
    fail "RESTART=auto did not pass --restart"
[ -f "$WORK/out/chain-max/spikes.h5" ] || fail "RESTART=auto: no spikes"
if [ "$CHAIN_BIN" = real ]; then
    cmp "$WORK/ref-chain/spikes.h5" "$WORK/out/chain-max/spikes.h5" ||
        fail "chain-auto: the spikes after RESTART=auto differ from an uninterrupted run"
fi
echo "ok: RESTART=auto continues from the checkpoint in OUT"
while ! grep -q "not resubmitting" "$WORK/jobs/chain-cancel-$CAN.out" 2>/dev/null; do
    [ $SECONDS -lt $DEADLINE ] || fail "chain-cancel: run.sbatch did not report the stop"
    sleep 0.5
done
[ "$(job_field "$CAN" JobState)" = CANCELLED ] || fail "chain-cancel: state $(job_field "$CAN" JobState)"
[ -f "$WORK/out/chain-cancel/checkpoint.h5" ] || fail "chain-cancel: no checkpoint"
[ ! -e "$WORK/out/chain-cancel/chain-1.jobid" ] || fail "chain-cancel: resubmitted after scancel"
echo "ok: scancel keeps the checkpoint and does not resubmit"
check_chain "$TL" "$WORK/out/chain-time"
grep -q "got SIGUSR1" "$WORK/jobs/chain-time-$TL.out" || fail "chain-time: no warning signal before the time limit"
echo "PASS ($SECONDS s)"
