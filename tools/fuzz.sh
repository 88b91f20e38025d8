#!/usr/bin/env bash
# Fuzzes config parsing, validation and the network description with libFuzzer (Debian clang).
#
#   tools/fuzz.sh [SECONDS] [BUILD_DIR]   fuzz for SECONDS (default 120) from the seed corpus
#   tools/fuzz.sh --replay [BUILD_DIR]    run every regression input and seed once, no fuzzing
#
# BUILD_DIR (default build-fuzz) holds the harness binary. The seed corpus is examples/*.cfg,
# tests/configs/*.cfg and tests/fuzz/regressions/*, copied into a temporary corpus directory.
# Exit status 1 on any crash, leak, timeout, out-of-memory or sanitizer report; an input that
# triggered one is copied into tests/fuzz/regressions/ for the developer to fix and commit.
# Environment: FUZZ_JOBS (default 1) parallel fuzzing processes; FUZZ_CORPUS a directory to keep
# the grown corpus in (default: a temporary one, removed afterwards); CC (default clang).
set -eu
cd "$(dirname "$0")/.."

replay=0
if [ "${1:-}" = "--replay" ]; then
    replay=1
    shift
fi
seconds=120
if [ $replay = 0 ] && [ $# -ge 1 ]; then
    seconds=$1
    shift
fi
build=${1:-build-fuzz}
case $seconds in
'' | *[!0-9]*)
    echo "usage: tools/fuzz.sh [SECONDS] [BUILD_DIR] | tools/fuzz.sh --replay [BUILD_DIR]" >&2
    exit 2
    ;;
esac

cc=${CC:-clang}
case $cc in
*clang*) ;;
*) cc=clang ;; # libFuzzer needs clang, whatever CC the rest of the build uses
esac
if ! command -v "$cc" >/dev/null; then
    echo "tools/fuzz.sh: $cc not found (Debian: apt-get install clang)" >&2
    exit 1
fi

root=$(pwd)
mkdir -p "$build"
bin=$build/fuzz_config
"$cc" -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -g -O1 -std=c11 \
    -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -I include \
    tests/fuzz/fuzz_config.c src/config.c src/config_override.c src/units.c src/model.c src/error.c \
    src/config_recorders.c src/record_spec.c src/rng.c src/synapses/channel.c \
    src/synapses/expon.c src/synapses/synapse.c \
    -Wl,--wrap=ut_read_xml,--wrap=ut_free_system -lconfig -ludunits2 -lm -o "$bin" || {
    echo "tools/fuzz.sh: cannot build the harness; libFuzzer and the sanitizer runtimes come" >&2
    echo "with Debian's libclang-rt-14-dev (apt-get install clang libclang-rt-14-dev)" >&2
    exit 1
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=suppressions=$root/tests/fuzz/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}
common=(-rss_limit_mb=2048 -timeout=10 -malloc_limit_mb=2048)

regressions=(tests/fuzz/regressions/*)
[ -e "${regressions[0]}" ] || regressions=()
seeds=(examples/*.cfg tests/configs/*.cfg)

if [ $replay = 1 ]; then
    # Every file once with the UDUNITS database kept (fast), then the examples once more with it
    # loaded and freed for every input (the real path of snn_units_create/destroy).
    n=$((${#regressions[@]} + ${#seeds[@]}))
    if "$bin" "${common[@]}" ${regressions[@]+"${regressions[@]}"} "${seeds[@]}" \
        >"$build/replay.log" 2>&1 &&
        SNN_FUZZ_FRESH_UNITS=1 "$bin" "${common[@]}" examples/*.cfg >>"$build/replay.log" 2>&1; then
        echo "fuzz replay: $n inputs (${#regressions[@]} regressions), no crash, leak or report"
        exit 0
    fi
    grep -v -E '^(Running|Executed)' "$build/replay.log" | tail -n 40 >&2
    echo >&2
    failed=0
    for f in ${regressions[@]+"${regressions[@]}"} "${seeds[@]}"; do
        if ! "$bin" "${common[@]}" "$f" >"$build/replay_one.log" 2>&1; then
            echo "  FAILS: $f ($(grep -m1 -o -E 'invariant failed.*|ERROR: [A-Za-z]+: [a-z -]+' \
                "$build/replay_one.log" || echo see log))" >&2
            failed=$((failed + 1))
        fi
    done
    echo "fuzz replay FAILED on $failed input(s) (report of the first above; full log:" >&2
    echo "$build/replay.log). Reproduce one with: $bin <file>; fix the code, not the input." >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/snn_fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
corpus=${FUZZ_CORPUS:-$tmp/corpus}
mkdir -p "$corpus" "$tmp/artifacts"
for f in "${seeds[@]}" ${regressions[@]+"${regressions[@]}"}; do
    cp "$f" "$corpus/seed_$(basename "$f")"
done

jobs=${FUZZ_JOBS:-1}
parallel=()
if [ "$jobs" -gt 1 ]; then
    parallel=(-fork="$jobs" -ignore_crashes=0 -ignore_timeouts=0 -ignore_ooms=0)
fi
echo "fuzzing for ${seconds} s ($jobs process(es)); corpus $corpus"
status=0
"$bin" "${common[@]}" ${parallel[@]+"${parallel[@]}"} -seed="${FUZZ_SEED:-1}" -max_total_time="$seconds" \
    -max_len=65536 -dict=tests/fuzz/config.dict -artifact_prefix="$tmp/artifacts/" \
    -print_final_stats=1 "$corpus" >"$build/fuzz.log" 2>&1 || status=$?
grep -E '^(#[0-9]+.*(DONE|pulse)|stat::number_of_executed_units|Done )' "$build/fuzz.log" |
    tail -n 3 || true

found=0
for a in "$tmp"/artifacts/*; do
    [ -e "$a" ] || continue
    known=
    for r in ${regressions[@]+"${regressions[@]}"}; do
        if cmp -s "$a" "$r"; then
            known=$r
        fi
    done
    if [ -n "$known" ]; then
        echo "  still failing: $known" >&2
        continue
    fi
    found=$((found + 1))
    name=$(basename "$a")
    cp "$a" "tests/fuzz/regressions/$name"
    echo "  kept tests/fuzz/regressions/$name" >&2
done
if [ $status -ne 0 ] || [ -n "$(ls -A "$tmp/artifacts")" ]; then
    grep -v -E '^(#[0-9]+|INFO:|MERGE|Loaded|Running)' "$build/fuzz.log" | tail -n 60 >&2
    echo >&2
    echo "FUZZING FAILED (exit $status, $found new input(s) kept): a crash, leak, timeout, out-of-memory" >&2
    echo "or sanitizer report in config parsing. Full log: $build/fuzz.log." >&2
    echo "Reproduce with: $bin tests/fuzz/regressions/<file>; fix the code (not the harness or" >&2
    echo "tests/fuzz/lsan.supp), rename the input after what it triggers and commit it in" >&2
    echo "tests/fuzz/regressions/ so that 'tools/fuzz.sh --replay' keeps checking it." >&2
    exit 1
fi
echo "fuzzing: no crash, leak, timeout or sanitizer report in ${seconds} s"
