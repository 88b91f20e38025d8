# State recorders (src/recorder.c): the SONATA report layout (shapes, dtypes, attributes,
# mapping), values against closed-form solutions (V under a constant current, recorded
# un-reset at the threshold crossing; expon g after one known spike, cuba and coba), every
# selection form, every > 1 in steps and as a time, several write windows, byte-identical files
# on 1, 2 and 3 ranks, with 2 threads and with spikes exchanged every step, random selections
# independent of ranks and dependent on the seed, an injected write failure on one rank, and
# tools/plot_traces.py.
. "$(dirname "$0")/common.sh"

KNOWN="$SRC/tests/configs/rec_known.cfg"
LONG="$SRC/tests/configs/rec_long.cfg"
REPORTS_KNOWN="A_all_V.h5 B_list_V.h5 B_list_g.h5 C_first_g.h5 D_rand_g_SD_fast.h5 D_rand_g_SD_slow.h5"
REPORTS_LONG="all_V.h5 all3_V.h5 few_V.h5"

# run_in DIR NRANKS NTHREADS CFG
run_in() {
    OMP_NUM_THREADS=$3 mpirun_n "$2" -q -o "$WORK/$1" "$4" >"$WORK/$1.log" 2>&1 ||
        { cat "$WORK/$1.log"; fail "$1: snn_mpi failed on $2 rank(s) x $3 thread(s)"; }
    ls "$WORK/$1" | grep -q '\.partial$' && fail "$1: .partial files left behind"
    return 0
}

# same_files DIR_A DIR_B FILES...
same_files() {
    local a=$1 b=$2
    shift 2
    for f in "$@"; do
        [ -f "$WORK/$b/$f" ] || fail "$b/$f was not written"
        cmp "$WORK/$a/$f" "$WORK/$b/$f" || fail "$f differs between $a and $b: must be byte-identical"
    done
    echo "$b: $* byte-identical to $a"
}

echo "== closed-form network on 1, 2, 3 ranks and 2 threads"
run_in k1 1 1 "$KNOWN"
run_in k2 2 1 "$KNOWN"
run_in k3 3 1 "$KNOWN"
run_in kt 1 2 "$KNOWN"
run_in k2t 2 2 "$KNOWN"
# Spikes exchanged every step instead of every min_delay steps: other write times, same bytes.
OMP_NUM_THREADS=1 mpirun_n 2 -q --exchange-every-step -o "$WORK/ke" "$KNOWN" >"$WORK/ke.log" 2>&1 ||
    { cat "$WORK/ke.log"; fail "ke: snn_mpi --exchange-every-step failed"; }
for d in k2 k3 kt k2t ke; do
    same_files k1 "$d" $REPORTS_KNOWN spikes.h5
done
[ "$(ls "$WORK/k1" | sort | tr '\n' ' ')" = "A_all_V.h5 B_list_V.h5 B_list_g.h5 C_first_g.h5 D_rand_g_SD_fast.h5 D_rand_g_SD_slow.h5 spikes.h5 " ] ||
    fail "k1: unexpected files: $(ls "$WORK/k1")"

"$PY" - "$WORK/k1" <<'EOF' || fail "report layout or values (see above)"
import sys

import h5py
import numpy as np

out = sys.argv[1]
errors = []


def check(cond, msg):
    if not cond:
        errors.append(msg)


