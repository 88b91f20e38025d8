"""spikes.py — shared helpers for the analysis tools in tools/ (not a script).

Reading:
  load(path)            {population: (times_ms, node_ids)} from a SONATA spike file, in file order
  read_config(path)     population sizes (after run.scale) and run.duration from an snn_mpi config
  parse_sizes(text)     "E=400,I=100" -> {"E": 400, "I": 100}
  population_sizes(...) sizes from --config / --sizes / the spike file, checked against the file

Statistics (times in ms, rates in spikes/s, window [t_start, t_stop)):
  rates, isi_cv, binned_counts, population_rate, count_correlation, chi, fano_factor

The config reader is a minimal libconfig parser (settings, groups {}, lists (), arrays [],
strings with adjacent-literal concatenation, integers incl. hex and L suffix, floats, booleans,
# // /* */ comments). It handles every file in examples/ and tests/configs; it does not handle
@include. Sizes follow snn_mpi: size = max(1, round-half-away-from-zero(size * run.scale)).

The tools import it with sys.path.insert(0, os.path.dirname(__file__)) (tools/ is no package).
Needs only numpy and h5py.
"""
import math
import os
import re

import h5py
import numpy as np

# ---------------------------------------------------------------------------------------------
# Spike files


def load(path):
    """{population: (timestamps ms float64, node ids int64)} in file order."""
    if not os.path.isfile(path):
        raise ValueError(f"{path}: no such spike file")
    out = {}
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
            out[name] = (t, ids)
    return out


# ---------------------------------------------------------------------------------------------
# Config files (minimal libconfig)

_TOKEN = re.compile(r"""
    (?P<ws>\s+|\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<num>[-+]?(?:0[xX][0-9a-fA-F]+L{0,2}|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?L{0,2}))
  | (?P<name>[A-Za-z*][-A-Za-z0-9_*]*)
  | (?P<punct>[=:;,{}()\[\]])
""", re.VERBOSE | re.DOTALL)


def _tokens(text, path):
    pos, toks = 0, []
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            line = text.count("\n", 0, pos) + 1
            raise ValueError(f"{path}:{line}: cannot read the config near {text[pos:pos + 20]!r}")
        if m.lastgroup != "ws":
            toks.append((m.lastgroup, m.group()))
        pos = m.end()
    toks.append(("end", ""))
    return toks


class _Parser:
    def __init__(self, text, path):
        self.toks, self.i, self.path = _tokens(text, path), 0, path

    def peek(self):
        return self.toks[self.i]

    def take(self, want=None):
        tok = self.toks[self.i]
        if want is not None and tok[1] != want:
            raise ValueError(f"{self.path}: expected {want!r} in the config, got {tok[1]!r}")
        self.i += 1
        return tok

    def settings(self, close):
        group = {}
        while self.peek()[1] != close and self.peek()[0] != "end":
            kind, key = self.take()
            if kind != "name":
                raise ValueError(f"{self.path}: expected a setting name, got {key!r}")
            if self.peek()[1] not in ("=", ":"):
                raise ValueError(f"{self.path}: expected '=' after {key}")
            self.take()
            group[key] = self.value()
            if self.peek()[1] in (";", ","):
                self.take()
        return group

    def value(self):
        kind, text = self.take()
        if text == "{":
            v = self.settings("}")
            self.take("}")
            return v
        if text in ("(", "["):
            close, items = {"(": ")", "[": "]"}[text], []
            while self.peek()[1] != close:
                items.append(self.value())
                if self.peek()[1] == ",":
                    self.take()
            self.take(close)
            return items
        if kind == "str":
            s = text[1:-1]
            while self.peek()[0] == "str":          # "a" "b" is "ab" in libconfig
                s += self.take()[1][1:-1]
            return s
        if kind == "num":
            t = text.rstrip("L")
            if t.lower().lstrip("+-").startswith("0x"):
                return int(t, 16)
            return float(t) if any(c in t for c in ".eE") else int(t)
        if kind == "name" and text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise ValueError(f"{self.path}: unexpected {text!r} in the config")


