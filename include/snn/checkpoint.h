/*
 * checkpoint.h — all dynamic state of a run in one HDF5 file, to stop and continue later.
 *
 * Written at the end of an exchange interval (after its delivery), by all ranks together with
 * parallel HDF5, in GLOBAL neuron-id order, so that a restart may use other numbers of ranks and
 * threads. Connectivity is not stored: it is regenerated from the seed. Poisson inputs are keyed
 * by (seed, input, neuron, step) and need no state.
 *
 *   /                 attributes: format = "snn_mpi checkpoint", version, step, time_ms, dt,
 *                     config_hash (FNV-1a of the config file), seed, n_neurons, n_pops,
 *                     n_channels, ring_len, min_delay, real_bytes (4 or 8), synapse_events
 *   /V                real   [n_neurons]            membrane potential
 *   /last_spike       int64  [n_neurons]            step of the last spike
 *   /refractory       int32  [n_neurons]            iaf_psc_exp: refractory steps left
 *   /g, /h            real   [n_channels][n_neurons] synapse states
 *   /ring             real   [n_channels][ring_len][n_neurons] arrivals for steps step+1 ...
 *                     step+ring_len (rotated: independent of the ring's absolute slots)
 *   /spike_count      uint32 [n_neurons], /isi_sum, /isi_sq float64 [n_neurons] statistics
 *   /spikes_written   uint64 [n_pops] spikes of each population in <output_dir>/spikes.h5.partial
 *
 * The file is written as <path>.partial and renamed to <path> when complete, so a crash while
 * writing never destroys the previous checkpoint.
 */
#ifndef SNN_CHECKPOINT_H
#define SNN_CHECKPOINT_H

#include <stdint.h>

#include "snn/comm.h"
#include "snn/error.h"
#include "snn/simulate.h"

#define SNN_CHECKPOINT_FORMAT "snn_mpi checkpoint"
#define SNN_CHECKPOINT_VERSION 1

/* Collective. Writes the state of s (at step s->step, which must end an exchange interval) to
 * path. spikes_written: [n_pops] spikes of each population already in the spike file. Sets
 * *bytes (file size) and *seconds (write time, the slowest rank's) on every rank. */
int snn_checkpoint_write(const char *path, const snn_sim *s, uint64_t config_hash,
                         const uint64_t *spikes_written, double *bytes, double *seconds,
                         snn_error *err);

/* Collective, before the network is built: is path a readable checkpoint of this config (same
 * file hash, neurons, dt, seed, precision, and a step before the end)? So that a wrong restart
 * fails at once, not after the build. Errors as for snn_checkpoint_read. */
int snn_checkpoint_probe(const char *path, snn_comm *comm, const snn_model *m, uint64_t config_hash,
                         snn_error *err);

/* Collective. Loads path into s, which snn_sim_start has started on a network built from the
 * same config (checked through config_hash and the layout); sets s->step and fills
 * spikes_written[n_pops]. A missing, corrupt or truncated file or one from another network is
 * an error naming the file (SNN_ERR_IO, or SNN_ERR_CONFIG when the config differs). */
int snn_checkpoint_read(const char *path, snn_sim *s, uint64_t config_hash,
                        uint64_t *spikes_written, snn_error *err);

/* Periodic checkpoints every `every` steps go at the end of the exchange interval (of min_delay
 * steps, counted from step 1) containing each multiple of `every`. Returns the first such step
 * after `after`. Depends only on the config, so a restart checkpoints where the first run did. */
static inline uint64_t snn_checkpoint_next(uint64_t after, uint64_t every, uint64_t min_delay)
{
    uint64_t k = (after / min_delay * min_delay) / every + 1;
    return (k * every + min_delay - 1) / min_delay * min_delay;
}

/* Row j (0 <= j < ring_len) of a stored ring holds the arrivals for step + 1 + j, which the
 * running ring keeps in this slot. */
static inline uint64_t snn_checkpoint_ring_slot(uint64_t step, uint64_t ring_len, uint64_t j)
{
    return (step + 1 + j) % ring_len;
}

#endif
