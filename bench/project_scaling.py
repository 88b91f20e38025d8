#!/usr/bin/env python3
"""bench/project_scaling.py — the paper model of docs/scaling.md: projected RTF to 64-4096 ranks.

Per model second, on P ranks (one core each):
  compute(P) = C / P    C = core-seconds of update + delivery per model second, measured
                        (bench/results CSV: ranks * threads * (update_s + delivery_s) / model s);
                        assumes perfect compute scaling at this machine's per-core speed
  comm(P)    = (1 / interval) * t(P, B),  t = alpha * ceil(log2 P) + beta * B,
               B = 8 bytes * spikes per interval (every rank receives every spike)
  sort(P)    = (1 / interval) * the sort of one interval's spikes on every rank (src/comm.c:
               snn_spike_sort, a radix sort), S times the ns per spike that snn_sort_probe
               measured at the size nearest S (bench/results *.sort.csv; a file from before
               the radix sort holds qsort's figures, which this reads the same way)
  RTF        = compute + comm (+ sort, its own column)
alpha/beta come from bench/fit_exchange.py's JSON (the in-core and the oversubscribed "log"
fits) and from assumed InfiniBand figures (--ib-alpha-us, --ib-beta-ns; not measured).
Networks: the measured one times each --scales factor (neurons, synapses, spikes and compute
all multiplied; the out-degree K = synapses / neurons unchanged). The alternatives' table
(--ib figures) compares, per interval, MPI_Allgatherv with a sparse exchange toward the ranks
that hold targets (NBX: ibarrier + one message per sending rank) and NEST's two-tier scheme
(MPI_Alltoall of fixed chunks, at least one 8-byte entry per rank pair, Bruck or pairwise) and,
for a scaled network seen as that many areas of the measured one, a structure-aware exchange
(Allgatherv within an area every interval, across all ranks once per --inter-area-ms). With
random targets a spike reaches f = 1 - (1 - 1/P)^K of the ranks.
Prints Markdown (the tables of docs/scaling.md); --csv FILE also writes the main rows as CSV.
"""
import argparse
import csv
import json
import math
import statistics
import sys


def stages(p):
    return math.ceil(math.log2(p)) if p > 1 else 0


def load_bench(path, workload):
    rows = [r for r in csv.DictReader(open(path, newline="")) if r["workload"] == workload]
    if not rows:
        sys.exit(f"{path}: no rows of workload '{workload}'")
    def med(key):
        return statistics.median(float(r[key]) for r in rows)
    cores = statistics.median(int(r["ranks"]) * int(r["threads"]) for r in rows)
    model_s = med("model_ms") / 1e3
    return {
        "runs": len(rows), "layout": f"{rows[0]['ranks']}x{rows[0]['threads']}",
        "update_s": med("update_s"), "delivery_s": med("delivery_s"),
        "exchange_s": med("exchange_s"), "model_s": model_s,
        "core_s_per_model_s": cores * (med("update_s") + med("delivery_s")) / model_s,
        "spikes_per_model_s": med("spikes") / model_s,
        "neurons": med("neurons"), "synapses": med("synapses"),
    }


def load_fit(path):
    fits = json.load(open(path))["fits"]
    out = {}
    for name in ("in-core", "oversubscribed"):
        f = fits.get(name, {}).get("log")
        if f is None:
            sys.exit(f"{path}: no '{name}' log fit")
        out[name] = (f["params"]["alpha_us"], f["params"]["beta_us_per_byte"])
    return out


def load_sort(path):
    """(n, ns per spike) measured points; the sort of S spikes costs S times the ns per spike of
    the point nearest S (in log n)."""
    pts = [(int(r["n"]), float(r["ns_per_spike"])) for r in csv.DictReader(open(path))]
    if not pts:
        sys.exit(f"{path}: no rows")
    def sort_us(s):
        if s < 2:
            return 0.0
        n, c = min(pts, key=lambda p: abs(math.log(p[0]) - math.log(s)))
        return c * s * 1e-3
    return sort_us


