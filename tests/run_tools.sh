# The analysis tools (tools/validate_microcircuit.py, brunel_regime.py, plot_rates.py) on
# synthetic SONATA spike files with known rates, CVs and synchrony, then plot_rates.py on a real
# run of examples/ei_balanced.cfg. No large network is simulated.
. "$(dirname "$0")/common.sh"
TOOLS=$SRC/tools

# synth OUT KIND ...: writes a SONATA spike file, see the Python below.
synth() {
    "$PY" - "$@" <<'PY' || fail "cannot write synthetic spikes $1"
import sys
import h5py
import numpy as np

out, kind, args = sys.argv[1], sys.argv[2], sys.argv[3:]
rng = np.random.default_rng(7)
T = 1000.0

def regular(n, rate):
    """n trains at `rate`, phases spread evenly over one ISI: window counts exact to 1/n."""
    isi = 1000.0 / rate
    phase = (np.arange(n) + 0.5) / n * isi
    k = int(T / isi) + 1
    t = (phase[:, None] + isi * np.arange(k)[None, :]).ravel()
    ids = np.repeat(np.arange(n), k)
    keep = t < T
    return t[keep], ids[keep]

def poisson(n, rate):
    m = rng.poisson(rate * T / 1000.0, n)
    return rng.uniform(0, T, m.sum()), np.repeat(np.arange(n), m)

def shared(n, train):
    return np.tile(train, n), np.repeat(np.arange(n), len(train))

pops = {}
if kind == "microcircuit":   # args: NAME=SIZE:RATE ...
    for a in args:
        name, rest = a.split("=")
        size, rate = rest.split(":")
        pops[name] = regular(int(size), float(rate))
elif kind == "poisson":      # args: N RATE
    pops["P"] = poisson(int(args[0]), float(args[1]))
elif kind == "regular":
    pops["R"] = regular(int(args[0]), float(args[1]))
elif kind == "sync_poisson":  # every neuron fires the same Poisson train
    pops["S"] = shared(int(args[0]), np.sort(poisson(1, float(args[1]))[0]))
elif kind == "sync_regular":
    pops["S"] = shared(int(args[0]), np.arange(0.5, T, 1000.0 / float(args[1])))

sorting = h5py.enum_dtype({"none": 0, "by_id": 1, "by_time": 2}, basetype="u1")
with h5py.File(out, "w") as f:
    sp = f.create_group("spikes")
    for name, (t, ids) in pops.items():
        order = np.argsort(t, kind="stable")
        g = sp.create_group(name)
        g.attrs.create("sorting", 2, dtype=sorting)
        g.create_dataset("timestamps", data=t[order].astype(np.float64)).attrs["units"] = "ms"
        g.create_dataset("node_ids", data=ids[order].astype(np.uint64))
PY
}

# value FILE KEY: the number after "KEY:" in brunel_regime.py's output.
value() { awk -v k="$2:" '$1 == k { print $2 }' "$1"; }
# check EXPR MESSAGE: fails unless the Python expression is true.
check() { "$PY" -c "import sys; sys.exit(0 if ($1) else 1)" || fail "$2"; }

# --- validate_microcircuit.py: reference rates within 10 % pass, 20 % off fails ----------------
CFG=$WORK/microcircuit.cfg
reduced "$SRC/examples/microcircuit.cfg" 0.01 "1000 ms" "$CFG"
# sizes at run.scale 0.01: round(N * 0.01)
SIZES=(L23E=207 L23I=58 L4E=219 L4I=55 L5E=49 L5I=11 L6E=144 L6I=29)
REFS=(0.903 2.965 4.414 5.876 7.569 8.633 1.105 7.829)
good=() bad=()
for i in "${!SIZES[@]}"; do
    good+=("${SIZES[$i]}:$("$PY" -c "print(${REFS[$i]} * 1.05)")")
    f=1.05; [ "$i" = 2 ] && f=1.20   # L4E 20 % too high
    bad+=("${SIZES[$i]}:$("$PY" -c "print(${REFS[$i]} * $f)")")
done
synth "$WORK/mc_good.h5" microcircuit "${good[@]}"
synth "$WORK/mc_bad.h5" microcircuit "${bad[@]}"

"$PY" "$TOOLS/validate_microcircuit.py" "$WORK/mc_good.h5" --config "$CFG" \
    --markdown "$WORK/mc_good.md" >"$WORK/mc_good.txt" ||
    fail "validate_microcircuit.py: rates 5 % off the reference should pass: $(cat "$WORK/mc_good.txt")"
cat "$WORK/mc_good.txt"
grep -q '^PASS' "$WORK/mc_good.txt" || fail "no PASS line"
grep -Eq '^L4E +219 +4\.6[0-9]{2} +4\.414 +\+[45]\.[0-9]%' "$WORK/mc_good.txt" || fail "L4E row wrong"
grep -q '^| L5I | 11 | ' "$WORK/mc_good.md" || fail "Markdown table lacks the L5I row"

