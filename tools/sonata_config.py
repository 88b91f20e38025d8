#!/usr/bin/env python3
"""Write a config that re-simulates a network exported with snn_mpi --export-network.

    tools/sonata_config.py ORIGINAL.cfg EXPORT_DIR [-o OUT.cfg]

The new config is ORIGINAL.cfg with its `projections = ( ... );` list replaced by one projection
per edge population of EXPORT_DIR/edges.h5 (rule "from_file"), in the order of
EXPORT_DIR/edge_types.csv, which is the simulated order; synapse and output come from that file,
weights and delays from edges.h5. Everything else (run, populations, inputs, comments) is kept
verbatim, so the same seed gives the same initial state and inputs, and the re-run's spike file
is byte-identical to the original's. OUT defaults to EXPORT_DIR/net_from_file.cfg; the edge file
is named relative to OUT's directory.
"""
import argparse
import csv
import os
import sys


def skip_space(text, i):
    """Index of the next character that is not whitespace or inside a comment."""
    n = len(text)
    while i < n:
        if text[i].isspace():
            i += 1
        elif text[i] == "#" or text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        else:
            break
    return i


def skip_string(text, i):
    """text[i] is '"': index after the closing quote."""
    i += 1
    while i < len(text) and text[i] != '"':
        i += 2 if text[i] == "\\" else 1
    return i + 1


def find_projections(text):
    """(start, end) of the top-level `projections = ( ... );` setting, or None."""
    i, depth, n = 0, 0, len(text)
    while True:
        i = skip_space(text, i)
        if i >= n:
            return None
        c = text[i]
        if c == '"':
            i = skip_string(text, i)
        elif c in "({[":
            depth += 1
            i += 1
        elif c in ")}]":
            depth -= 1
            i += 1
        elif c.isalpha() or c == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] in "_-*"):
                j += 1
            if depth == 0 and text[i:j] == "projections":
                k = skip_space(text, j)
                if k < n and text[k] in "=:":
                    k = skip_space(text, k + 1)
                    if k < n and text[k] == "(":
                        return i, matching_end(text, k)
            i = j
        else:
            i += 1


def matching_end(text, k):
    """text[k] is '(': index after the matching ')' and an optional ';' or ','."""
    depth, i, n = 0, k, len(text)
    while i < n:
        i = skip_space(text, i)
        c = text[i]
        if c == '"':
            i = skip_string(text, i)
            continue
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
            if depth == 0:
                j = skip_space(text, i + 1)
                return j + 1 if j < n and text[j] in ";," else i + 1
        i += 1
    sys.exit("sonata_config.py: unbalanced parentheses in the projections list")


def projections(edge_types, edge_file):
    out = ["projections = ("]
    rows = list(csv.DictReader(open(edge_types, newline=""), delimiter=" ", quotechar='"'))
    for k, r in enumerate(rows):
        syn = r["model_template"]
        if syn == "delta":
            synapse = 'synapse = { type = "delta"; };'
        elif syn == "dual_expon":
            synapse = (f'synapse = {{ type = "dual_expon"; tau_rise = "{r["tau_rise_ms"]} ms"; '
                       f'tau_decay = "{r["tau_ms"]} ms"; }};')
        else:
            synapse = f'synapse = {{ type = "{syn}"; tau = "{r["tau_ms"]} ms"; }};'
        if syn == "delta":
            output = ""
        elif r["output"] == "coba":
            output = f' output = {{ type = "coba"; E = "{r["E_mV"]} mV"; }};'
        else:
            output = ' output = { type = "cuba"; };'
        pop = r["population"]
        out.append(f'  {{ name = "{pop[:63]}"; pre = "{r["pre"]}"; post = "{r["post"]}";')
        out.append(f'    rule = {{ type = "from_file"; file = "{edge_file}"; population = "{pop}"; }};')
        out.append(f"    {synapse}{output} }}{',' if k + 1 < len(rows) else ''}")
    out.append(");")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("config")
    ap.add_argument("export_dir")
    ap.add_argument("-o", "--output")
    a = ap.parse_args()
    out = a.output or os.path.join(a.export_dir, "net_from_file.cfg")
    edges = os.path.relpath(os.path.join(a.export_dir, "edges.h5"),
                            os.path.dirname(os.path.abspath(out)))
    text = open(a.config).read()
    span = find_projections(text)
    block = projections(os.path.join(a.export_dir, "edge_types.csv"), edges)
    if span is None:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    else:
        text = text[:span[0]] + block + text[span[1]:]
    with open(out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
