#!/usr/bin/python3
"""Benchmark results of bench/run.sh: one CSV row per run, then the Markdown table.

    summary_csv.py row CSV SUMMARY.json WORKLOAD RANKS THREADS REP WALL_S LOAD
        appends one row (the header first if CSV is new) from snn_mpi --summary-json; LOAD is
        the machine's 1-minute load average when the run started (other users' work);
    summary_csv.py table CSV [PROBE.txt]
        prints the Markdown report: medians per workload and layout with NEST 3.9's figures and
        the targets of the performance issue beside them, the status of each target, and the
        machine's floor (snn_probe's lines) with each result as a multiple of it.

The NEST figures are those measured on the 2-core development machine (issue 4).
"""
import csv
import json
import os
import statistics
import sys

COLUMNS = ["workload", "ranks", "threads", "rep", "build_s", "simulate_s", "rtf", "update_s",
           "exchange_s", "delivery_s", "output_s", "synapse_events_per_s", "bytes_per_synapse",
           "peak_mb_per_rank", "peak_mb_total", "spikes", "synapses", "synapse_events",
           "neurons", "steps", "model_ms", "wall_s", "load", "output_close_s", "loop_faults"]

# workload: (what, NEST 3.9 here, target)
NEST = {
    "tutorial": ("ei_balanced.cfg, 500 neurons, 200 ms",
                 "18 ms simulate, 0.9 s process", "simulate <= 1 ms (1 rank); process <= 0.2 s"),
    "brunel": ("brunel.cfg, 12,500 neurons, 1 s",
               "RTF 9.3 (1x2), 23 (1x1); build 1.9 s; 780 MB", "RTF <= 1.5; <= 200 MB"),
    "microcircuit": ("microcircuit.cfg, full scale, Poisson, 1.5 s (RTF includes the 0.5 s "
                     "warm-up)", "RTF 99.8; build 107 s; 14.5 GB, 48 B/synapse",
                     "RTF <= 5; build <= 10 s; <= 3 GB in total, <= 10 B/synapse"),
    "microcircuit_dc": ("microcircuit.cfg, full scale, DC input, 1.5 s (RTF includes the "
                        "0.5 s warm-up)", "-", "RTF <= 3"),
    "small": ("microcircuit.cfg at run.scale 0.1, Poisson, 0.5 s", "-", "-"),
}
ORDER = ["tutorial", "brunel", "microcircuit", "microcircuit_dc", "small"]


