/*
 * probe.c — this machine's floor for the three things a spiking-network step does (bench/run.sh
 * records it next to the benchmark results so each result reads as a fraction of the floor):
 *
 * - triad: stream bandwidth, a[i] = b[i] + s c[i] over arrays far larger than the caches, all
 *   threads, 24 bytes counted per element (no write-allocate), best of 5, GB/s;
 * - event: ns per synaptic event, the delivery loop at its simplest: a spike picks a random row
 *   of ROW uint32 target indices and adds a constant float weight to each target of a
 *   thread-owned float array (random targets within a row, rows drawn at random), with 1
 *   thread and with 2 threads each owning its own table and array (ns per event per thread, and
 *   the aggregate ns per event of the two together);
 * - lif: ns per LIF neuron-step, the exponential-Euler update V += (V_rest - V + R I) c of a
 *   float V with a threshold check and reset, over 1e5 and 1e6 neurons, one thread.
 *
 * Output: one line per figure, `probe NAME VALUE UNIT  # what`; bench/summary_csv.py reads them.
 * Not installed, no dependency beyond OpenMP. Usage: snn_probe [--quick].
 */
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROW 100

/* splitmix64: a small self-contained generator for the probe's random tables. */
static uint64_t mix(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "snn_probe: cannot allocate %zu bytes\n", n);
        exit(4);
    }
    return p;
}

/* Best-of-5 triad bandwidth over n doubles per array, all threads. */
static double triad_gbs(size_t n, int threads)
{
    double *a = xmalloc(n * sizeof *a), *b = xmalloc(n * sizeof *b), *c = xmalloc(n * sizeof *c);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (size_t i = 0; i < n; i++) {
        a[i] = 0.0;
        b[i] = 1.0;
        c[i] = 2.0;
    }
    double best = 1e30;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = omp_get_wtime();
#pragma omp parallel for num_threads(threads) schedule(static)
        for (size_t i = 0; i < n; i++)
            a[i] = b[i] + 3.0 * c[i];
        double t = omp_get_wtime() - t0;
        if (t < best)
            best = t;
    }
    double check = a[n / 2];
    free(a);
    free(b);
    free(c);
    if (check != 7.0)
        fprintf(stderr, "snn_probe: triad check failed\n");
    return 24.0 * (double)n / best * 1e-9;
}

/* One thread's delivery: `events` events through `spikes` random rows of its own table into its
 * own array of n_tgt floats. Returns the seconds taken (best of 3). */
static double scatter_thread(uint32_t n_tgt, size_t n_rows, size_t spikes, uint64_t seed,
                             float *sink)
{
    uint32_t *tgt = xmalloc(n_rows * ROW * sizeof *tgt);
    uint32_t *pick = xmalloc(spikes * sizeof *pick);
    float *buf = xmalloc(n_tgt * sizeof *buf);
    uint64_t s = seed;
    for (size_t k = 0; k < n_rows * ROW; k++)
        tgt[k] = (uint32_t)((mix(&s) >> 32) * n_tgt >> 32);
    for (size_t k = 0; k < spikes; k++)
        pick[k] = (uint32_t)((mix(&s) >> 32) * n_rows >> 32);
    memset(buf, 0, n_tgt * sizeof *buf);
    double best = 1e30;
    const float w = 0.5f;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = omp_get_wtime();
        for (size_t j = 0; j < spikes; j++) {
            const uint32_t *row = tgt + (size_t)pick[j] * ROW;
            for (int k = 0; k < ROW; k++)
                buf[row[k]] += w;
        }
        double t = omp_get_wtime() - t0;
        if (t < best)
            best = t;
    }
    float sum = 0;
    for (uint32_t i = 0; i < n_tgt; i += 97)
        sum += buf[i];
    *sink = sum;
    free(tgt);
    free(pick);
    free(buf);
    return best;
}

/* ns per event with `threads` threads each running its own table; *aggregate: wall ns per event
 * of all threads together. */
