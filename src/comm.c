/*
 * comm.c — spike exchange and error agreement over MPI (see include/snn/comm.h).
 */
#include "snn/comm.h"

#include <stdlib.h>
#include <string.h>

#include "snn/spike_sort.h"

int snn_comm_init(snn_comm *c, MPI_Comm comm, size_t expected_spikes, snn_error *err)
{
    memset(c, 0, sizeof *c);
    c->comm = comm;
    if (MPI_Comm_rank(comm, &c->rank) != MPI_SUCCESS ||
        MPI_Comm_size(comm, &c->size) != MPI_SUCCESS)
        return snn_fail(err, SNN_ERR_MPI, "cannot query the MPI communicator");
    c->counts = calloc((size_t)c->size, sizeof *c->counts);
    c->displs = calloc((size_t)c->size, sizeof *c->displs);
    c->capacity = expected_spikes > 0 ? expected_spikes : 1;
    c->recv = malloc(c->capacity * sizeof *c->recv);
    c->scratch = malloc(c->capacity * sizeof *c->scratch);
    c->block_cap = snn_comm_block_cap(c->size);
    c->block = c->block_cap;
    c->window_left = SNN_COMM_BLOCK_WINDOW;
    if (c->size > 1)
        c->gather = malloc((size_t)c->size * (size_t)(1 + c->block_cap) * sizeof *c->gather);
    if (!c->counts || !c->displs || !c->recv || !c->scratch || (c->size > 1 && !c->gather)) {
        snn_comm_free(c);
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate spike exchange buffers");
    }
    return SNN_OK;
}

void snn_comm_free(snn_comm *c)
{
    free(c->counts);
    free(c->displs);
    free(c->recv);
    free(c->scratch);
    free(c->gather);
    c->counts = c->displs = NULL;
    c->recv = c->scratch = c->gather = NULL;
}

static int is_sorted(const uint64_t *x, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (x[i] < x[i - 1])
            return 0;
    return 1;
}

/* The first collective: every rank's block (its count code, then its first spikes, up to
 * c->block; a failed rank sends none) to every rank; the codes into c->counts. */
static int gather_blocks(snn_comm *c, int code, const uint64_t *local, size_t n_local)
{
    const int w = 1 + c->block;
    size_t first = code == -1 ? 0 : n_local < (size_t)c->block ? n_local : (size_t)c->block;
    c->send[0] = (uint64_t)(int64_t)code;
    memcpy(c->send + 1, local, first * sizeof *local);
    memset(c->send + 1 + first, 0, ((size_t)c->block - first) * sizeof *c->send);
    if (MPI_Allgather(c->send, w, MPI_UINT64_T, c->gather, w, MPI_UINT64_T, c->comm) != MPI_SUCCESS)
        return 0;
    for (int r = 0; r < c->size; r++)
        c->counts[r] = (int)(int64_t)c->gather[(size_t)r * (size_t)w];
    return 1;
}

/* The block for the next intervals, from the largest count per rank of each interval. An
 * interval that fits in the largest block makes the block at once as large as it needs; at
 * the end of a window the block becomes the largest such count of this window and the one
 * before, or 0 if most of this window's intervals did not fit (then the blocks would only add
 * bytes to an exchange that needs both collectives anyway). A function of the counts alone, so
 * the same on every rank. */
static void adapt_block(snn_comm *c, int largest)
{
    if (largest <= c->block_cap) {
        c->window_fits++;
        if (largest > c->window_max)
            c->window_max = largest;
        if (largest > c->block)
            c->block = largest;
    }
    if (--c->window_left == 0) {
        const int keep = c->window_max > c->prev_window_max ? c->window_max : c->prev_window_max;
        c->block = 2 * c->window_fits >= SNN_COMM_BLOCK_WINDOW ? keep : 0;
        c->prev_window_max = c->window_max;
        c->window_max = c->window_fits = 0;
        c->window_left = SNN_COMM_BLOCK_WINDOW;
    }
}

/* Every rank's spikes into c->recv at c->displs: the first ones from the blocks, the rest (of
 * ranks with more than a block) by an MPI_Allgatherv. Overwrites c->counts and c->displs. */
static int place_spikes(snn_comm *c, const uint64_t *local, size_t n_local, snn_error *err)
{
    const int b = c->block, w = 1 + b;
    int second = 0, largest = 0;
    for (int r = 0; r < c->size; r++) {
        const int first = c->counts[r] < b ? c->counts[r] : b;
        memcpy(c->recv + c->displs[r], c->gather + (size_t)r * (size_t)w + 1,
               (size_t)first * sizeof *c->recv);
        second |= c->counts[r] > b;
        if (c->counts[r] > largest)
            largest = c->counts[r];
        c->displs[r] += first;
        c->counts[r] -= first;
    }
    if (second) {
        const size_t first = n_local < (size_t)b ? n_local : (size_t)b;
        c->second_gathers++;
        if (MPI_Allgatherv(local + first, (int)(n_local - first), MPI_UINT64_T, c->recv, c->counts,
                           c->displs, MPI_UINT64_T, c->comm) != MPI_SUCCESS)
            return snn_fail(err, SNN_ERR_MPI, "spike exchange: MPI_Allgatherv failed");
    }
    adapt_block(c, largest);
    return SNN_OK;
}

