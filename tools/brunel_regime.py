#!/usr/bin/python3
"""brunel_regime.py — which of Brunel's (2000) states a spiking network is in.

    tools/brunel_regime.py SPIKES.h5 (--config examples/brunel.cfg | --sizes E=10000,I=2500)
        [--t-start 200] [--t-stop MS] [--plot FILE.png] [--window 100]

Over all neurons of all populations in [t_start, t_stop) it prints (one "key: value" per line):
  window      the window and the population sizes
  rate        mean rate, spikes/s (silent neurons included)
  cv          mean ISI CV (std/mean) over neurons with >= 3 spikes
  chi         Golomb's (2007) synchrony measure from spike counts in 1 ms bins of up to 1000
              active neurons: chi^2 = var_t(mean_i count_i) / mean_i var_t(count_i);
              1 for identical trains, about 1/sqrt(1000) = 0.03 for independent ones
  chi_10ms    the same with 10 ms bins (used for the classification, see below)
  fano        Fano factor (var / mean) of the population spike count in 1 ms bins
  correlation mean Pearson correlation of 10 ms spike counts over pairs of 200 active neurons
  regime      asynchronous irregular | asynchronous regular | synchronous irregular |
              synchronous regular (or silent)
and exits 0 (2 on bad input). --plot draws a raster and the population rate (1 ms bins) of a
--window ms stretch (default 100 ms) starting at t_start.

Thresholds, from Brunel's four states run with snn_mpi (examples/brunel.cfg, 12,500 neurons,
window 200-500 ms) and independent Poisson trains:
                     chi (1 ms)  chi_10ms  cv     corr (10 ms)
  Poisson, 20/s      0.03        0.03      0.93   0.000
  AI  g=5,   eta=2   0.10        0.11      0.40   0.012
  SI  g=5,   eta=0.9 0.18        0.38      0.29   0.117
  SI  g=4.5, eta=0.9 0.16        0.32      0.29   0.109
  SR  g=3,   eta=2   0.50        0.50      0.001  0.251
  synchronous  chi_10ms >= 0.2. Spike-count chi is roughly sqrt(1/N + mean pairwise count
               correlation) and, for sparse firing, shrinks with the bin (chi^2 ~ rate x bin
               when neurons fire at random on a population oscillation), so 1 ms bins barely
               separate AI (0.10) from SI (0.16-0.18); 10 ms bins, near tau_m, do (0.11 vs
               0.32-0.38). Golomb's chi: 0 asynchronous, 1 fully synchronous.
  irregular    cv >= 0.2. SR neurons fire locked to the oscillation (cv ~ 0); AI and SI
               neurons skip cycles (0.3-0.4 here, 1 for Poisson). The common cut cv >= 0.5
               would call this AI run regular: ISI CVs over short windows are biased low for
               low-rate neurons, and the run has fast population bursts (see --plot).
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

CHI10_SYNC, CV_IRREGULAR = 0.2, 0.2


def classify(chi_10ms, cv):
    return (("synchronous " if chi_10ms >= CHI10_SYNC else "asynchronous ")
            + ("irregular" if cv >= CV_IRREGULAR else "regular"))


def merged(pops, sizes):
    """All populations as one: (times, global ids, total size); ids offset in file order."""
    ts, ids, offset = [], [], 0
    for name, (t, i) in pops.items():
        ts.append(t)
        ids.append(i + offset)
        offset += sizes[name]
    return np.concatenate(ts), np.concatenate(ids), offset


def plot(path, pops, sizes, t0, t1, bin_ms=1.0):
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8, 5), sharex=True,
                                   gridspec_kw={"height_ratios": [3, 1]})
    offset = 0
    for k, (name, (t, ids)) in enumerate(pops.items()):
        w = (t >= t0) & (t < t1)
        ax1.plot(t[w], ids[w] + offset, ".", ms=1, color=f"C{k}", label=name)
        offset += sizes[name]
    t, ids, n = merged(pops, sizes)
    left, rate = spikes.population_rate(t, n, t0, t1, bin_ms)
    ax2.step(left, rate, where="post", color="k", lw=0.8)
    ax1.set_ylabel("neuron")
    ax1.legend(loc="upper right", markerscale=8, fontsize=8)
    ax2.set_ylabel("rate (1/s)")
    ax2.set_xlabel("time (ms)")
    ax2.set_xlim(t0, t1)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Classify a network's state (asynchronous/synchronous, regular/irregular) "
                    "from its spikes: mean rate, ISI CV, synchrony chi, Fano factor.")
    ap.add_argument("spikes", help="SONATA spike file written by snn_mpi")
    ap.add_argument("--config", help="the network config (population sizes, run.duration)")
    ap.add_argument("--sizes", help="population sizes NAME=N,... (instead of / over --config)")
    ap.add_argument("--t-start", type=float, default=200.0, help="start of the window, ms (200)")
    ap.add_argument("--t-stop", type=float, help="end of the window, ms (default run.duration)")
    ap.add_argument("--plot", metavar="FILE", help="write a raster + population rate PNG")
    ap.add_argument("--window", type=float, default=100.0, help="length of the plot, ms (100)")
    args = ap.parse_args(argv)

    try:
        pops = spikes.load(args.spikes)
        if not pops:
            raise ValueError(f"{args.spikes}: no populations")
        sizes, duration, exact = spikes.population_sizes(pops, args.config, args.sizes)
        t_stop = args.t_stop if args.t_stop is not None else spikes.default_t_stop(pops, duration)
        if not t_stop > args.t_start:
            raise ValueError(f"empty window [{args.t_start}, {t_stop}) ms")
    except (OSError, ValueError) as e:
        print(f"brunel_regime.py: {e}", file=sys.stderr)
        return 2
    if not exact:
        print("brunel_regime.py: no --config/--sizes: sizes from the largest node ids",
              file=sys.stderr)

    t, ids, n = merged(pops, sizes)
    t0, t1 = args.t_start, t_stop
    rate = spikes.rates(t, ids, n, t0, t1).mean()
    cv = spikes.isi_cv(t, ids, t0, t1)
    cv = cv.mean() if len(cv) else float("nan")
    chi = spikes.chi(t, ids, t0, t1, bin_ms=1.0)
    chi10 = spikes.chi(t, ids, t0, t1, bin_ms=10.0)
    fano = spikes.fano_factor(t, t0, t1)
    corr = spikes.count_correlation(t, ids, t0, t1)
    print(f"window: [{t0:g}, {t1:g}) ms, {n} neurons ({', '.join(f'{k} {v}' for k, v in sizes.items() if k in pops)})")
    print(f"rate: {rate:.3f} spikes/s")
    print(f"cv: {cv:.3f}")
    print(f"chi: {chi:.3f}")
    print(f"chi_10ms: {chi10:.3f}")
    print(f"fano: {fano:.3f}")
    print(f"correlation: {corr:.4f}")
    print(f"regime: {classify(chi10, cv) if rate > 0 else 'silent'}")
    print(f"thresholds: synchronous if chi_10ms >= {CHI10_SYNC}; "
          f"irregular if cv >= {CV_IRREGULAR}")
    if args.plot:
        try:
            plot(args.plot, pops, sizes, t0, min(t1, t0 + args.window))
        except OSError as e:
            print(f"brunel_regime.py: cannot write {args.plot}: {e}", file=sys.stderr)
            return 2
        print(f"plot written to {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
