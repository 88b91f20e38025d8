/* snn_allgather_bench — the cost of snn_mpi's spike exchange (bench/exchange.sh, docs/scaling.md).
 *
 * Per exchange, snn_comm_exchange itself (src/comm.c), as the step loop calls it once per
 * min_delay interval: one MPI_Allgather of a block per rank (its count and first spikes), and an
 * MPI_Allgatherv of the rest when some rank has more than the block. Every rank sends `n`
 * spikes packed as step offset << 32 | gid, all in step 0 and with ids in rank order, so the
 * received spikes are in order already and the sort is skipped (its cost: snn_sort_probe).
 * Each n gets its own snn_comm, and at least two of the block's adaptation windows of untimed
 * exchanges (the block settles at min(n, its cap)), at least WARMUP; then one checked exchange
 * and ITERS timed ones, each after an MPI_Barrier, its time the maximum over the ranks (an
 * MPI_Reduce outside the timed region). Rank 0 prints CSV on stdout:
 * ranks,n_per_rank,bytes_total,median_us,mean_us with bytes_total = 8 * n * ranks (the spikes
 * every rank receives). A mismatch of the received data or a failed allocation stops every rank
 * with a message and exit 1. (Before 2026-11-27 the exchange was an MPI_Allgather of the
 * counts and an MPI_Allgatherv of all spikes, every interval; this program timed those two.)
 *
 * Usage: snn_allgather_bench [ITERS [WARMUP [N,N,...]]]   (defaults 1000, 100, 0,1,4,...,16384)
 */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn/comm.h"

static const long default_sizes[] = {0, 1, 4, 16, 64, 256, 1024, 4096, 16384};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A positive (or, if allow_zero, non-negative) integer from s, or -1. */
static long parse_count(const char *s, int allow_zero)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || v < (allow_zero ? 0 : 1) || v > 100000000L)
        return -1;
    return v;
}

static void die(int rank, const char *msg)
{
    if (rank == 0)
        fprintf(stderr, "snn_allgather_bench: %s\n", msg);
    MPI_Finalize();
    exit(1);
}

/* One exchange: snn_comm_exchange of this rank's n spikes; 0 on success. */
static int exchange(snn_comm *c, int n, const uint64_t *send, const uint64_t **got, size_t *n_got)
{
    snn_error err;
    return snn_comm_exchange(c, SNN_OK, send, (size_t)n, NULL, got, n_got, &err) != SNN_OK;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    long iters = 1000, warmup = 100;
    long sizes[64];
    int n_sizes = (int)(sizeof default_sizes / sizeof default_sizes[0]);
    memcpy(sizes, default_sizes, sizeof default_sizes);
    if (argc > 4)
        die(rank, "usage: snn_allgather_bench [ITERS [WARMUP [N,N,...]]]");
    if (argc > 1 && (iters = parse_count(argv[1], 0)) < 0)
        die(rank, "ITERS: expected an integer from 1 to 1e8");
    if (argc > 2 && (warmup = parse_count(argv[2], 1)) < 0)
        die(rank, "WARMUP: expected an integer from 0 to 1e8");
    if (argc > 3) {
        char list[1024];
        if (strlen(argv[3]) >= sizeof list)
            die(rank, "N list: too long");
        strcpy(list, argv[3]);
        n_sizes = 0;
        for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
            if (n_sizes == 64)
                die(rank, "N list: at most 64 sizes");
            if ((sizes[n_sizes++] = parse_count(tok, 1)) < 0)
                die(rank, "N list: expected comma-separated integers from 0 to 1e8");
        }
        if (n_sizes == 0)
            die(rank, "N list: empty");
    }

    long n_max = 0;
    for (int i = 0; i < n_sizes; i++)
        if (sizes[i] > n_max)
            n_max = sizes[i];
    if ((double)n_max * size > (double)INT32_MAX)
        die(rank, "n * ranks exceeds MPI's int counts");
    uint64_t *send = malloc((size_t)(n_max > 0 ? n_max : 1) * sizeof *send);
    double *times = malloc((size_t)iters * sizeof *times);
    int ok = send && times, all_ok;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_ok) {
        free(send), free(times);
        die(rank, "out of memory");
    }
    /* The packing of src/simulate.c, step offset << 32 | global id: step 0, rank-major ids. */
    for (long i = 0; i < n_max; i++)
        send[i] = snn_spike_pack(0, (uint32_t)(rank * n_max + i));
    const long settle = 2 * SNN_COMM_BLOCK_WINDOW > warmup ? 2 * SNN_COMM_BLOCK_WINDOW : warmup;

    if (rank == 0)
        printf("ranks,n_per_rank,bytes_total,median_us,mean_us\n");
    int failed = 0;
    for (int s = 0; s < n_sizes && !failed; s++) {
        int n = (int)sizes[s];
        snn_comm c;
        snn_error err;
        int bad = snn_comm_init(&c, MPI_COMM_WORLD, (size_t)n * (size_t)size, &err) != SNN_OK;
        MPI_Allreduce(&bad, &failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        if (failed)
            break;
        const uint64_t *got = NULL;
        size_t n_got = 0;
        for (long it = 0; it < settle && !failed; it++)
            failed = exchange(&c, n, send, &got, &n_got);
        /* One checked exchange: element r * n + i is rank r's spike i, r * n_max + i. */
        bad = failed || exchange(&c, n, send, &got, &n_got) || n_got != (size_t)n * (size_t)size;
        for (int r = 0; r < size && !bad; r++)
            for (int i = 0; i < n && !bad; i++)
                bad = got[(size_t)r * (size_t)n + (size_t)i] !=
                      snn_spike_pack(0, (uint32_t)((long)r * n_max + i));
        MPI_Allreduce(&bad, &failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        double sum = 0;
        for (long it = 0; it < iters && !failed; it++) {
            MPI_Barrier(MPI_COMM_WORLD);
            double t0 = MPI_Wtime();
            failed = exchange(&c, n, send, &got, &n_got);
            double dt = MPI_Wtime() - t0, dt_max = 0;
            MPI_Reduce(&dt, &dt_max, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
            times[it] = dt_max * 1e6;
            sum += times[it];
        }
        snn_comm_free(&c);
        if (failed)
            break;
        if (rank == 0) {
            qsort(times, (size_t)iters, sizeof *times, cmp_double);
            double median =
                iters % 2 ? times[iters / 2] : 0.5 * (times[iters / 2 - 1] + times[iters / 2]);
            printf("%d,%d,%lld,%.4f,%.4f\n", size, n, 8LL * n * size, median, sum / (double)iters);
            fflush(stdout);
        }
    }
    free(send), free(times);
    if (failed)
        die(rank, "an exchange failed or delivered wrong data");
    MPI_Finalize();
    return 0;
}
