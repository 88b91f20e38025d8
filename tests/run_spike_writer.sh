#!/usr/bin/env bash
# run_spike_writer.sh — the spike file is the same, byte for byte, on 1, 2, 3 and 4 ranks, and
# has the SONATA layout when h5py reads it.
#
# Usage: bash run_spike_writer.sh SNN_MPI SOURCE_DIR WORK_DIR
# (as tests/CMakeLists.txt runs every run_*.sh; MPIEXEC names mpiexec). The test program
# tests/test_spike_writer is found next to snn_mpi, in the tests/ folder of the build tree.
set -u

snn_mpi=${1:?usage: run_spike_writer.sh SNN_MPI SOURCE_DIR WORK_DIR}
work=${3:?usage: run_spike_writer.sh SNN_MPI SOURCE_DIR WORK_DIR}
mpiexec=${MPIEXEC:-mpiexec}
prog=$(dirname "$snn_mpi")/tests/test_spike_writer
python=/usr/bin/python3

fail() {
    echo "run_spike_writer: FAILED: $*" >&2
    exit 1
}

[ -x "$prog" ] || fail "test program $prog not found (build target test_spike_writer)"
rm -rf "$work" && mkdir -p "$work" || fail "cannot create work directory $work"

for n in 1 2 3 4; do
    extra=()
    [ "$n" -gt 2 ] && extra=(--oversubscribe)
    dir=$work/np$n
    mkdir -p "$dir" || fail "cannot create $dir"
    echo "== test_spike_writer on $n rank(s) -> $dir"
    if ! "$mpiexec" -n "$n" "${extra[@]}" "$prog" "$dir" >"$dir/log.txt" 2>&1; then
        cat "$dir/log.txt" >&2
        fail "test_spike_writer failed on $n rank(s) (log above, also in $dir/log.txt)"
    fi
    for f in spikes.h5 empty.h5; do
        [ -f "$dir/$f" ] || fail "$dir/$f was not written on $n rank(s)"
        [ ! -e "$dir/$f.partial" ] || fail "$dir/$f.partial left behind on $n rank(s)"
    done
    for f in aborted.h5 aborted.h5.partial misuse.h5 misuse.h5.partial; do
        [ ! -e "$dir/$f" ] || fail "$dir/$f exists after abort on $n rank(s)"
    done
done

for n in 2 3 4; do
    for f in spikes.h5 empty.h5; do
        cmp "$work/np1/$f" "$work/np$n/$f" ||
            fail "$f differs between 1 and $n ranks: the file must be byte-identical"
    done
    echo "== np$n: spikes.h5 and empty.h5 byte-identical to np1"
done

echo "== layout check with h5py"
"$python" - "$work/np1/spikes.h5" "$work/np1/empty.h5" <<'EOF' || fail "layout check of the spike file (see above)"
import sys

import h5py
import numpy as np

# The populations of test_spike_writer.c, in model order.
SIZES = {"exc": 7, "quiet": 3, "big": 11}
errors = []


def check(cond, msg):
    if not cond:
        errors.append(msg)


def sorting_name(attr_id, value):
    """`sorting` is an HDF5 enum (as libsonata reads it); accept a string too."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, str):
        return value
    mapping = h5py.check_enum_dtype(attr_id.dtype)
    if mapping is None:
        return None
    names = {v: k for k, v in mapping.items()}
    return names.get(int(value))


for path in sys.argv[1:]:
    with h5py.File(path, "r") as f:
        check(int(f.attrs.get("magic", -1)) == 0x0A7A, f"{path}: root attribute magic != 0x0A7A")
        check(list(f.attrs.get("version", [])) == [0, 1], f"{path}: root attribute version != [0, 1]")
        check("spikes" in f, f"{path}: no /spikes group")
        pops = list(f["spikes"])
        check(pops == list(SIZES), f"{path}: populations {pops}, expected {list(SIZES)} in model order")
        total = 0
        for name in pops:
            g = f["spikes"][name]
            where = f"{path}:/spikes/{name}"
            s = sorting_name(g.attrs.get_id("sorting"), g.attrs["sorting"]) if "sorting" in g.attrs else None
            check(s == "by_time", f"{where}: attribute sorting reads as {s!r}, expected 'by_time'")
            ts, ids = g["timestamps"], g["node_ids"]
            check(ts.dtype == np.float64, f"{where}/timestamps: dtype {ts.dtype}, expected float64")
            check(ids.dtype == np.uint64, f"{where}/node_ids: dtype {ids.dtype}, expected uint64")
            units = ts.attrs.get("units")
            check(isinstance(units, str) and units == "ms", f"{where}/timestamps: units {units!r}, expected 'ms' (str)")
            check(ts.shape == ids.shape and ts.ndim == 1, f"{where}: shapes {ts.shape} and {ids.shape} differ")
            t, n = ts[()], ids[()]
            if len(n):
                check(int(n.max()) < SIZES.get(name, 0), f"{where}/node_ids: id {int(n.max())} >= population size")
                check(bool(np.all(np.diff(t) >= 0)), f"{where}/timestamps: not non-decreasing")
                same_t = np.diff(t) == 0
                check(bool(np.all(np.diff(n.astype(np.int64))[same_t] > 0)), f"{where}: ids not ascending within a time step")
                check(float(t.min()) >= 0.0, f"{where}/timestamps: negative time")
            total += len(n)
            print(f"  {where}: {len(n)} spikes")
        if path.endswith("empty.h5"):
            check(total == 0, f"{path}: {total} spikes in a file written without any")
        else:
            check(total > 0, f"{path}: no spikes at all")
            check(len(f["spikes"]["quiet"]["node_ids"]) == 0, f"{path}: population 'quiet' never spikes")

if errors:
    for e in errors:
        print("  ERROR:", e, file=sys.stderr)
    sys.exit(1)
print("  layout OK")
EOF

echo "== tools/raster.py"
src=${2:?usage: run_spike_writer.sh SNN_MPI SOURCE_DIR WORK_DIR}
"$python" "$src/tools/raster.py" "$work/np1/spikes.h5" -o "$work/raster.png" --sizes 7,3,11 ||
    fail "tools/raster.py failed on $work/np1/spikes.h5"
[ -s "$work/raster.png" ] || fail "tools/raster.py wrote no $work/raster.png"

echo "run_spike_writer: OK (byte-identical on 1-4 ranks, SONATA layout checked, raster drawn)"
