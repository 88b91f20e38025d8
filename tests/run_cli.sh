# Every command-line option of snn_mpi: --help, --version, -o, -q, -t, --summary-json, --set,
# --validate, and the usage errors, on the tutorial network (examples/ei_balanced.cfg), 2 ranks
# where it matters. The summary's Fano factors and correlations are recomputed from the spike
# file with numpy (tests/check_spike_stats.py).
. "$(dirname "$0")/common.sh"
CFG=$SRC/examples/ei_balanced.cfg
cd "$WORK" || fail "no work directory"

# run NAME N [args...]: snn_mpi on N ranks; stdout, stderr and the status in $WORK/NAME.*
run() {
    local name=$1 n=$2
    shift 2
    set +e
    mpirun_n "$n" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
    echo $? >"$WORK/$name.rc"
    set -e
}
rc_of() { cat "$WORK/$1.rc"; }
# expect_rc NAME STATUS: the status of run NAME.
expect_rc() {
    [ "$(rc_of "$1")" = "$2" ] || { cat "$WORK/$1.err"; fail "$1: exit $(rc_of "$1"), expected $2"; }
}
# expect_error NAME STATUS PATTERN: one error line on stderr, matching PATTERN (grep -E).
expect_error() {
    expect_rc "$1" "$2"
    local n
    n=$(grep -c "snn_mpi: error:" "$WORK/$1.err")
    [ "$n" = 1 ] || { cat "$WORK/$1.err"; fail "$1: $n error lines, expected 1"; }
    grep -Eq -- "$3" "$WORK/$1.err" || { cat "$WORK/$1.err"; fail "$1: message does not match /$3/"; }
    echo "$1: $(grep "snn_mpi: error:" "$WORK/$1.err")"
}
json() { "$PY" -c "import json, sys; d = json.load(open(sys.argv[1])); print($2)" "$1"; }
set -e

# --- --help: every option main.c accepts is listed ---------------------------------------------
run help 1 --help
expect_rc help 0
options=$(grep -oE '"--?[a-zA-Z][-a-zA-Z]*"' "$SRC/src/main.c" | tr -d '"' | sort -u)
[ -n "$options" ] || fail "no options found in src/main.c"
for opt in $options; do
    grep -Eq -- "(^|[ ,])$opt([ ,=]|$)" "$WORK/help.out" || fail "--help does not list $opt"
done
grep -q "exit status" "$WORK/help.out" || fail "--help does not give the exit statuses"
run help_short 1 -h
cmp -s "$WORK/help.out" "$WORK/help_short.out" || fail "-h differs from --help"

# --- --version: version, precision, library versions ------------------------------------------
run version 2 --version
expect_rc version 0
[ "$(wc -l <"$WORK/version.out")" = 1 ] || fail "--version on 2 ranks: not exactly one line"
grep -Eq '^snn_mpi [0-9]+\.[0-9]+\.[0-9]+, (single|double) precision, HDF5 [0-9]+\.[0-9]+\.[0-9]+ \(parallel\), MPI [0-9]+\.[0-9]+$' \
    "$WORK/version.out" || fail "--version: $(cat "$WORK/version.out")"

# --- a full run: -o, -t, --summary-json on 2 ranks ----------------------------------------------
t_start=$(date +%s.%N)
run full 2 -o "$WORK/full" -t 1 --summary-json "$WORK/full.json" "$CFG"
t_end=$(date +%s.%N)
expect_rc full 0
[ -f "$WORK/full/spikes.h5" ] || fail "-o: no $WORK/full/spikes.h5"
[ ! -e "$WORK/out" ] || fail "-o: the config's output_dir was written too"
grep -q "2 ranks x 1 threads" "$WORK/full.out" || fail "header does not say 2 ranks x 1 threads"
grep -Eq '^E +400 +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.-]+$' "$WORK/full.out" ||
    fail "summary table lacks the Fano and correlation columns"
for key in snn_mpi precision config ranks threads seed steps dt_ms duration_ms neurons synapses \
    spikes populations spike_count_stats overrides time_s real_time_factor synapse_events \
    synapse_events_per_s memory_mb page_faults bytes_per_synapse spike_file; do
    json "$WORK/full.json" "'$key' in d" | grep -q True || fail "summary JSON lacks \"$key\""
done
for key in name neurons spikes rate_hz cv_isi cv_isi_neurons fano_factor fano_neurons \
    correlation correlation_pairs sample_ids; do
    json "$WORK/full.json" "all('$key' in p for p in d['populations'])" | grep -q True ||
        fail "summary JSON populations lack \"$key\""
