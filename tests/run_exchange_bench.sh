# run_exchange_bench: snn_allgather_bench and snn_sort_probe write well-formed CSV (2 ranks, a few
# iterations), their usage errors exit non-zero, bench/fit_exchange.py recovers a known alpha and
# beta from a synthetic CSV within 1 %, and bench/project_scaling.py's table has the expected
# rows and the model's values. No timed assertions: the times are only checked to be positive.
source "$(dirname "$0")/common.sh"
BIN=$(dirname "$SNN")
BENCH=$BIN/snn_allgather_bench
SORT=$BIN/snn_sort_probe
[[ -x $BENCH && -x $SORT ]] || fail "snn_allgather_bench / snn_sort_probe not built next to $SNN"

timeout 120 "$MPIEXEC" --oversubscribe -n 2 "$BENCH" 5 2 >"$WORK/ag.csv" || fail "snn_allgather_bench failed"
"$PY" - "$WORK/ag.csv" <<'PY' || fail "snn_allgather_bench CSV"
import csv, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines[0] == "ranks,n_per_rank,bytes_total,median_us,mean_us", lines[0]
rows = list(csv.DictReader(lines))
ns = [int(r["n_per_rank"]) for r in rows]
assert ns == [0, 1, 4, 16, 64, 256, 1024, 4096, 16384], ns
for r in rows:
    assert int(r["ranks"]) == 2, r
    assert int(r["bytes_total"]) == 8 * int(r["n_per_rank"]) * 2, r
    assert float(r["median_us"]) > 0 and float(r["mean_us"]) > 0, r
PY
# 3 ranks and a custom list of sizes (the received data is checked inside: exit 0 means it matched)
timeout 120 "$MPIEXEC" --oversubscribe -n 3 "$BENCH" 3 0 5,7 >"$WORK/ag3.csv" || fail "3 ranks, sizes 5,7"
[[ $(tail -n +2 "$WORK/ag3.csv" | cut -d, -f1-3 | tr '\n' ' ') == "3,5,120 3,7,168 " ]] ||
    fail "3 ranks: got $(cat "$WORK/ag3.csv")"
for bad in "0" "x" "5 -1" "5 1 4,,y" "5 1 4,-3"; do
    # shellcheck disable=SC2086
    if timeout 60 "$MPIEXEC" --oversubscribe -n 2 "$BENCH" $bad >"$WORK/bad.out" 2>&1; then
        fail "snn_allgather_bench $bad: expected a usage error"
    fi
    grep -q "snn_allgather_bench:" "$WORK/bad.out" || fail "snn_allgather_bench $bad: no message"
done

"$SORT" 25,100 >"$WORK/sort.csv" || fail "snn_sort_probe failed"
"$PY" - "$WORK/sort.csv" <<'PY' || fail "snn_sort_probe CSV"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert [int(r["n"]) for r in rows] == [25, 100], rows
assert all(float(r[k]) > 0 for r in rows for k in ("us_per_sort", "ns_per_spike", "ns_per_spike_log2n",
                                                    "qsort_us_per_sort", "qsort_ns_per_spike"))
PY
"$SORT" 1 >/dev/null 2>&1 && fail "snn_sort_probe 1: expected an error"

# Synthetic exchange times with alpha = 2.5 us per stage, beta = 0.2 ns per byte on 16 cores.
"$PY" - "$WORK" <<'PY' || fail "synthetic CSVs"
import math, sys
w = sys.argv[1]
with open(f"{w}/syn.csv", "w") as f:
    f.write("ranks,n_per_rank,bytes_total,median_us,mean_us,cores\n")
    for p in (1, 2, 3, 4, 8, 16):
        for n in (0, 1, 4, 16, 64, 256, 1024, 4096, 16384):
            b = 8 * n * p
            t = 2.5 * (math.ceil(math.log2(p)) if p > 1 else 0) + 0.0002 * b
            t = t if t > 0 else 1e-3  # P = 1, n = 0: left out of the fit anyway
            f.write(f"{p},{n},{b},{t},{t},16\n")
