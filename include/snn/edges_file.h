/*
 * edges_file.h — the connectivity rule "from_file": edges read from a SONATA edge population.
 *
 * A projection { pre = "E"; post = "I"; rule = { type = "from_file"; file = "net/edges.h5";
 * population = "E->I"; }; ... } takes its synapses from /edges/<population> of the file:
 * source_node_id and target_node_id (population-local ids; their attribute node_population must
 * name the projection's pre and post population), and, when present, 0/syn_weight and 0/delay
 * (ms), which replace the projection's weight and delay keys.
 *
 * Two stages:
 * - snn_edges_prepare (collective, after the config is read, before the memory estimate): every
 *   rank checks a 1/R slice of every from_file population (ids in range, delays >= dt and whole
 *   multiples of dt, weights finite, group 0 only), and the ranks agree on the edge count
 *   (stored as total_number, for the estimate) and on the delay range (min_delay and max_delay
 *   of the exchange). Weights or delays that are the same for every edge become the
 *   projection's constants, so such a network keeps 4 bytes per synapse.
 * - snn_edges_read (one rank, no communication): the edges whose target this rank owns, in file
 *   order. With an index /edges/<pop>/indices/target_to_source (libsonata layout) only the
 *   owned targets' edge ranges are read; without one, target_node_id is read in chunks of
 *   SNN_EDGES_CHUNK and the owned edges picked out. Either way with hyperslab reads.
 *
 * network.c then feeds them to the generic CSR build with key = position in file order, so each
 * presynaptic row is in (post index, file order): for a file written by --export-network (edges
 * sorted by target, source, then the simulated row order) that is the simulated row order, and
 * the re-run sums its arrivals in the same order (bit-identical spikes).
 */
#ifndef SNN_EDGES_FILE_H
#define SNN_EDGES_FILE_H

#include <stdint.h>

#include "snn/comm.h"
#include "snn/connect.h"
#include "snn/error.h"
#include "snn/model.h"
#include "snn/partition.h"
#include "snn/real.h"

/* Edges per hyperslab read (bounds the reader's temporary memory). */
#define SNN_EDGES_CHUNK ((uint64_t)1 << 16)

/* The edges of one from_file projection that one rank stores, in file order. */
typedef struct snn_file_edges {
    uint64_t n;
    uint64_t *pre, *post; /* [n] population-local source and target ids */
    snn_real *weight;     /* [n], or NULL when the projection's weight is a constant */
    uint16_t *delay;      /* [n] delays in steps, or NULL when constant */
} snn_file_edges;

/* Collective over c: checks every from_file projection of m and completes its description
 * (total_number, file_weights, file_delays, weight and delay constants, delay range). Errors
 * name the config file, line and key, and the edge file. SNN_OK at once without from_file. */
int snn_edges_prepare(snn_model *m, snn_comm *c, snn_error *err);

/* Reads the edges of projection p (prepared) whose target id lies in `targets`. Not
 * collective. On failure *out is empty. */
int snn_edges_read(const snn_model *m, int p, snn_range targets, snn_file_edges *out,
                   snn_error *err);

void snn_file_edges_free(snn_file_edges *e);

/* Appends to list the edges of e whose post id lies in the owned ranges (sorted, disjoint),
 * with key = the edge's position in e (ascending file order). */
int snn_file_edges_select(const snn_file_edges *e, const snn_range *owned, int n_owned,
                          snn_edge_list *list, snn_error *err);

/* A delay d (ms) as whole steps of dt: returns the steps (1 .. SNN_EDGES_MAX_DELAY_STEPS), or
 * -1 when d < dt (or not a number), -2 when d is not a whole multiple of dt (relative
 * tolerance 1e-6, as the config's delays), -3 when it is beyond the 16-bit per-synapse store. */
#define SNN_EDGES_MAX_DELAY_STEPS 32768
int snn_edges_delay_steps(double d, double dt);

#endif