"$PY" "$TOOLS/validate_microcircuit.py" "$WORK/mc_bad.h5" --config "$CFG" >"$WORK/mc_bad.txt"
rc=$?
cat "$WORK/mc_bad.txt"
[ "$rc" = 1 ] || fail "validate_microcircuit.py: L4E 20 % off should exit 1, got $rc"
grep -Eq '^L4E +219 +5\.[23][0-9]{2} +4\.414 +\+(19|20|21)\.[0-9]% .* NO$' "$WORK/mc_bad.txt" || fail "L4E 20 % row wrong"
grep -q '^FAIL: L4E outside 10%' "$WORK/mc_bad.txt" || fail "no FAIL line naming L4E"
"$PY" "$TOOLS/validate_microcircuit.py" "$WORK/mc_bad.h5" --config "$CFG" --tolerance 0.25 \
    >/dev/null || fail "--tolerance 0.25 should accept 20 %"

# bad input: exit 2 with a message naming the problem
"$PY" "$TOOLS/validate_microcircuit.py" "$WORK/none.h5" --config "$CFG" 2>"$WORK/err.txt"
[ $? = 2 ] && grep -q 'no such spike file' "$WORK/err.txt" || fail "missing file not reported"
synth "$WORK/poisson.h5" poisson 1000 20
"$PY" "$TOOLS/validate_microcircuit.py" "$WORK/poisson.h5" --config "$CFG" 2>"$WORK/err.txt"
[ $? = 2 ] && grep -q "'P' of the spike file has no size" "$WORK/err.txt" ||
    fail "unknown population not reported: $(cat "$WORK/err.txt")"

# --- brunel_regime.py: chi, CV and the regime ---------------------------------------------------
regime() { # FILE SIZES -> $WORK/<basename>.txt
    local out=$WORK/$(basename "$1" .h5).txt
    "$PY" "$TOOLS/brunel_regime.py" "$1" --sizes "$2" --t-start 0 --t-stop 1000 >"$out" ||
        fail "brunel_regime.py failed on $1"
    echo "== $(basename "$1")"
    cat "$out"
}
synth "$WORK/regular.h5" regular 1000 20
synth "$WORK/sync_poisson.h5" sync_poisson 500 20
synth "$WORK/sync_regular.h5" sync_regular 500 20
regime "$WORK/poisson.h5" P=1000
regime "$WORK/regular.h5" R=1000
regime "$WORK/sync_poisson.h5" S=500
regime "$WORK/sync_regular.h5" S=500
r=$WORK/poisson.txt
check "0.85 < $(value "$r" cv) < 1.1 and $(value "$r" chi) < 0.1 and abs($(value "$r" rate) - 20) < 1" \
    "independent Poisson trains: want cv ~ 1, chi ~ 0, rate 20"
grep -q '^regime: asynchronous irregular$' "$r" || fail "Poisson trains are not AI"
r=$WORK/regular.txt
check "$(value "$r" cv) < 0.05 and $(value "$r" chi) < 0.1" "regular trains: want cv ~ 0, chi ~ 0"
grep -q '^regime: asynchronous regular$' "$r" || fail "independent regular trains misclassified"
r=$WORK/sync_poisson.txt
check "$(value "$r" chi) > 0.95 and $(value "$r" cv) > 0.7" "identical Poisson trains: want chi ~ 1"
grep -q '^regime: synchronous irregular$' "$r" || fail "identical Poisson trains are not SI"
r=$WORK/sync_regular.txt
check "$(value "$r" chi) > 0.95 and $(value "$r" cv) < 0.05" "identical regular trains: want chi 1, cv 0"
grep -q '^regime: synchronous regular$' "$r" || fail "identical regular trains are not SR"
"$PY" "$TOOLS/brunel_regime.py" "$WORK/poisson.h5" --sizes P=1000 --plot "$WORK/regime.png" \
    >/dev/null || fail "brunel_regime.py --plot failed"

# --- plot_rates.py ------------------------------------------------------------------------------
is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$1 is no PNG"; }
is_png "$WORK/regime.png"
"$PY" "$TOOLS/plot_rates.py" "$WORK/mc_good.h5" --config "$CFG" -o "$WORK/mc_rates.png" \
    >"$WORK/mc_rates.txt" || fail "plot_rates.py failed on the synthetic microcircuit"
grep -Eq '^L6I +29 +[0-9]+ +8\.[0-9]{3}' "$WORK/mc_rates.txt" || fail "plot_rates.py: L6I line wrong"
is_png "$WORK/mc_rates.png"

# --- plot_stats.py and raster.py --colour: from the spike file alone --------------------------
# row FILE POP: plot_stats.py's line for population POP (neurons spikes mean median cv n_cv).
row() { awk -v p="$2" '$1 == p { print $2, $3, $4, $5, $6, $7 }' "$1"; }
"$PY" "$TOOLS/plot_stats.py" "$WORK/regular.h5" -o "$WORK/stats_regular.png" --t-stop 1000 \
    >"$WORK/stats_regular.txt" || fail "plot_stats.py failed on regular trains"
