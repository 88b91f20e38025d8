#!/usr/bin/env bash
# README command 2: install, build and run the whole test suite.
#  1. the default build (gcc, single precision): every unit, MPI and whole-program test;
#  2. a double-precision build: the model and simulation unit tests;
#  3. a clang build with -Werror, to keep the code warning-free under both compilers;
#  4. the config fuzzer: its regression inputs, then 60 s of fuzzing (libFuzzer, ASan, UBSan);
#  5. the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan), and a
#     valgrind memcheck of the tutorial network on 2 ranks (build-valgrind).
set -eu
cd "$(dirname "$0")/.."
bash tools/install_deps.sh
jobs=$(nproc)

# The test build honours SNN_FAULT (fault-injection tests); the user build never does.
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Release -DSNN_FAULT_INJECTION=ON >/dev/null
cmake --build build-test -j "$jobs"
# As many tests at a time as cores (tests/CMakeLists.txt: ranks waiting in MPI yield the core).
ctest --test-dir build-test --output-on-failure -j "$jobs"

cmake -S . -B build-test-double -DCMAKE_BUILD_TYPE=Release -DSNN_DOUBLE=ON >/dev/null
cmake --build build-test-double -j "$jobs"
ctest --test-dir build-test-double --output-on-failure -j "$jobs" -R 'test_(models|simulate|rng|connect|units|config)'

OMPI_CC=clang CC=clang cmake -S . -B build-test-clang -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-test-clang -j "$jobs"
echo "clang build: warning-free"

bash tools/fuzz.sh --replay
bash tools/fuzz.sh 60

bash tools/sanitize.sh
bash tools/valgrind.sh
