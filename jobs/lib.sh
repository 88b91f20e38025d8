# Shared functions of the jobs/ scripts (sourced, not run): finding the binary, launching it with
# srun or mpirun, config copies with another run.scale / run.duration, one CSV row per run.
#
# Environment (all optional):
#   SNN_HOME   the snn_mpi checkout (default: the directory above this file)
#   SNN_MPI    the binary (default: $SNN_HOME/build/snn_mpi, else snn_mpi on PATH)
#   LAUNCHER   srun (default inside a SLURM job) or mpirun (default outside one)
#   SRUN_ARGS, MPIRUN_ARGS   extra launcher options, split on spaces
#   PY         the Python with h5py/matplotlib (default /usr/bin/python3)

SNN_HOME=${SNN_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
PY=${PY:-/usr/bin/python3}
if [ -z "${SNN_MPI:-}" ]; then
    if [ -x "$SNN_HOME/build/snn_mpi" ]; then SNN_MPI=$SNN_HOME/build/snn_mpi; else SNN_MPI=snn_mpi; fi
fi
if [ -z "${LAUNCHER:-}" ]; then
    if [ -n "${SLURM_JOB_ID:-}" ]; then LAUNCHER=srun; else LAUNCHER=mpirun; fi
fi
# Open MPI refuses root without these (containers, CI).
if [ "$(id -u)" -eq 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

snn_die() {
    echo "$(basename "$0"): $*" >&2
    exit 1
}

# snn_launch_cmd RANKS THREADS: sets the array LAUNCH to the launcher command for RANKS ranks of
# THREADS OpenMP threads each (the binary and its arguments follow) and exports OMP_NUM_THREADS.
snn_launch_cmd() {
    local r=$1 t=$2
    export OMP_NUM_THREADS=$t
    case "$LAUNCHER" in
    srun)
        # shellcheck disable=SC2206
        LAUNCH=(srun --mpi=pmix --ntasks="$r" --cpus-per-task="$t" ${SRUN_ARGS:-}) ;;
    mpirun)
        # no binding: a rank's threads must be free to run on the cores given to it
        # shellcheck disable=SC2206
        LAUNCH=(mpirun -n "$r" --bind-to none -x OMP_NUM_THREADS ${MPIRUN_ARGS:-}) ;;
    *) snn_die "LAUNCHER must be srun or mpirun, got \"$LAUNCHER\"" ;;
    esac
}

# snn_parse_layout RxT: sets L_RANKS and L_THREADS, or dies.
snn_parse_layout() {
    [[ $1 =~ ^([1-9][0-9]*)x([1-9][0-9]*)$ ]] || snn_die "layout \"$1\": expected RANKSxTHREADS, e.g. 4x2"
    L_RANKS=${BASH_REMATCH[1]}
    L_THREADS=${BASH_REMATCH[2]}
}

# snn_cfg_variant CFG OUT SCALE DURATION: a copy of CFG with run.scale = SCALE and
# run.duration = DURATION (e.g. "100 ms"); an empty SCALE or DURATION keeps the config's value.
snn_cfg_variant() {
    local cfg=$1 out=$2 scale=$3 dur=$4
    cp "$cfg" "$out" || snn_die "cannot copy $cfg to $out"
    if [ -n "$dur" ]; then
        grep -Eq '(^|[^_[:alnum:]])duration[[:space:]]*=' "$out" || snn_die "$cfg: no run.duration to replace"
        sed -E -i "s/(^|[^_[:alnum:]])duration[[:space:]]*=[^;]*;/\1duration = \"$dur\";/" "$out"
    fi
    if [ -n "$scale" ]; then
        sed -E -i -e "s/(^|[^_[:alnum:]])scale[[:space:]]*=[^;]*;/\1/" \
            -e "s/(^|[^_[:alnum:]])(dt[[:space:]]*=[^;]*;)/\1\2 scale = $scale;/" "$out"
        grep -q "scale = $scale;" "$out" || snn_die "$cfg: could not set run.scale (no run.dt line?)"
    fi
}

# snn_csv_row CSV JSON WORKLOAD MODE SCALE: appends the row of one run's --summary-json to CSV.
snn_csv_row() {
    "$PY" "$SNN_HOME/tools/summary_to_csv.py" "$1" "$2" --workload "$3" --mode "$4" --scale "$5"
}

