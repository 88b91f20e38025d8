/*
 * build_pieces.h — generating a projection's synapses in bounded pieces.
 *
 * A thread builds a generated projection (any rule but from_file) in two passes over pieces of
 * its owned post ranges: the first counts the synapses per pre, the second regenerates each
 * piece and places its targets into the CSR slots. Every rule is partition-independent (see
 * snn_connect_generate), so the pieces together yield exactly the edges of the whole owned set,
 * and the build holds one piece's edge list at a time instead of all of them.
 *
 * A piece is a run of consecutive owned post indices (it may span several owned ranges) whose
 * expected edge count is at most SNN_BUILD_PIECE_EDGES, and at least one post neuron. For the
 * rules drawn down the tree of connect.h (fixed_outdegree, fixed_total_number) a piece is
 * extended to the end of the tree leaf it stops in: a leaf is drawn whole wherever any of it is
 * owned, so a leaf cut between two pieces would be drawn twice.
 */
#ifndef SNN_BUILD_PIECES_H
#define SNN_BUILD_PIECES_H

#include <stddef.h>
#include <stdint.h>

#include "snn/model.h"
#include "snn/partition.h"

/* Expected edges per piece (24 MiB of snn_edge). A build may define it smaller (e.g.
 * -DSNN_BUILD_PIECE_EDGES=64) to check that many small pieces build the same network. */
#ifndef SNN_BUILD_PIECE_EDGES
#define SNN_BUILD_PIECE_EDGES ((uint64_t)1 << 20)
#endif

/* Expected synapses per post neuron of projection pr's rule (autapses not subtracted). */
double snn_build_edges_per_post(const snn_projection *pr);

/* Post neurons per piece: floor(SNN_BUILD_PIECE_EDGES / edges per post), at least 1. */
uint64_t snn_build_piece_posts(const snn_projection *pr);

/* Edge list capacity reserved for the pieces of `owned_posts` post neurons: the largest piece's
 * expected edges (with a leaf's extension) plus slack, never more than the whole owned set's
 * plus slack. */
size_t snn_build_piece_capacity(const snn_projection *pr, uint64_t owned_posts);

/* Walks the owned ranges (ascending, disjoint) in pieces of at most `posts` post neurons. */
typedef struct {
    const snn_range *owned;
    int n_owned;
    uint64_t posts;
    uint64_t tree_n_post; /* pieces end where this tree's leaves end; 0: anywhere */
    int r;                /* current range */
    uint64_t pos;         /* next post index in it */
} snn_piece_iter;

void snn_piece_iter_init(snn_piece_iter *it, const snn_range *owned, int n_owned, uint64_t posts);

/* The rule's tree size for leaf-aligned pieces: n_post for the tree rules, else 0. */
uint64_t snn_build_piece_tree(const snn_projection *pr);

/* Pieces from now on end where the leaves of the tree over [0, tree_n_post) end (0: anywhere). */
void snn_piece_iter_align(snn_piece_iter *it, uint64_t tree_n_post);

/* Writes the next piece's ranges into out (room for n_owned ranges) and returns how many, or 0
 * when every owned post has been handed out. */
int snn_piece_iter_next(snn_piece_iter *it, snn_range *out);

#endif