def _ms(text):
    """'1000 ms' / '1 s' / '500 us' -> ms; None when it is no time."""
    m = re.fullmatch(r"\s*([-+0-9.eE]+)\s*(ms|s|us|min)\s*", str(text))
    if not m:
        return None
    return float(m.group(1)) * {"ms": 1.0, "s": 1e3, "us": 1e-3, "min": 6e4}[m.group(2)]


def read_config(path):
    """({population: size after run.scale} in config order, run.duration in ms or None)."""
    if not os.path.isfile(path):
        raise ValueError(f"{path}: no such config file")
    with open(path, encoding="utf-8") as fh:
        cfg = _Parser(fh.read(), path).settings(None)
    run = cfg.get("run", {})
    scale = float(run.get("scale", 1.0))
    sizes = {}
    for pop in cfg.get("populations", []):
        if not isinstance(pop, dict) or "name" not in pop or "size" not in pop:
            raise ValueError(f"{path}: a population lacks name or size")
        x = pop["size"] * scale
        sizes[pop["name"]] = int(pop["size"]) if scale == 1 else max(1, int(math.floor(x + 0.5)))
    if not sizes:
        raise ValueError(f"{path}: no populations")
    return sizes, _ms(run["duration"]) if "duration" in run else None


def parse_sizes(text):
    """'E=400,I=100' -> {'E': 400, 'I': 100}."""
    sizes = {}
    for item in text.split(","):
        name, _, n = item.partition("=")
        if not name.strip() or not n.strip().isdigit() or int(n) <= 0:
            raise ValueError(f"--sizes {text!r}: expected NAME=N,... with N > 0")
        sizes[name.strip()] = int(n)
    return sizes


def population_sizes(pops, config=None, sizes_text=None):
    """Sizes for every population in the spike file: --sizes, then --config, else largest id + 1
    (a lower bound: silent neurons at the end are missed). Returns (sizes, duration ms or None,
    exact); raises ValueError when a size is missing or smaller than a node id in the file."""
    sizes, duration, exact = {}, None, True
    if config:
        sizes, duration = read_config(config)
    if sizes_text:
        sizes.update(parse_sizes(sizes_text))
    for name, (_, ids) in pops.items():
        if name not in sizes:
            if config or sizes_text:
                raise ValueError(f"population {name!r} of the spike file has no size "
                                 "(not in --config or --sizes)")
            sizes[name], exact = (int(ids.max()) + 1 if len(ids) else 0), False
        elif len(ids) and int(ids.max()) >= sizes[name]:
            raise ValueError(f"population {name}: node id {int(ids.max())} >= size {sizes[name]}")
    return sizes, duration, exact


def default_t_stop(pops, duration):
    """Just past run.duration when known (the last step's spikes carry the time stamp
    run.duration, and windows are [t_start, t_stop)), else the last spike time rounded up to a
    multiple of 10 ms."""
    if duration:
        return math.nextafter(duration, math.inf)
    last = max((t.max() for t, _ in pops.values() if len(t)), default=0.0)
    return max(10.0, 10.0 * math.ceil(last / 10.0))


# ---------------------------------------------------------------------------------------------
# Statistics


def _window(t, ids, t_start, t_stop):
    keep = (t >= t_start) & (t < t_stop)
    return t[keep], ids[keep]


def rates(t, ids, n, t_start, t_stop):
    """Per-neuron rates (spikes/s) over [t_start, t_stop) ms, for n neurons."""
    _, ids = _window(t, ids, t_start, t_stop)
    return np.bincount(ids, minlength=n)[:n] / ((t_stop - t_start) * 1e-3)