# snn_scaling MODE CFG LAYOUTS OUTDIR CSV [snn_mpi args...]: runs CFG once per layout (RxT) and
# appends one CSV row per run. MODE strong keeps the network (run.scale = $SCALE if set); MODE
# weak sets run.scale = ranks * threads * ${BASE_SCALE:-1}. $DURATION, if set, replaces
# run.duration. Each run writes OUTDIR/<mode>-<R>x<T>/ (config copy, spikes, summary.json, log).
# REPEAT=n runs each layout n times, one row each (the plot takes the fastest).
snn_scaling() {
    local mode=$1 cfg=$2 layouts=$3 outdir=$4 csv=$5
    shift 5
    [ -f "$cfg" ] || snn_die "no config file \"$cfg\""
    case "$mode" in strong | weak) ;; *) snn_die "mode must be strong or weak, got \"$mode\"" ;; esac
    local workload layout scale dir rc rep failed=0
    workload=$(basename "$cfg" .cfg)
    for layout in $layouts; do snn_parse_layout "$layout"; done # validate all before running any
    mkdir -p "$outdir" || snn_die "cannot create $outdir"
    for layout in $layouts; do
        snn_parse_layout "$layout"
        if [ "$mode" = weak ]; then
            scale=$("$PY" -c "import sys; print(repr(float(sys.argv[1]) * int(sys.argv[2]) * int(sys.argv[3])))" \
                "${BASE_SCALE:-1}" "$L_RANKS" "$L_THREADS")
        else
            scale=${SCALE:-}
        fi
        dir=$outdir/$mode-$layout
        mkdir -p "$dir"
        snn_cfg_variant "$cfg" "$dir/$workload.cfg" "$scale" "${DURATION:-}"
        snn_launch_cmd "$L_RANKS" "$L_THREADS"
        for ((rep = 1; rep <= ${REPEAT:-1}; rep++)); do
            echo "== $workload $mode $layout (scale ${scale:-as in the config}), run $rep: ${LAUNCH[*]} $SNN_MPI"
            "${LAUNCH[@]}" "$SNN_MPI" -q -o "$dir" --summary-json "$dir/summary.json" "$@" \
                "$dir/$workload.cfg" >"$dir/log.txt" 2>&1
            rc=$?
            if [ $rc -ne 0 ]; then
                echo "$workload $layout failed (exit $rc):" >&2
                tail -n 20 "$dir/log.txt" >&2
                failed=1
                break
            fi
            snn_csv_row "$csv" "$dir/summary.json" "$workload" "$mode" "$scale" || failed=1
        done
    done
    [ $failed -eq 0 ] && echo "table: $csv"
    return $failed
}

# snn_default_layouts CPUS: "1x1 2x1 4x1 ... CPUSx1" (powers of two, and CPUS itself).
snn_default_layouts() {
    local n=1 l=""
    while [ $n -lt "$1" ]; do l="$l ${n}x1"; n=$((n * 2)); done
    echo "$l ${1}x1"
}

# snn_scaling_job MODE CFG [snn_mpi args...]: the body of jobs/{strong,weak}_scaling.sbatch.
# Layouts from $LAYOUTS (default: powers of two ranks of 1 thread up to the allocation's CPUs),
# each within the allocation; the table and the plot go to $OUT (scaling.csv, scaling.png).
snn_scaling_job() {
    local mode=$1 cfg=$2 cpus
    shift 2
    cpus=$((${SLURM_NTASKS:-1} * ${SLURM_CPUS_PER_TASK:-1}))
    LAYOUTS=${LAYOUTS:-$(snn_default_layouts "$cpus")}
    for layout in $LAYOUTS; do
        snn_parse_layout "$layout"
        [ $((L_RANKS * L_THREADS)) -le "$cpus" ] ||
            snn_die "layout $layout needs $((L_RANKS * L_THREADS)) CPUs, the allocation has $cpus (-n x -c)"
    done
    OUT=${OUT:-${SLURM_SUBMIT_DIR:-$PWD}/out/${SLURM_JOB_NAME:-$mode}-${SLURM_JOB_ID:-local}}
    echo "$mode scaling of $cfg over \"$LAYOUTS\" with $LAUNCHER, job ${SLURM_JOB_ID:-local}, out $OUT"
    snn_scaling "$mode" "$cfg" "$LAYOUTS" "$OUT" "$OUT/scaling.csv" "$@" || return 1
    "$PY" "$SNN_HOME/tools/plot_scaling.py" "$OUT/scaling.csv" -o "$OUT/scaling.png" || return 1
}
