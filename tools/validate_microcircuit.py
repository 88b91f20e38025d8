#!/usr/bin/python3
"""validate_microcircuit.py — compare a Potjans & Diesmann (2014) run with NEST's rates.

    tools/validate_microcircuit.py SPIKES.h5 --config examples/microcircuit.cfg
        [--t-start 500] [--t-stop MS] [--tolerance 0.10] [--markdown FILE]

Prints one row per population: neurons (from the config, after run.scale), mean rate over
[t_start, t_stop) in spikes/s (silent neurons included), NEST's full-scale reference rate,
the relative difference (rate - ref) / ref, and the mean ISI CV over neurons with >= 3 spikes
in the window. t_stop defaults to run.duration from the config. The first 500 ms are discarded
by default, as for the published reference rates.

Exit status: 0 when every population's rate is within --tolerance (relative, default 0.10) of
the reference, 1 when any is not, 2 on bad input (missing file, population or size).
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spikes  # noqa: E402

# NEST, full scale, first 500 ms discarded (shared/reference/networks.md), spikes/s.
REFERENCE = {"L23E": 0.903, "L23I": 2.965, "L4E": 4.414, "L4I": 5.876,
             "L5E": 7.569, "L5I": 8.633, "L6E": 1.105, "L6I": 7.829}


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Compare the population rates of a microcircuit run with NEST's reference "
                    "rates. Exits 0 when all are within the tolerance, 1 otherwise, 2 on bad input.")
    ap.add_argument("spikes", help="SONATA spike file written by snn_mpi")
    ap.add_argument("--config", required=True, help="the network config (sizes, run.scale, duration)")
    ap.add_argument("--t-start", type=float, default=500.0, help="start of the window, ms (500)")
    ap.add_argument("--t-stop", type=float, help="end of the window, ms (default run.duration)")
    ap.add_argument("--tolerance", type=float, default=0.10,
                    help="largest accepted |rate - ref| / ref (default 0.10)")
    ap.add_argument("--markdown", metavar="FILE", help="also write the table as Markdown")
    args = ap.parse_args(argv)

    try:
        pops = spikes.load(args.spikes)
        sizes, duration, _ = spikes.population_sizes(pops, args.config)
        missing = [p for p in REFERENCE if p not in pops]
        if missing:
            raise ValueError(f"{args.spikes}: population(s) {', '.join(missing)} missing "
                             f"(file has {', '.join(pops) or 'none'})")
        t_stop = args.t_stop if args.t_stop is not None else spikes.default_t_stop(pops, duration)
        if not t_stop > args.t_start:
            raise ValueError(f"empty window [{args.t_start}, {t_stop}) ms")
    except (OSError, ValueError) as e:
        print(f"validate_microcircuit.py: {e}", file=sys.stderr)
        return 2

    header = ["population", "neurons", "rate (1/s)", "reference (1/s)", "rel. diff", "ISI CV", "ok"]
    rows, failed = [], []
    for name, ref in REFERENCE.items():
        t, ids = pops[name]
        rate = spikes.rates(t, ids, sizes[name], args.t_start, t_stop).mean()
        cv = spikes.isi_cv(t, ids, args.t_start, t_stop)
        rel = (rate - ref) / ref
        ok = abs(rel) <= args.tolerance
        if not ok:
            failed.append(name)
        rows.append([name, str(sizes[name]), f"{rate:.3f}", f"{ref:.3f}", f"{rel:+.1%}",
                     f"{cv.mean():.3f}" if len(cv) else "n/a", "yes" if ok else "NO"])

    print(f"window [{args.t_start:g}, {t_stop:g}) ms, tolerance {args.tolerance:.0%}")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    for r in [header] + rows:
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))))
    verdict = (f"FAIL: {', '.join(failed)} outside {args.tolerance:.0%} of the reference"
               if failed else f"PASS: all populations within {args.tolerance:.0%}")
    print(verdict)

    if args.markdown:
        lines = [f"Window [{args.t_start:g}, {t_stop:g}) ms, tolerance {args.tolerance:.0%}.", "",
                 "| " + " | ".join(header) + " |",
                 "|" + "|".join([":---"] + ["---:"] * (len(header) - 1)) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        lines += ["", verdict]
        try:
            with open(args.markdown, "w", encoding="utf-8") as fh:
                fh.write("\n".join(lines) + "\n")
        except OSError as e:
            print(f"validate_microcircuit.py: cannot write {args.markdown}: {e}", file=sys.stderr)
            return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