def isi_cv(t, ids, t_start, t_stop, min_spikes=3):
    """ISI CV (std/mean, ddof 0) of every neuron with >= min_spikes spikes in the window."""
    t, ids = _window(t, ids, t_start, t_stop)
    order = np.lexsort((t, ids))
    t, ids = t[order], ids[order]
    isi = np.diff(t)
    same = ids[1:] == ids[:-1]
    isi, owner = isi[same], ids[1:][same]
    if not len(isi):
        return np.zeros(0)
    neurons, inverse, counts = np.unique(owner, return_inverse=True, return_counts=True)
    s1 = np.bincount(inverse, weights=isi)
    s2 = np.bincount(inverse, weights=isi * isi)
    mean = s1 / counts
    var = np.maximum(s2 / counts - mean * mean, 0.0)
    ok = (counts >= min_spikes - 1) & (mean > 0)
    return np.sqrt(var[ok]) / mean[ok]


def binned_counts(t, ids, neurons, t_start, t_stop, bin_ms):
    """Spike counts, shape (len(neurons), bins), of the given neurons in bins of bin_ms."""
    nbins = max(1, int(round((t_stop - t_start) / bin_ms)))
    t, ids = _window(t, ids, t_start, t_start + nbins * bin_ms)
    row = np.full(int(max(neurons.max(initial=0), ids.max(initial=0))) + 1, -1)
    row[neurons] = np.arange(len(neurons))
    r = row[ids]
    b = np.minimum(((t[r >= 0] - t_start) / bin_ms).astype(np.int64), nbins - 1)
    counts = np.zeros((len(neurons), nbins))
    np.add.at(counts, (r[r >= 0], b), 1)
    return counts


def population_rate(t, n, t_start, t_stop, bin_ms):
    """(bin left edges ms, population rate spikes/s per neuron) in bins of bin_ms."""
    edges = np.arange(t_start, t_stop + 1e-9, bin_ms)
    counts, _ = np.histogram(t, bins=edges)
    return edges[:-1], counts / (max(n, 1) * bin_ms * 1e-3)


def _sample_active(t, ids, t_start, t_stop, size, seed):
    """Up to `size` neurons with at least one spike in the window, drawn without replacement."""
    _, w = _window(t, ids, t_start, t_stop)
    active = np.unique(w)
    if len(active) > size:
        active = np.sort(np.random.default_rng(seed).choice(active, size, replace=False))
    return active


def count_correlation(t, ids, t_start, t_stop, bin_ms=10.0, sample=200, seed=0):
    """Mean Pearson correlation of binned spike counts over pairs of up to `sample` active
    neurons with nonzero count variance; nan when fewer than 2 such neurons."""
    counts = binned_counts(t, ids, _sample_active(t, ids, t_start, t_stop, sample, seed),
                           t_start, t_stop, bin_ms)
    counts = counts[counts.var(axis=1) > 0]
    if len(counts) < 2:
        return float("nan")
    c = np.corrcoef(counts)
    return float(c[~np.eye(len(c), dtype=bool)].mean())


def chi(t, ids, t_start, t_stop, bin_ms=1.0, sample=1000, seed=0):
    """Golomb's synchrony chi from spike counts in bins of bin_ms of up to `sample` active neurons:
    chi^2 = var_t(mean_i c_i) / mean_i var_t(c_i) = var_t(sum_i c_i) / (N^2 mean_i var_t(c_i)).
    1 for identical trains, about 1/sqrt(N) for independent ones; nan without spikes."""
    counts = binned_counts(t, ids, _sample_active(t, ids, t_start, t_stop, sample, seed),
                           t_start, t_stop, bin_ms)
    denom = counts.var(axis=1).mean() if len(counts) else 0.0
    if denom <= 0:
        return float("nan")
    return float(math.sqrt(counts.mean(axis=0).var() / denom))


def fano_factor(t, t_start, t_stop, bin_ms=1.0):
    """var / mean of the population spike count in bins of bin_ms (1 for Poisson)."""
    counts, _ = np.histogram(t, bins=np.arange(t_start, t_stop + 1e-9, bin_ms))
    return float(counts.var() / counts.mean()) if counts.mean() > 0 else float("nan")
