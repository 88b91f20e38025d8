#!/usr/bin/env bash
# bench/exchange.sh — the MPI cost of snn_mpi's spike exchange on this machine (docs/scaling.md).
#
# Builds snn_allgather_bench (bench/allgather.c) in Release, runs it on each rank count of RANKS
# (default "1 2 3 4 8 16"; mpirun --oversubscribe beyond the core count: those ranks time-share
# the cores, so their times measure the scheduler as much as MPI), and writes
#   bench/results/<date>-<host>.exchange.csv
#     ranks,n_per_rank,bytes_total,median_us,mean_us,cores
# and bench/results/<date>-<host>.sort.csv (snn_sort_probe: the receive side's qsort per interval),
# then fits the exchange with bench/fit_exchange.py (printed, and written beside it as .exchange.fit.txt
# and .exchange.fit.json, which bench/project_scaling.py reads). Environment: RANKS, ITERS (timed exchanges per size
# when ranks <= cores, default 1000), ITERS_OVER (when oversubscribed, default 200), WARMUP
# (default 100; 20 when oversubscribed), BUILD_DIR (default build-bench), OUT, MPIEXEC.
# The whole run takes under a minute on the 2-core development machine.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-bench}
RANKS=${RANKS:-"1 2 3 4 8 16"}
ITERS=${ITERS:-1000}
ITERS_OVER=${ITERS_OVER:-200}
WARMUP=${WARMUP:-100}
OUT=${OUT:-$ROOT/bench/results}
MPIEXEC=${MPIEXEC:-mpirun}
PY=/usr/bin/python3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
for p in $RANKS; do
    [[ $p =~ ^[1-9][0-9]*$ ]] || {
        echo "bench/exchange.sh: RANKS: expected positive integers, got '$p'" >&2
        exit 1
    }
done

echo "== building (Release) in $BUILD"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSNN_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j2 --target snn_allgather_bench snn_sort_probe >/dev/null

CORES=$(nproc)
mkdir -p "$OUT"
CSV=$OUT/$(date -u +%F)-$(hostname -s).exchange.csv
echo "== $CORES cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')),"\
    "load $(cut -d' ' -f1 /proc/loadavg); beyond $CORES ranks the ranks time-share the cores"
echo "ranks,n_per_rank,bytes_total,median_us,mean_us,cores" >"$CSV.partial"
for p in $RANKS; do
    if ((p > CORES)); then
        it=$ITERS_OVER w=$((WARMUP < 20 ? WARMUP : 20)) note=" (oversubscribed: $p ranks on $CORES cores)"
    else
        it=$ITERS w=$WARMUP note=""
    fi
    echo "== $p ranks, $it exchanges per size$note"
    OMP_NUM_THREADS=1 "$MPIEXEC" --oversubscribe -n "$p" "$BUILD/snn_allgather_bench" "$it" "$w" |
        tail -n +2 | sed "s/\$/,$CORES/" | tee -a "$CSV.partial"
done
mv "$CSV.partial" "$CSV"
echo "== wrote $CSV"
SORT=${CSV%.exchange.csv}.sort.csv
echo "== receive side: the qsort of all spikes of an interval that every rank does (src/comm.c)"
"$BUILD/snn_sort_probe" >"$SORT.partial" && mv "$SORT.partial" "$SORT"
cat "$SORT"
"$PY" "$ROOT/bench/fit_exchange.py" "$CSV" --residuals --json "${CSV%.csv}.fit.json" | tee "${CSV%.csv}.fit.txt"
