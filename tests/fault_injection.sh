# Faults on one rank of 3 (SNN_FAULT, honoured by the -DSNN_FAULT_INJECTION=ON test build only):
# every rank stops within seconds, the run exits non-zero with the first error's message printed
# once, and no spike file (complete or partial) is left.
. "$(dirname "$0")/common.sh"
CFG="$SRC/examples/ei_balanced.cfg"

# inject NAME SPEC STATUS PATTERN
inject() {
    local name=$1 spec=$2 want=$3 pattern=$4 out="$WORK/$1"
    mkdir -p "$out"
    local t0=$SECONDS rc
    SNN_FAULT=$spec OMP_NUM_THREADS=1 timeout 60 "$MPIEXEC" --oversubscribe -n 3 "$SNN" -q \
        -o "$out/out" "$CFG" >"$out/stdout" 2>"$out/stderr"
    rc=$?
    [ "$rc" -ne 124 ] || fail "$name: hung (killed after 60 s)"
    [ "$rc" -eq "$want" ] || { cat "$out/stderr"; fail "$name: exit status $rc, expected $want"; }
    [ "$(grep -c 'snn_mpi: error:' "$out/stderr")" -eq 1 ] ||
        { cat "$out/stderr"; fail "$name: expected the message exactly once"; }
    grep -Eq -- "$pattern" "$out/stderr" || { cat "$out/stderr"; fail "$name: message does not match /$pattern/"; }
    if [ -d "$out/out" ] && [ -n "$(ls -A "$out/out")" ]; then
        fail "$name: left files behind: $(ls "$out/out")"
    fi
    echo "$name ($((SECONDS - t0)) s): $(grep 'snn_mpi: error:' "$out/stderr")"
}

inject config "config:1" 2 "rank 1 read a different file than rank 0"
inject output "output:1" 3 "rank 1 cannot write into output directory"
inject alloc "alloc:1" 4 "rank 1: cannot allocate the network"
inject hdf5 "hdf5:1" 3 "rank 1: cannot write /spikes/.*injected"
inject record "record:1" 3 "E10_V.h5: rank 1: cannot write rows \\(injected fault\\)"
inject step "step:1:1000" 6 "rank 1: injected fault in step 1000"
# Without a fault the same build runs normally.
SNN_FAULT="step:7:1" mpirun_n 3 -q -o "$WORK/clean" "$CFG" || fail "a fault for a rank that does not exist stopped the run"
[ -f "$WORK/clean/spikes.h5" ] || fail "no spike file from the clean run"
echo "fault injection: all faults stopped every rank with one message and no file"
