#!/usr/bin/python3
"""raster.py — spike raster from a SONATA spike file written by snn_mpi.

    python3 tools/raster.py SPIKES.h5 [-o raster.png] [--title TITLE] [--sizes N,N,...] [--colour]

Draws neuron index against spike time like step 5 of the BrainPy E/I tutorial (figure 8 x 4
inches, 'k.' markers of size 1, x "time (ms)", y "neuron index", title "E/I balanced network
raster" by default) and writes it as a PNG (matplotlib's Agg backend, no display needed).

Populations are stacked in file order (/spikes keeps model order; files without a tracked
creation order list them by name). A spike file does not store population sizes, so by
default each population starts at the sum of (largest node id + 1) of the populations before
it; with --sizes (the population sizes from the network file, in the same order) the neuron
index is the global id, exactly as in the tutorial.

With --colour every population gets its own colour (matplotlib's C0, C1, ... in file order) and
a legend entry.

Needs only h5py, numpy and matplotlib (Debian: python3-h5py python3-matplotlib).
"""
import argparse
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
import numpy as np  # noqa: E402


def read_spikes(path):
    """[(population, timestamps ms, node ids)] in file order."""
    pops = []
    with h5py.File(path, "r") as f:
        if "spikes" not in f:
            raise ValueError(f"{path}: no /spikes group (not a SONATA spike file)")
        for name, group in f["spikes"].items():
            if "timestamps" not in group or "node_ids" not in group:
                raise ValueError(f"{path}: /spikes/{name} lacks timestamps or node_ids")
            t = np.asarray(group["timestamps"][()], dtype=np.float64)
            ids = np.asarray(group["node_ids"][()], dtype=np.int64)
            if t.shape != ids.shape:
                raise ValueError(f"{path}: /spikes/{name}: timestamps and node_ids differ in length")
            pops.append((name, t, ids))
    return pops


def parse_sizes(text, n_pops):
    try:
        sizes = [int(s) for s in text.split(",")]
    except ValueError:
        raise ValueError(f"--sizes {text!r}: expected comma-separated integers") from None
    if len(sizes) != n_pops or any(s <= 0 for s in sizes):
        raise ValueError(f"--sizes {text!r}: expected {n_pops} positive sizes, one per population")
    return sizes


def main(argv=None):
    ap = argparse.ArgumentParser(description="Spike raster from a SONATA spike file.")
    ap.add_argument("spikes", help="SONATA spike file (HDF5)")
    ap.add_argument("-o", "--output", default="raster.png", help="PNG to write (default raster.png)")
    ap.add_argument("--title", default="E/I balanced network raster", help="figure title")
    ap.add_argument("--sizes", help="population sizes, comma-separated, in file order")
    ap.add_argument("--colour", "--color", action="store_true",
                    help="one colour per population, with a legend (default: all black)")
    args = ap.parse_args(argv)

    try:
        pops = read_spikes(args.spikes)
        sizes = parse_sizes(args.sizes, len(pops)) if args.sizes else None
    except (OSError, ValueError) as e:
        print(f"raster.py: {e}", file=sys.stderr)
        return 1

    times, index = [], []
    offset = 0
    for i, (name, t, ids) in enumerate(pops):
        extent = sizes[i] if sizes else (int(ids.max()) + 1 if len(ids) else 0)
        if sizes and len(ids) and int(ids.max()) >= extent:
            print(f"raster.py: population {name}: node id {int(ids.max())} >= size {extent}",
                  file=sys.stderr)
            return 1
        print(f"{name}: {len(ids)} spikes (neuron index {offset} to {offset + extent - 1})"
              if extent else f"{name}: 0 spikes")
        times.append(t)
        index.append(ids + offset)
        offset += extent

    t_ms = np.concatenate(times) if times else np.zeros(0)
    n_idx = np.concatenate(index) if index else np.zeros(0, dtype=np.int64)

    plt.figure(figsize=(8, 4))
    if args.colour:
        for k, (name, _, _) in enumerate(pops):
            plt.plot(times[k], index[k], ".", color=f"C{k % 10}", markersize=1, label=name)
        if pops:
            plt.legend(loc="upper right", fontsize=8, markerscale=8)
    else:
        plt.plot(t_ms, n_idx, "k.", markersize=1)
    plt.xlabel("time (ms)")
    plt.ylabel("neuron index")
    plt.title(args.title)
    plt.tight_layout()
    try:
        plt.savefig(args.output)
    except OSError as e:
        print(f"raster.py: cannot write {args.output}: {e}", file=sys.stderr)
        return 1
    finally:
        plt.close()
    print(f"raster written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
