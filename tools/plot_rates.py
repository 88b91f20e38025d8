#!/usr/bin/python3
"""plot_rates.py — per-population rates, ISI CVs and a coloured raster from a SONATA spike file.

    tools/plot_rates.py SPIKES.h5 [--config NET.cfg | --sizes NAME=N,...] [-o rates.png]
        [--t-start 0] [--t-stop MS] [--raster-window MS]

One PNG with three panels, one colour per population (file order):
  top left   mean rate per population over [t_start, t_stop), spikes/s, silent neurons included
  top right  histogram of the ISI CV of neurons with >= 3 spikes, one outline per population
  bottom     raster of the first --raster-window ms of the window (default: all of it),
             populations stacked in file order
and prints one line per population: name, neurons, spikes, mean rate, mean ISI CV.

Population sizes come from --config (after run.scale) or --sizes; without either the spike file
alone is used and each size is the largest node id + 1, so silent neurons at the end are missed
and rates are upper bounds (a note says so). t_stop defaults to run.duration, else the last spike
rounded up to 10 ms. Exits 0, or 1 on bad input.
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
        description="Bar chart of population rates, ISI CV histograms and a raster coloured by "
                    "population, from a SONATA spike file.")
    ap.add_argument("spikes", help="SONATA spike file written by snn_mpi")
    ap.add_argument("--config", help="the network config (population sizes, run.duration)")
    ap.add_argument("--sizes", help="population sizes NAME=N,... (instead of / over --config)")
    ap.add_argument("-o", "--output", default="rates.png", help="PNG to write (rates.png)")
    ap.add_argument("--t-start", type=float, default=0.0, help="start of the window, ms (0)")
    ap.add_argument("--t-stop", type=float, help="end of the window, ms (default run.duration)")
    ap.add_argument("--raster-window", type=float, help="length of the raster, ms (all)")
    args = ap.parse_args(argv)

    try:
        pops = spikes.load(args.spikes)
        if not pops:
            raise ValueError(f"{args.spikes}: no populations")
        sizes, duration, exact = spikes.population_sizes(pops, args.config, args.sizes)
        t0 = args.t_start
        t1 = args.t_stop if args.t_stop is not None else spikes.default_t_stop(pops, duration)
        if not t1 > t0:
            raise ValueError(f"empty window [{t0}, {t1}) ms")
    except (OSError, ValueError) as e:
        print(f"plot_rates.py: {e}", file=sys.stderr)
        return 1
    if not exact:
        print("plot_rates.py: note: no --config/--sizes, sizes are largest node id + 1 "
              "(rates are upper bounds)", file=sys.stderr)

    fig = plt.figure(figsize=(10, 7))
    ax_bar, ax_cv = fig.add_subplot(2, 2, 1), fig.add_subplot(2, 2, 2)
    ax_ras = fig.add_subplot(2, 1, 2)
    r1 = min(t1, t0 + args.raster_window) if args.raster_window else t1
    names, means, offset = list(pops), [], 0
    print(f"window [{t0:g}, {t1:g}) ms")
    print(f"{'population':<12}{'neurons':>9}{'spikes':>10}{'rate (1/s)':>12}{'ISI CV':>8}")
    for k, (name, (t, ids)) in enumerate(pops.items()):
        color, n = f"C{k % 10}", sizes[name]
        rate = spikes.rates(t, ids, n, t0, t1).mean() if n else 0.0
        cv = spikes.isi_cv(t, ids, t0, t1)
        means.append(rate)
        nspk = int(((t >= t0) & (t < t1)).sum())
        print(f"{name:<12}{n:>9}{nspk:>10}{rate:>12.3f}"
              f"{(f'{cv.mean():.3f}' if len(cv) else 'n/a'):>8}")
        if len(cv):
            ax_cv.hist(cv, bins=np.linspace(0, max(2.0, cv.max()), 41), histtype="step",
                       color=color, label=name, density=True)
        w = (t >= t0) & (t < r1)
        ax_ras.plot(t[w], ids[w] + offset, ".", ms=1, color=color, rasterized=True)
        ax_ras.text(1.005, (offset + n / 2) / max(1, sum(sizes[p] for p in names)), name,
                    transform=ax_ras.transAxes, color=color, va="center", fontsize=8)
        offset += n
    ax_bar.bar(names, means, color=[f"C{k % 10}" for k in range(len(names))])
    ax_bar.set_ylabel("mean rate (spikes/s)")
    ax_bar.set_title(f"rates, {t0:g}-{t1:g} ms")
    ax_bar.tick_params(axis="x", labelsize=8, rotation=45 if len(names) > 4 else 0)
    ax_cv.set_xlabel("ISI CV")
    ax_cv.set_ylabel("density")
    ax_cv.set_title("ISI CV (neurons with >= 3 spikes)")
    if ax_cv.has_data():
        ax_cv.legend(fontsize=8)
    ax_ras.set_xlim(t0, r1)
    ax_ras.set_ylim(0, max(offset, 1))
    ax_ras.set_xlabel("time (ms)")
    ax_ras.set_ylabel("neuron index")
    fig.suptitle(args.spikes, fontsize=10)
    fig.tight_layout()
    try:
        fig.savefig(args.output, dpi=110)
    except OSError as e:
        print(f"plot_rates.py: cannot write {args.output}: {e}", file=sys.stderr)
        return 1
    finally:
        plt.close(fig)
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
