"""Fails when the config parser accepts a key that docs/config.md does not document.

usage: check_config_doc.py DOCS.md SRC_DIR

Accepted keys: every string of every `const char *const <name>_keys[] = { ... };` array in
SRC_DIR/config.c and SRC_DIR/config_*.c (new key lists in new config_*.c files are picked up
without changing this script).

Documented keys (the convention of docs/config.md): a row of a key table, i.e. a Markdown table
whose header is `| key | meaning | unit ... | default | allowed | example |`, whose first cell is
the key in backquotes, and whose six cells are all filled in. Exit 0 when every accepted key has
such a row, 1 otherwise (listing what is missing or incomplete), 2 on bad input.
"""
import glob
import os
import re
import sys

COLUMNS = ["key", "meaning", "unit", "default", "allowed", "example"]
ARRAY = re.compile(r"const\s+char\s*\*\s*const\s+(\w+_keys)\s*\[\s*\]\s*=\s*\{(.*?)\}\s*;", re.S)


def accepted_keys(src_dir):
    files = sorted([os.path.join(src_dir, "config.c")] +
                   glob.glob(os.path.join(src_dir, "config_*.c")))
    keys = {}  # key -> ["file:array", ...]
    for path in files:
        text = open(path, encoding="utf-8").read()
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        for name, body in ARRAY.findall(text):
            for key in re.findall(r'"([^"\\]*)"', body):
                keys.setdefault(key, []).append(f"{os.path.basename(path)}:{name}")
    return keys


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def documented_keys(doc_path):
    """{key: [line numbers of complete rows]}, and a list of incomplete rows."""
    lines = open(doc_path, encoding="utf-8").read().split("\n")
    documented, incomplete = {}, []
    i = 0
    while i + 1 < len(lines):
        head, sep = lines[i], lines[i + 1]
        if head.startswith("|") and re.fullmatch(r"\|[\s:|-]+\|", sep.strip()):
            names = [c.lower() for c in cells(head)]
            is_key_table = len(names) == len(COLUMNS) and all(
                col in name for col, name in zip(COLUMNS, names))
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                row = cells(lines[i])
                m = re.fullmatch(r"`([A-Za-z_*][-\w*]*)`", row[0]) if row else None
                if is_key_table and m:
                    if len(row) == len(COLUMNS) and all(row):
                        documented.setdefault(m.group(1), []).append(i + 1)
                    else:
                        incomplete.append(f"line {i + 1}: `{m.group(1)}`: expected "
                                          f"{len(COLUMNS)} filled cells, got {row}")
                i += 1
        else:
            i += 1
    return documented, incomplete


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    keys = accepted_keys(sys.argv[2])
    if not keys:
        print(f"no *_keys[] arrays found in {sys.argv[2]}", file=sys.stderr)
        return 2
    documented, incomplete = documented_keys(sys.argv[1])
    missing = sorted(k for k in keys if k not in documented)
    for k in missing:
        print(f"undocumented key `{k}` (accepted by {', '.join(keys[k])}): add a row "
              f"| `{k}` | meaning | unit | default | allowed | example | to a key table of "
              f"{sys.argv[1]}")
    for row in incomplete:
        print(f"incomplete key row, {row}")
    print(f"{len(keys)} accepted key names, {len(keys) - len(missing)} documented")
    return 1 if missing or incomplete else 0


if __name__ == "__main__":
    sys.exit(main())
