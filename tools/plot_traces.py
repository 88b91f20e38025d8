#!/usr/bin/python3
"""plot_traces.py — state traces from a SONATA report file written by snn_mpi's recorders.

    python3 tools/plot_traces.py REPORT.h5 [-o traces.png] [--neurons N] [--title TITLE]

Reads /report/<population>/data [time x neuron] with its units, the recorded neurons from
mapping/node_ids and the time axis from mapping/time = [start, stop, dt] (stop exclusive, as in
SONATA: row k is at start + k*dt), and draws one line per neuron (the first N, default 5)
against time in ms. Writes a PNG with matplotlib's Agg backend (no display needed) and prints
what it drew.

Needs only h5py, numpy and matplotlib (Debian: python3-h5py python3-matplotlib).
"""
import argparse
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
import numpy as np  # noqa: E402


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def read_report(path):
    """[(population, times ms, node ids, data [time x neuron], units)] in file order."""
    reports = []
    with h5py.File(path, "r") as f:
        if "report" not in f:
            raise ValueError(f"{path}: no /report group (not a SONATA report file)")
        for name, group in f["report"].items():
            for key in ("data", "mapping/node_ids", "mapping/time"):
                if key not in group:
                    raise ValueError(f"{path}: /report/{name} lacks {key}")
            data = np.asarray(group["data"][()], dtype=np.float64)
            ids = np.asarray(group["mapping/node_ids"][()], dtype=np.int64)
            start, stop, dt = (float(x) for x in group["mapping/time"][()])
            n = int(round((stop - start) / dt)) if dt > 0 else -1
            if data.ndim != 2 or data.shape != (n, len(ids)):
                raise ValueError(f"{path}: /report/{name}/data has shape {data.shape}, but "
                                 f"mapping says {n} times x {len(ids)} neurons")
            times = start + dt * np.arange(n)
            units = text(group["data"].attrs.get("units", ""))
            reports.append((name, times, ids, data, units))
    return reports


def main(argv=None):
    ap = argparse.ArgumentParser(description="State traces from a SONATA report file.")
    ap.add_argument("report", help="SONATA report file (HDF5), e.g. out/E10_V.h5")
    ap.add_argument("-o", "--output", default="traces.png", help="PNG to write (default traces.png)")
    ap.add_argument("--neurons", type=int, default=5, help="how many neurons to draw (default 5)")
    ap.add_argument("--title", help="figure title (default: the file and population)")
    args = ap.parse_args(argv)
    if args.neurons < 1:
        print("plot_traces.py: --neurons: expected at least 1", file=sys.stderr)
        return 1
    try:
        reports = read_report(args.report)
    except (OSError, ValueError) as e:
        print(f"plot_traces.py: {e}", file=sys.stderr)
        return 1
    if not reports:
        print(f"plot_traces.py: {args.report}: /report holds no population", file=sys.stderr)
        return 1

    fig, axes = plt.subplots(len(reports), 1, figsize=(8, 3 * len(reports)), squeeze=False)
    for ax, (name, times, ids, data, units) in zip(axes[:, 0], reports):
        shown = min(args.neurons, len(ids))
        for j in range(shown):
            ax.plot(times, data[:, j], linewidth=0.8, label=f"{name} {ids[j]}")
        ax.set_xlabel("time (ms)")
        ax.set_ylabel(f"{name} ({units})" if units else name)
        if shown <= 10:
            ax.legend(loc="upper right", fontsize="small")
        print(f"{name}: {shown} of {len(ids)} neurons, {len(times)} samples from "
              f"{times[0] if len(times) else 0:g} ms, every {times[1] - times[0] if len(times) > 1 else 0:g} ms, "
              f"values {data.min() if data.size else 0:g} to {data.max() if data.size else 0:g} {units}")
    axes[0, 0].set_title(args.title or args.report)
    fig.tight_layout()
    try:
        fig.savefig(args.output)
    except OSError as e:
        print(f"plot_traces.py: cannot write {args.output}: {e}", file=sys.stderr)
        return 1
    finally:
        plt.close(fig)
    print(f"traces written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