done
n=$(total_spikes "$WORK/full/spikes.h5")
[ "$(json "$WORK/full.json" "d['spikes']")" = "$n" ] || fail "JSON spikes differ from the file's $n"
[ "$(json "$WORK/full.json" "d['ranks']")" = 2 ] || fail "JSON ranks is not 2"
[ "$(json "$WORK/full.json" "int(d['synapses'])")" = 25000 ] || fail "JSON synapses is not 25000"
[ "$(json "$WORK/full.json" "d['steps']")" = 2000 ] || fail "JSON steps is not 2000"
[ "$(json "$WORK/full.json" "d['overrides']")" = "[]" ] || fail "JSON overrides is not []"
# The time split: no phase negative, the phases add up to simulate, the step loop's phases
# (output also holds the files' closing) take more than 0.05 us per step (no loop is faster) and
# simulate less than the process's wall time (the loop's counter ticks are turned into seconds
# by its own wall time: ticks.h).
json "$WORK/full.json" "(lambda t, ph: min(ph) >= 0 and abs(sum(ph) - t['simulate']) < 1e-6 and \
sum(ph[:3]) > 2000 * 5e-8 and t['simulate'] < $t_end - $t_start)(d['time_s'], \
[d['time_s'][k] for k in ('update', 'exchange', 'delivery', 'output')])" |
    grep -q True || fail "time split $(json "$WORK/full.json" "d['time_s']") in a run of $t_start .. $t_end s"
# Closing the files is a part of output, reported apart (JSON and summary line).
json "$WORK/full.json" "0 < d['time_s']['output_close'] <= d['time_s']['output']" | grep -q True ||
    fail "time_s.output_close is not within output: $(json "$WORK/full.json" "d['time_s']")"
grep -Eq '^time \(s, max over ranks\): .* output [0-9.]+ \(closing the files [0-9.]+\) \| simulate' \
    "$WORK/full.out" || fail "summary line lacks the files' closing time: $(grep '^time' "$WORK/full.out")"
# The step loop allocates nothing and its buffers are touched before it: a few minor page faults
# per rank at most (70 on rank 0 when the spike buffers grew and the recorder's windows
# were first touched in the loop), counted by getrusage around it (not a timing).
# Not under AddressSanitizer (tools/sanitize.sh sets ASAN_OPTIONS): its shadow memory and
# quarantine take faults of their own (about 1,400 in this loop).
if [ -z "${ASAN_OPTIONS:-}" ]; then
    json "$WORK/full.json" "d['page_faults']['step_loop'] < 10 and d['page_faults']['closing'] >= 0" |
        grep -q True || fail "page faults in the step loop: $(json "$WORK/full.json" "d['page_faults']")"
fi
# bench/summary_csv.py reads the same JSON (labelled 1x1, which its 1-rank status line wants):
# one CSV row, then the table with the closing time.
"$PY" "$SRC/bench/summary_csv.py" row "$WORK/bench.csv" "$WORK/full.json" tutorial 1 1 1 0.5 0.1
"$PY" "$SRC/bench/summary_csv.py" table "$WORK/bench.csv" >"$WORK/bench.md"
grep -Eq '^\| tutorial simulate \(1 rank\) \| 18 ms \| <= 1 ms \| [0-9.]+ ms \(1x1; [0-9.e-]+ ms of it closing the files\)' \
    "$WORK/bench.md" || fail "bench table: $(grep 'tutorial simulate' "$WORK/bench.md")"
# One node: snn_mpi asked Open MPI for the shared-memory PML (launch.h), says so in the header
# and the JSON, and Open MPI selected it; a PML the user chose is left alone (null in the JSON).
grep -q "MPI transport: pml ob1" "$WORK/full.out" || fail "header does not name the MPI transport"
json "$WORK/full.json" "d['mpi_transport']" | grep -q "^pml ob1" ||
    fail "JSON mpi_transport: $(json "$WORK/full.json" "d['mpi_transport']")"
OMPI_MCA_pml_base_verbose=10 run pml_chosen 1 -q "$CFG" --validate
grep -q "select: component ob1 selected" "$WORK/pml_chosen.err" "$WORK/pml_chosen.out" ||
    fail "Open MPI did not select pml ob1 on one node"
! grep -q "found loaded component cm" "$WORK/pml_chosen.err" "$WORK/pml_chosen.out" ||
    fail "Open MPI still opened pml cm (and its network probes) on one node"
