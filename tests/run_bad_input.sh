# Bad input on 2 ranks: one clear message (from rank 0 only), a non-zero exit on every rank,
# no hang, and no spike file (complete or partial) left behind. The bad_*.cfg files (over a
# hundred) run as one process (an MPI singleton, 0.4 s instead of 2 s under mpiexec) except every
# fourth (BAD_INPUT_MPI_EVERY, default 4; tools/sanitize.sh uses 16), which runs on 2 ranks: the
# agreement on errors is the same code for all of them.
. "$(dirname "$0")/common.sh"

# expect_error NAME EXPECTED_STATUS PATTERN [snn_mpi args...]
expect_error() {
    local name=$1 want=$2 pattern=$3
    shift 3
    local out="$WORK/$name"
    mkdir -p "$out"
    set +e
    if [ "${SINGLETON:-0}" = 1 ]; then
        timeout 120 "$SNN" -q -o "$out/out" "$@" >"$out/stdout" 2>"$out/stderr"
    else
        timeout 120 "$MPIEXEC" --oversubscribe -n 2 "$SNN" -q -o "$out/out" "$@" >"$out/stdout" 2>"$out/stderr"
    fi
    local rc=$?
    [ "$rc" -ne 124 ] || fail "$name: hung (killed after 120 s)"
    [ "$rc" -eq "$want" ] || { cat "$out/stderr"; fail "$name: exit status $rc, expected $want"; }
    local n
    n=$(grep -c "snn_mpi: error:" "$out/stderr")
    [ "$n" -eq 1 ] || { cat "$out/stderr"; fail "$name: $n error lines, expected exactly 1"; }
    grep -Eq -- "$pattern" "$out/stderr" || { cat "$out/stderr"; fail "$name: message does not match /$pattern/"; }
    if [ -d "$out/out" ]; then
        [ -z "$(ls -A "$out/out")" ] || fail "$name: left files behind: $(ls "$out/out")"
    fi
    echo "$name: $(grep "snn_mpi: error:" "$out/stderr")"
}

C="$SRC/tests/configs"
expect_error missing_file 3 "nonexistent\.cfg" "$WORK/nonexistent.cfg"
i=0
for cfg in "$C"/bad_*.cfg; do
    base=$(basename "$cfg" .cfg)
    # Each bad config names, in a first-line comment "# expect: REGEX", what its message must say.
    pattern=$(sed -n 's/^# expect: //p' "$cfg" | head -n 1)
    [ -n "$pattern" ] || pattern="$base\.cfg:[0-9]+:"
    SINGLETON=$((i % ${BAD_INPUT_MPI_EVERY:-4} != 0)) expect_error "$base" 2 "$pattern" "$cfg"
    i=$((i + 1))
done

# A state that becomes infinite: the population, neuron, step and parameters, exit status 7.
expect_error nan_state 7 "population Hot, neuron 0 \\(global id 4\\): V became (\\+inf|NaN) in step 1 \\(t = 0.1 ms\\); parameters: lif .*R 1e\\+10 ohm" "$C/nan_state.cfg"

# A network that will not fit: refused before anything big is allocated, with the estimate,
# the limit and what to do.
reduced "$SRC/examples/hpc_benchmark.cfg" 50 "10 ms" "$WORK/too_big.cfg"
expect_error too_big 4 "too_big\\.cfg: estimated [0-9.]+ GB per rank .*, but [0-9.]+ GB are available per rank on this node .*: use more ranks or nodes, or a smaller run\\.scale" "$WORK/too_big.cfg"

# An output directory that cannot be created (below a regular file).
touch "$WORK/not_a_dir"
set +e
timeout 120 "$MPIEXEC" -n 2 "$SNN" -q -o "$WORK/not_a_dir/out" "$SRC/examples/ei_balanced.cfg" \
    >"$WORK/unwritable.out" 2>"$WORK/unwritable.err"
rc=$?
[ "$rc" -eq 3 ] || { cat "$WORK/unwritable.err"; fail "unwritable output: exit $rc, expected 3"; }
[ "$(grep -c 'snn_mpi: error:' "$WORK/unwritable.err")" -eq 1 ] || fail "unwritable output: not one message"
grep -q "not_a_dir" "$WORK/unwritable.err" || fail "unwritable output: message does not name the path"
echo "unwritable output: $(cat "$WORK/unwritable.err")"

# Usage errors.
set +e
"$SNN" >/dev/null 2>"$WORK/usage.err"
rc=$?
[ "$rc" -eq 1 ] || fail "no config: exit $rc, expected 1"
echo "bad input: all cases gave one clear message and a non-zero exit"