def allgather_us(p, spikes, alpha, beta):
    return alpha * stages(p) + beta * 8.0 * spikes


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", default="bench/results/2026-11-26-vm.csv")
    ap.add_argument("--workload", default="microcircuit")
    ap.add_argument("--fit", default="bench/results/2026-11-26-vm.exchange.fit.json")
    ap.add_argument("--sort", default="bench/results/2026-11-26-vm.sort.csv")
    ap.add_argument("--interval-ms", type=float, default=0.1,
                    help="exchange interval = min_delay (microcircuit.cfg: delays redrawn below "
                         "dt = 0.1 ms, so one step)")
    ap.add_argument("--ranks", default="64,128,256,512,1024,2048,4096")
    ap.add_argument("--scales", default="1,100")
    ap.add_argument("--ib-alpha-us", type=float, default=1.5)
    ap.add_argument("--ib-beta-ns", type=float, default=0.15)
    ap.add_argument("--inter-area-ms", type=float, default=1.0,
                    help="structure-aware alternative: the inter-area minimum delay (assumed)")
    ap.add_argument("--csv")
    args = ap.parse_args()

    b = load_bench(args.bench, args.workload)
    fits = load_fit(args.fit)
    fits["InfiniBand (assumed)"] = (args.ib_alpha_us, args.ib_beta_ns * 1e-3)
    sort_us = load_sort(args.sort)
    ranks = [int(x) for x in args.ranks.split(",")]
    scales = [float(x) for x in args.scales.split(",")]
    per_s = 1e3 / args.interval_ms  # exchanges per model second
    k = b["synapses"] / b["neurons"]

    print(f"Measured ({args.bench}, workload {args.workload}, {b['runs']} run(s), layout "
          f"{b['layout']}): update {b['update_s']:.3g} s + delivery {b['delivery_s']:.3g} s over "
          f"{b['model_s']:.3g} model s = {b['core_s_per_model_s']:.4g} core-s per model s; "
          f"{b['spikes_per_model_s']:.4g} spikes per model s; out-degree K = {k:.0f}.")
    print(f"Exchange interval {args.interval_ms} ms = {per_s:.0f} exchanges per model s.")
    for name, (a, be) in fits.items():
        print(f"t(P, B) {name}: alpha = {a:.4g} us per log2 stage, beta = {be * 1e3:.4g} ns/byte")
    print()

    rows = []
    for sc in scales:
        comp_total = b["core_s_per_model_s"] * sc
        s_int = b["spikes_per_model_s"] * sc / per_s
        label = "measured network" if sc == 1 else f"{sc:g} x the measured network"
        print(f"### {args.workload}, {label}: {b['neurons'] * sc:,.0f} neurons, "
              f"{b['synapses'] * sc:.3g} synapses")
        print(f"{s_int:.4g} spikes = {8 * s_int:,.0f} bytes per exchange; every rank receives "
              f"{8 * s_int * per_s / 1e6:.3g} MB per model s whatever P; sort "
              f"{sort_us(s_int):.3g} us per exchange.")
        print()
        print("| P | compute s | comm s (in-core fit) | RTF (in-core fit) | comm s (oversub. fit) "
              "| comm s (IB assumed) | RTF (IB assumed) | sort s | RTF (IB) + sort |")
        print("|---|---|---|---|---|---|---|---|---|")
        for p in ranks:
            comp = comp_total / p
            comm = {n: per_s * allgather_us(p, s_int, a, be) * 1e-6 for n, (a, be) in fits.items()}
            srt = per_s * sort_us(s_int) * 1e-6
            ib = comm["InfiniBand (assumed)"]
            r = {"scale": sc, "ranks": p, "compute_s": comp, "comm_incore_s": comm["in-core"],
                 "rtf_incore": comp + comm["in-core"], "comm_oversub_s": comm["oversubscribed"],
                 "comm_ib_s": ib, "rtf_ib": comp + ib, "sort_s": srt, "rtf_ib_sort": comp + ib + srt}
            rows.append(r)
            print(f"| {p} | {comp:.4f} | {r['comm_incore_s']:.4f} | {r['rtf_incore']:.4f} "
                  f"| {r['comm_oversub_s']:.4f} | {ib:.4f} | {r['rtf_ib']:.4f} | {srt:.4f} "
                  f"| {r['rtf_ib_sort']:.4f} |")
        print()
        for name, (a, be) in fits.items():
            cross = next((2**e for e in range(1, 25)
                          if per_s * allgather_us(2**e, s_int, a, be) * 1e-6 > comp_total / 2**e),
                         None)
            floor = per_s * allgather_us(2**20, s_int, a, be) * 1e-6
            print(f"- {name}: communication exceeds compute from P = {cross} on; "
                  f"communication alone at P = 2^20 would be {floor:.3g} s per model s")
        cross = next((2**e for e in range(1, 25) if per_s * sort_us(s_int) * 1e-6 > comp_total / 2**e),
                     None)
        print(f"- the sort alone exceeds compute from P = {cross} on")
        print()
        a, be = fits["InfiniBand (assumed)"]
        areas = sc if sc > 1 else 1
        print(f"Alternatives per exchange (IB figures, random targets, K = {k:.0f}"
              + (f"; structure-aware: {areas:g} areas, each the measured network, inter-area "
                 f"delays >= {args.inter_area_ms} ms (assumed)" if areas > 1 else "") + "):")
        print()
        print("| P | f | spikes to each rank | Allgatherv us | sparse NBX us | two-tier Alltoall us "
              + ("| structure-aware us " if areas > 1 else "")
              + "| comm s per model s: Allgatherv / sparse / two-tier"
              + (" / structure-aware" if areas > 1 else "") + " |")
        print("|---|---|---|---|---|---|---|" + ("---|" if areas > 1 else ""))
        for p in ranks:
            f = 1 - (1 - 1 / p) ** k
            rx = s_int * f
            ag = allgather_us(p, s_int, a, be)
            # sparse dynamic exchange (NBX): one message from each rank that has a spike for us,
            # then a non-blocking barrier
            msgs = (p - 1) * (1 - math.exp(-rx / (p - 1)))
            nbx = a * stages(p) + a * msgs + be * 8 * rx
            # two-tier: MPI_Alltoall of equal chunks of c entries (the largest pair count,
            # mean + 3 sd of a Poisson count, at least 1): Bruck or pairwise, whichever is less
            m = rx / p
            c = max(1, math.ceil(m + 3 * math.sqrt(m)))
            bruck = a * stages(p) + be * 8 * c * (p / 2) * stages(p)
            pairwise = a * (p - 1) + be * 8 * c * p
            tt = min(bruck, pairwise)
            cells = [ag, nbx, tt]
            if areas > 1:
                # intra-area Allgatherv every interval among the area's ranks; inter-area
                # Allgatherv of all spikes once per inter-area delay
                per_area = max(1, p / areas)
                every = max(1.0, args.inter_area_ms / args.interval_ms)
                sa = (allgather_us(per_area, s_int / areas, a, be)
                      + allgather_us(p, s_int * every, a, be) / every)
                cells.append(sa)
            us = " | ".join(f"{x:.3g}" for x in cells)
            tot = " / ".join(f"{per_s * x * 1e-6:.3g}" for x in cells)
            print(f"| {p} | {f:.3f} | {rx:.4g} | {us} | {tot} |")
        print()
    if args.csv:
        with open(args.csv + ".partial", "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        import os
        os.replace(args.csv + ".partial", args.csv)


if __name__ == "__main__":
    main()
