#!/usr/bin/python3
"""plot_stats.py — per-population firing-rate and ISI CV histograms and a raster coloured by
population, from a SONATA spike file alone.

    tools/plot_stats.py SPIKES.h5 [-o stats.png] [--sizes NAME=N,... | --config NET.cfg]
        [--t-start 0] [--t-stop MS] [--bins 30]

One PNG, one colour per population (file order, matplotlib's C0, C1, ...):
  left    raster: neuron index against time, populations stacked in file order
  middle  histogram of the neurons' firing rates (spikes/s over [t_start, t_stop)), one outline
          per population
  right   histogram of the ISI CV (std / mean of the intervals, ddof 0) of neurons with >= 3
          spikes, one outline per population
and prints one line per population: neurons, spikes, mean and median rate, mean ISI CV and the
number of neurons it is over.

Nothing but the spike file is needed: each population's size is then its largest node id + 1,
so silent neurons after the last active one are not counted (give --sizes or --config for exact
sizes; silent neurons count as rate 0). t_stop defaults to run.duration with --config, else the
last spike rounded up to 10 ms. Exits 0, or 1 on bad input.
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spikes  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Rate and ISI CV histograms and a coloured raster from a SONATA spike file.")
    ap.add_argument("spikes", help="SONATA spike file written by snn_mpi")
    ap.add_argument("-o", "--output", default="stats.png", help="PNG to write (stats.png)")
    ap.add_argument("--sizes", help="population sizes NAME=N,... (default: largest id + 1)")
    ap.add_argument("--config", help="the network config (population sizes, run.duration)")
    ap.add_argument("--t-start", type=float, default=0.0, help="start of the window, ms (0)")
    ap.add_argument("--t-stop", type=float, help="end of the window, ms")
    ap.add_argument("--bins", type=int, default=30, help="histogram bins (30)")
    args = ap.parse_args(argv)

    try:
        pops = spikes.load(args.spikes)
        if not pops:
            raise ValueError(f"{args.spikes}: no populations")
        sizes, duration, _ = spikes.population_sizes(pops, args.config, args.sizes)
        t0 = args.t_start
        t1 = args.t_stop if args.t_stop is not None else spikes.default_t_stop(pops, duration)
        if not t1 > t0:
            raise ValueError(f"empty window [{t0}, {t1}) ms")
        if args.bins < 1:
            raise ValueError(f"--bins {args.bins}: expected at least 1")
    except (OSError, ValueError) as e:
        print(f"plot_stats.py: {e}", file=sys.stderr)
        return 1

    fig, (ax_ras, ax_rate, ax_cv) = plt.subplots(1, 3, figsize=(15, 4.5),
                                                 gridspec_kw={"width_ratios": [1.6, 1, 1]})
    print(f"window [{t0:g}, {t1:g}) ms")
    print(f"{'population':<12}{'neurons':>9}{'spikes':>10}{'mean rate':>11}{'median':>9}"
          f"{'ISI CV':>8}{'CV n':>7}")
    offset = 0
    all_rates = [spikes.rates(t, ids, sizes[name], t0, t1) for name, (t, ids) in pops.items()]
    top = max((r.max() for r in all_rates if len(r)), default=0.0)
    rate_edges = np.linspace(0.0, max(top, 1e-9) * 1.001, args.bins + 1)
    for k, (name, (t, ids)) in enumerate(pops.items()):
        color, n, r = f"C{k % 10}", sizes[name], all_rates[k]
        cv = spikes.isi_cv(t, ids, t0, t1)
        w = (t >= t0) & (t < t1)
        mean_cv = f"{cv.mean():.3f}" if len(cv) else "n/a"
        print(f"{name:<12}{n:>9}{int(w.sum()):>10}{(r.mean() if n else 0):>11.3f}"
              f"{(np.median(r) if n else 0):>9.3f}{mean_cv:>8}{len(cv):>7}")
        ax_ras.plot(t[w], ids[w] + offset, ".", ms=1, color=color, rasterized=True, label=name)
        offset += n
        if n:
            ax_rate.hist(r, bins=rate_edges, histtype="step", color=color, label=name)
        if len(cv):
            ax_cv.hist(cv, bins=np.linspace(0, max(2.0, cv.max()), args.bins + 1),
                       histtype="step", color=color, label=name)
    ax_ras.set_xlim(t0, t1)
    ax_ras.set_ylim(0, max(offset, 1))
    ax_ras.set_xlabel("time (ms)")
    ax_ras.set_ylabel("neuron index")
    ax_ras.set_title("raster")
    ax_rate.set_xlabel("firing rate (spikes/s)")
    ax_rate.set_ylabel("neurons")
    ax_rate.set_title("rates")
    ax_cv.set_xlabel("ISI CV")
    ax_cv.set_ylabel("neurons")
    ax_cv.set_title("ISI CV (neurons with >= 3 spikes)")
    for ax in (ax_ras, ax_rate, ax_cv):
        if ax.has_data():
            ax.legend(fontsize=8, markerscale=6)
    fig.suptitle(args.spikes, fontsize=10)
    fig.tight_layout()
    try:
        fig.savefig(args.output, dpi=110)
    except OSError as e:
        print(f"plot_stats.py: cannot write {args.output}: {e}", file=sys.stderr)
        return 1
    finally:
        plt.close(fig)
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