def report(name, pop, n_times, node_ids, units, t0, step):
    """Checks the layout of one report file and returns its data as float64."""
    with h5py.File(f"{out}/{name}", "r") as f:
        check(list(f.keys()) == ["report"], f"{name}: root holds {list(f.keys())}")
        check(list(f["report"].keys()) == [pop], f"{name}: /report holds {list(f['report'])}")
        g = f["report"][pop]
        d = g["data"]
        n = len(node_ids)
        check(d.dtype == np.float32, f"{name}: data dtype {d.dtype}")
        check(d.shape == (n_times, n), f"{name}: data shape {d.shape}, expected {(n_times, n)}")
        check(d.attrs["units"] == units, f"{name}: data units {d.attrs['units']!r}")
        m = g["mapping"]
        check(sorted(m.keys()) == ["element_ids", "index_pointers", "node_ids", "time"],
              f"{name}: mapping holds {sorted(m.keys())}")
        check(m["node_ids"].dtype == np.uint64, f"{name}: node_ids dtype {m['node_ids'].dtype}")
        check(list(m["node_ids"][:]) == list(node_ids),
              f"{name}: node_ids {list(m['node_ids'][:])}, expected {list(node_ids)}")
        check(dict(m["node_ids"].attrs) == {"sorted": 1} and
              m["node_ids"].attrs["sorted"].dtype == np.uint8,
              f"{name}: node_ids attributes {dict(m['node_ids'].attrs)} (sorted = 1, uint8)")
        check(m["index_pointers"].dtype == np.uint64, f"{name}: index_pointers dtype")
        check(list(m["index_pointers"][:]) == list(range(n + 1)),
              f"{name}: index_pointers {list(m['index_pointers'][:])}, expected 0..{n}")
        check(m["element_ids"].dtype == np.uint32, f"{name}: element_ids dtype")
        check(m["element_ids"].shape == (n,) and not m["element_ids"][:].any(),
              f"{name}: element_ids not {n} zeros")
        t = m["time"]
        check(t.dtype == np.float64 and t.shape == (3,), f"{name}: time {t.dtype} {t.shape}")
        check(t.attrs["units"] == "ms", f"{name}: time units {t.attrs['units']!r}")
        start, stop, dt = t[:]
        check(np.allclose([start, dt], [t0, step], rtol=1e-12), f"{name}: time {t[:]}")
        check(round((stop - start) / dt) == n_times, f"{name}: time {t[:]} gives "
              f"{(stop - start) / dt} samples, data has {n_times}")
        for key in ("data", "mapping"):
            check(len(g[key].attrs) == (1 if key == "data" else 0),
                  f"{name}: attributes of {key}: {list(g[key].attrs)}")
        return d[:].astype(np.float64), m["node_ids"][:]


dt = 0.1
steps = np.arange(1, 301)

# A: V of all 7 neurons under I = 12 mA from V0 = -62 mV: exponential Euler is exact for a
# constant input, V(n dt) = V_inf + (V0 - V_inf) exp(-n dt / tau), up to the threshold crossing,
# which is recorded un-reset; the next step starts from the soft reset V - (V_th - V_reset).
V, _ = report("A_all_V.h5", "A", 300, range(7), "mV", 0.1, 0.1)
V_inf, V0, tau, V_th = -48.0, -62.0, 10.0, -50.0
exact = V_inf + (V0 - V_inf) * np.exp(-steps * dt / tau)
nc = int(np.argmax(exact >= V_th)) + 1  # first step at or above threshold
check(np.all(V == V[:, :1]), "A: neurons with identical state differ")
v = V[:, 0]
err = np.abs(v[:nc] - exact[:nc]).max()
check(err < 2e-3, f"A: V differs from the closed form by {err} mV before the crossing")
check(v[nc - 1] >= V_th and np.all(v[: nc - 1] < V_th),
      f"A: crossing at step {nc} not recorded un-reset: {v[nc - 3:nc + 1]}")
after = V_inf + (v[nc - 1] - 15.0 - V_inf) * np.exp(-dt / tau)
check(abs(v[nc] - after) < 2e-3, f"A: step after the crossing {v[nc]}, expected {after}")
print(f"A: V matches the closed form to {err:.2e} mV; crossing at step {nc} recorded as "
      f"{v[nc - 1]:.4f} mV, then {v[nc]:.4f} mV")

