# The tutorial network gives byte-identical spike files on 1, 2, 3, 4 and 8 ranks, and on
# 1 and 2 threads (DESIGN.md section 3, determinism contract). So does the microcircuit at 2 %
# (drawn weights and delays, 64 projections in groups of shared rows, include/snn/shared_rows.h)
# on 1, 2 and 3 ranks and 2 threads, and without shared rows (SNN_SHARED_ROWS=0).
. "$(dirname "$0")/common.sh"
CFG="$SRC/examples/ei_balanced.cfg"

mpirun_n 1 -q -o "$WORK/r1" "$CFG" || fail "1 rank run failed"
[ -f "$WORK/r1/spikes.h5" ] || fail "no spike file from 1 rank"
n=$(total_spikes "$WORK/r1/spikes.h5")
[ "$n" -gt 1000 ] || fail "only $n spikes on 1 rank"
echo "1 rank: $n spikes"
for ranks in 2 3 4 8; do
    mpirun_n "$ranks" -q -o "$WORK/r$ranks" "$CFG" || fail "$ranks ranks run failed"
    cmp "$WORK/r1/spikes.h5" "$WORK/r$ranks/spikes.h5" || fail "$ranks ranks differ from 1 rank"
    echo "$ranks ranks: identical"
done
for layout in "1 2" "2 2"; do
    set -- $layout
    OMP_NUM_THREADS=$2 mpirun_n "$1" -q -o "$WORK/t$1x$2" "$CFG" || fail "$1 x $2 threads failed"
    cmp "$WORK/r1/spikes.h5" "$WORK/t$1x$2/spikes.h5" || fail "$1 ranks x $2 threads differ"
    echo "$1 ranks x $2 threads: identical"
done
reduced "$SRC/examples/microcircuit.cfg" 0.02 "100 ms" "$WORK/mc.cfg"
mpirun_n 1 -q -o "$WORK/m1" "$WORK/mc.cfg" || fail "microcircuit: 1 rank run failed"
n=$(total_spikes "$WORK/m1/spikes.h5")
[ "$n" -gt 500 ] || fail "microcircuit: only $n spikes on 1 rank"
for ranks in 2 3; do
    mpirun_n "$ranks" -q -o "$WORK/m$ranks" "$WORK/mc.cfg" || fail "microcircuit: $ranks ranks failed"
    cmp "$WORK/m1/spikes.h5" "$WORK/m$ranks/spikes.h5" || fail "microcircuit: $ranks ranks differ"
done
OMP_NUM_THREADS=2 mpirun_n 1 -q -o "$WORK/mt2" "$WORK/mc.cfg" || fail "microcircuit: 2 threads failed"
cmp "$WORK/m1/spikes.h5" "$WORK/mt2/spikes.h5" || fail "microcircuit: 2 threads differ"
SNN_SHARED_ROWS=0 mpirun_n 1 -q -o "$WORK/m0" "$WORK/mc.cfg" || fail "microcircuit: unshared run failed"
cmp "$WORK/m1/spikes.h5" "$WORK/m0/spikes.h5" || fail "microcircuit: shared rows change the spikes"
echo "microcircuit at 2 %: $n spikes, identical on 1, 2, 3 ranks, 2 threads, without shared rows"
echo "determinism: all layouts identical"
