/* snn_allgather_bench — the cost of snn_mpi's spike exchange (bench/exchange.sh, docs/scaling.md).
 *
 * Per exchange, exactly what snn_comm_exchange (src/comm.c) does once per min_delay interval:
 * an MPI_Allgather of one int count per rank, then an MPI_Allgatherv of `n` uint64 per rank
 * (packed step offset << 32 | gid). For each n of the list, WARMUP untimed exchanges, then
 * ITERS timed ones (after one untimed exchange whose data is checked); each timed exchange starts
 * after an MPI_Barrier and its time is the maximum over the ranks (an MPI_Reduce outside the timed
 * region). Rank 0 prints CSV on stdout: ranks,n_per_rank,bytes_total,median_us,mean_us with
 * bytes_total = 8 * n * ranks (what every rank receives). A mismatch of the received data or a
 * failed allocation stops every rank with a message and exit 1.
 *
 * Usage: snn_allgather_bench [ITERS [WARMUP [N,N,...]]]   (defaults 1000, 100, 0,1,4,...,16384)
 */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* One exchange as in src/comm.c: counts, displacements, then the payload. */
static int exchange(int n, const uint64_t *send, int *counts, int *displs, uint64_t *recv, int size)
{
    if (MPI_Allgather(&n, 1, MPI_INT, counts, 1, MPI_INT, MPI_COMM_WORLD) != MPI_SUCCESS)
        return 1;
    int total = 0;
    for (int r = 0; r < size; r++) {
        displs[r] = total;
        total += counts[r];
    }
    return MPI_Allgatherv(send, n, MPI_UINT64_T, recv, counts, displs, MPI_UINT64_T,
                          MPI_COMM_WORLD) != MPI_SUCCESS;
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
    uint64_t *recv = malloc((size_t)(n_max > 0 ? n_max : 1) * (size_t)size * sizeof *recv);
    int *counts = malloc((size_t)size * sizeof *counts);
    int *displs = malloc((size_t)size * sizeof *displs);
    double *times = malloc((size_t)iters * sizeof *times);
    int ok = send && recv && counts && displs && times, all_ok;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_ok) {
        free(send), free(recv), free(counts), free(displs), free(times);
        die(rank, "out of memory");
    }
    /* The packing of src/simulate.c: step offset << 32 | global id. */
    for (long i = 0; i < n_max; i++)
        send[i] = ((uint64_t)(i % 8) << 32) | (uint64_t)(rank * n_max + i);

    if (rank == 0)
        printf("ranks,n_per_rank,bytes_total,median_us,mean_us\n");
    int failed = 0;
    for (int s = 0; s < n_sizes && !failed; s++) {
        int n = (int)sizes[s];
        /* One checked exchange first: rank r's element i is (i % 8) << 32 | (r * n_max + i). */
        failed = exchange(n, send, counts, displs, recv, size);
        int bad = failed;
        for (int r = 0; r < size && !bad; r++)
            for (int i = 0; i < n && !bad; i++)
                bad = counts[r] != n ||
                      recv[(size_t)r * (size_t)n + (size_t)i] !=
                          (((uint64_t)(i % 8) << 32) | (uint64_t)((long)r * n_max + i));
        MPI_Allreduce(&bad, &failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        for (long it = 0; it < warmup && !failed; it++)
            failed = exchange(n, send, counts, displs, recv, size);
        double sum = 0;
        for (long it = 0; it < iters && !failed; it++) {
            MPI_Barrier(MPI_COMM_WORLD);
            double t0 = MPI_Wtime();
            failed = exchange(n, send, counts, displs, recv, size);
            double dt = MPI_Wtime() - t0, dt_max = 0;
            MPI_Reduce(&dt, &dt_max, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
            times[it] = dt_max * 1e6;
            sum += times[it];
        }
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
    free(send), free(recv), free(counts), free(displs), free(times);
    if (failed)
        die(rank, "an exchange failed or delivered wrong data");
    MPI_Finalize();
    return 0;
}
