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
    if (!c->counts || !c->displs || !c->recv || !c->scratch) {
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
    c->counts = c->displs = NULL;
    c->recv = c->scratch = NULL;
}

static int is_sorted(const uint64_t *x, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (x[i] < x[i - 1])
            return 0;
    return 1;
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
    else if (MPI_Allgather(&n, 1, MPI_INT, c->counts, 1, MPI_INT, c->comm) != MPI_SUCCESS)
        return snn_fail(err, SNN_ERR_MPI, "spike exchange: MPI_Allgather of counts failed");
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
    n = (int)n_local;
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
    if (c->size == 1) /* the gather of one rank is its own spikes */
        memcpy(c->recv, local, total * sizeof *c->recv);
    else if (MPI_Allgatherv(local, n, MPI_UINT64_T, c->recv, c->counts, c->displs, MPI_UINT64_T,
                            c->comm) != MPI_SUCCESS)
        return snn_fail(err, SNN_ERR_MPI, "spike exchange: MPI_Allgatherv failed");
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
