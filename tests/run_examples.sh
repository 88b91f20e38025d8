# Every example network, scaled down: byte-identical spikes on 1, 2 and 4 ranks, with 2 threads,
# and when spikes are exchanged every step instead of once per minimum delay.
. "$(dirname "$0")/common.sh"

check_example() {
    local name=$1 scale=$2 duration=$3
    local cfg="$WORK/$name.cfg"
    reduced "$SRC/examples/$name.cfg" "$scale" "$duration" "$cfg"
    mpirun_n 1 -q -o "$WORK/$name/r1" "$cfg" || fail "$name: 1 rank failed"
    local n
    n=$(total_spikes "$WORK/$name/r1/spikes.h5")
    [ "$n" -gt 0 ] || fail "$name: no spikes"
    for ranks in 2 4; do
        mpirun_n "$ranks" -q -o "$WORK/$name/r$ranks" "$cfg" || fail "$name: $ranks ranks failed"
        cmp "$WORK/$name/r1/spikes.h5" "$WORK/$name/r$ranks/spikes.h5" ||
            fail "$name: $ranks ranks differ from 1 rank"
    done
    OMP_NUM_THREADS=2 mpirun_n 1 -q -o "$WORK/$name/t2" "$cfg" || fail "$name: 2 threads failed"
    cmp "$WORK/$name/r1/spikes.h5" "$WORK/$name/t2/spikes.h5" || fail "$name: 2 threads differ"
    mpirun_n 2 -q --exchange-every-step -o "$WORK/$name/every" "$cfg" ||
        fail "$name: --exchange-every-step failed"
    cmp "$WORK/$name/r1/spikes.h5" "$WORK/$name/every/spikes.h5" ||
        fail "$name: exchanging every step differs from every min_delay steps"
    echo "$name (scale $scale, $duration): $n spikes, identical on 1/2/4 ranks, 2 threads, every-step exchange"
}

for ex in $(ls "$SRC"/examples/*.cfg | xargs -n1 basename | sed 's/\.cfg$//'); do
    case $ex in
    ei_balanced) ;; # run_determinism.sh covers it at full size
    brunel) check_example brunel 0.1 "100 ms" ;;
    microcircuit) check_example microcircuit 0.02 "100 ms" ;;
    hpc_benchmark) check_example hpc_benchmark 0.05 "50 ms" ;;
    *) check_example "$ex" 0.25 "100 ms" ;;
    esac
done