int snn_comm_exchange(snn_comm *c, int local_status, const uint64_t *local, size_t n_local,
                      int *stop, const uint64_t **global, size_t *n_global, snn_error *err)
{
    if (local_status == SNN_OK && n_local > (size_t)INT32_MAX - 2)
        local_status =
            snn_fail(err, SNN_ERR_INTERNAL,
                     "spike exchange: %zu spikes on one rank exceed MPI's int counts", n_local);
    /* A count of -1 says "this rank failed"; then everyone agrees on the first error. A stop
     * request travels as -2 - n (see comm.h). */
    int n = snn_comm_count_encode((int)n_local, local_status != SNN_OK, stop && *stop);
    if (c->size == 1)
        c->counts[0] = n;
    else if (!gather_blocks(c, n, local, n_local))
        return snn_fail(err, SNN_ERR_MPI,
                        "spike exchange: MPI_Allgather of the counts and first spikes failed");
    for (int r = 0; r < c->size; r++)
        if (c->counts[r] == -1)
            return snn_comm_agree(c, local_status, err);
    int any_stop = 0;
    for (int r = 0; r < c->size; r++) {
        any_stop |= snn_comm_count_stop(c->counts[r]);
        c->counts[r] = snn_comm_count_spikes(c->counts[r]);
    }
    if (stop)
        *stop = any_stop;
    size_t total = 0;
    for (int r = 0; r < c->size; r++) {
        if (total > (size_t)INT32_MAX)
            return snn_fail(err, SNN_ERR_INTERNAL,
                            "spike exchange: more than 2^31 spikes in one interval");
        c->displs[r] = (int)total;
        total += (size_t)c->counts[r];
    }
    if (total > c->capacity) {
        /* Rare (a burst larger than any before). Every rank has the same capacity and total,
         * so all grow here together and agree on the outcome. */
        size_t cap = total + total / 2;
        uint64_t *grown = realloc(c->recv, cap * sizeof *grown);
        if (grown)
            c->recv = grown;
        uint64_t *scratch = grown ? realloc(c->scratch, cap * sizeof *scratch) : NULL;
        if (scratch)
            c->scratch = scratch;
        int st = SNN_OK;
        if (scratch) {
            c->capacity = cap;
        } else {
            st = snn_fail(err, SNN_ERR_NOMEM, "spike exchange: cannot grow to %zu spikes", cap);
        }
        if ((st = snn_comm_agree(c, st, err)) != SNN_OK)
            return st;
    }
    if (c->size == 1) { /* the gather of one rank is its own spikes */
        memcpy(c->recv, local, total * sizeof *c->recv);
    } else {
        int st = place_spikes(c, local, n_local, err);
        if (st != SNN_OK)
            return st;
    }
    /* Ranks and threads hold interleaved slices of every population: sort into (step, global
     * id) order, which the delivery order and the spike file rely on (one rank with one thread
     * gathers them in that order already). */
    if (!is_sorted(c->recv, total))
        snn_spike_sort(c->recv, c->scratch, total);
    *global = c->recv;
    *n_global = total;
    return SNN_OK;
}

int snn_comm_agree(snn_comm *c, int status, snn_error *err)
{
    int worst = status;
    if (MPI_Allreduce(&status, &worst, 1, MPI_INT, MPI_MAX, c->comm) != MPI_SUCCESS)
        return snn_fail(err, SNN_ERR_MPI, "cannot agree on the run's status (MPI_Allreduce)");
    if (worst == SNN_OK)
        return SNN_OK;
    int mine = status != SNN_OK ? c->rank : c->size, first = mine;
    if (MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, c->comm) != MPI_SUCCESS)
        return snn_fail(err, SNN_ERR_MPI, "cannot agree on the failing rank (MPI_Allreduce)");
    snn_error shared;
    if (c->rank == first)
        shared = *err;
    if (MPI_Bcast(&shared, (int)sizeof shared, MPI_BYTE, first, c->comm) != MPI_SUCCESS)
        return snn_fail(err, SNN_ERR_MPI, "cannot share the error message (MPI_Bcast)");
    *err = shared;
    return shared.code != SNN_OK ? shared.code : worst;
}

int snn_comm_sum(snn_comm *c, double *values, int n)
{
    return MPI_Allreduce(MPI_IN_PLACE, values, n, MPI_DOUBLE, MPI_SUM, c->comm) == MPI_SUCCESS
               ? SNN_OK
               : SNN_ERR_MPI;
}

int snn_comm_max(snn_comm *c, double *values, int n)
{
    return MPI_Allreduce(MPI_IN_PLACE, values, n, MPI_DOUBLE, MPI_MAX, c->comm) == MPI_SUCCESS
               ? SNN_OK
               : SNN_ERR_MPI;
}
