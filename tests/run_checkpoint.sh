# Checkpoint and restart (README "Checkpoint and restart"): a run stopped by SIGTERM or SIGUSR1
# exits 8 with checkpoint.h5 and spikes.h5.partial; --restart on other numbers of ranks and
# threads gives a spikes.h5 byte-identical (cmp) to the uninterrupted run's, and the same
# summary (spikes per population, synaptic events). Covers the tutorial network, Brunel (Poisson
# input, 15-step exchange interval), the microcircuit (drawn delays, Poisson input) and
# tests/configs/checkpoint_mixed.cfg (lif with refractoriness, iaf_psc_exp, alpha, dual_expon,
# coba, delta, drawn weights and delays, windowed Poisson and step inputs), a signal sent to mpirun from outside (any build), periodic checkpoints with a
# simulated crash after one, and the restart errors (config changed, corrupt, truncated, missing
# checkpoint; missing spike file) on 2 ranks. Stops at a chosen step need SNN_FAULT (builds with
# -DSNN_FAULT_INJECTION=ON); without it only those parts are skipped.
. "$(dirname "$0")/common.sh"

if grep -aq 'SNN_FAULT' "$SNN"; then HAVE_FAULT=1; else HAVE_FAULT=0; fi
# 3 ranks x 2 threads on 2 cores: OpenMP threads that spin at barriers slow it 25-fold.
export OMP_WAIT_POLICY=passive

reduced "$SRC/examples/brunel.cfg" 0.05 "100 ms" "$WORK/brunel.cfg"
reduced "$SRC/examples/microcircuit.cfg" 0.01 "100 ms" "$WORK/mc.cfg"
cp "$SRC/examples/ei_balanced.cfg" "$WORK/ei.cfg"
cp "$SRC/tests/configs/checkpoint_mixed.cfg" "$WORK/mixed.cfg"
sed 's/dt = "0.1 ms";/dt = "0.1 ms"; checkpoint_every = "30 ms";/' "$WORK/mc.cfg" >"$WORK/mcp.cfg"
grep -q 'checkpoint_every = "30 ms"' "$WORK/mcp.cfg" || fail "could not set checkpoint_every"

# h5attr FILE NAME: a root attribute of an HDF5 file.
h5attr() {
    "$PY" -c 'import sys, h5py; print(int(h5py.File(sys.argv[1], "r").attrs[sys.argv[2]]))' "$1" "$2"
}

