#!/usr/bin/env bash
# run_comm.sh — the spike exchange's unit tests (tests/test_comm.c) on 2, 3, 4 and 8 ranks: every
# rank receives the sorted union of all ranks' spikes, through bursts, failures and stops.
# The test program tests/test_comm is found next to snn_mpi, in the tests/ folder of the build
# tree.
. "$(dirname "$0")/common.sh"
prog=$(dirname "$SNN")/tests/test_comm
[ -x "$prog" ] || fail "test program $prog not found (build target test_comm)"

for n in 2 3 4 8; do
    echo "== test_comm on $n ranks"
    if ! timeout 300 "$MPIEXEC" --oversubscribe -n "$n" "$prog" >"$WORK/np$n.txt" 2>&1; then
        cat "$WORK/np$n.txt" >&2
        fail "test_comm on $n ranks"
    fi
    grep -q "PASSED.*5 test" "$WORK/np$n.txt" || {
        cat "$WORK/np$n.txt" >&2
        fail "test_comm on $n ranks: not all 5 tests passed"
    }
done
echo "run_comm: OK"