# a benchmark row: 2 ranks x 1 thread, update 3 s + delivery 6 s over 1 model s, 1e5 spikes
with open(f"{w}/bench.csv", "w") as f:
    f.write("workload,ranks,threads,update_s,delivery_s,exchange_s,model_ms,spikes,neurons,synapses\n")
    f.write("microcircuit,2,1,3,6,0.5,1000,100000,1000,1000000\n")
with open(f"{w}/sort.csv", "w") as f:
    # 2 ns per spike at 10 spikes, 3 ns at 1000 (the projection takes the nearest size's figure)
    f.write("n,us_per_sort,ns_per_spike,ns_per_spike_log2n\n10,0.02,2.0,0.6\n1000,3,3.0,0.3\n")
PY
"$PY" "$SRC/bench/fit_exchange.py" "$WORK/syn.csv" --json "$WORK/fit.json" >"$WORK/fit.txt" ||
    fail "fit_exchange.py failed"
grep -q "in-core latency alpha = 2.5 us" "$WORK/fit.txt" || fail "fit: $(cat "$WORK/fit.txt")"
"$PY" - "$WORK/fit.json" <<'PY' || fail "fit does not recover alpha = 2.5 us, beta = 0.2 ns/B"
import json, sys
fits = json.load(open(sys.argv[1]))["fits"]
for name in ("in-core", "oversubscribed"):
    p = fits[name]["log"]["params"]
    assert abs(p["alpha_us"] / 2.5 - 1) < 0.01, (name, p)
    assert abs(p["beta_us_per_byte"] / 0.0002 - 1) < 0.01, (name, p)
    assert fits[name]["log"]["max_rel_residual"] < 1e-6, fits[name]["log"]
    q = fits[name]["log+lin"]["params"]
    assert abs(q["gamma_us"]) < 1e-6 and abs(q["alpha_us"] / 2.5 - 1) < 0.01, (name, q)
PY
# without a cores column and without --cores: an error
cut -d, -f1-5 "$WORK/syn.csv" >"$WORK/nocores.csv"
"$PY" "$SRC/bench/fit_exchange.py" "$WORK/nocores.csv" >/dev/null 2>&1 && fail "fit without cores: expected an error"
"$PY" "$SRC/bench/fit_exchange.py" "$WORK/nocores.csv" --cores 4 >/dev/null || fail "fit with --cores"

"$PY" "$SRC/bench/project_scaling.py" --bench "$WORK/bench.csv" --fit "$WORK/fit.json" \
    --sort "$WORK/sort.csv" --csv "$WORK/proj.csv" >"$WORK/proj.md" || fail "project_scaling.py failed"
"$PY" - "$WORK/proj.csv" "$WORK/proj.md" <<'PY' || fail "projection table"
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
ranks = [64, 128, 256, 512, 1024, 2048, 4096]
assert [(float(r["scale"]), int(r["ranks"])) for r in rows] == \
    [(s, p) for s in (1.0, 100.0) for p in ranks], rows
for r in rows:
    s, p = float(r["scale"]), int(r["ranks"])
    spikes = 1e5 * s / 1e4  # per 0.1 ms interval
    want = {"compute_s": 18 * s / p,  # 2 ranks x (3 + 6) s per model s
            "comm_incore_s": 1e4 * (2.5 * math.log2(p) + 0.0002 * 8 * spikes) * 1e-6,
            "comm_ib_s": 1e4 * (1.5 * math.log2(p) + 0.00015 * 8 * spikes) * 1e-6,
            "sort_s": 1e4 * (2.0 if s == 1 else 3.0) * spikes * 1e-9}
    want["rtf_incore"] = want["compute_s"] + want["comm_incore_s"]
    want["rtf_ib"] = want["compute_s"] + want["comm_ib_s"]
    for k, v in want.items():
        assert abs(float(r[k]) - v) <= 1e-6 * max(1, v), (k, r[k], v, r)
md = open(sys.argv[2]).read()
for p in ranks:
    assert md.count(f"\n| {p} |") == 4, p  # 2 networks x (main table + alternatives)
assert "Allgatherv" in md and "two-tier" in md and "structure-aware" in md
PY
echo "run_exchange_bench: OK"
