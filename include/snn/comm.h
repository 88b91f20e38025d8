/*
 * comm.h — what the ranks say to each other: spikes, errors and sums.
 *
 * exchange: every rank contributes the spikes of one exchange interval (min_delay steps), each
 * packed as (step offset << 32 | global id); every rank receives all of them sorted, which is
 * (step, global id) order. One MPI_Allgather of a fixed-size block per rank carries its count
 * and its first `block` spikes; only an interval in which some rank has more than that needs
 * a second collective, an MPI_Allgatherv of the rest. `block` follows the largest count per rank
 * of the last 64-128 intervals (the same on every rank: all see the same counts), up to
 * SNN_COMM_BLOCK_MAX and to SNN_COMM_GATHER_BYTES per gather on many ranks, and is 0 while most
 * intervals need the second collective anyway. Then a radix sort of the ranks' and threads'
 * runs (spike_sort.h).
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

/* Spikes per rank that ride with the counts in the exchange's first collective: at most
 * SNN_COMM_BLOCK_MAX (a gather of 16 words per rank cost the same as one of 2 on 2 ranks, 0.16
 * us against 0.30 for the two collectives), and on many ranks at most what keeps one gather
 * within SNN_COMM_GATHER_BYTES (every rank receives size blocks). */
enum { SNN_COMM_BLOCK_MAX = 15, SNN_COMM_GATHER_BYTES = 32768, SNN_COMM_BLOCK_WINDOW = 64 };

/* The largest block on `size` ranks (0: the counts alone, from 4096 ranks on). */
static inline int snn_comm_block_cap(int size)
{
    const int cap = SNN_COMM_GATHER_BYTES / (int)sizeof(uint64_t) / (size > 0 ? size : 1) - 1;
    return cap < 0 ? 0 : cap > SNN_COMM_BLOCK_MAX ? SNN_COMM_BLOCK_MAX : cap;
}

typedef struct {
    MPI_Comm comm;
    int rank, size;
    int *counts, *displs; /* [size] */
    uint64_t *recv;       /* [capacity]: all spikes of one interval */
    uint64_t *scratch;    /* [capacity]: the sort's second buffer (spike_sort.h) */
    size_t capacity;      /* grown when an interval brings more */
    uint64_t *gather;     /* [size * (1 + block_cap)]: the first collective's blocks */
    uint64_t send[1 + SNN_COMM_BLOCK_MAX]; /* this rank's block: count, first spikes */
    int block, block_cap;                  /* spikes per rank in a block now, and at most */
    int window_max, prev_window_max;       /* largest fitting counts of this and the last window */
    int window_fits, window_left;          /* intervals of this window that fitted, and to come */
    uint64_t second_gathers;               /* intervals that needed the second collective */
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
