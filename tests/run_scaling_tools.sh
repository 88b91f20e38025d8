#!/bin/bash
# The jobs/ scaling tooling without SLURM: jobs/scaling_local.sh strong and weak (mpirun), the
# CSV it writes (tools/summary_to_csv.py), the plot (tools/plot_scaling.py), and their errors.
. "$(dirname "$0")/common.sh"
export SNN_MPI=$SNN SNN_HOME=$SRC MPIRUN_ARGS=--oversubscribe
EI=$SRC/examples/ei_balanced.cfg
cd "$WORK" || fail "cd $WORK"

# strong: same network over 3 layouts, same spikes, positive times
DURATION="50 ms" OUT=$WORK/strong bash "$SRC/jobs/scaling_local.sh" strong "$EI" "1x1 2x1 1x2" \
    >strong.log 2>&1 || { cat strong.log; fail "scaling_local.sh strong"; }
# weak: run.scale = ranks x threads x BASE_SCALE, here 0.2, 0.4, 0.8, each run twice
REPEAT=2 BASE_SCALE=0.2 DURATION="50 ms" OUT=$WORK/weak bash "$SRC/jobs/scaling_local.sh" weak "$EI" "1x1 2x1 4x1" \
    >weak.log 2>&1 || { cat weak.log; fail "scaling_local.sh weak"; }
"$PY" - "$WORK" <<'PY' || fail "scaling tables"
import csv, sys
w = sys.argv[1]
s = list(csv.DictReader(open(f"{w}/strong/scaling.csv")))
assert [(r["ranks"], r["threads"]) for r in s] == [("1", "1"), ("2", "1"), ("1", "2")], s
assert all(r["mode"] == "strong" and r["workload"] == "ei_balanced" and r["scale"] == "" for r in s)
assert all(int(r["neurons"]) == 500 and int(r["synapses"]) == 25000 for r in s)
assert len({r["spikes"] for r in s}) == 1 and int(s[0]["spikes"]) > 0, "spikes differ between layouts"
assert all(float(r["simulate_s"]) > 0 and float(r["build_s"]) > 0 for r in s)
assert all(abs(float(r["rtf"]) - float(r["simulate_s"]) / 0.05) < 1e-9 * float(r["rtf"]) + 1e-12 for r in s)
k = list(csv.DictReader(open(f"{w}/weak/scaling.csv")))
assert [float(r["scale"]) for r in k] == [0.2, 0.2, 0.4, 0.4, 0.8, 0.8], k  # REPEAT=2
assert [int(r["neurons"]) for r in k] == [100, 100, 200, 200, 400, 400], [r["neurons"] for r in k]
assert all(k[i]["spikes"] == k[i + 1]["spikes"] for i in (0, 2, 4)), "repeats differ"
print("tables ok")
PY
# the plot takes the fastest run of each layout
"$PY" - "$SRC/tools" "$WORK/weak/scaling.csv" <<'PY' || fail "plot_scaling.fastest"
import sys
sys.path.insert(0, sys.argv[1])
import plot_scaling as p
rows, mode = p.load(sys.argv[2])
best = p.fastest(rows, "simulate_s")
assert mode == "weak" and len(rows) == 6 and len(best) == 3, (mode, len(rows), len(best))
for b in best:
    same = [r["simulate_s"] for r in rows if (r["ranks"], r["threads"]) == (b["ranks"], b["threads"])]
    assert len(same) == 2 and b["simulate_s"] == min(same), (b, same)
PY
for d in strong weak; do
    [ -s "$WORK/$d/scaling.png" ] || fail "no $d/scaling.png"
    head -c 8 "$WORK/$d/scaling.png" | od -An -c | grep -q "P   N   G" || fail "$d/scaling.png is not a PNG"
    grep -q 'duration = "50 ms";' "$WORK/$d/$d-1x1/ei_balanced.cfg" || fail "$d: the config copy keeps its duration"
done
grep -q "scale = 0.2;" "$WORK/weak/weak-1x1/ei_balanced.cfg" || fail "weak: the config copy has no scale = 0.2"
! grep -q "scale" "$WORK/strong/strong-1x1/ei_balanced.cfg" || fail "strong: a scale without SCALE"

# errors: each must fail with its message
expect_fail() { # expect_fail MESSAGE command...
    local msg=$1 out
    shift
    out=$("$@" 2>&1) && fail "succeeded: $*"
    grep -qF -- "$msg" <<<"$out" || fail "\"$*\" said \"$out\", expected \"$msg\""
}
expect_fail 'layout "2y1": expected RANKSxTHREADS' bash "$SRC/jobs/scaling_local.sh" strong "$EI" "1x1 2y1"
expect_fail 'mode must be strong or weak' bash "$SRC/jobs/scaling_local.sh" medium "$EI" "1x1"
expect_fail 'no config file "nope.cfg"' bash "$SRC/jobs/scaling_local.sh" strong nope.cfg "1x1"
expect_fail 'usage: bash jobs/scaling_local.sh' bash "$SRC/jobs/scaling_local.sh" strong "$EI"
expect_fail 'LAUNCHER must be srun or mpirun' env LAUNCHER=qsub bash "$SRC/jobs/scaling_local.sh" strong "$EI" "1x1"
# a failing run is reported with its log and no row
printf 'run = { dt = "0.1 ms"; duration = "1 ms"; };\npopulations = ( { name = "E"; size = -3; model = "lif"; } );\n' >bad.cfg
expect_fail 'bad 1x1 failed (exit 2)' env OUT="$WORK/bad" bash "$SRC/jobs/scaling_local.sh" strong bad.cfg "1x1"
[ ! -s "$WORK/bad/scaling.csv" ] || fail "a failed run left a row"

J=$WORK/strong/strong-1x1/summary.json
printf 'a,b\n' >"$WORK/bad.csv"
expect_fail "bad.csv: header ['a', 'b'] is not" "$PY" "$SRC/tools/summary_to_csv.py" "$WORK/bad.csv" "$J" --workload x --mode strong
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["time_s"]["update"]; json.dump(d, open(sys.argv[2], "w"))' \
    "$J" "$WORK/noupdate.json"
expect_fail "KeyError: 'update'" "$PY" "$SRC/tools/summary_to_csv.py" "$WORK/t.csv" "$WORK/noupdate.json" --workload x --mode strong
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); d["time_s"]["simulate"] = None; json.dump(d, open(sys.argv[2], "w"))' \
    "$J" "$WORK/null.json"
expect_fail "time_s.simulate: expected a finite number, got None" "$PY" "$SRC/tools/summary_to_csv.py" "$WORK/t.csv" \
    "$WORK/null.json" --workload x --mode strong
[ ! -e "$WORK/t.csv" ] || fail "a refused summary left a table"
cat "$WORK/strong/scaling.csv" "$WORK/weak/scaling.csv" | sed -n '1p;2p;5p' >mixed.csv
expect_fail "one mode per table" "$PY" "$SRC/tools/plot_scaling.py" mixed.csv -o mixed.png
head -n 1 "$WORK/strong/scaling.csv" >empty.csv
expect_fail "no rows" "$PY" "$SRC/tools/plot_scaling.py" empty.csv -o empty.png
echo "PASS"
