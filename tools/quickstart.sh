#!/usr/bin/env bash
# README command 1: install, build, run the tutorial network on 2 ranks, draw its raster and
# the recorded traces of 10 excitatory neurons.
#   out/spikes.h5   the spikes (SONATA layout)
#   out/raster.png  the raster plot
#   out/E10_V.h5, out/E10_g.h5  V and g of E neurons 0-9, every step (SONATA report layout)
#   out/traces_V.png, out/traces_g.png  their plots
# and the summary on the terminal.
set -eu
cd "$(dirname "$0")/.."
bash tools/install_deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)"
# Open MPI refuses to run as root unless told that this is intended.
if [ "$(id -u)" -eq 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} mpirun -n 2 build/snn_mpi examples/ei_balanced.cfg
/usr/bin/python3 tools/raster.py out/spikes.h5 -o out/raster.png
/usr/bin/python3 tools/plot_traces.py out/E10_V.h5 -o out/traces_V.png
/usr/bin/python3 tools/plot_traces.py out/E10_g.h5 -o out/traces_g.png
