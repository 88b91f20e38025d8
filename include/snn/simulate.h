/*
 * simulate.h — the step loop (DESIGN.md sections 1 and 3).
 *
 * Step n (n = 1, 2, ...) advances the state from (n-1)*dt to n*dt:
 *   1. arrivals due at step n are added to the synapse states, after their decay;
 *   2. neurons integrate I = I_ext + sum of synaptic currents, and emit this step's spikes;
 *   3. the ranks exchange the step's spikes (all ranks get all spikes, sorted by global id);
 *   4. the spikes are handed to the sink (the spike file), stamped n*dt;
 *   5. each thread adds the weights of its own synapses into the ring-buffer slot n + delay.
 * Steps 3 to 5 run once per exchange interval of min_delay steps (the shortest delay in the
 * network): no spike can reach a synapse sooner, so the threads advance min_delay steps without
 * talking to anyone, and one MPI_Allgatherv carries the interval's spikes with their step
 * offsets. Arrivals are summed in the order (step, projection, global id, row position) either
 * way, so the result is bit-identical to exchanging every step.
 * A delay of one step reproduces the reference: spikes of step n-1 reach the synapses at step n.
 * State recorders (recorder.h, when sim.rec is set): each thread copies the sampled states of its
 * own neurons after step 2; the master thread writes full windows after step 4.
 * Step 0 is the initial state: neurons whose initial V is at or above threshold are delivered
 * like spikes (as the reference does) but are not recorded.
 */
#ifndef SNN_SIMULATE_H
#define SNN_SIMULATE_H

#include <signal.h>
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
    uint64_t step;      /* last completed step; 0 after snn_sim_start */
    int interval;       /* steps per exchange: min_delay, or fewer (snn_sim_set_interval) */
    uint64_t *local;    /* [n_local * min_delay] this rank's spikes of one interval */
    size_t cap;         /* capacity of the per-spike arrays below (grown when needed) */
    int *spike_pop;     /* [cap] population of each spike of the interval */
    uint32_t *gids;     /* [cap] global id of each spike of the interval */
    size_t *step_begin; /* [min_delay + 1] where each step's spikes start */
    snn_timers timers;
    struct snn_recorders *rec; /* state recorders (recorder.h), or NULL; set after start */
    /* Stop requests (signals.h): read before each exchange and sent with it; NULL for none. When
     * any rank asked, every rank finishes the interval (delivery included) and snn_sim_run
     * returns with stopped = 1 and step at the interval's last step. */
    const volatile sig_atomic_t *stop_flag;
    int stopped;
} snn_sim;

/* Collective. Allocates the loop's buffers and delivers the initial state (step 0). */
int snn_sim_start(snn_sim *s, snn_network *net, snn_comm *comm, snn_error *err);

/* Exchange every `steps` steps (1 <= steps <= min_delay); the default is min_delay. Used to check
 * that batching changes nothing. */
int snn_sim_set_interval(snn_sim *s, int steps, snn_error *err);

/* Collective. Advances n_steps steps, or fewer when a stop was agreed (s->stopped); sink may be
 * NULL, progress may be NULL. Intervals start at s->step + 1. */
int snn_sim_run(snn_sim *s, uint64_t n_steps, snn_spike_sink sink, void *sink_ctx,
                snn_progress *progress, snn_error *err);

void snn_sim_free(snn_sim *s);

#endif
