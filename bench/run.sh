#!/usr/bin/env bash
# bench/run.sh [workload...] — the benchmark suite of snn_mpi (see README, "Performance").
#
# Builds a Release binary in its own directory (build-bench, or $BUILD_DIR), measures the
# machine's floor with snn_probe, runs each workload over each rank x thread layout (LAYOUTS,
# default "2x1 1x2"; the tutorial also on 1x1) REPS times (default 3), and writes
#   bench/results/<date>-<host>.csv   one row per run, from snn_mpi --summary-json
#   bench/results/<date>-<host>.md    medians per workload and layout beside NEST 3.9's figures
#                                     and the targets (printed too)
# Workloads (default: all, in this order):
#   tutorial         examples/ei_balanced.cfg, 200 ms (+ the wall time of the whole mpirun)
#   brunel           examples/brunel.cfg, 1 s
#   microcircuit     examples/microcircuit.cfg, full scale, Poisson, 1.5 s (RTF over all 1.5 s,
#                    the 0.5 s warm-up included)
#   microcircuit_dc  the same with dc_equivalent = true in every input
#   small            the microcircuit at run.scale 0.1, Poisson, 0.5 s
# The examples are never edited: each run uses a copy made with sed in a temporary directory.
# Environment: LAYOUTS, REPS, BUILD_DIR, OUT (results directory), MPIEXEC, PROBE=0 (skip it),
# RESULTS=NAME (append to OUT/NAME.csv instead of a new file).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-bench}
LAYOUTS=${LAYOUTS:-"2x1 1x2"}
REPS=${REPS:-3}
OUT=${OUT:-$ROOT/bench/results}
MPIEXEC=${MPIEXEC:-mpirun}
PY=/usr/bin/python3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ALL="tutorial brunel microcircuit microcircuit_dc small"
WORKLOADS=${*:-$ALL}
for w in $WORKLOADS; do
    case " $ALL " in *" $w "*) ;; *)
        echo "bench/run.sh: unknown workload '$w' (expected one of: $ALL)" >&2
        exit 1
        ;;
    esac
done
for l in $LAYOUTS; do
    [[ $l =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]] || {
        echo "bench/run.sh: LAYOUTS: expected RANKSxTHREADS like 2x1, got '$l'" >&2
        exit 1
    }
done

echo "== building (Release) in $BUILD"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSNN_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j2 --target snn_mpi snn_probe >/dev/null
SNN=$BUILD/snn_mpi

mkdir -p "$OUT"
STAMP=$(date -u +%Y-%m-%dT%H%M)-$(hostname -s)
# RESULTS=<name> appends to bench/results/<name>.csv (e.g. the full-scale workloads run with
# other LAYOUTS or REPS than the rest) and rewrites its Markdown from all of its rows.
CSV=$OUT/${RESULTS:-$STAMP}.csv
MD=${CSV%.csv}.md
PROBE_TXT=${CSV%.csv}.probe.txt
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
[[ -n ${RESULTS:-} ]] || rm -f "$CSV"

if [[ ${PROBE:-1} != 0 ]]; then
    echo "== floor probe"
    "$BUILD/snn_probe" | tee "$PROBE_TXT"
fi

