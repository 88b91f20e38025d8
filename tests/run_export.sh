# SONATA network export and import (--export-network, rule "from_file"):
# - the export is byte-identical on 1, 2 and 3 ranks (and 2 threads); its nodes and edges agree
#   with the summary's synapse count, ids are in range, attributes are there, and the
#   tutorial's fixed_outdegree projections give every source exactly int(500 * 0.1) = 50 edges;
# - round trips: the tutorial, a network with drawn weights and delays (multapses, a pre list,
#   coba, alpha; also with empty edge populations), a reduced Brunel network and a reduced
#   microcircuit (iaf_psc_exp, 64 projections), re-simulated from their edge files through
#   tools/sonata_config.py, give byte-identical spike files, also on another rank count, and
#   re-exporting the imported network gives the same edges.h5; without the target index (read
#   by chunks) too;
# - from_file errors on 2 ranks: each message (config file:line:key and the edge file) and exit
#   status.
. "$(dirname "$0")/common.sh"
cd "$WORK"
export OMP_NUM_THREADS=1

export_on() { # export_on N CFG DIR OUT [threads]
    OMP_NUM_THREADS=${5:-1} mpirun_n "$1" -q -o "$4" --summary-json "$4.json" --export-network "$3" "$2" ||
        fail "export of $2 on $1 ranks failed"
}

# ---- the tutorial: byte-identical export for any rank and thread count ----------------------
T="$SRC/examples/ei_balanced.cfg"
export_on 1 "$T" net1 out1
export_on 2 "$T" net2 out2
export_on 3 "$T" net3 out3
export_on 2 "$T" net2t out2t 2
for d in net2 net3 net2t; do
    for f in nodes.h5 edges.h5 node_types.csv edge_types.csv circuit_config.json; do
        cmp "net1/$f" "$d/$f" || fail "$d/$f differs from net1/$f"
    done
done
[ ! -e net1/edges.h5.partial ] || fail "a .partial file was left behind"

"$PY" - net1 out1.json <<'PY' || fail "tutorial export content"
import json, sys
import h5py, numpy as np
d, summary = sys.argv[1], json.load(open(sys.argv[2]))
sizes = {"E": 400, "I": 100}
with h5py.File(f"{d}/nodes.h5", "r") as f:
    assert sorted(f["nodes"]) == ["E", "I"], list(f["nodes"])
    for q, (name, n) in enumerate(sizes.items()):
        g = f["nodes"][name]
        assert (g["node_type_id"][:] == q).all() and (g["node_group_id"][:] == 0).all()
        assert (g["node_group_index"][:] == np.arange(n)).all() and "0" in g
total = 0
outdeg = {p: np.zeros(n, np.int64) for p, n in sizes.items()}
with h5py.File(f"{d}/edges.h5", "r") as f:
    names = sorted(f["edges"])
    assert names == ["E:E->E", "E:E->I", "I:I->E", "I:I->I"], names
    for name in names:
        g = f["edges"][name]
        src, tgt = g["source_node_id"], g["target_node_id"]
        pre, post = src.attrs["node_population"], tgt.attrs["node_population"]
        assert name.startswith(f"{pre}:{pre}->{post}"), (name, pre, post)
        assert src.dtype == np.uint64 and tgt.dtype == np.uint64
        s, t = src[:].astype(np.int64), tgt[:].astype(np.int64)
        n = len(s)
        total += n
        assert 0 <= s.min() and s.max() < sizes[pre] and 0 <= t.min() and t.max() < sizes[post]
        assert (np.diff(t) >= 0).all(), "edges are not sorted by target"
        for k in ("edge_type_id", "edge_group_id", "edge_group_index", "0/syn_weight", "0/delay"):
            assert len(g[k]) == n, k
        assert (g["edge_group_id"][:] == 0).all() and (g["edge_group_index"][:] == np.arange(n)).all()
        w = {"E": np.float32(0.15811388300841897), "I": np.float32(-0.31622776601683794)}[pre]
        assert (g["0/syn_weight"][:] == w).all() and (g["0/delay"][:] == 0.1).all()
        # target index: node i's edges are range_to_edge_id[node_id_to_ranges[i]]
        n2r = g["indices/target_to_source/node_id_to_ranges"][:]
        r2e = g["indices/target_to_source/range_to_edge_id"][:]
        assert n2r.shape == (sizes[post], 2)
        for i in range(sizes[post]):
            for r in range(n2r[i, 0], n2r[i, 1]):
                assert (t[r2e[r, 0]:r2e[r, 1]] == i).all()
        assert sum(int(b - a) for a, b in r2e) == n
        outdeg[pre] += np.bincount(s, minlength=sizes[pre])