static double scatter_ns(int threads, uint32_t n_tgt, size_t n_rows, size_t spikes,
                         double *aggregate)
{
    double worst = 0, sum_t = 0;
    float sink = 0;
#pragma omp parallel num_threads(threads) reduction(max : worst) reduction(+ : sum_t)
    {
        float s = 0;
        double t =
            scatter_thread(n_tgt, n_rows, spikes, 1234567u + (uint64_t)omp_get_thread_num(), &s);
        worst = t;
        sum_t = t;
#pragma omp critical
        sink += s;
    }
    if (sink < 0)
        fprintf(stderr, "snn_probe: impossible sum\n");
    double events = (double)spikes * ROW;
    *aggregate = worst / (events * threads) * 1e9;
    return sum_t / threads / events * 1e9;
}

/* One step of n LIF neurons; returns the number of spikes. */
static int lif_step(float *restrict V, const float *restrict I, size_t n)
{
    const float c = 0.00995017f, V_rest = -52.0f, R = 1.0f, V_th = -50.0f, V_reset = -60.0f;
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        float v = V[i] + (V_rest - V[i] + R * I[i]) * c;
        int spike = v >= V_th;
        count += spike;
        V[i] = spike ? V_reset : v;
    }
    return count;
}

/* ns per LIF neuron-step over n neurons and `steps` steps, one thread. */
static double lif_ns(size_t n, int steps, long *spikes)
{
    float *V = xmalloc(n * sizeof *V), *I = xmalloc(n * sizeof *I);
    uint64_t s = 42;
    for (size_t i = 0; i < n; i++) {
        V[i] = -60.0f + 10.0f * (float)(mix(&s) >> 40) * 0x1.0p-24f;
        I[i] = 2.0f + 0.5f * (float)(mix(&s) >> 40) * 0x1.0p-24f;
    }
    long count = 0;
    double t0 = omp_get_wtime();
    for (int k = 0; k < steps; k++)
        count += lif_step(V, I, n);
    double t = omp_get_wtime() - t0;
    *spikes = count;
    free(V);
    free(I);
    return t / ((double)n * steps) * 1e9;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && !strcmp(argv[1], "--quick");
    if (argc > 1 && !quick) {
        fprintf(stderr, "usage: snn_probe [--quick]\n");
        return 1;
    }
    int threads = omp_get_num_procs() >= 2 ? 2 : 1;
    size_t n_triad = quick ? (size_t)1 << 22 : (size_t)1 << 24;
    printf("probe triad_gbs %.2f GB/s  # stream triad, %d threads, %zu MB\n",
           triad_gbs(n_triad, threads), threads, 3 * n_triad * 8 >> 20);
    printf("probe triad_gbs_1t %.2f GB/s  # stream triad, 1 thread\n", triad_gbs(n_triad, 1));

    /* The microcircuit's share per thread on 2 threads: about 40,000 targets; 1e5 rows of 100. */
    const uint32_t n_tgt = 40000;
    size_t n_rows = quick ? 20000 : 100000, spikes = quick ? 200000 : 1000000;
    double agg1, agg2;
    double e1 = scatter_ns(1, n_tgt, n_rows, spikes, &agg1);
    printf("probe event_ns_1t %.3f ns  # per synaptic event, 1 thread, %u targets, rows of %d\n",
           e1, n_tgt, ROW);
    if (threads >= 2) {
        double e2 = scatter_ns(2, n_tgt, n_rows, spikes, &agg2);
        printf("probe event_ns_2t %.3f ns  # per synaptic event per thread, 2 threads\n", e2);
        printf("probe event_ns_agg %.3f ns  # wall time per event, 2 threads together\n", agg2);
    } else {
        printf("probe event_ns_agg %.3f ns  # wall time per event, 1 thread\n", agg1);
    }

    long sp;
    double l5 = lif_ns(100000, quick ? 200 : 1000, &sp);
    printf("probe lif_ns_1e5 %.3f ns  # per LIF neuron-step, 1e5 neurons, 1 thread (%ld spikes)\n",
           l5, sp);
    double l6 = lif_ns(1000000, quick ? 20 : 100, &sp);
    printf("probe lif_ns_1e6 %.3f ns  # per LIF neuron-step, 1e6 neurons, 1 thread (%ld spikes)\n",
           l6, sp);
    return 0;
}
