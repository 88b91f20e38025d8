# Shared helpers for the tests/run_*.sh whole-program tests (sourced, not run).
# Each test is called as: bash run_x.sh <snn_mpi> <source dir> <work dir>
set -u
SNN=$1
SRC=$2
WORK=$3
MPIEXEC=${MPIEXEC:-mpiexec}
PY=/usr/bin/python3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
rm -rf "$WORK"
mkdir -p "$WORK"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# mpirun N [args...]: runs snn_mpi on N ranks, one thread each unless OMP_NUM_THREADS is set.
mpirun_n() {
    local n=$1
    shift
    OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} timeout 300 "$MPIEXEC" --oversubscribe -n "$n" "$SNN" "$@"
}

# with_seed CFG SEED OUT: a copy of CFG with run.seed set to SEED.
with_seed() {
    sed -E "s/^([[:space:]]*seed[[:space:]]*=)[^;]*;/\1 $2;/" "$1" >"$3"
    grep -Eq "^[[:space:]]*seed[[:space:]]*= $2;" "$3" || fail "could not set the seed in $3"
}

# total_spikes FILE: the number of spikes in a SONATA spike file.
total_spikes() {
    "$PY" - "$1" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    print(sum(len(g["timestamps"]) for g in f["spikes"].values()))
PY
}

# reduced CFG SCALE DURATION OUT: a copy of CFG with run.scale = SCALE and run.duration = DURATION
# (e.g. "50 ms"), for quick whole-program tests of the large example networks.
reduced() {
    sed -E -e "s/(^|[^_[:alnum:]])duration[[:space:]]*=[^;]*;/\1duration = \"$3\";/" \
        -e "s/(^|[^_[:alnum:]])scale[[:space:]]*=[^;]*;/\1/" \
        -e "s/(^|[^_[:alnum:]])(dt[[:space:]]*=[^;]*;)/\1\2 scale = $2;/" "$1" >"$4"
    grep -q "scale = $2;" "$4" || fail "could not set the scale in $4"
    grep -q "duration = \"$3\";" "$4" || fail "could not set the duration in $4"
}