OMPI_MCA_pml=ob1 run pml_user 2 -q -o "$WORK/pml_user" --summary-json "$WORK/pml_user.json" \
    --set 'run.duration=10 ms' "$CFG"
expect_rc pml_user 0
[ "$(json "$WORK/pml_user.json" "d['mpi_transport']")" = None ] ||
    fail "OMPI_MCA_pml set by the user, yet snn_mpi reports its own choice"
"$PY" "$SRC/tests/check_spike_stats.py" "$WORK/full.json" "$WORK/full/spikes.h5" ||
    fail "Fano factor or correlation differ from numpy's"

# run.stats_sample and run.stats_bin: another sample size and bin width, still numpy's values.
run stats 2 -q -o "$WORK/stats" --summary-json "$WORK/stats.json" --set run.stats_sample=20 \
    --set 'run.stats_bin=5 ms' --set 'run.duration=102 ms' "$CFG"
expect_rc stats 0
[ "$(json "$WORK/stats.json" "d['spike_count_stats']")" = "{'sample': 20, 'bin_ms': 5, 'bins': 20}" ] ||
    fail "run.stats_*: $(json "$WORK/stats.json" "d['spike_count_stats']")"
[ "$(json "$WORK/stats.json" "[len(p['sample_ids']) for p in d['populations']]")" = "[20, 20]" ] ||
    fail "run.stats_sample=20: not 20 sampled neurons per population"
"$PY" "$SRC/tests/check_spike_stats.py" "$WORK/stats.json" "$WORK/stats/spikes.h5" ||
    fail "Fano factor or correlation (20 neurons, 5 ms bins, a partial last bin) differ from numpy's"

# -t 2: two threads per rank, the same spikes and the same statistics.
run threads 2 -q -t 2 -o "$WORK/threads" --summary-json "$WORK/threads.json" "$CFG"
expect_rc threads 0
[ "$(json "$WORK/threads.json" "d['threads']")" = 2 ] || fail "-t 2: JSON threads is not 2"
json "$WORK/threads.json" "[(p['fano_factor'], p['correlation'], p['sample_ids']) for p in d['populations']]" >"$WORK/t2.stats"
json "$WORK/full.json" "[(p['fano_factor'], p['correlation'], p['sample_ids']) for p in d['populations']]" >"$WORK/t1.stats"
cmp -s "$WORK/t1.stats" "$WORK/t2.stats" || fail "-t 2 gave other statistics than -t 1"
for bad in 0 abc; do
    run "threads_$bad" 1 -t "$bad" "$CFG"
    expect_rc "threads_$bad" 1
    grep -q -- "--threads: expected an integer >= 1" "$WORK/threads_$bad.err" || fail "-t $bad: no message"
done

# Threads that must share a core (Open MPI binds a rank to one core by default when -n <= 2):
# a warning naming the fix; none when the rank may use as many cores as it runs threads.
if [ "$(nproc)" -ge 2 ]; then
    set +e
    OMP_NUM_THREADS=2 timeout 300 "$MPIEXEC" --bind-to core -n 1 "$SNN" -q -t 2 -o "$WORK/bound" \
        --set 'run.duration=10 ms' "$CFG" 2>"$WORK/bound.err"
    OMP_NUM_THREADS=2 timeout 300 "$MPIEXEC" --bind-to none -n 1 "$SNN" -q -t 2 -o "$WORK/unbound" \
        --set 'run.duration=10 ms' "$CFG" 2>"$WORK/unbound.err"
    set -e
    grep -q "warning: 2 threads per rank, but a rank may run on only 1 core.*--bind-to none" \
        "$WORK/bound.err" || fail "-t 2 on a rank bound to one core: no warning ($(cat "$WORK/bound.err"))"
    ! grep -q "warning" "$WORK/unbound.err" || fail "--bind-to none -t 2: $(cat "$WORK/unbound.err")"
fi

# -q: nothing on stdout, the summary JSON still written.
run quiet 2 -q -o "$WORK/quiet" --summary-json "$WORK/quiet.json" "$CFG"
expect_rc quiet 0
[ ! -s "$WORK/quiet.out" ] || fail "-q: stdout is not empty: $(head -3 "$WORK/quiet.out")"
[ -f "$WORK/quiet.json" ] || fail "-q: no summary JSON"

# Synaptic events: every delivered spike reaches its 50 targets. With V_init fixed below threshold
# no neuron starts above it: events = spikes x 50; with E starting above threshold, its 400
# initial states are delivered too: (spikes + 400) x 50.
run calm 2 -q -o "$WORK/calm" --summary-json "$WORK/calm.json" \
    --set populations.E.V_init.std=0 --set populations.I.V_init.std=0 "$CFG"
