#!/usr/bin/env bash
# valgrind memcheck of the tutorial network (examples/ei_balanced.cfg) on 2 MPI ranks.
#
#   bash tools/valgrind.sh [config]        (default: examples/ei_balanced.cfg)
#
# Builds snn_mpi with -O1 -g in build-valgrind and runs
#   mpiexec -n 2 valgrind --leak-check=full --suppressions=tests/valgrind.supp snn_mpi -q -o DIR CFG
# Passes only if, on every rank, memcheck reports 0 errors and 0 definitely-lost bytes after the
# checked-in suppressions (tests/valgrind.supp: Open MPI / PMIx / hwloc / libevent, HDF5 and
# UDUNITS-2 reports only, never the project's code). Prints one summary line per rank; on failure
# prints every remaining report, marking those whose stack runs through our code (a frame in src/
# other than main(), or an snn_* function).
set -eu
cd "$(dirname "$0")/.."
root=$PWD
build=build-valgrind
cfg=${1:-examples/ei_balanced.cfg}
ranks=2
jobs=$(nproc)

if ! command -v valgrind >/dev/null; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    echo "== valgrind: installing valgrind"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends valgrind
fi

echo "== valgrind: configure and build $build (-O1 -g)"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DSNN_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target snn_mpi

work=$root/$build/valgrind-run
rm -rf "$work"
mkdir -p "$work/logs"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1

echo "== valgrind: memcheck of $cfg on $ranks ranks (logs in $work/logs)"
start=$(date +%s)
status=0
# --errors-for-leak-kinds=definite: memory errors and definitely-lost blocks count as errors;
# possibly-lost blocks (Open MPI keeps pointers into the middle of its pools) do not.
timeout 1800 mpiexec --oversubscribe -n "$ranks" \
    valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite \
    --errors-for-leak-kinds=definite --error-exitcode=99 --track-origins=yes --num-callers=40 --fullpath-after= \
    --suppressions="$root/tests/valgrind.supp" \
    --log-file="$work/logs/rank%q{OMPI_COMM_WORLD_RANK}.log" \
    "$root/$build/snn_mpi" -q -o "$work/out" "$cfg" || status=$?
echo "== valgrind: run took $(($(date +%s) - start)) s, mpiexec exit status $status"
[ -f "$work/out/spikes.h5" ] || { echo "== valgrind: no spike file written"; status=1; }

fail=0
[ "$status" -eq 0 ] || fail=1
for r in $(seq 0 $((ranks - 1))); do
    log=$work/logs/rank$r.log
    if [ ! -s "$log" ]; then
        echo "rank $r: no valgrind log"
        fail=1
        continue
    fi
    errors=$(sed -nE 's/.*ERROR SUMMARY: ([0-9,]+) errors? from.*/\1/p' "$log" | tail -n 1 | tr -d ,)
    suppressed=$(sed -nE 's/.*ERROR SUMMARY: .*\(suppressed: ([0-9,]+) from.*/\1/p' "$log" | tail -n 1 | tr -d ,)
    definite=$(sed -nE 's/.*definitely lost: ([0-9,]+) bytes in ([0-9,]+) blocks.*/\1/p' "$log" | tail -n 1 | tr -d ,)
    definite=${definite:-0} # "All heap blocks were freed -- no leaks are possible"
    if [ -z "$errors" ]; then
        echo "rank $r: valgrind did not finish (no ERROR SUMMARY in $log)"
        fail=1
        continue
    fi
    echo "rank $r: $errors errors, $definite bytes definitely lost (suppressed: ${suppressed:-0} errors)"
    if [ "$errors" -ne 0 ] || [ "$definite" -ne 0 ]; then
        fail=1
        # Every remaining report: the block from its first line to the blank line after its stack.
        # A report is ours when a frame other than main() lies in src/ (every stack ends in main).
        awk -v src="$root/src/" '
            { sub(/^==[0-9]+== ?/, "") }
            /^(HEAP SUMMARY|LEAK SUMMARY|ERROR SUMMARY)/ { inrep = 0 }
            /^(Invalid|Conditional|Use of uninit|Syscall param|Mismatched|Source and destination|Argument .* of function)/ ||
            /bytes in [0-9,]+ blocks are definitely lost/ { inrep = 1; rep = ""; ours = 0 }
            inrep {
                rep = rep "    " $0 "\n"
                if ((index($0, src) && $0 !~ /: main \(/) || $0 ~ /: snn_[a-z_0-9]* \(/) ours = 1
                if ($0 == "") {
                    printf "  %s report:\n%s", (ours ? "OUR CODE" : "third-party, unsuppressed"), rep
                    inrep = 0
                }
            }' "$log"
    fi
done

if [ "$fail" -ne 0 ]; then
    echo "== valgrind: FAILED (see the reports above; full logs in $work/logs)"
    exit 1
fi
echo "== valgrind: clean (0 errors, 0 bytes definitely lost on every rank)"
