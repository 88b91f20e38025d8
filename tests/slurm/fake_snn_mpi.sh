#!/bin/bash
# A stand-in for snn_mpi's checkpoint protocol, for tests/run_slurm.sh (SNN_MPI selects it):
#   snn_mpi CFG [-q] -o DIR [--summary-json F]          runs until SIGUSR1 or SIGTERM, then writes
#                                                       DIR/checkpoint.h5 and exits with status 8
#   snn_mpi CFG --restart DIR/checkpoint.h5 -o DIR ...  checks the checkpoint, writes DIR/spikes.h5
#                                                       and exits 0
# Without a signal it gives up after FAKE_WAIT seconds (default 150) with status 1.
# It writes DIR/started.<pid> once its handlers are installed, for the test to know when to signal.
set -u
out="" restart="" cfg=""
while [ $# -gt 0 ]; do
    case "$1" in
    -o | --output) out=$2; shift ;;
    --restart) restart=$2; shift ;;
    --summary-json | -t | --threads) shift ;;
    -*) ;;
    *) cfg=$1 ;;
    esac
    shift
done
[ -n "$out" ] && [ -n "$cfg" ] || { echo "fake_snn_mpi: usage: CFG -o DIR [--restart FILE]" >&2; exit 1; }
mkdir -p "$out"
if [ -n "$restart" ]; then
    grep -q "^fake checkpoint of $cfg\$" "$restart" 2>/dev/null ||
        { echo "fake_snn_mpi: $restart: not a checkpoint of $cfg" >&2; exit 3; }
    echo "fake spikes of $cfg restarted from $restart" >"$out/spikes.h5.partial"
    mv "$out/spikes.h5.partial" "$out/spikes.h5"
    exit 0
fi
checkpoint() {
    echo "fake_snn_mpi: SIG$1: writing $out/checkpoint.h5"
    echo "fake checkpoint of $cfg" >"$out/checkpoint.h5.partial"
    mv "$out/checkpoint.h5.partial" "$out/checkpoint.h5"
    exit 8
}
trap 'checkpoint USR1' USR1
trap 'checkpoint TERM' TERM
touch "$out/started.$$"
for ((i = 0; i < ${FAKE_WAIT:-150}; i++)); do
    sleep 1 &
    wait $!
done
echo "fake_snn_mpi: no signal in ${FAKE_WAIT:-150} s" >&2
exit 1
