# run_estimate.sh — the memory estimate against the measured peak (VmHWM) on the example
# networks: for each, on 1 and 2 ranks, the summary's "memory estimate per rank (max): X MB" must
# be within 20 % of its "peak memory per rank (max): Y MB".
# Usage: bash run_estimate.sh <snn_mpi> <source dir> <work dir>
source "$(dirname "$0")/common.sh"

cp "$SRC/examples/ei_balanced.cfg" "$WORK/ei_balanced.cfg"
reduced "$SRC/examples/brunel.cfg" 0.3 "50 ms" "$WORK/brunel.cfg"
reduced "$SRC/examples/microcircuit.cfg" 0.1 "50 ms" "$WORK/microcircuit.cfg"
reduced "$SRC/examples/hpc_benchmark.cfg" 0.2 "20 ms" "$WORK/hpc_benchmark.cfg"
reduced "$SRC/examples/vogels_abbott_coba.cfg" 1 "50 ms" "$WORK/vogels_abbott_coba.cfg"

printf "%-20s %5s %14s %14s %8s\n" example ranks "estimate (MB)" "peak (MB)" "error"
for ex in ei_balanced brunel microcircuit hpc_benchmark vogels_abbott_coba; do
    for n in 1 2; do
        log="$WORK/$ex.$n.log"
        mpirun_n "$n" -o "$WORK/out_${ex}_$n" "$WORK/$ex.cfg" >"$log" 2>&1 ||
            fail "$ex on $n ranks: snn_mpi failed: $(tail -n 3 "$log")"
        est=$(sed -nE 's/^memory estimate per rank \(max\): ([0-9.]+) MB.*$/\1/p' "$log")
        peak=$(sed -nE 's/^peak memory per rank \(max\): ([0-9.]+) MB.*$/\1/p' "$log")
        [ -n "$est" ] || fail "$ex on $n ranks: no 'memory estimate per rank (max): X MB' line"
        [ -n "$peak" ] || fail "$ex on $n ranks: no 'peak memory per rank (max): Y MB' line"
        err=$("$PY" -c "import sys; e, p = map(float, sys.argv[1:]); print(f'{(e - p) / p:+.1%}')" \
            "$est" "$peak")
        printf "%-20s %5s %14s %14s %8s\n" "$ex" "$n" "$est" "$peak" "$err"
        "$PY" -c "import sys; e, p = map(float, sys.argv[1:]); sys.exit(abs(e - p) > 0.2 * p)" \
            "$est" "$peak" ||
            fail "$ex on $n ranks: estimate $est MB is not within 20 % of the measured peak $peak MB"
    done
done
echo "run_estimate: all estimates within 20 % of the measured peak"