# B: g (cuba, mA) of neurons [6, 0, 3] (stored sorted): the spike of S at step 0 arrives after
# 1 ms = 10 steps with weight 0.5, then decays with tau 5 ms: g(n) = 0.5 exp(-(n-10) dt / 5).
g, _ = report("B_list_g.h5", "B", 300, [0, 3, 6], "mA", 0.1, 0.1)
expect = np.where(steps >= 10, 0.5 * np.exp(-(steps - 10) * dt / 5.0), 0.0)
err = np.abs(g - expect[:, None]).max()
check(err < 1e-5, f"B: g differs from the closed form by {err}")
print(f"B: g matches 0.5 exp(-(n-10) dt / 5 ms) to {err:.1e} mA")
Vb, _ = report("B_list_V.h5", "B", 300, [0, 3, 6], "mV", 0.1, 0.1)
check(np.all(Vb[:9] == -70.0), f"B: V before the arrival {Vb[:9, 0]}")
check(np.all(Vb[9:] > -70.0), "B: V does not respond to g")

# C: coba g (mS), the first 4 neurons, every 0.5 ms = 5 steps: rows are steps 5, 10, ...
gc, _ = report("C_first_g.h5", "C", 60, range(4), "mS", 0.5, 0.5)
sc = 5 * np.arange(1, 61)
expect = np.where(sc >= 10, 0.02 * np.exp(-(sc - 10) * dt / 5.0), 0.0)
err = np.abs(gc - expect[:, None]).max()
check(err < 1e-6, f"C: g differs from the closed form by {err}")

# D: two channels (tau 5 ms and 10 ms) as two files, 3 random neurons every 2 steps.
with h5py.File(f"{out}/D_rand_g_SD_fast.h5", "r") as f:
    ids = list(f["report/D/mapping/node_ids"][:])
check(len(ids) == 3 and len(set(ids)) == 3 and ids == sorted(ids) and max(ids) < 7,
      f"D: random node ids {ids}")
sd = 2 * np.arange(1, 151)
for name, w, tau_s, delay in (("D_rand_g_SD_fast.h5", 0.5, 5.0, 10),
                              ("D_rand_g_SD_slow.h5", 0.25, 10.0, 20)):
    gd, _ = report(name, "D", 150, ids, "mA", 0.2, 0.2)
    expect = np.where(sd >= delay, w * np.exp(-(sd - delay) * dt / tau_s), 0.0)
    err = np.abs(gd - expect[:, None]).max()
    check(err < 1e-5, f"{name}: g differs from the closed form by {err}")

for e in errors:
    print("FAIL:", e)
sys.exit(1 if errors else 0)
EOF
echo "== values and layout as expected"

echo "== random selections: rank-independent (above), and the seed matters"
for s in 1 2 3 4 5; do
    with_seed "$KNOWN" "$s" "$WORK/seed$s.cfg"
    run_in "seed$s" 1 1 "$WORK/seed$s.cfg"
done
"$PY" - "$WORK" <<'EOF' || fail "random selections"
import sys

import h5py

sets = []
for s in range(1, 6):
    with h5py.File(f"{sys.argv[1]}/seed{s}/D_rand_g_SD_fast.h5", "r") as f:
        ids = list(f["report/D/mapping/node_ids"][:])
    assert len(set(ids)) == 3 and ids == sorted(ids) and max(ids) < 7, ids
    sets.append(tuple(ids))
print("random ids by seed:", sets)
assert len(set(sets)) > 1, "five seeds drew the same random selection"
EOF
with_seed "$KNOWN" 7 "$WORK/seed7.cfg"
run_in seed7 1 1 "$WORK/seed7.cfg"
cmp "$WORK/k1/D_rand_g_SD_fast.h5" "$WORK/seed7/D_rand_g_SD_fast.h5" ||
    fail "the same seed gave a different random selection"

echo "== 100000 neurons, several write windows, on 1 and 3 ranks and 2 threads"
run_in l1 1 1 "$LONG"
run_in l3 3 1 "$LONG"
run_in lt 1 2 "$LONG"
same_files l1 l3 $REPORTS_LONG
same_files l1 lt $REPORTS_LONG
"$PY" - "$WORK/l1" <<'EOF' || fail "long run values"
import sys

