/*
 * comm.h — what the ranks say to each other: spikes, errors and sums.
 *
 * exchange: every rank contributes the spikes of one exchange interval (min_delay steps), each
 * packed as (step offset << 32 | global id); every rank receives all of them sorted, which is
 * (step, global id) order (MPI_Allgather of counts, then one MPI_Allgatherv, then a radix sort
 * of the ranks' and threads' runs: spike_sort.h).
 * A rank's count in that exchange also carries its state: -1 says it failed, -2 - n that it has
 * n spikes and asks every rank to stop after this interval (a signal, see signals.h), so neither
 * needs a collective of its own.
 * agree: every rank learns the first error any rank hit, so all stop together with one message.
 * With one rank the same code runs over MPI_COMM_SELF-sized communicators, which is how the step
 * loop is unit-tested without mpirun.
 */
#ifndef SNN_COMM_H
#define SNN_COMM_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "snn/error.h"

typedef struct {
    MPI_Comm comm;
    int rank, size;
    int *counts, *displs; /* [size] */
    uint64_t *recv;       /* [capacity]: all spikes of one interval */
    uint64_t *scratch;    /* [capacity]: the sort's second buffer (spike_sort.h) */
    size_t capacity;      /* grown when an interval brings more */
} snn_comm;

/* expected_spikes sizes the receive buffer; it grows (outside the common path) when needed. */
int snn_comm_init(snn_comm *c, MPI_Comm comm, size_t expected_spikes, snn_error *err);
void snn_comm_free(snn_comm *c);

/* Packs a spike of step offset k (within the interval) and global id gid. */
static inline uint64_t snn_spike_pack(uint32_t k, uint32_t gid)
{
    return (uint64_t)k << 32 | gid;
}

/* The count a rank sends: n spikes (0 <= n <= INT32_MAX - 2), -1 when it failed, -2 - n when it
 * asks every rank to stop after this interval. */
static inline int snn_comm_count_encode(int n, int failed, int stop)
{
    return failed ? -1 : stop ? -2 - n : n;
}

/* The spikes a received count announces (0 for a failed rank). */
static inline int snn_comm_count_spikes(int code)
{
    return code >= 0 ? code : code <= -2 ? -2 - code : 0;
}

/* Whether a received count asks to stop. */
static inline int snn_comm_count_stop(int code)
{
    return code <= -2;
}

/* Collective. On return *global points into c (valid until the next exchange) and holds the
 * n_global packed spikes of all ranks in ascending (step offset, global id) order.
 * local_status is this rank's state (with err's message when it is not SNN_OK): a failure on any
 * rank travels with the counts, so every rank returns the first failing rank's error from the
 * same exchange and nobody waits for a rank that stopped.
 * stop, when not NULL, is this rank's stop request on entry and on return whether any rank asked
 * (the same on every rank). */
int snn_comm_exchange(snn_comm *c, int local_status, const uint64_t *local, size_t n_local,
                      int *stop, const uint64_t **global, size_t *n_global, snn_error *err);

/* Collective. status is this rank's result; returns the worst status over all ranks and, when it
 * is not SNN_OK, copies into err the message of the lowest rank that failed. */
int snn_comm_agree(snn_comm *c, int status, snn_error *err);

/* Collective sums and maxima of doubles, in place on every rank. */
int snn_comm_sum(snn_comm *c, double *values, int n);
int snn_comm_max(snn_comm *c, double *values, int n);

#endif
