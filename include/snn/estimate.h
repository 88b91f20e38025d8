/*
 * estimate.h — how much memory a rank will need, known before anything large is allocated.
 *
 * snn_estimate_rank follows what snn_network_build, snn_sim_start, snn_comm_init and the spike
 * writer allocate on one rank, with the connectivity rules' expected synapse counts for the
 * rank's share of postsynaptic neurons (the partition of snn_network_slice). The run has two
 * phases whose peaks do not coincide:
 *   build:      baseline + neurons + ring + the synapses built so far + the temporaries of the
 *               projection being built (edge list and keys, freed per projection);
 *   simulation: baseline + neurons + ring + all synapses + exchange (spike exchange, spike
 *               buffers, the open HDF5 file and its buffered spikes).
 * total is the larger of the two. All sizes are bytes (doubles: expected values need not be
 * whole); "MB"/"GB" in messages are 2^20/2^30 bytes, like the summary's peak memory line.
 */
#ifndef SNN_ESTIMATE_H
#define SNN_ESTIMATE_H

#include <mpi.h>

#include "snn/error.h"
#include "snn/model.h"

typedef struct {
    double n_synapses;       /* expected synapses stored on this rank */
    double neurons;          /* per-neuron state, spike lists and statistics (no ring) */
    double ring;             /* ring buffers: n_channels * ring_len per neuron */
    double synapses;         /* CSR rows, targets, per-synapse weights and delays */
    double build_peak_extra; /* temporaries at the build's peak: per thread the largest edge list +
                                keys of one projection, summed over the threads (in parallel) */
    double build_peak;       /* synapses already built + temporaries at the build's peak */
    double exchange;         /* exchange and record buffers during the simulation */
    double baseline;         /* the process without the network: MPI, HDF5, libraries */
    double total;            /* the expected peak: baseline + neurons + ring +
                                max(build_peak, synapses + exchange) */
} snn_estimate;

/* This rank's expected memory for a run of m on n_ranks ranks of n_threads threads each.
 * Local: no communication. Fails only on a model that snn_network_build would reject too (its
 * synapse channels) or when out of memory. */
int snn_estimate_rank(const snn_model *m, int rank, int n_ranks, int n_threads, snn_estimate *out,
                      snn_error *err);

/* Collective over comm. MemAvailable of /proc/meminfo divided by the number of ranks of comm on
 * this node (MPI_Comm_split_type MPI_COMM_TYPE_SHARED); *node_ranks (may be NULL) gets that
 * number. *bytes_per_rank is 0 when MemAvailable cannot be read (unknown: check nothing).
 * Fails only when MPI does. */
int snn_estimate_available_on_node(MPI_Comm comm, double *bytes_per_rank, int *node_ranks,
                                   snn_error *err);
int snn_estimate_available(MPI_Comm comm, double *bytes_per_rank, snn_error *err);

/* SNN_OK when e->total fits in `available` bytes per rank (or available <= 0, unknown);
 * SNN_ERR_NOMEM otherwise, with a message naming the config, the estimate and its largest part,
 * the limit, node_ranks (the ranks sharing this node's memory) and the fixes, e.g.
 *   net.cfg: estimated 38.2 GB per rank (synapses 35.1 GB), but 11.5 GB are available per rank
 *   on this node (2 ranks share 23.0 GB): use more ranks or nodes, or a smaller run.scale */
int snn_estimate_check(const snn_estimate *e, double available, const char *config, int node_ranks,
                       snn_error *err);

/* Bytes as "%.1f MB" below 1 GB (2^30), else "%.1f GB", into buf. Returns buf. */
const char *snn_estimate_format(double bytes, char *buf, size_t size);

#endif
