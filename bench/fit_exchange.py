#!/usr/bin/env python3
"""bench/fit_exchange.py CSV [--cores N] [--json OUT] — fit the spike exchange's cost.

Reads the CSV of bench/exchange.sh (ranks,n_per_rank,bytes_total,median_us,mean_us[,cores]) and
fits the median time per exchange t (us) by numpy least squares to
  log:     t = alpha * ceil(log2 P) + beta * B_total
  log+lin: t = alpha * ceil(log2 P) + beta * B_total + gamma * (P - 1)
  const+log: t = t0 + alpha * ceil(log2 P) + beta * B_total   (t0: the call overhead, P = 1 too)
where P is the number of ranks and B_total = 8 * n * P the bytes that every rank receives.
The residuals are relative (each row divided by its t), so the small exchanges, which the
latency terms describe, weigh as much as the large ones. Rows with P = 1 (a local copy, no
communication) are left out. Two sets of points are fitted:
  in-core        P <= cores (each rank has a core: what a real machine's node does)
  oversubscribed all points, P > cores included (the ranks time-share the cores: the times
                 include the scheduler's time slices, not a network's latency)
--cores overrides the CSV's cores column (required if the CSV has none). --json writes the
fitted parameters (alpha_us, beta_us_per_byte, gamma_us per fit and set) for
bench/project_scaling.py.
"""
import argparse
import csv
import json
import math
import sys

import numpy as np

MODELS = {
    "log": ("alpha_us", "beta_us_per_byte"),
    "log+lin": ("alpha_us", "beta_us_per_byte", "gamma_us"),
    "const+log": ("alpha_us", "beta_us_per_byte", "t0_us"),
}


def stages(p):
    return math.ceil(math.log2(p)) if p > 1 else 0


def design(rows, model):
    cols = [[stages(r["ranks"]) for r in rows], [r["bytes_total"] for r in rows]]
    if model == "log+lin":
        cols.append([r["ranks"] - 1 for r in rows])
    if model == "const+log":
        cols.append([1.0 for r in rows])
    return np.array(cols, dtype=float).T


def fit(rows, model):
    """Relative least squares; returns None when the parameters are not identifiable."""
    a = design(rows, model)
    t = np.array([r["median_us"] for r in rows])
    w = 1.0 / t
    coef, _, rank, _ = np.linalg.lstsq(a * w[:, None], t * w, rcond=None)
    if rank < a.shape[1]:
        return None
    pred = a @ coef
    rel = (pred - t) / t
    return {
        "params": dict(zip(MODELS[model], (float(c) for c in coef))),
        "rms_rel_residual": float(np.sqrt(np.mean(rel**2))),
        "max_rel_residual": float(np.max(np.abs(rel))),
        "points": len(rows),
        "ranks": sorted({r["ranks"] for r in rows}),
        "residuals": [
            {"ranks": r["ranks"], "bytes_total": r["bytes_total"], "median_us": r["median_us"],
             "fit_us": float(p)} for r, p in zip(rows, pred)],
    }


def read(path, cores):
    rows = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            c = cores if cores is not None else (int(r["cores"]) if r.get("cores") else None)
            if c is None:
                sys.exit(f"{path}: no cores column; pass --cores N")
            t = float(r["median_us"])
            if t <= 0:
                sys.exit(f"{path}: median_us must be positive, got {t}")
            rows.append({"ranks": int(r["ranks"]), "n": int(r["n_per_rank"]),
                         "bytes_total": int(r["bytes_total"]), "median_us": t, "cores": c})
    if not rows:
        sys.exit(f"{path}: no rows")
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv")
    ap.add_argument("--cores", type=int)
    ap.add_argument("--json")
    ap.add_argument("--residuals", action="store_true", help="print every point's residual")
    args = ap.parse_args()
    rows = read(args.csv, args.cores)
    cores = rows[0]["cores"]
    # P = 1 is a local copy, no communication: it would set beta to memcpy's cost.
    comm = [r for r in rows if r["ranks"] >= 2]
    sets = {"in-core": [r for r in comm if r["ranks"] <= r["cores"]], "oversubscribed": comm}
    out = {"csv": args.csv, "cores": cores, "fits": {}}
    print(f"fit of {args.csv}: t = alpha*ceil(log2 P) + beta*B_total [+ gamma*(P-1)], "
          f"relative least squares on the medians; {cores} cores")
    print("| points | model | alpha us/stage | beta ns/byte | gamma us/rank | t0 us "
          "| rms rel. resid. | max rel. resid. |")
    print("|---|---|---|---|---|---|---|---|")
    for name, pts in sets.items():
        out["fits"][name] = {}
        label = (f"in-core (P <= {cores}: P = {sorted({r['ranks'] for r in pts})})"
                 if name == "in-core" else
                 f"all, OVERSUBSCRIBED beyond {cores} (P = {sorted({r['ranks'] for r in pts})})")
        for model in MODELS:
            res = fit(pts, model) if pts else None
            out["fits"][name][model] = res
            if res is None:
                print(f"| {label} | {model} | not identifiable from these rank counts | | | | | |")
                continue
            p = res["params"]
            gamma = f"{p['gamma_us']:.4g}" if "gamma_us" in p else "-"
            t0 = f"{p['t0_us']:.4g}" if "t0_us" in p else "-"
            print(f"| {label} | {model} | {p['alpha_us']:.4g} | {p['beta_us_per_byte'] * 1e3:.4g} "
                  f"| {gamma} | {t0} | {res['rms_rel_residual']:.3f} "
                  f"| {res['max_rel_residual']:.3f} |")
            if args.residuals:
                for q in res["residuals"]:
                    print(f"    P={q['ranks']:>4} B={q['bytes_total']:>9} measured "
                          f"{q['median_us']:10.3f} us fit {q['fit_us']:10.3f} us")
    ic = out["fits"]["in-core"]["log"]
    if ic:
        print(f"in-core latency alpha = {ic['params']['alpha_us']:.4g} us per log2 stage, "
              f"per-byte cost beta = {ic['params']['beta_us_per_byte'] * 1e3:.4g} ns/byte "
              f"({1e-3 / ic['params']['beta_us_per_byte']:.3g} GB/s)")
    if args.json:
        with open(args.json + ".partial", "w") as f:
            json.dump(out, f, indent=1)
        import os
        os.replace(args.json + ".partial", args.json)


if __name__ == "__main__":
    main()