# variant CFG OUT DURATION [SCALE] [dc]: a copy of CFG with run.duration (and run.scale) set,
# and with every input's dc_equivalent set to true if the fifth argument is "dc".
variant() {
    local cfg=$1 out=$2 dur=$3 scale=${4:-} dc=${5:-}
    local args=(-E -e "s/(^|[^_[:alnum:]])duration[[:space:]]*=[^;]*;/\1duration = \"$dur\";/")
    if [[ -n $scale ]]; then
        args+=(-e "s/(^|[^_[:alnum:]])scale[[:space:]]*=[^;]*;/\1/"
            -e "s/(^|[^_[:alnum:]])(dt[[:space:]]*=[^;]*;)/\1\2 scale = $scale;/")
    fi
    [[ $dc == dc ]] && args+=(-e "s/dc_equivalent[[:space:]]*=[[:space:]]*false/dc_equivalent = true/")
    sed "${args[@]}" "$cfg" >"$out"
    grep -q "duration = \"$dur\";" "$out" || { echo "cannot set the duration in $out" >&2; exit 1; }
    [[ -z $scale ]] || grep -q "scale = $scale;" "$out" || { echo "cannot set the scale" >&2; exit 1; }
    if [[ $dc == dc ]]; then
        ! grep -q "dc_equivalent = false" "$out" && grep -q "dc_equivalent = true" "$out" ||
            { echo "cannot set dc_equivalent in $out" >&2; exit 1; }
    fi
}

config_of() {
    local cfg=$TMP/$1.cfg
    case $1 in
    tutorial) variant "$ROOT/examples/ei_balanced.cfg" "$cfg" "200 ms" ;;
    brunel) variant "$ROOT/examples/brunel.cfg" "$cfg" "1000 ms" ;;
    microcircuit) variant "$ROOT/examples/microcircuit.cfg" "$cfg" "1500 ms" ;;
    microcircuit_dc) variant "$ROOT/examples/microcircuit.cfg" "$cfg" "1500 ms" "" dc ;;
    small) variant "$ROOT/examples/microcircuit.cfg" "$cfg" "500 ms" 0.1 ;;
    esac
    echo "$cfg"
}

# run_one WORKLOAD CFG RANKS THREADS REP
run_one() {
    local w=$1 cfg=$2 r=$3 t=$4 rep=$5
    local js=$TMP/summary.json bind=()
    rm -f "$js"
    rm -rf "$TMP/out"
    # Open MPI binds each of 1 or 2 ranks to one core: a rank with threads needs more.
    ((t > 1)) && bind=(--bind-to none)
    local t0 t1 load
    load=$(cut -d' ' -f1 /proc/loadavg)
    t0=$(date +%s.%N)
    OMP_NUM_THREADS=$t "$MPIEXEC" "${bind[@]}" -n "$r" "$SNN" -q --threads "$t" -o "$TMP/out" \
        --summary-json "$js" "$cfg"
    t1=$(date +%s.%N)
    local wall
    wall=$("$PY" -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$t0" "$t1")
    "$PY" "$ROOT/bench/summary_csv.py" row "$CSV" "$js" "$w" "$r" "$t" "$rep" "$wall" "$load"
    printf '   %-16s %dx%d rep %d: %s\n' "$w" "$r" "$t" "$rep" "$(tail -n 1 "$CSV" |
        awk -F, '{printf "build %.3g s, simulate %.3g s, RTF %.3g, %.0f MB/rank, %s spikes, load %s", $5, $6, $7, $14, $16, $23}')"
}

for w in $WORKLOADS; do
    cfg=$(config_of "$w")
    layouts=$LAYOUTS
    [[ $w == tutorial && " $layouts " != *" 1x1 "* ]] && layouts="1x1 $layouts"
    echo "== $w ($layouts; $REPS repetitions)"
    for l in $layouts; do
        for ((rep = 1; rep <= REPS; rep++)); do
            run_one "$w" "$cfg" "${l%x*}" "${l#*x}" "$rep"
        done
    done
done

{
    echo "Benchmark of $("$SNN" --version | head -n 1) on $(hostname -s), $(date -u +%Y-%m-%d):"
    echo "$(nproc) cores ($(lscpu | sed -n 's/^Model name:[[:space:]]*//p')), $(free -g | awk '/^Mem:/{print $2}') GiB."
    echo
    "$PY" "$ROOT/bench/summary_csv.py" table "$CSV" "$PROBE_TXT"
} >"$MD"
echo
cat "$MD"
echo
echo "CSV: $CSV"
echo "Markdown: $MD"
