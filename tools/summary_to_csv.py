#!/usr/bin/python3
"""Append one row built from snn_mpi's --summary-json FILE to a scaling table (CSV).

    summary_to_csv.py TABLE.csv SUMMARY.json --workload NAME --mode strong|weak [--scale S]

The header is written when TABLE.csv does not exist or is empty; an existing file with another
header is refused, so that rows never shift under the wrong column. Used by jobs/lib.sh
(jobs/*.sbatch, jobs/scaling_local.sh) and read by tools/plot_scaling.py.
"""
import argparse
import csv
import json
import math
import os
import sys

COLUMNS = ["workload", "mode", "scale", "ranks", "threads", "neurons", "synapses", "build_s",
           "simulate_s", "rtf", "update_s", "exchange_s", "delivery_s", "output_s",
           "peak_mb_per_rank", "spikes"]


def number(x, what):
    if x is None or isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise ValueError(f"{what}: expected a finite number, got {x!r}")
    return x


def row(summary, workload, mode, scale):
    t = summary["time_s"]
    return {
        "workload": workload, "mode": mode, "scale": scale,
        "ranks": int(number(summary["ranks"], "ranks")),
        "threads": int(number(summary["threads"], "threads")),
        "neurons": int(number(summary["neurons"], "neurons")),
        "synapses": int(number(summary["synapses"], "synapses")),
        "build_s": number(t["build"], "time_s.build"),
        "simulate_s": number(t["simulate"], "time_s.simulate"),
        "rtf": number(summary["real_time_factor"], "real_time_factor"),
        "update_s": number(t["update"], "time_s.update"),
        "exchange_s": number(t["exchange"], "time_s.exchange"),
        "delivery_s": number(t["delivery"], "time_s.delivery"),
        "output_s": number(t["output"], "time_s.output"),
        "peak_mb_per_rank": number(summary["memory_mb"]["peak_per_rank"], "memory_mb.peak_per_rank"),
        "spikes": int(number(summary["spikes"], "spikes")),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("table")
    ap.add_argument("summary")
    ap.add_argument("--workload", required=True)
    ap.add_argument("--mode", required=True, choices=["strong", "weak", "single"])
    ap.add_argument("--scale", default="")
    a = ap.parse_args()
    try:
        with open(a.summary) as f:
            r = row(json.load(f), a.workload, a.mode, a.scale)
    except (OSError, ValueError, KeyError, TypeError) as e:
        sys.exit(f"summary_to_csv.py: {a.summary}: {type(e).__name__}: {e}")
    new = not os.path.exists(a.table) or os.path.getsize(a.table) == 0
    if not new:
        with open(a.table, newline="") as f:
            header = next(csv.reader(f), [])
        if header != COLUMNS:
            sys.exit(f"summary_to_csv.py: {a.table}: header {header} is not {COLUMNS}")
    with open(a.table, "a", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        if new:
            w.writeheader()
        w.writerow(r)


if __name__ == "__main__":
    main()
