# The tutorial network over 10 seeds: mean total 4300..4440 spikes, each seed 4140..4580
# (an independent float32 implementation of the reference gives 4372 +- 48; the tutorial 4356).
. "$(dirname "$0")/common.sh"
CFG="$SRC/examples/ei_balanced.cfg"
sum=0
for seed in 1 2 3 4 5 6 7 8 9 10; do
    with_seed "$CFG" "$seed" "$WORK/seed$seed.cfg"
    mpirun_n 2 -q -o "$WORK/seed$seed" "$WORK/seed$seed.cfg" || fail "seed $seed run failed"
    n=$(total_spikes "$WORK/seed$seed/spikes.h5")
    echo "seed $seed: $n spikes"
    [ "$n" -ge 4140 ] && [ "$n" -le 4580 ] || fail "seed $seed: $n spikes, expected 4140..4580"
    sum=$((sum + n))
done
mean=$((sum / 10))
echo "mean over 10 seeds: $mean (sum $sum)"
[ "$sum" -ge 43000 ] && [ "$sum" -le 44400 ] || fail "mean $mean, expected 4300..4440"
