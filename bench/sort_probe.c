/* snn_sort_probe — the receive-side cost of snn_mpi's MPI_Allgatherv exchange (docs/scaling.md).
 *
 * After the exchange every rank sorts all spikes of the interval (snn_spike_sort, a radix sort
 * of the packed uint64 values: src/spike_sort.c), whatever P is. This times that sort, and the
 * qsort that src/comm.c used before it, for n spikes of random global ids below N (7,716,900,
 * the 100x microcircuit) and random step offsets below 16, the median of 7 rounds of
 * repetitions each, checks that both give the same order, and prints CSV:
 *   n,us_per_sort,ns_per_spike,ns_per_spike_log2n,qsort_us_per_sort,qsort_ns_per_spike
 * (the first three columns: snn_spike_sort's). Random order is qsort's worst case (the received
 * buffer is P runs each sorted by its rank); the radix sort's cost does not depend on the order.
 * Usage: snn_sort_probe [N,N,...]   (default 25,250,2506,25060)
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snn/comm.h"
#include "snn/spike_sort.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    long sizes[32] = {25, 250, 2506, 25060};
    int n_sizes = 4;
    if (argc > 2 || (argc == 2 && strlen(argv[1]) >= 512)) {
        fprintf(stderr, "usage: snn_sort_probe [N,N,...]\n");
        return 1;
    }
    if (argc == 2) {
        char list[512];
        strcpy(list, argv[1]);
        n_sizes = 0;
        for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
            char *end;
            long v = strtol(tok, &end, 10);
            if (n_sizes == 32 || end == tok || *end || v < 2 || v > 100000000L) {
                fprintf(stderr, "snn_sort_probe: expected up to 32 sizes from 2 to 1e8, got '%s'\n",
                        tok);
                return 1;
            }
            sizes[n_sizes++] = v;
        }
    }
    printf("n,us_per_sort,ns_per_spike,ns_per_spike_log2n,qsort_us_per_sort,qsort_ns_per_spike\n");
    uint64_t state = 0x9e3779b97f4a7c15u;
    for (int k = 0; k < n_sizes; k++) {
        size_t n = (size_t)sizes[k];
        uint64_t *src = malloc(n * sizeof *src), *buf = malloc(n * sizeof *buf);
        uint64_t *tmp = malloc(n * sizeof *tmp), *ref = malloc(n * sizeof *ref);
        if (!src || !buf || !tmp || !ref) {
            free(src), free(buf), free(tmp), free(ref);
            fprintf(stderr, "snn_sort_probe: out of memory for %zu spikes\n", n);
            return 1;
        }
        for (size_t i = 0; i < n; i++) {
            state ^= state << 13, state ^= state >> 7, state ^= state << 17; /* xorshift64 */
            src[i] = snn_spike_pack((uint32_t)(state >> 60), (uint32_t)(state % 7716900u));
        }
        memcpy(ref, src, n * sizeof *ref);
        qsort(ref, n, sizeof *ref, cmp_u64);
        memcpy(buf, src, n * sizeof *buf);
        snn_spike_sort(buf, tmp, n);
        if (memcmp(buf, ref, n * sizeof *buf) != 0) {
            fprintf(stderr, "snn_sort_probe: snn_spike_sort and qsort differ at n = %zu\n", n);
            return 1;
        }
        long reps = (long)(4e6 / (double)n) + 1;
        double us[2];
        for (int which = 0; which < 2; which++) {
            double round_us[7];
            for (int k2 = 0; k2 < 7; k2++) {
                double t0 = now_s();
                for (long r = 0; r < reps; r++) {
                    memcpy(buf, src, n * sizeof *buf);
                    if (which == 0)
                        snn_spike_sort(buf, tmp, n);
                    else
                        qsort(buf, n, sizeof *buf, cmp_u64);
                }
                round_us[k2] = (now_s() - t0) / (double)reps * 1e6;
            }
            qsort(round_us, 7, sizeof *round_us, cmp_double);
            us[which] = round_us[3]; /* the median of 7 rounds: other work shares the cores */
        }
        printf("%zu,%.3f,%.2f,%.3f,%.3f,%.2f\n", n, us[0], us[0] * 1e3 / (double)n,
               us[0] * 1e3 / (double)n / log2((double)n), us[1], us[1] * 1e3 / (double)n);
        free(src), free(buf), free(tmp), free(ref);
    }
    return 0;
}