def row(csv_path, summary_path, workload, ranks, threads, rep, wall_s, load):
    with open(summary_path) as f:
        s = json.load(f)
    t = s["time_s"]
    mem = s["memory_mb"]
    r = {"workload": workload, "ranks": int(ranks), "threads": int(threads), "rep": int(rep),
         "build_s": t["build"], "simulate_s": t["simulate"], "rtf": s["real_time_factor"],
         "update_s": t["update"], "exchange_s": t["exchange"], "delivery_s": t["delivery"],
         "output_s": t["output"], "synapse_events_per_s": s["synapse_events_per_s"],
         "bytes_per_synapse": s["bytes_per_synapse"], "peak_mb_per_rank": mem["peak_per_rank"],
         "peak_mb_total": mem["peak_all_ranks"], "spikes": s["spikes"],
         "synapses": int(s["synapses"]), "synapse_events": int(s["synapse_events"]),
         "neurons": s["neurons"], "steps": s["steps"], "model_ms": s["duration_ms"],
         "wall_s": float(wall_s), "load": float(load), "output_close_s": t["output_close"],
         "loop_faults": s["page_faults"]["step_loop"]}
    new = not os.path.exists(csv_path) or os.path.getsize(csv_path) == 0
    with open(csv_path, "a", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        if new:
            w.writeheader()
        w.writerow(r)


def read_probe(path):
    """{name: value} from snn_probe's `probe NAME VALUE UNIT  # what` lines."""
    out = {}
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                p = line.split()
                if len(p) >= 3 and p[0] == "probe":
                    out[p[1]] = float(p[2])
    return out


def fmt(x, digits=3):
    if x is None:
        return "-"
    if x == 0:
        return "0"
    if abs(x) >= 1e5:
        return "%.3g" % x
    if abs(x) >= 100:
        return "%.0f" % x
    return "%.*g" % (digits, x)


def medians(rows):
    """(workload, ranks, threads) -> {column: median} over the repetitions."""
    groups = {}
    for r in rows:
        groups.setdefault((r["workload"], int(r["ranks"]), int(r["threads"])), []).append(r)
    out = {}
    for key, rs in groups.items():
        m = {"n": len(rs)}
        for c in COLUMNS[4:]:
            # None where a row lacks the column (a CSV written before output_close_s existed)
            vals = [r.get(c) for r in rs]
            m[c] = statistics.median(float(v) for v in vals) if all(
                v not in (None, "") for v in vals) else None
        out[key] = m
    return out


def floor_rtf(m, probe):
    """The probe's floor for this run: events at the aggregate ns per event of the cores plus
    neuron-steps at the LIF ns per step shared by the cores, per second of model time."""
    if "event_ns_agg" not in probe or "lif_ns_1e5" not in probe:
        return None
    cores = 2.0
    ns = m["synapse_events"] * probe["event_ns_agg"] + \
        m["neurons"] * m["steps"] * probe["lif_ns_1e5"] / cores
    return ns * 1e-9 / (m["model_ms"] * 1e-3)


def status_lines(med):
    """The status of each target of issue 4, from the best layout of each workload."""
    def best(w, ranks=None):
        c = [(k, m) for k, m in med.items() if k[0] == w and (ranks is None or k[1] == ranks)]
        if not c:
            return None, None
        return min(c, key=lambda km: km[1]["rtf"])

    def verdict(ok):
        return "met" if ok else "**missed**"

    def lay(k):
        return "%dx%d" % (k[1], k[2])

    lines = []
    k, m = best("tutorial", ranks=1)
    if m:
        closing = "" if m["output_close_s"] is None else \
            "; %s ms of it closing the files" % fmt(m["output_close_s"] * 1e3)
        lines.append("| tutorial simulate (1 rank) | 18 ms | <= 1 ms | %s ms (%s%s) | %s |" % (
            fmt(m["simulate_s"] * 1e3), lay(k), closing, verdict(m["simulate_s"] <= 1e-3)))
        k1 = ("tutorial", 1, 1)
        if k1 in med:
            w = med[k1]["wall_s"]
            lines.append("| tutorial `mpirun -n 1` process | 0.9 s | <= 0.2 s | %s s | %s |" % (
                fmt(w), verdict(w <= 0.2)))
    k, m = best("brunel")
    if m:
        lines.append("| Brunel RTF | 9.3 | <= 1.5 | %s (%s) | %s |" % (
            fmt(m["rtf"]), lay(k), verdict(m["rtf"] <= 1.5)))
        lines.append("| Brunel memory (all ranks) | 780 MB | <= 200 MB | %s MB (%s) | %s |" % (
            fmt(m["peak_mb_total"]), lay(k), verdict(m["peak_mb_total"] <= 200)))
    k, m = best("microcircuit")
    if m:
        lines.append("| microcircuit RTF (Poisson) | 99.8 | <= 5 | %s (%s) | %s |" % (
            fmt(m["rtf"]), lay(k), verdict(m["rtf"] <= 5)))
        lines.append("| microcircuit build | 107 s | <= 10 s | %s s (%s) | %s |" % (
            fmt(m["build_s"]), lay(k), verdict(m["build_s"] <= 10)))
        lines.append("| microcircuit memory (all ranks) | 14.5 GB | <= 3 GB | %s GB (%s) | %s |" % (
            fmt(m["peak_mb_total"] / 1024), lay(k), verdict(m["peak_mb_total"] <= 3 * 1024)))
        lines.append("| microcircuit bytes per synapse | 48 | <= 10 | %s (%s) | %s |" % (
            fmt(m["bytes_per_synapse"]), lay(k), verdict(m["bytes_per_synapse"] <= 10)))
    k, m = best("microcircuit_dc")
    if m:
        lines.append("| microcircuit RTF (DC) | - | <= 3 | %s (%s) | %s |" % (
            fmt(m["rtf"]), lay(k), verdict(m["rtf"] <= 3)))
    return lines


def table(csv_path, probe_path=None):
    with open(csv_path) as f:
        rows = list(csv.DictReader(f))
    med = medians(rows)
    probe = read_probe(probe_path)
    out = ["Medians over repetitions (layout: ranks x threads; times in s of wall time, max over "
           "ranks; RTF = simulate / model time; memory = peak RSS; process = wall time of the "
           "whole `mpirun` command, measured by bench/run.sh; load = the machine's 1-minute load "
           "average when the runs started: above 0 means other work shared the cores).", "",
           "| workload | layout | runs | build | simulate | RTF | update | exchange | delivery | "
           "output | of it closing files | events/s | MB/rank | B/synapse | spikes | process | "
           "x floor | load |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    keys = sorted(med, key=lambda k: (ORDER.index(k[0]) if k[0] in ORDER else 99, k[0],
                                      k[1] * k[2], -k[1]))
    for k in keys:
        m = med[k]
        fl = floor_rtf(m, probe)
        out.append("| %s | %dx%d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d "
                   "| %s | %s | %s |" % (k[0], k[1], k[2], m["n"], fmt(m["build_s"]),
                               fmt(m["simulate_s"]), fmt(m["rtf"]), fmt(m["update_s"]),
                               fmt(m["exchange_s"]), fmt(m["delivery_s"]), fmt(m["output_s"]),
                               fmt(m["output_close_s"]),
                               fmt(m["synapse_events_per_s"]), fmt(m["peak_mb_per_rank"]),
                               fmt(m["bytes_per_synapse"]), m["spikes"], fmt(m["wall_s"]),
                               fmt(m["rtf"] / fl) if fl else "-", fmt(m["load"], 2)))
    out += ["", "| workload | what | NEST 3.9 on this machine | target |", "|---|---|---|---|"]
    for w in ORDER:
        if any(k[0] == w for k in med):
            what, nest, target = NEST[w]
            out.append("| %s | %s | %s | %s |" % (w, what, nest, target))
    st = status_lines(med)
    if st:
        out += ["", "| target | NEST 3.9 | target | snn_mpi (best layout) | status |",
                "|---|---|---|---|---|"] + st
    if probe:
        out += ["", "Floor of this machine (`snn_probe`): stream triad %s GB/s (2 threads), "
                "%s ns per synaptic event on 1 thread (%s ns per event of wall time with 2 "
                "threads each owning its rows), %s ns per LIF neuron-step (1e5 neurons; %s at "
                "1e6). \"x floor\" is the RTF divided by the floor's RTF: the run's synaptic "
                "events at the 2-thread event cost plus its neuron-steps at the LIF cost shared "
                "by 2 cores (Poisson draws, exchange and output have no floor term)." % (
                    fmt(probe.get("triad_gbs")), fmt(probe.get("event_ns_1t")),
                    fmt(probe.get("event_ns_agg")), fmt(probe.get("lif_ns_1e5")),
                    fmt(probe.get("lif_ns_1e6")))]
    print("\n".join(out))


def main(argv):
    if len(argv) == 10 and argv[1] == "row":
        row(*argv[2:10])
    elif len(argv) in (3, 4) and argv[1] == "table":
        table(argv[2], argv[3] if len(argv) == 4 else None)
    else:
        sys.stderr.write(__doc__)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