assert total == summary["synapses"] == 25000, (total, summary["synapses"])
for p, c in outdeg.items():
    assert (c == 50).all(), (p, c.min(), c.max())  # int(500 * 0.1) per source, E and I together
PY
grep -q '"nodes_file": "$NETWORK_DIR/nodes.h5"' net1/circuit_config.json || fail "circuit_config.json"
grep -q '"edges_file": "$NETWORK_DIR/edges.h5"' net1/circuit_config.json || fail "circuit_config.json"
head -1 net1/node_types.csv | grep -q '^node_type_id pop_name model_type model_template' || fail "node_types.csv"
echo "export: byte-identical on 1/2/3 ranks, 25000 edges, out-degree 50"

# ---- round trips -----------------------------------------------------------------------------
roundtrip() { # roundtrip NAME CFG EXPORT_RANKS RERUN_RANKS...
    local name=$1 cfg=$2 n=$3
    shift 3
    export_on "$n" "$cfg" "$name.net" "$name.out"
    "$PY" "$SRC/tools/sonata_config.py" "$cfg" "$name.net" || fail "$name: sonata_config.py"
    grep -q 'type = "from_file"' "$name.net/net_from_file.cfg" || fail "$name: no from_file rule"
    for r in "$@"; do
        # one rank runs 2 threads: the import is independent of the thread count as well
        OMP_NUM_THREADS=$((r == 1 ? 2 : 1)) mpirun_n "$r" -q -o "$name.rt$r" --export-network "$name.re$r" "$name.net/net_from_file.cfg" ||
            fail "$name: re-run on $r ranks failed"
        cmp "$name.out/spikes.h5" "$name.rt$r/spikes.h5" ||
            fail "$name: spikes of the re-run on $r ranks differ from the original"
        cmp "$name.net/edges.h5" "$name.re$r/edges.h5" || fail "$name: re-export on $r ranks differs"
    done
    echo "$name: round trip byte-identical (exported on $n ranks, re-run on $* ranks)"
}
roundtrip tutorial "$T" 1 1 3
roundtrip drawn "$SRC/tests/configs/export_drawn.cfg" 2 1 3
# Empty edge populations (prob = 0) are written and read back too.
sed 's/prob = 0.05;/prob = 0.0;/' "$SRC/tests/configs/export_drawn.cfg" >empty.cfg
grep -q 'prob = 0.0;' empty.cfg || fail "could not make empty.cfg"
roundtrip empty empty.cfg 2 3
"$PY" -c 'import h5py, sys; assert len(h5py.File(sys.argv[1])["edges/EE:E->E/source_node_id"]) == 0' \
    empty.net/edges.h5 || fail "empty: EE:E->E is not empty"
reduced "$SRC/examples/brunel.cfg" 0.05 "50 ms" brunel.cfg
roundtrip brunel brunel.cfg 3 2
# iaf_psc_exp, 64 projections with drawn weights and delays (microcircuit at 2 %, in-degrees at
# 10 %).
reduced "$SRC/examples/microcircuit.cfg" 0.02 "30 ms" microcircuit.cfg
sed -i 's/scale = 0.02;/scale = 0.02; scale_k = 0.1;/' microcircuit.cfg
grep -q 'scale_k = 0.1;' microcircuit.cfg || fail "could not set scale_k"
roundtrip microcircuit microcircuit.cfg 2 3

# The drawn network really has per-synapse weights and delays in its file.
"$PY" - drawn.net <<'PY' || fail "drawn export content"
import sys, h5py, numpy as np
with h5py.File(f"{sys.argv[1]}/edges.h5", "r") as f:
    assert sorted(f["edges"]) == ["EE:E->E", "EE:E->I", "I->E", "toI:E->I", "toI:I->I"]
    g = f["edges/EE:E->E"]
    w, d = g["0/syn_weight"][:], g["0/delay"][:]
    assert len(np.unique(w)) > 100 and len(np.unique(d)) > 5, (len(np.unique(w)), len(np.unique(d)))
    assert np.allclose(d / 0.1, np.round(d / 0.1)) and d.min() >= 0.1
    assert len(f["edges/I->E/source_node_id"]) == 2000
PY

# Without the target index the reader scans target_node_id in chunks: same spikes.
mkdir -p noindex
cp drawn.net/edges.h5 noindex/edges.h5
"$PY" - noindex/edges.h5 <<'PY' || fail "could not strip the index"
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    for g in f["edges"].values():
        del g["indices"]
PY
sed 's#file = "edges.h5"#file = "../noindex/edges.h5"#' drawn.net/net_from_file.cfg >drawn.net/noindex.cfg
mpirun_n 2 -q -o drawn.noindex drawn.net/noindex.cfg || fail "re-run without index failed"
cmp drawn.out/spikes.h5 drawn.noindex/spikes.h5 || fail "re-run without the index differs"
echo "drawn: without the target index: byte-identical"