import h5py
import numpy as np

out = sys.argv[1]
dt, tau, V_inf = 0.1, 10.0, -55.0
with h5py.File(f"{out}/all_V.h5", "r") as f:
    V = f["report/P/data"][:].astype(np.float64)
    assert V.shape == (50, 100000), V.shape
    assert list(f["report/P/mapping/node_ids"][:5]) == [0, 1, 2, 3, 4]
# Each column relaxes from its own drawn V0: recover V0 from row 0 and check every row (so a
# misplaced row or column in any window fails).
n = np.arange(1, 51)[:, None]
V0 = V_inf + (V[0] - V_inf) * np.exp(dt / tau)
assert V0.min() >= -70.01 and V0.max() <= -51.99, (V0.min(), V0.max())
assert np.ptp(V0) > 15, "initial values are not spread"
err = np.abs(V - (V_inf + (V0 - V_inf) * np.exp(-n * dt / tau))).max()
assert err < 2e-3, f"V differs from the closed form by {err} mV"
with h5py.File(f"{out}/all3_V.h5", "r") as f:
    V3 = f["report/P/data"][:]
    assert V3.shape == (16, 100000), V3.shape
    assert np.array_equal(V3, V[2::3][:16].astype(np.float32)), "every 3 steps != rows 3, 6, ..."
with h5py.File(f"{out}/few_V.h5", "r") as f:
    ids = f["report/P/mapping/node_ids"][:]
    Vf = f["report/P/data"][:]
    assert len(ids) == 1000 and len(np.unique(ids)) == 1000 and np.all(np.diff(ids) > 0)
    assert np.array_equal(Vf, V[2::3][:16][:, ids].astype(np.float32)), "random columns"
print(f"long run: 50 x 100000 V samples in windows match the closed form to {err:.1e} mV")
EOF

echo "== an injected write failure on rank 1 of 3"
set +e
SNN_FAULT=record:1 OMP_NUM_THREADS=1 timeout 120 "$MPIEXEC" --oversubscribe -n 3 "$SNN" -q \
    -o "$WORK/fault" "$KNOWN" >"$WORK/fault.out" 2>"$WORK/fault.err"
rc=$?
if [ "$rc" -eq 0 ]; then
    echo "(not a -DSNN_FAULT_INJECTION=ON build: fault case skipped)"
else
    [ "$rc" -eq 3 ] || { cat "$WORK/fault.err"; fail "fault: exit $rc, expected 3"; }
    [ "$(grep -c 'snn_mpi: error:' "$WORK/fault.err")" -eq 1 ] || fail "fault: not one message"
    grep -q "rank 1: cannot write rows (injected fault)" "$WORK/fault.err" ||
        { cat "$WORK/fault.err"; fail "fault: message"; }
    [ -z "$(ls -A "$WORK/fault")" ] || fail "fault: left files behind: $(ls "$WORK/fault")"
    echo "fault: $(cat "$WORK/fault.err")"
fi

echo "== tools/plot_traces.py"
"$PY" "$SRC/tools/plot_traces.py" "$WORK/k1/A_all_V.h5" -o "$WORK/traces.png" --neurons 3 \
    >"$WORK/plot.txt" || fail "plot_traces.py failed"
grep -q "A: 3 of 7 neurons, 300 samples from 0.1 ms" "$WORK/plot.txt" || { cat "$WORK/plot.txt"; fail "plot_traces.py output"; }
[ -s "$WORK/traces.png" ] || fail "plot_traces.py wrote no PNG"
"$PY" "$SRC/tools/plot_traces.py" "$WORK/k1/spikes.h5" -o "$WORK/bad.png" 2>"$WORK/plot.err" &&
    fail "plot_traces.py accepted a spike file"
grep -q "no /report group" "$WORK/plot.err" || fail "plot_traces.py: message for a spike file"
echo "recorders: all checks passed"
