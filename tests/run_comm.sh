#!/usr/bin/env bash
# run_comm.sh — the spike exchange's unit tests (tests/test_comm.c) on 2, 3, 4 and 8 ranks: every
# rank receives the sorted union of all ranks' spikes, through bursts, failures and stops.
#
# Usage: bash run_comm.sh SNN_MPI SOURCE_DIR WORK_DIR
# (as tests/CMakeLists.txt runs every run_*.sh; MPIEXEC names mpiexec). The test program
# tests/test_comm is found next to snn_mpi, in the tests/ folder of the build tree.
set -u

snn_mpi=${1:?usage: run_comm.sh SNN_MPI SOURCE_DIR WORK_DIR}
work=${3:?usage: run_comm.sh SNN_MPI SOURCE_DIR WORK_DIR}
mpiexec=${MPIEXEC:-mpiexec}
prog=$(dirname "$snn_mpi")/tests/test_comm

fail() {
    echo "run_comm: FAILED: $*" >&2
    exit 1
}

[ -x "$prog" ] || fail "test program $prog not found (build target test_comm)"
rm -rf "$work" && mkdir -p "$work" || fail "cannot create work directory $work"

for n in 2 3 4 8; do
    echo "== test_comm on $n ranks"
    if ! timeout 300 "$mpiexec" --oversubscribe -n "$n" "$prog" >"$work/np$n.txt" 2>&1; then
        cat "$work/np$n.txt" >&2
        fail "test_comm on $n ranks"
    fi
    grep -q "PASSED.*5 test" "$work/np$n.txt" || {
        cat "$work/np$n.txt" >&2
        fail "test_comm on $n ranks: not all 5 tests passed"
    }
done
echo "run_comm: OK"
