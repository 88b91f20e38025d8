/*
 * shared_rows.h — projections from the same presynaptic populations delivered through one row
 * per presynaptic neuron.
 *
 * Delivery pays for every row it starts (measured with the delivery loop alone on 2026-12-08:
 * about 170 ns a row beside 3.4 ns a synapse: the row's first cache lines of three arrays come
 * from memory) and a spike starts one row per projection out of its population on every
 * thread. The cortical microcircuit has 8 projections out of each population with about 240
 * synapses per thread in each row; merged into one row they cost one start instead of 8.
 *
 * After a thread has built and compacted its stores, its projections are grouped and each
 * group's stores merged (snn_synapses_merge): row r of the group is row r of its first member,
 * then of its second, and so on. Every member's entry in ts->syn then holds the group's store,
 * so that a reader of one projection (the network export) sees the group's rows and keeps its
 * own synapses by their target population. ts->store_proj lists the stores to deliver.
 *
 * Projection q joins the group of an earlier projection p when they have the same presynaptic
 * population list, channel and store layout (and the same weight, or delay, where the store
 * keeps none per synapse), their postsynaptic populations are disjoint from every member's,
 * 2-byte targets stay within 65,536 of the group's smallest, and the canonical order of
 * arrivals survives (DESIGN.md section 3: projection, then presynaptic id, then row order): a
 * ring cell receives from one member of a group at most, groups deliver in the order of their
 * first members, so q may join group G only if every earlier projection that reaches one of
 * q's postsynaptic populations through the same channel is in a group delivered before G.
 * Each thread groups its own stores (layouts depend on its share), and the spike files are
 * byte-identical with and without sharing (tests/run_determinism.sh). SNN_SHARED_ROWS=0 in the
 * environment turns it off, for such comparisons.
 */
#ifndef SNN_SHARED_ROWS_H
#define SNN_SHARED_ROWS_H

#include "snn/error.h"
#include "snn/network.h"

/* Groups thread ts's built stores and merges each group's (see above); with net->shared_rows
 * 0 every projection keeps its own store. Sets ts->syn_owner, ts->store_proj and ts->n_stores.
 * Out of memory leaves every store either merged or as it was, so snn_network_free frees each
 * once. */
int snn_shared_rows_build(const snn_network *net, snn_thread_state *ts, snn_error *err);

#endif
