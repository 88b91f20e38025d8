# The generic build in many pieces (include/snn/build_pieces.h): snn_mpi_small_pieces is snn_mpi
# with pieces of 64 expected edges (-DSNN_BUILD_PIECE_EDGES=64), so every projection of these
# networks is built in many pieces (counted by snn_connect_count, then generated and placed one
# piece at a time, leaf-aligned for the tree rules), where snn_mpi builds each in one piece. The
# exported networks (SONATA edges, with drawn weights and delays) and the spike files must be
# byte-identical:
# - every rule with autapses and multapses on and off, pre and post lists
#   (tests/configs/pieces_all_rules.cfg), on 1 rank, and in pieces on 2 ranks x 2 threads;
# - a reduced microcircuit (fixed_total_number with multapses: the leaf's counting mode).
# Called as: bash pieces_build.sh <snn_mpi> <source dir> <work dir> <snn_mpi_small_pieces>
. "$(dirname "$0")/common.sh"
SMALL=$4
cd "$WORK"
export OMP_NUM_THREADS=1

build_on() { # build_on BIN N CFG NET OUT [threads]
    local bin=$1
    shift
    OMP_NUM_THREADS=${5:-1} timeout 300 "$MPIEXEC" --oversubscribe -n "$1" "$bin" -q -o "$4" \
        --export-network "$3" "$2" >/dev/null || fail "$bin on $1 ranks: $2 failed"
}

same_network() { # same_network DIR_A DIR_B OUT_A OUT_B
    for f in nodes.h5 edges.h5; do
        cmp "$1/$f" "$2/$f" || fail "$2/$f differs from $1/$f"
    done
    cmp "$3/spikes.h5" "$4/spikes.h5" || fail "$4/spikes.h5 differs from $3/spikes.h5"
}

R="$SRC/tests/configs/pieces_all_rules.cfg"
build_on "$SNN" 1 "$R" rules_whole out_whole
build_on "$SMALL" 1 "$R" rules_pieces out_pieces
build_on "$SMALL" 2 "$R" rules_pieces22 out_pieces22 2
same_network rules_whole rules_pieces out_whole out_pieces
same_network rules_whole rules_pieces22 out_whole out_pieces22
[ "$(total_spikes out_whole/spikes.h5)" -gt 1000 ] || fail "all-rules network: too few spikes"

reduced "$SRC/examples/microcircuit.cfg" 0.02 "30 ms" microcircuit.cfg
build_on "$SNN" 1 microcircuit.cfg mc_whole mc_out_whole
build_on "$SMALL" 1 microcircuit.cfg mc_pieces mc_out_pieces
same_network mc_whole mc_pieces mc_out_whole mc_out_pieces
echo "pieces_build: every rule and the reduced microcircuit build the same network in pieces of 64 edges"
