#!/usr/bin/env bash
# Installs the Debian 12 packages snn_mpi needs to build, test and plot. Uses sudo unless root.
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
PKGS="build-essential cmake pkg-config clang libomp-dev libclang-rt-14-dev valgrind
      openmpi-bin libopenmpi-dev libhdf5-openmpi-dev hdf5-tools
      libconfig-dev libcmocka-dev libudunits2-dev
      python3 python3-h5py python3-matplotlib python3-numpy
      munge slurmctld slurmd slurm-client slurm-wlm-basic-plugins"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "installing:$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