expect_rc calm 0
n=$(total_spikes "$WORK/calm/spikes.h5")
[ "$(json "$WORK/calm.json" "int(d['synapse_events'])")" = $((n * 50)) ] ||
    fail "synapse_events $(json "$WORK/calm.json" "d['synapse_events']") != $n spikes x 50"
run hot 2 -q -o "$WORK/hot" --summary-json "$WORK/hot.json" \
    --set 'populations.E.V_init.mean=-40 mV' --set populations.E.V_init.std=0 \
    --set populations.I.V_init.std=0 "$CFG"
expect_rc hot 0
n=$(total_spikes "$WORK/hot/spikes.h5")
[ "$(json "$WORK/hot.json" "int(d['synapse_events'])")" = $(((n + 400) * 50)) ] ||
    fail "synapse_events $(json "$WORK/hot.json" "d['synapse_events']") != ($n spikes + 400) x 50"

# --- --set ---------------------------------------------------------------------------------------
run set_duration 2 -q -o "$WORK/set_duration" --summary-json "$WORK/set_duration.json" \
    --set 'run.duration=100 ms' --set run.seed=3 "$CFG"
expect_rc set_duration 0
[ "$(json "$WORK/set_duration.json" "d['steps']")" = 1000 ] || fail "--set run.duration: steps not 1000"
[ "$(json "$WORK/set_duration.json" "d['seed']")" = 3 ] || fail "--set run.seed: seed not 3"
[ "$(json "$WORK/set_duration.json" "d['overrides']")" = "['run.duration=100 ms', 'run.seed=3']" ] ||
    fail "JSON overrides: $(json "$WORK/set_duration.json" "d['overrides']")"
# The seed changes the spikes; --set run.seed=S gives the same spikes as a file with seed = S.
with_seed "$CFG" 5 "$WORK/seed5.cfg"
run seed_file 2 -q -o "$WORK/seed_file" "$WORK/seed5.cfg"
run seed_set 2 -q -o "$WORK/seed_set" --set run.seed=5 "$CFG"
expect_rc seed_file 0
expect_rc seed_set 0
spikes_of() {
    "$PY" - "$1" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    for name, g in sorted(f["spikes"].items()):
        print(name, g["node_ids"][:].tobytes().hex(), g["timestamps"][:].tobytes().hex())
PY
}
spikes_of "$WORK/seed_set/spikes.h5" >"$WORK/seed_set.txt"
spikes_of "$WORK/seed_file/spikes.h5" >"$WORK/seed_file.txt"
spikes_of "$WORK/full/spikes.h5" >"$WORK/seed0.txt"
cmp -s "$WORK/seed_set.txt" "$WORK/seed_file.txt" || fail "--set run.seed=5 differs from seed = 5 in the file"
! cmp -s "$WORK/seed_set.txt" "$WORK/seed0.txt" || fail "--set run.seed=5 gave seed 0's spikes"
# Population and projection by name and by index.
run set_sizes 2 -q -o "$WORK/set_sizes" --summary-json "$WORK/set_sizes.json" \
    --set populations.E.size=200 --set 'populations.[1].size=50' --set 'run.duration=20 ms' \
    --set 'projections.E.weight="0.2 mS"' "$CFG"
expect_rc set_sizes 0
[ "$(json "$WORK/set_sizes.json" "[p['neurons'] for p in d['populations']]")" = "[200, 50]" ] ||
    fail "--set sizes: $(json "$WORK/set_sizes.json" "[p['neurons'] for p in d['populations']]")"
# int(0.1 * 250) = 25 targets from each of 250 neurons.
[ "$(json "$WORK/set_sizes.json" "int(d['synapses'])")" = 6250 ] || fail "--set sizes: synapses not 6250"

