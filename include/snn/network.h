/*
 * network.h — one rank's part of the network: its neurons, their state, their incoming synapses.
 *
 * Partition (DESIGN.md section 3): each population is split into near-equal contiguous slices,
 * one per rank, and each rank slice again among the rank's threads. A thread's neurons are
 * stored contiguously, population after population ("segments"), so a thread first-touches and
 * alone writes its own state.
 *
 * Synapses live with their postsynaptic neuron: each thread keeps, per projection, a CSR table
 * indexed by the presynaptic index (the position in the projection's pre index space) whose
 * entries are thread-local target indices. Delivery therefore needs no atomics and no locks, and
 * each target's arrivals are summed in a canonical order (projection, then global spike order).
 */
#ifndef SNN_NETWORK_H
#define SNN_NETWORK_H

#include <stdint.h>

#include "snn/channel.h"
#include "snn/error.h"
#include "snn/iaf_psc_exp.h"
#include "snn/input.h"
#include "snn/lif.h"
#include "snn/partition.h"
#include "snn/rng.h"
#include "snn/model.h"
#include "snn/real.h"
#include "snn/synapse_store.h"

/* The neurons of one population held by one thread: thread-local [begin, end). */
typedef struct {
    int pop;
    uint32_t begin, end;
    uint64_t gid_begin; /* global id of the neuron at `begin` */
} snn_segment;

typedef struct {
    uint32_t n;          /* neurons of this thread */
    snn_segment *segs;   /* [n_pops] */
    snn_real *V;         /* [n] membrane potential, stored un-reset */
    int64_t *last_spike; /* [n] step of the last spike */
    snn_real *g;         /* [n_channels * n] synapse states */
    snn_real *h;         /* [n_channels * n] second states (alpha h, dual_expon rise) */
    int32_t *refr;       /* [n] iaf_psc_exp: remaining refractory steps */
    snn_real *ring;      /* [n_channels * ring_len * n] arrivals by step */
    snn_synapses *syn;   /* [n_projs]; the projections of a group share one store */
    int *syn_owner;      /* [n_projs] the projection whose entry owns (frees) p's store */
    int *store_proj;     /* [n_stores] the stores to deliver (by owner), in delivery order */
    int n_stores;        /* this thread's stores (shared_rows.h) */
    uint64_t n_syn;      /* synapses stored by this thread */
    uint64_t n_events;   /* synapses reached by the spikes delivered so far */
    uint64_t *spikes;    /* [n * min_delay] this interval's spikes, snn_spike_pack(k, gid) */
    size_t n_spikes;
    uint64_t bad_step; /* first step in which a V of this thread became NaN or inf; 0: none */
    uint32_t bad_i;    /* which neuron (thread-local index) */
    /* Per-neuron statistics for the summary. */
    uint32_t *spike_count; /* [n] */
    double *isi_sum;       /* [n] sum of inter-spike intervals, in steps */
    double *isi_sq;        /* [n] sum of their squares */
} snn_thread_state;

/* One external input, ready for the step loop. */
typedef struct {
    snn_input_kind kind;
    int pop;
    int channel;           /* poisson: the channel its counts arrive in */
    snn_real weight;       /* poisson */
    snn_poisson_dist dist; /* poisson: Poisson(rate * n_sources * dt) per neuron and step */
    uint64_t first_step, last_step; /* poisson: active in these steps */
    uint64_t gid_end;               /* poisson: neurons with a smaller global id receive it */
    snn_step_schedule schedule;     /* step */
} snn_net_input;

typedef struct snn_network {
    const snn_model *model;
    int rank, n_ranks, n_threads;
    int shared_rows; /* group projections into shared rows (shared_rows.h); SNN_SHARED_ROWS=0: no */
    snn_channels channels;
    snn_lif *lif;          /* [n_pops] propagators (model lif) */
    snn_iaf *iaf;          /* [n_pops] propagators (model iaf_psc_exp) */
    snn_iaf_syn *iaf_syn;  /* [n_pops * n_channels] current propagators (iaf_psc_exp) */
    snn_net_input *inputs; /* [n_inputs] */
    int has_poisson_input, has_step_input;
    snn_real *I_ext;       /* [n_pops] */
    int64_t *pre_base;     /* [n_projs * n_pops]: pre index of the pop's neuron 0, or -1 */
    int min_delay;         /* steps: spikes are exchanged once per min_delay steps */
    int max_delay;         /* steps */
    int ring_len;          /* max_delay + min_delay, in steps */
    snn_thread_state *thr; /* [n_threads] */
    uint64_t n_local;      /* neurons on this rank */
    uint64_t n_syn_local;  /* synapses on this rank */
    struct snn_file_edges *file_edges; /* [n_projs] during the build: from_file edges read */
} snn_network;

/* Builds this rank's part: partition, initial state (from the seed), incoming synapses.
 * Runs the threads' shares in parallel. */
int snn_network_build(snn_network *net, const snn_model *m, int rank, int n_ranks, int n_threads,
                      snn_error *err);
void snn_network_free(snn_network *net);

/* Synaptic events on this rank so far: the sum of the threads' n_events. */
uint64_t snn_network_events(const snn_network *net);

/* This rank's slice of population pop for thread t: population-local [begin, end). */
snn_range snn_network_slice(const snn_model *m, int pop, int rank, int n_ranks, int n_threads,
                            int t);

#endif
