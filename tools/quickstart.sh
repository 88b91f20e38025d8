#!/usr/bin/env bash
# README command 1: install, build, run the tutorial network on 2 ranks, draw its raster.
#   out/spikes.h5   the spikes (SONATA layout)
#   out/raster.png  the raster plot
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
