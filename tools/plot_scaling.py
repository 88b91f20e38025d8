#!/usr/bin/python3
"""Speed-up and parallel efficiency from a scaling table (jobs/*scaling*, tools/summary_to_csv.py).

    plot_scaling.py scaling.csv -o scaling.png [--time simulate_s|build_s|total]

cores = ranks x threads. The baseline is the row with the fewest cores (the first such row).
Strong scaling (same network): left, speed-up T_base / T against cores with the ideal line
cores / cores_base; right, parallel efficiency = speed-up / (cores / cores_base).
Weak scaling (network grows with the cores): left, time against cores with the ideal flat line;
right, efficiency = T_base / T. One line per threads-per-rank, points labelled RxT. A layout
with several rows (repeats) is plotted with its fastest run.
"""
import argparse
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(f"plot_scaling.py: {path}: no rows")
    modes = {r["mode"] for r in rows}
    if len(modes) != 1:
        sys.exit(f"plot_scaling.py: {path}: one mode per table, got {sorted(modes)}")
    for r in rows:
        r["ranks"], r["threads"] = int(r["ranks"]), int(r["threads"])
        r["cores"] = r["ranks"] * r["threads"]
        for k in ("build_s", "simulate_s"):
            r[k] = float(r[k])
        r["total"] = r["build_s"] + r["simulate_s"]
    return rows, modes.pop()


def fastest(rows, key):
    """One row per layout: the fastest of its repeats (REPEAT=n in jobs/lib.sh)."""
    best = {}
    for r in rows:
        k = (r["ranks"], r["threads"])
        if k not in best or r[key] < best[k][key]:
            best[k] = r
    return list(best.values())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("table")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--time", default="simulate_s", choices=["simulate_s", "build_s", "total"],
                    help="which time to scale (default: simulate_s, the step loop)")
    a = ap.parse_args()
    rows, mode = load(a.table)
    rows = fastest(rows, a.time)
    base = min(rows, key=lambda r: r["cores"])
    if base[a.time] <= 0:
        sys.exit(f"plot_scaling.py: baseline time {a.time} is {base[a.time]}")
    c0, t0 = base["cores"], base[a.time]
    cmax = max(r["cores"] for r in rows)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.2))
    label = {"simulate_s": "simulation", "build_s": "build", "total": "build + simulation"}[a.time]
    for t in sorted({r["threads"] for r in rows}):
        sel = sorted((r for r in rows if r["threads"] == t), key=lambda r: r["cores"])
        x = [r["cores"] for r in sel]
        if mode == "strong":
            y1 = [t0 / r[a.time] for r in sel]
            eff = [s / (r["cores"] / c0) for s, r in zip(y1, sel)]
        else:
            y1 = [r[a.time] for r in sel]
            eff = [t0 / r[a.time] for r in sel]
        name = f"{t} thread{'s' if t > 1 else ''} per rank"
        ax1.plot(x, y1, "o-", label=name)
        ax2.plot(x, eff, "o-", label=name)
        for xi, yi, ei, r in zip(x, y1, eff, sel):
            txt = f"{r['ranks']}x{r['threads']}"
            # 1 thread per rank labelled right of the point, more threads left of it
            kw = dict(textcoords="offset points", fontsize=8, xytext=(5, 4) if t == 1 else (-5, 4),
                      ha="left" if t == 1 else "right")
            ax1.annotate(txt, (xi, yi), **kw)
            ax2.annotate(txt, (xi, ei), **kw)
    xs = [c0, cmax]
    if mode == "strong":
        ax1.plot(xs, [1, cmax / c0], "k--", label="ideal")
        ax1.set_ylabel(f"speed-up of {label} (vs {base['ranks']}x{base['threads']})")
    else:
        ax1.plot(xs, [t0, t0], "k--", label="ideal")
        ax1.set_ylabel(f"{label} time (s)")
        ax1.set_ylim(bottom=0)
    ax2.plot(xs, [1, 1], "k--", label="ideal")
    ax2.set_ylabel("parallel efficiency")
    ax2.set_ylim(0, max(1.2, ax2.get_ylim()[1]))
    for ax in (ax1, ax2):
        ax.set_xlabel("cores (ranks x threads)")
        ax.set_xticks(sorted({r["cores"] for r in rows}))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"{mode} scaling: {base['workload']} ({base['neurons']} neurons at {c0} "
                 f"core{'s' if c0 > 1 else ''})")
    fig.tight_layout()
    fig.savefig(a.output, dpi=110)
    print(f"wrote {a.output}")


if __name__ == "__main__":
    main()