# An export directory that cannot be made: exit status 3 on every rank, one message, no run.
touch notadir
mpirun_n 2 -q -o err.export --export-network notadir "$T" 2>err.export.stderr
rc=$?
[ "$rc" -eq 3 ] || { cat err.export.stderr; fail "export into a file: exit status $rc, expected 3"; }
[ "$(grep -c 'snn_mpi: error: --export-network: notadir exists but is not a directory' err.export.stderr)" -eq 1 ] ||
    { cat err.export.stderr; fail "export into a file: message"; }
[ ! -e err.export/spikes.h5 ] || fail "export into a file: the run went on"
echo "export_not_a_directory: $(grep 'snn_mpi: error:' err.export.stderr)"

# ---- from_file errors ------------------------------------------------------------------------
# expect_error NAME STATUS PATTERN CFG: on 2 ranks, one message matching PATTERN, exit STATUS.
expect_error() {
    local name=$1 want=$2 pattern=$3 cfg=$4
    timeout 120 "$MPIEXEC" --oversubscribe -n 2 "$SNN" -q -o "err.$name" "$cfg" >"err.$name.stdout" 2>"err.$name.stderr"
    local rc=$?
    [ "$rc" -eq "$want" ] || { cat "err.$name.stderr"; fail "$name: exit status $rc, expected $want"; }
    [ "$(grep -c 'snn_mpi: error:' "err.$name.stderr")" -eq 1 ] || { cat "err.$name.stderr"; fail "$name: not exactly one error line"; }
    grep -Eq -- "$pattern" "err.$name.stderr" || { cat "err.$name.stderr"; fail "$name: message does not match /$pattern/"; }
    [ ! -e "err.$name/spikes.h5" ] || fail "$name: a spike file was written"
    echo "$name: $(grep 'snn_mpi: error:' "err.$name.stderr")"
}
B=tutorial.net/net_from_file.cfg
line=$(grep -n 'population = "E:E->E"' "$B" | head -1 | cut -d: -f1)
mk() { # mk NAME SED-EXPR: a broken copy of the tutorial's from_file config in tutorial.net/
    sed -e "$2" "$B" >"tutorial.net/$1.cfg"
}
mk missing_file 's#file = "edges.h5"; population = "E:E->E"#file = "nothing.h5"; population = "E:E->E"#'
expect_error missing_file 3 "missing_file\.cfg:$line: projections\[0\]\.rule\.file: tutorial\.net/nothing\.h5: edge population \"E:E->E\": cannot open the edge file: No such file" tutorial.net/missing_file.cfg
mk missing_pop 's#population = "E:E->E"#population = "E-E"#'
expect_error missing_pop 2 "missing_pop\.cfg:$line: projections\[0\]\.rule\.population: tutorial\.net/edges\.h5: edge population \"E-E\": no such population in the file \(found: \"E:E->E\", \"E:E->I\", \"I:I->E\", \"I:I->I\"\)" tutorial.net/missing_pop.cfg
mk wrong_pre '0,/pre = "E"; post = "E"/s//pre = "I"; post = "E"/'
expect_error wrong_pre 2 "wrong_pre\.cfg:[0-9]+: projections\[0\]\.pre: expected the node population of the edge file's source_node_id \(\"E\" in tutorial\.net/edges\.h5, edge population \"E:E->E\"\), got \"I\"" tutorial.net/wrong_pre.cfg
mk pre_list '0,/pre = "E"; post = "E"/s//pre = ["E", "I"]; post = "E"/'
expect_error pre_list 2 "pre_list\.cfg:$line: projections\[0\]\.rule: expected one pre and one post population with rule \"from_file\"" tutorial.net/pre_list.cfg
mk drawn_delay '0,/output = { type = "cuba"; }; }/s//output = { type = "cuba"; }; delay = { mean = "1 ms"; std = "0.2 ms"; }; }/'
expect_error drawn_delay 2 "drawn_delay\.cfg:[0-9]+: projections\[0\]\.delay: expected a constant delay with rule \"from_file\"" tutorial.net/drawn_delay.cfg
mk drawn_weight '0,/output = { type = "cuba"; }; }/s//output = { type = "cuba"; }; weight = { mean = "1 mA"; std = "0.1 mA"; }; }/'
expect_error drawn_weight 2 "drawn_weight\.cfg:[0-9]+: projections\[0\]\.weight: expected a constant weight with rule \"from_file\"" tutorial.net/drawn_weight.cfg
mk bad_key 's#population = "E:E->E"; }#population = "E:E->E"; prob = 0.1; }#'
expect_error bad_key 2 "bad_key\.cfg:$line: projections\[0\]\.rule: unknown key \"prob\" \(known keys: type, file, population\)" tutorial.net/bad_key.cfg

