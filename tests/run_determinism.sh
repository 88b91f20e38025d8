# The tutorial network gives byte-identical spike files on 1, 2, 3, 4 and 8 ranks, and on
# 1 and 2 threads (DESIGN.md section 3, determinism contract).
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
echo "determinism: all layouts identical"
