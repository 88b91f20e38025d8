# The microcircuit at 10 % of its neurons (in-degrees kept) for 1 s on 2 ranks, through the
# validation tool. A smoke test only: downscaling at fixed in-degree raises correlations, so the
# rates of a 10 % network differ from the full-scale reference by up to about 2.5x (L2/3E);
# every population must still be active (>= half its reference rate) and within 3x of it.
# The 10 % check against NEST is the full-scale 10 s run recorded in README.md (Validation).
. "$(dirname "$0")/common.sh"
reduced "$SRC/examples/microcircuit.cfg" 0.1 "1000 ms" "$WORK/mc.cfg"
mpirun_n 2 -q -o "$WORK/mc" "$WORK/mc.cfg" || fail "microcircuit run failed"
"$PY" "$SRC/tools/validate_microcircuit.py" "$WORK/mc/spikes.h5" --config "$WORK/mc.cfg" \
    --t-start 500 --tolerance 2.0 --markdown "$WORK/table.md" || fail "a population is beyond 3x its reference rate"
"$PY" - "$WORK/mc/spikes.h5" "$WORK/mc.cfg" "$SRC/tools" <<'PY' || fail "a population fell below half its reference rate"
import sys
sys.path.insert(0, sys.argv[3])
import spikes
ref = {"L23E": 0.903, "L23I": 2.965, "L4E": 4.414, "L4I": 5.876,
       "L5E": 7.569, "L5I": 8.633, "L6E": 1.105, "L6I": 7.829}
data = spikes.load(sys.argv[1])
sizes, _ = spikes.read_config(sys.argv[2])
bad = []
for pop, r in ref.items():
    t, _ = data[pop]
    rate = ((t >= 500) & (t < 1000)).sum() / (sizes[pop] * 0.5)
    print(f"{pop}: {rate:.3f}/s (reference {r})")
    if rate < 0.5 * r:
        bad.append(pop)
sys.exit(1 if bad else 0)
PY
echo "microcircuit at 10 %: every population active and within 3x of the reference"