cat "$WORK/stats_regular.txt"
is_png "$WORK/stats_regular.png"
# 1000 regular trains at 20 Hz: sizes from the file (ids 0..999), every rate 20, CV 0.
read -r n nspk mean median cv ncv <<<"$(row "$WORK/stats_regular.txt" R)"
[ "$n" = 1000 ] && [ "$nspk" = 20000 ] && [ "$ncv" = 1000 ] ||
    fail "plot_stats.py regular: neurons $n, spikes $nspk, CV over $ncv (want 1000, 20000, 1000)"
check "abs($mean - 20) < 1e-9 and abs($median - 20) < 1e-9 and $cv < 0.001" \
    "plot_stats.py regular: rate $mean/$median, CV $cv (want 20, 20, 0)"
"$PY" "$TOOLS/plot_stats.py" "$WORK/poisson.h5" -o "$WORK/stats_poisson.png" --t-stop 1000 \
    >"$WORK/stats_poisson.txt" || fail "plot_stats.py failed on Poisson trains"
read -r n nspk mean median cv ncv <<<"$(row "$WORK/stats_poisson.txt" P)"
check "abs($mean - 20) < 1 and 0.9 < $cv < 1.05" "plot_stats.py Poisson: rate $mean, CV $cv (want 20, ~1)"
# Two populations: one line and one colour each; --sizes counts silent neurons as rate 0.
"$PY" "$TOOLS/plot_stats.py" "$WORK/mc_good.h5" --sizes L23E=500,L23I=58,L4E=219,L4I=55,L5E=49,L5I=11,L6E=144,L6I=29 \
    --t-stop 1000 -o "$WORK/stats_mc.png" >"$WORK/stats_mc.txt" || fail "plot_stats.py failed on 8 populations"
[ "$(grep -cE '^L[2-6][0-9]?[EI] ' "$WORK/stats_mc.txt")" = 8 ] || fail "plot_stats.py: not 8 population lines"
read -r n nspk mean median cv ncv <<<"$(row "$WORK/stats_mc.txt" L23E)"
# L23E: 207 trains at 0.903 x 1.05 Hz and 293 silent neurons.
check "$n == 500 and $median == 0 and abs($mean - 207 * 0.903 * 1.05 / 500) < 0.01" \
    "plot_stats.py --sizes: L23E with 293 silent neurons: mean $mean median $median"
"$PY" "$TOOLS/plot_stats.py" "$WORK/none.h5" -o "$WORK/none.png" 2>"$WORK/err.txt"
[ $? = 1 ] && grep -q 'no such spike file' "$WORK/err.txt" || fail "plot_stats.py: missing file not reported"
"$PY" "$TOOLS/raster.py" "$WORK/mc_good.h5" --colour -o "$WORK/raster_colour.png" >/dev/null ||
    fail "raster.py --colour failed"
is_png "$WORK/raster_colour.png"
"$PY" "$TOOLS/raster.py" "$WORK/mc_good.h5" -o "$WORK/raster_black.png" >/dev/null || fail "raster.py failed"
# One colour per population: the coloured raster has C0 (31,119,180) and C1 (255,127,14) pixels,
# the default one neither.
colours() {
    "$PY" - "$1" <<'PY'
import sys
import matplotlib.image as mpimg
import numpy as np
img = (mpimg.imread(sys.argv[1])[..., :3] * 255).round().astype(int)
has = lambda rgb: bool((np.abs(img - np.array(rgb)).sum(axis=-1) < 30).any())
print(int(has((31, 119, 180))), int(has((255, 127, 14))))
PY
}
[ "$(colours "$WORK/raster_colour.png")" = "1 1" ] || fail "raster.py --colour: not one colour per population"
[ "$(colours "$WORK/raster_black.png")" = "0 0" ] || fail "raster.py: default raster is not black"

# --- end to end: the tutorial network, 2 ranks ------------------------------------------------
mpirun_n 2 -q -o "$WORK/tut" "$SRC/examples/ei_balanced.cfg" || fail "ei_balanced run failed"
"$PY" "$TOOLS/plot_rates.py" "$WORK/tut/spikes.h5" --config "$SRC/examples/ei_balanced.cfg" \
    -o "$WORK/tut_rates.png" >"$WORK/tut_rates.txt" || fail "plot_rates.py failed on ei_balanced"
cat "$WORK/tut_rates.txt"
is_png "$WORK/tut_rates.png"
n=$(total_spikes "$WORK/tut/spikes.h5")
printed=$(awk '$1 == "E" || $1 == "I" { s += $3 } END { print s }' "$WORK/tut_rates.txt")
[ "$n" = "$printed" ] || fail "plot_rates.py counted $printed spikes, the file has $n"
"$PY" "$TOOLS/plot_stats.py" "$WORK/tut/spikes.h5" -o "$WORK/tut_stats.png" --t-stop 200.05 \
    >"$WORK/tut_stats.txt" || fail "plot_stats.py failed on ei_balanced"
is_png "$WORK/tut_stats.png"
printed=$(awk '$1 == "E" || $1 == "I" { s += $3 } END { print s }' "$WORK/tut_stats.txt")
[ "$n" = "$printed" ] || fail "plot_stats.py counted $printed spikes, the file has $n"
echo "tools: validate_microcircuit, brunel_regime, plot_rates, plot_stats, raster OK"