# Errors: named by the override, exit 2 (1 for a malformed option), nothing written.
run set_type 2 -o "$WORK/e1" --set run.seed=abc "$CFG"
expect_error set_type 2 '^snn_mpi: error: --set run\.seed=abc: expected an integer seed in 0\.\.4294967295, got "abc"$'
run set_unit 2 -o "$WORK/e2" --set 'run.duration=5 mV' "$CFG"
expect_error set_unit 2 '^snn_mpi: error: --set run\.duration=5 mV: expected a time \(ms\), got "5 mV", which is a voltage \(mV\)$'
run set_unknown 2 -o "$WORK/e3" --set 'run.durtion=1 s' "$CFG"
expect_error set_unknown 2 '^snn_mpi: error: --set run\.durtion=1 s: unknown key "durtion" \(did you mean "duration"\?'
run set_path 2 -o "$WORK/e4" --set populations.X.size=3 "$CFG"
expect_error set_path 2 '^snn_mpi: error: --set populations\.X\.size=3: no element named "X" in populations \(names: E, I'
run set_group 2 -o "$WORK/e5" --set projections.E.rule.foo.bar=1 "$CFG"
expect_error set_group 2 'no key "foo" in projections\.E\.rule'
for d in e1 e2 e3 e4 e5; do [ ! -e "$WORK/$d" ] || fail "a bad --set created $WORK/$d"; done
# Ranks started with different overrides (MPMD) are refused like ranks that read other files.
set +e
OMP_NUM_THREADS=1 timeout 120 "$MPIEXEC" --oversubscribe -n 1 "$SNN" -q -o "$WORK/mpmd" --set run.seed=1 "$CFG" : \
    -n 1 "$SNN" -q -o "$WORK/mpmd" --set run.seed=2 "$CFG" >"$WORK/mpmd.out" 2>"$WORK/mpmd.err"
echo $? >"$WORK/mpmd.rc"
set -e
expect_error mpmd 2 'rank 1 read a different file than rank 0 did .*: every rank must see the same config and the same --set overrides'
run set_noeq 2 --set run.seed "$CFG"
expect_rc set_noeq 1
grep -q -- '--set: expected KEY=VALUE (e.g. run.seed=3), got "run.seed"' "$WORK/set_noeq.err" ||
    fail "--set without '=': $(cat "$WORK/set_noeq.err")"
[ "$(grep -c 'expected KEY=VALUE' "$WORK/set_noeq.err")" = 1 ] || fail "--set without '=': not one message"

# --- --validate -------------------------------------------------------------------------------
run validate 2 --validate -o "$WORK/validate_out" "$CFG"
expect_rc validate 0
cat "$WORK/validate.out"
[ ! -e "$WORK/validate_out" ] || fail "--validate created the output directory"
grep -Eq '^E +400$' "$WORK/validate.out" || fail "--validate: no E 400"
grep -Eq '^I +100$' "$WORK/validate.out" || fail "--validate: no I 100"
grep -Eq '^total +500$' "$WORK/validate.out" || fail "--validate: no total 500"
grep -Eq '^E +fixed_outdegree +20000$' "$WORK/validate.out" || fail "--validate: no E 20000"
grep -Eq '^I +fixed_outdegree +5000$' "$WORK/validate.out" || fail "--validate: no I 5000"
grep -Eq '^total +25000$' "$WORK/validate.out" || fail "--validate: no synapse total 25000"
grep -q '^delays: min 0.1 ms (1 step), max 0.1 ms (1 step)$' "$WORK/validate.out" || fail "--validate: delays"
grep -Eq '^memory estimate per rank \(2 ranks x 1 threads, max over ranks\): [0-9.]+ MB$' \
    "$WORK/validate.out" || fail "--validate: memory estimate"
# fixed_prob: the expected count; the overrides are listed.
run validate_prob 1 --validate --set 'projections.[0].rule.type="fixed_prob"' "$CFG"
expect_rc validate_prob 0
grep -Eq '^E +fixed_prob +20000\.0 \(expected\)$' "$WORK/validate_prob.out" || fail "--validate: fixed_prob 0.1 x 400 x 500"
grep -q 'with --set projections.\[0\].rule.type="fixed_prob"' "$WORK/validate_prob.out" || fail "--validate: overrides not listed"
run validate_bad 2 --validate --set 'populations.E.params.tau=-1 ms' "$CFG"
expect_error validate_bad 2 'tau=-1 ms: expected a time > 0'

# --- usage errors ------------------------------------------------------------------------------
run unknown 2 --frobnicate "$CFG"
expect_rc unknown 1
grep -q 'unknown or incomplete option "--frobnicate"' "$WORK/unknown.err" || fail "unknown option: no message"
run noconfig 2 -q
expect_rc noconfig 1
grep -q 'no config file given' "$WORK/noconfig.err" || fail "missing config: no message"
run twoconfigs 1 "$CFG" "$CFG"
expect_rc twoconfigs 1
run missing 2 "$WORK/nonexistent.cfg"
expect_error missing 3 'nonexistent\.cfg: cannot open'
echo "cli: every option and error checked"
