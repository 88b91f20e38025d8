/*
 * network_export.h — the built network as SONATA nodes and edges (--export-network DIR).
 *
 * Written by all ranks together (parallel HDF5, one file each for all ranks):
 *   DIR/nodes.h5          /nodes/<population>/{node_type_id, node_group_id, node_group_index, 0/}
 *                         one node population per snn population, ids population-local;
 *   DIR/node_types.csv    one line per population: model and parameters (units in the header);
 *   DIR/edges.h5          /edges/<edge population>/{source_node_id, target_node_id (uint64,
 *                         attribute node_population), edge_type_id, edge_group_id,
 *                         edge_group_index, 0/syn_weight (snn_real, as simulated), 0/delay
 *                         (float64, ms = steps * dt), indices/target_to_source/...};
 *   DIR/edge_types.csv    one line per edge population: projection, synapse and output;
 *   DIR/circuit_config.json  the SONATA circuit config naming these four files.
 *
 * One edge population per (projection, pre population, post population): a projection whose pre
 * or post lists several populations is split, in population order, and the parts are named
 * "<projection>:<pre>-><post>" (a projection between two single populations keeps its name).
 * The edges are exactly the synapses each rank stores, ordered by (target id, source id, row
 * order in the synapse store). Each rank owns a contiguous slice of every post population, so
 * it writes one contiguous block per edge population (offsets by MPI_Exscan), and the files are
 * byte-identical for any number of ranks and threads. Every file is written as <name>.partial
 * and renamed when complete.
 */
#ifndef SNN_NETWORK_EXPORT_H
#define SNN_NETWORK_EXPORT_H

#include <stddef.h>

#include "snn/comm.h"
#include "snn/error.h"
#include "snn/network.h"

/* Collective over c: writes the files above into dir (created if needed). */
int snn_network_export(const snn_network *net, snn_comm *c, const char *dir, snn_error *err);

/* The name of the edge population of projection pr from population `pre` to `post`: pr->name
 * when pr joins one population to one, else "<pr->name>:<pre>-><post>". */
void snn_export_edge_population_name(const snn_projection *pr, const char *pre, const char *post,
                                     char *buf, size_t len);

#endif
