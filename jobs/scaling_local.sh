#!/bin/bash
# Strong or weak scaling on a workstation, without SLURM (mpirun directly); the same table and
# plot as jobs/strong_scaling.sbatch and jobs/weak_scaling.sbatch.
#
#   bash jobs/scaling_local.sh strong examples/microcircuit.cfg "1x1 2x1 4x1 8x1 16x1"
#   BASE_SCALE=0.05 bash jobs/scaling_local.sh weak examples/brunel.cfg "1x1 2x1 4x1" --oversubscribe
#
#   MODE     strong (same network) or weak (run.scale = ranks x threads x BASE_SCALE, default 1)
#   LAYOUTS  RANKSxTHREADS, space-separated
#   the rest are mpirun options (e.g. --oversubscribe beyond the cores)
# Environment: SCALE (strong: run.scale, default as in the config), BASE_SCALE (weak),
# DURATION (replaces run.duration, e.g. "200 ms"), SNN_ARGS (extra snn_mpi options),
# SNN_MPI (default build/snn_mpi), OUT (default out/<mode>-<config name>; its scaling.csv is
# started afresh), LAUNCHER=srun to use srun inside an allocation instead.
set -u
. "$(dirname "$0")/lib.sh"
[ $# -ge 3 ] || snn_die "usage: bash jobs/scaling_local.sh strong|weak CONFIG \"RxT RxT ...\" [mpirun options...]"
mode=$1 cfg=$2 layouts=$3
shift 3
if [ "$LAUNCHER" = mpirun ]; then
    MPIRUN_ARGS="${MPIRUN_ARGS:-} $*"
else
    SRUN_ARGS="${SRUN_ARGS:-} $*"
fi
OUT=${OUT:-out/$mode-$(basename "$cfg" .cfg)}
mkdir -p "$OUT" || snn_die "cannot create $OUT"
rm -f "$OUT/scaling.csv"
# shellcheck disable=SC2086
snn_scaling "$mode" "$cfg" "$layouts" "$OUT" "$OUT/scaling.csv" ${SNN_ARGS:-} || exit 1
"$PY" "$SNN_HOME/tools/plot_scaling.py" "$OUT/scaling.csv" -o "$OUT/scaling.png" || exit 1
column -s, -t "$OUT/scaling.csv" 2>/dev/null || cat "$OUT/scaling.csv"
echo "plot: $OUT/scaling.png"