# restart_cmp NAME CFG STOPPED_DIR REF RANKS THREADS: restarts a copy of STOPPED_DIR and
# compares its spikes.h5 with REF.
restart_cmp() {
    local name=$1 cfg=$2 dir="$WORK/$1.r$5x$6"
    rm -rf "$dir" && cp -r "$3" "$dir"
    OMP_NUM_THREADS=$6 mpirun_n "$5" -q -o "$dir" --summary-json "$dir.json" \
        --restart "$dir/checkpoint.h5" "$cfg" >"$dir.out" 2>&1 ||
        { cat "$dir.out"; fail "$name: restart on $5 ranks x $6 threads failed"; }
    [ -f "$dir/spikes.h5" ] || fail "$name: no spikes.h5 after the restart"
    [ ! -e "$dir/spikes.h5.partial" ] && [ ! -e "$dir/spikes.h5.partial.prev" ] ||
        fail "$name: partial files left after the restart: $(ls "$dir")"
    cmp "$4" "$dir/spikes.h5" || fail "$name: restart on $5 ranks x $6 threads differs from the uninterrupted run"
    local report # state recordings (the tutorial records V and g) continue byte for byte too
    for report in "$(dirname "$4")"/*_*.h5; do
        [ -f "$report" ] || continue
        cmp "$report" "$dir/$(basename "$report")" ||
            fail "$name: report $(basename "$report") after the restart differs"
    done
    if [ -f "$(dirname "$4").json" ]; then # the summary covers the whole run
        same_summary "$(dirname "$4").json" "$dir.json" || fail "$name: the restarted run's summary differs"
    fi
    echo "$name: restart on $5 ranks x $6 threads: identical"
}

# same_summary A.json B.json: spikes per population, synaptic events, and the sample's Fano
# factors and correlations (they see the replayed spikes) agree.
same_summary() {
    "$PY" - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
key = lambda s: ([(p["name"], p["spikes"], p["neurons"], p["fano_factor"], p["correlation"])
                  for p in s["populations"]], s["synapse_events"], s["spikes"])
sys.exit(0 if key(a) == key(b) else 1)
PY
}

# stopped_ok NAME DIR OUT RC: what a stop leaves behind.
stopped_ok() {
    [ "$4" -eq 8 ] || { cat "$3"; fail "$1: exit status $4, expected 8"; }
    [ -f "$2/checkpoint.h5" ] || fail "$1: no checkpoint.h5"
    [ -f "$2/spikes.h5.partial" ] || fail "$1: no spikes.h5.partial"
    [ ! -e "$2/spikes.h5" ] || fail "$1: a stopped run left a spikes.h5 that looks complete"
    [ ! -e "$2/checkpoint.h5.partial" ] || fail "$1: checkpoint.h5.partial left behind"
    [ "$(grep -c 'snn_mpi: stopped at step' "$3")" -eq 1 ] || { cat "$3"; fail "$1: expected one 'stopped at step' line"; }
    grep -q -- "--restart $2/checkpoint.h5" "$3" || { cat "$3"; fail "$1: no restart hint"; }
    ! grep -q 'snn_mpi: error' "$3" || { cat "$3"; fail "$1: a stop printed an error"; }
}

# stop_restart NAME CFG STEPS INTERVAL LAYOUTS: uninterrupted run, a 2-rank run stopped by SIGTERM
# on one rank at a random step, restarts on each layout ("RANKSxTHREADS").
stop_restart() {
    local name=$1 cfg=$2 steps=$3 D=$4 layouts=$5 ref="$WORK/$1.ref" dir="$WORK/$1.stop"
    mpirun_n 2 -q -o "$ref" --summary-json "$ref.json" "$cfg" || fail "$name: uninterrupted run failed"
    [ "$HAVE_FAULT" -eq 1 ] || { echo "$name: stop at a chosen step skipped (no SNN_FAULT in this build)"; return; }
    local step rank rc
    step=$((RANDOM % (steps - 2 * D) + 1))
    rank=$((RANDOM % 2))
    echo "$name: SIGTERM on rank $rank in step $step"
    SNN_FAULT="sigterm:$rank:$step" mpirun_n 2 -q -o "$dir" "$cfg" >"$dir.out" 2>&1
    rc=$?
    stopped_ok "$name" "$dir" "$dir.out" "$rc"
    local at
    at=$(h5attr "$dir/checkpoint.h5" step)
    # the end of the exchange interval holding the signal's step, on both ranks
    [ "$at" -ge "$step" ] && [ "$at" -lt $((step + D)) ] && [ $((at % D)) -eq 0 ] ||
        fail "$name: stopped at step $at, expected the end of the $D-step interval holding $step"
    grep -q "stopped at step $at " "$dir.out" || { cat "$dir.out"; fail "$name: the message names another step"; }
    local l
    for l in $layouts; do
        restart_cmp "$name" "$cfg" "$dir" "$ref/spikes.h5" "${l%x*}" "${l#*x}"
    done
}

stop_restart ei "$WORK/ei.cfg" 2000 1 "1x1 3x2"
stop_restart brunel "$WORK/brunel.cfg" 1000 15 "1x1 3x2"
stop_restart microcircuit "$WORK/mc.cfg" 1000 1 "3x2"
stop_restart mixed "$WORK/mixed.cfg" 2000 1 "1x1 3x2"

# ---- a signal from outside, as SLURM sends it: SIGUSR1 to mpirun, which forwards it ----------
# Sent once rank 0 has printed the header: every rank has its handler by then (the header
# follows a collective), and the build and the run still lie ahead, so the signal always comes
# before the end however fast the machine is. (mpirun itself runs in the background, with no
# wrapper, so that the signal reaches it; ctest's timeout guards against a hang.)
OMP_NUM_THREADS=1 "$MPIEXEC" -n 2 "$SNN" -o "$WORK/ext.stop" "$WORK/mc.cfg" >"$WORK/ext.out" 2>&1 &
pid=$!
for _ in $(seq 600); do # at most 60 s
    grep -q '^snn_mpi .*mc.cfg' "$WORK/ext.out" 2>/dev/null && break
    sleep 0.1
done
kill -USR1 "$pid"
wait "$pid"
rc=$?
stopped_ok external "$WORK/ext.stop" "$WORK/ext.out" "$rc"
echo "external: stopped by SIGUSR1 to mpirun: $(grep 'stopped at step' "$WORK/ext.out")"
restart_cmp external "$WORK/mc.cfg" "$WORK/ext.stop" "$WORK/microcircuit.ref/spikes.h5" 1 2

# ---- periodic checkpoints, and a crash after the last one ------------------------------------
mpirun_n 2 -o "$WORK/mcp.ref" "$WORK/mcp.cfg" >"$WORK/mcp.out" 2>&1 || { cat "$WORK/mcp.out"; fail "periodic: run failed"; }
[ "$(grep -c 'checkpoint at step' "$WORK/mcp.out")" -eq 3 ] || { cat "$WORK/mcp.out"; fail "periodic: expected 3 checkpoints (30, 60, 90 ms)"; }
[ -f "$WORK/mcp.ref/checkpoint.h5" ] && [ -f "$WORK/mcp.ref/spikes.h5" ] || fail "periodic: checkpoint.h5 or spikes.h5 missing"
[ "$(h5attr "$WORK/mcp.ref/checkpoint.h5" step)" -eq 900 ] || fail "periodic: the last checkpoint is not at step 900"
# The crash: the checkpoint and a spike file that holds more than it counts (all 100 ms).
mkdir -p "$WORK/mcp.crash"
cp "$WORK/mcp.ref/checkpoint.h5" "$WORK/mcp.crash/"
cp "$WORK/mcp.ref/spikes.h5" "$WORK/mcp.crash/spikes.h5.partial"
restart_cmp periodic-crash "$WORK/mcp.cfg" "$WORK/mcp.crash" "$WORK/mcp.ref/spikes.h5" 3 1
# A stop between periodic checkpoints: the restart makes the same periodic syncs.
if [ "$HAVE_FAULT" -eq 1 ]; then
    step=$((RANDOM % 600 + 301))
    echo "periodic: SIGTERM on rank 0 in step $step"
    SNN_FAULT="sigterm:0:$step" mpirun_n 2 -q -o "$WORK/mcp.stop" "$WORK/mcp.cfg" >"$WORK/mcp.stop.out" 2>&1
    stopped_ok periodic-stop "$WORK/mcp.stop" "$WORK/mcp.stop.out" $?
    restart_cmp periodic-stop "$WORK/mcp.cfg" "$WORK/mcp.stop" "$WORK/mcp.ref/spikes.h5" 1 2
    # Stopped twice: the restarted run (1 rank) is stopped again, then restarted on 3 ranks.
    a=$((RANDOM % 250 + 1)) b=$((RANDOM % 300 + 600))
    echo "twice: SIGTERM in step $a, then in step $b of the restarted run"
    SNN_FAULT="sigterm:0:$a" mpirun_n 2 -q -o "$WORK/twice" "$WORK/mcp.cfg" >"$WORK/twice.1.out" 2>&1
    stopped_ok twice-1 "$WORK/twice" "$WORK/twice.1.out" $?
    SNN_FAULT="sigterm:0:$b" OMP_NUM_THREADS=2 mpirun_n 1 -q -o "$WORK/twice" \
        --restart "$WORK/twice/checkpoint.h5" "$WORK/mcp.cfg" >"$WORK/twice.2.out" 2>&1
    stopped_ok twice-2 "$WORK/twice" "$WORK/twice.2.out" $?
    [ ! -e "$WORK/twice/spikes.h5.partial.prev" ] || fail "twice: spikes.h5.partial.prev left after the second stop"
    restart_cmp twice "$WORK/mcp.cfg" "$WORK/twice" "$WORK/mcp.ref/spikes.h5" 3 1
fi

# A checkpoint that fails to be written (on one rank) keeps the previous one intact.
if [ "$HAVE_FAULT" -eq 1 ]; then
    SNN_FAULT="checkpoint:1:600" mpirun_n 2 -q -o "$WORK/mcp.fail" "$WORK/mcp.cfg" >"$WORK/mcp.fail.out" 2>&1
    rc=$?
    [ "$rc" -eq 3 ] && grep -q "rank 1: cannot write the checkpoint (injected fault)" "$WORK/mcp.fail.out" ||
        { cat "$WORK/mcp.fail.out"; fail "checkpoint-fail: expected exit 3 and the message, got $rc"; }
    [ ! -e "$WORK/mcp.fail/checkpoint.h5.partial" ] || fail "checkpoint-fail: checkpoint.h5.partial left behind"
    [ "$(h5attr "$WORK/mcp.fail/checkpoint.h5" step)" -eq 300 ] || fail "checkpoint-fail: the previous checkpoint is gone"
    [ -f "$WORK/mcp.fail/spikes.h5.partial" ] || fail "checkpoint-fail: the spike file of the checkpoint is gone"
    restart_cmp checkpoint-fail "$WORK/mcp.cfg" "$WORK/mcp.fail" "$WORK/mcp.ref/spikes.h5" 2 1
fi

# ---- restart errors: one message, the right status, every rank stops -------------------------
# bad_restart NAME STATUS PATTERN CFG CHECKPOINT DIR
bad_restart() {
    local out="$WORK/err.$1" rc
    OMP_NUM_THREADS=1 timeout 60 "$MPIEXEC" -n 2 "$SNN" -q -o "$6" --restart "$5" "$4" >"$out" 2>&1
    rc=$?
    [ "$rc" -ne 124 ] || fail "$1: hung (killed after 60 s)"
    [ "$rc" -eq "$2" ] || { cat "$out"; fail "$1: exit status $rc, expected $2"; }
    [ "$(grep -c 'snn_mpi: error:' "$out")" -eq 1 ] || { cat "$out"; fail "$1: expected the message exactly once"; }
    grep -Eq -- "$3" "$out" || { cat "$out"; fail "$1: message does not match /$3/"; }
    echo "$1: $(grep 'snn_mpi: error:' "$out")"
}
good="$WORK/mcp.crash" # a valid checkpoint with its spike file
mk() { rm -rf "$WORK/$1" && cp -r "$good" "$WORK/$1" && echo "$WORK/$1"; }
d=$(mk e.hash)
{ cat "$WORK/mcp.cfg"; echo "# edited"; } >"$WORK/edited.cfg"
bad_restart config-changed 2 "checkpoint.h5: written for another config file .*edited.cfg" "$WORK/edited.cfg" "$d/checkpoint.h5" "$d"
d=$(mk e.corrupt)
head -c 65536 /dev/urandom >"$d/checkpoint.h5"
bad_restart corrupt 3 "checkpoint.h5: not a readable checkpoint" "$WORK/mcp.cfg" "$d/checkpoint.h5" "$d"
d=$(mk e.trunc)
size=$(stat -c %s "$good/checkpoint.h5")
head -c $((size / 2)) "$good/checkpoint.h5" >"$d/checkpoint.h5"
bad_restart truncated 3 "checkpoint.h5: not a readable checkpoint.*truncated" "$WORK/mcp.cfg" "$d/checkpoint.h5" "$d"
d=$(mk e.missing)
bad_restart missing 3 "nothere.h5: cannot restart from this checkpoint: No such file" "$WORK/mcp.cfg" "$d/nothere.h5" "$d"
d=$(mk e.nospikes)
rm "$d/spikes.h5.partial"
bad_restart no-spike-file 3 "spikes.h5.partial: cannot restart: the stopped run's spike file is not there" "$WORK/mcp.cfg" "$d/checkpoint.h5" "$d"
# and the checkpoint is still there, untouched, after every failed restart
cmp "$good/checkpoint.h5" "$WORK/e.nospikes/checkpoint.h5" || fail "a failed restart changed the checkpoint"
# a bad checkpoint_every is a config error
sed 's/checkpoint_every = "30 ms"/checkpoint_every = "0.05 ms"/' "$WORK/mcp.cfg" >"$WORK/bad_every.cfg"
OMP_NUM_THREADS=1 "$MPIEXEC" -n 2 "$SNN" -q -o "$WORK/bad_every" "$WORK/bad_every.cfg" >"$WORK/bad_every.out" 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -q "run.checkpoint_every: expected a whole number (>= 1) of steps of dt = 0.1 ms" "$WORK/bad_every.out" ||
    { cat "$WORK/bad_every.out"; fail "checkpoint_every = 0.05 ms: expected exit 2 and a message, got $rc"; }
sed 's/checkpoint_every = "30 ms"/checkpoint_every = "0 ms"/' "$WORK/mcp.cfg" >"$WORK/zero_every.cfg"
OMP_NUM_THREADS=1 "$MPIEXEC" -n 2 "$SNN" -q -o "$WORK/zero_every" "$WORK/zero_every.cfg" >"$WORK/zero_every.out" 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -q 'run.checkpoint_every: expected a time > 0 that is a whole number of steps' "$WORK/zero_every.out" ||
    { cat "$WORK/zero_every.out"; fail "checkpoint_every = 0 ms: expected exit 2 and a message, got $rc"; }
echo "checkpoint: all restarts identical, all errors clear"