# Broken edge files: each a copy of the tutorial's, changed with h5py.
broken() { # broken NAME PYTHON (g: the group /edges/E:E->E of a writable copy)
    mkdir -p "tutorial.net/$1"
    cp tutorial.net/edges.h5 "tutorial.net/$1/edges.h5"
    "$PY" - "tutorial.net/$1/edges.h5" "$2" <<'PY' || fail "$1: could not break the file"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    g = f["edges/E:E->E"]
    exec(sys.argv[2])
PY
    sed "s#file = \"edges.h5\"; population = \"E:E->E\"#file = \"$1/edges.h5\"; population = \"E:E->E\"#" "$B" >"tutorial.net/$1.cfg"
}
broken src_range 'g["source_node_id"][7] = 400'
expect_error src_range 2 "src_range\.cfg:$line: projections\[0\]\.rule\.population: tutorial\.net/src_range/edges\.h5: edge population \"E:E->E\": edge 7: expected a source_node_id in \[0, 400\) \(population \"E\"\), got 400" tutorial.net/src_range.cfg
broken tgt_negative 't = g["target_node_id"][:].astype(np.int64); t[9000] = -3; del g["target_node_id"]; g["target_node_id"] = t; g["target_node_id"].attrs["node_population"] = "E"'
expect_error tgt_negative 2 "edge 9000: expected a target_node_id in \[0, 400\) \(population \"E\"\), got -3" tutorial.net/tgt_negative.cfg
broken delay_multiple 'g["0/delay"][12] = 0.15'
expect_error delay_multiple 2 "tutorial\.net/delay_multiple/edges\.h5: edge population \"E:E->E\": edge 12: expected a delay that is a whole multiple of dt = 0\.1 ms, at least dt and at most 32768 steps, got 0\.1499" tutorial.net/delay_multiple.cfg
broken delay_short 'g["0/delay"][15000] = 0.05'
expect_error delay_short 2 "edge 15000: expected a delay that is a whole multiple of dt = 0\.1 ms, at least dt .*got 0\.05" tutorial.net/delay_short.cfg
broken count_mismatch 't = g["target_node_id"][:-1]; del g["target_node_id"]; g["target_node_id"] = t; g["target_node_id"].attrs["node_population"] = "E"'
expect_error count_mismatch 2 "count_mismatch/edges\.h5: edge population \"E:E->E\": expected as many source_node_id as target_node_id, got 16051 and 16050" tutorial.net/count_mismatch.cfg
broken no_weight 'del g["0/syn_weight"]'
expect_error no_weight 2 "no_weight\.cfg:[0-9]+: projections\[0\]: missing required key \"weight\": the edge population \"E:E->E\" in tutorial\.net/no_weight/edges\.h5 has no 0/syn_weight" tutorial.net/no_weight.cfg
broken index_size 'n = g["indices/target_to_source/node_id_to_ranges"][:-1]; del g["indices/target_to_source/node_id_to_ranges"]; g["indices/target_to_source/node_id_to_ranges"] = n'
expect_error index_size 2 "expected the target index to cover the 400 neurons of population \"E\", got 399 nodes" tutorial.net/index_size.cfg
broken index_range 'r = g["indices/target_to_source/range_to_edge_id"]; r[3, 1] = 99999'
expect_error index_range 2 "index_range/edges\.h5: edge population \"E:E->E\": indices/target_to_source/range_to_edge_id\[3\] = \[[0-9]+, 99999\): expected start <= end <= 16051 \(the edges\)" tutorial.net/index_range.cfg
broken index_negative 'r = g["indices/target_to_source/node_id_to_ranges"]; r[5] = [6, 5]'
expect_error index_negative 2 "indices/target_to_source/node_id_to_ranges\[5\] = \[6, 5\): expected start <= end <= 400 \(the rows of range_to_edge_id\)" tutorial.net/index_negative.cfg
# Without syn_weight but with a weight key, the key is used (and the run goes through).
sed -e '0,/output = { type = "cuba"; }; }/s//output = { type = "cuba"; }; weight = "0.15811388300841897 mS"; }/' tutorial.net/no_weight.cfg >tutorial.net/weight_key.cfg
mpirun_n 2 -q -o weight_key tutorial.net/weight_key.cfg || fail "weight key with a file without syn_weight"
cmp tutorial.out/spikes.h5 weight_key/spikes.h5 || fail "weight key instead of syn_weight: spikes differ"
echo "weight_key: the projection's weight replaces a missing syn_weight (same spikes)"
echo "PASS"
