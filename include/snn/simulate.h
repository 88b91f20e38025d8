/*
 * simulate.h — the step loop (DESIGN.md sections 1 and 3).
 *
 * Step n (n = 1, 2, ...) advances the state from (n-1)*dt to n*dt:
 *   1. arrivals due at step n are added to the synapse states, after their decay;
 *   2. neurons integrate I = I_ext + sum of synaptic currents, and emit this step's spikes;
 *   3. the ranks exchange the step's spikes (all ranks get all spikes, sorted by global id);
 *   4. the spikes are handed to the sink (the spike file), stamped n*dt;
 *   5. each thread adds the weights of its own synapses into the ring-buffer slot n + delay.
 * A delay of one step reproduces the reference: spikes of step n-1 reach the synapses at step n.
 * Step 0 is the initial state: neurons whose initial V is at or above threshold are delivered
 * like spikes (as the reference does) but are not recorded.
 */
#ifndef SNN_SIMULATE_H
#define SNN_SIMULATE_H

#include <stddef.h>
#include <stdint.h>

#include "snn/comm.h"
#include "snn/error.h"
#include "snn/network.h"
#include "snn/progress.h"

/* Receives every step's spikes, identical on every rank; may be collective. */
typedef int (*snn_spike_sink)(void *ctx, uint64_t step, const uint32_t *gids, size_t n,
                              snn_error *err);

typedef struct {
    double update, exchange, deliver, output; /* seconds on this rank's master thread */
} snn_timers;

typedef struct {
    snn_network *net;
    snn_comm *comm;
    uint64_t step;   /* last completed step; 0 after snn_sim_start */
    uint32_t *local; /* [n_local] this rank's spikes of one step */
    int *spike_pop;  /* [n_neurons] population of each spike of the step */
    snn_timers timers;
} snn_sim;

/* Collective. Allocates the loop's buffers and delivers the initial state (step 0). */
int snn_sim_start(snn_sim *s, snn_network *net, snn_comm *comm, snn_error *err);

/* Collective. Advances n_steps steps; sink may be NULL, progress may be NULL. */
int snn_sim_run(snn_sim *s, uint64_t n_steps, snn_spike_sink sink, void *sink_ctx,
                snn_progress *progress, snn_error *err);

void snn_sim_free(snn_sim *s);

#endif
