"""Recomputes the summary's Fano factors and correlations from the spike file with numpy.

usage: check_spike_stats.py SUMMARY.json SPIKES.h5
Exits 1 (naming the population) when a value differs from the JSON by more than 1e-9 relative.
Binning as include/snn/spike_stats.h: a spike stamped n*dt is in bin (n - 1) // B, B = bin / dt
steps; only whole bins count.
"""
import json
import math
import sys

import h5py
import numpy as np


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-300)


def main():
    summary = json.load(open(sys.argv[1]))
    dt = summary["dt_ms"]
    stats = summary["spike_count_stats"]
    steps_per_bin = int(round(stats["bin_ms"] / dt))
    n_bins = summary["steps"] // steps_per_bin
    assert n_bins == stats["bins"], (n_bins, stats["bins"])
    # SONATA node ids count from 0 in each population; global ids follow the populations' order.
    offset, start = {}, 0
    for pop in summary["populations"]:
        offset[pop["name"]] = start
        start += pop["neurons"]
    ids, times = [], []
    with h5py.File(sys.argv[2], "r") as f:
        for name, g in f["spikes"].items():
            ids.append(np.asarray(g["node_ids"], dtype=np.int64) + offset[name])
            times.append(np.asarray(g["timestamps"], dtype=np.float64))
    ids = np.concatenate(ids)
    steps = np.rint(np.concatenate(times) / dt).astype(np.int64)
    bins = (steps - 1) // steps_per_bin
    keep = bins < n_bins
    ids, bins = ids[keep], bins[keep]
    bad = 0
    for pop in summary["populations"]:
        sample = np.asarray(pop["sample_ids"], dtype=np.int64)
        assert len(sample) == min(stats["sample"], pop["neurons"]), pop["name"]
        assert len(set(sample.tolist())) == len(sample), pop["name"] + ": repeated ids"
        counts = np.zeros((len(sample), n_bins))
        row = {g: i for i, g in enumerate(sample.tolist())}
        for g, b in zip(ids.tolist(), bins.tolist()):
            if g in row:
                counts[row[g], b] += 1
        mean = counts.mean(axis=1)
        var = counts.var(axis=1)
        fano = float(np.mean(var[mean > 0] / mean[mean > 0])) if (mean > 0).any() else None
        vary = counts[var > 0]
        if len(vary) >= 2:
            c = np.corrcoef(vary)
            corr = float(c[np.triu_indices(len(vary), 1)].mean())
        else:
            corr = None
        print(f"{pop['name']}: Fano {fano} (summary {pop['fano_factor']}), correlation {corr} "
              f"(summary {pop['correlation']}), {int((mean > 0).sum())} neurons, "
              f"{len(vary) * (len(vary) - 1) // 2} pairs")
        if not close(fano, pop["fano_factor"]) or not close(corr, pop["correlation"]):
            print(f"MISMATCH in population {pop['name']}")
            bad = 1
        if pop["fano_neurons"] != int((mean > 0).sum()):
            print(f"MISMATCH in population {pop['name']}: fano_neurons")
            bad = 1
        if pop["correlation_pairs"] != len(vary) * (len(vary) - 1) // 2:
            print(f"MISMATCH in population {pop['name']}: correlation_pairs")
            bad = 1
    sys.exit(bad)


if __name__ == "__main__":
    main()
