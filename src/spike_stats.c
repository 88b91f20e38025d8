/*
 * spike_stats.c — Fano factor and pairwise spike-count correlation of a sample of neurons per
 * population, from the spike stream (see include/snn/spike_stats.h).
 *
 * Counts of the current bin are kept per sampled neuron; when a bin closes, its counts are added
 * to exact integer sums (count, count^2, and count_i * count_j for every pair): the statistics
 * are then computed from those sums as n*Sxy - Sx*Sy over the square roots of the same for x and
 * y, in long double, which avoids the cancellation of E[xy] - E[x]E[y] in floating point.
 */
#include "snn/spike_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "snn/rng.h"
#include "vector_clones.h"

typedef struct {
    int first, n;     /* its slots: first .. first + n - 1 in the global sample */
    uint64_t *sum_xy; /* [n (n - 1) / 2], pairs (i < j) row by row */
    snn_spike_stats_pop out;
} pop_stats;

struct snn_spike_stats {
    int n_pops, sample, n_slots;
    uint64_t steps_per_bin, n_bins, cur_bin;
    double bin_ms;
    uint32_t *gids;  /* [n_slots], increasing: the populations' samples in order */
    uint32_t *count; /* [n_slots + 1], the current bin; the last cell takes unsampled spikes */
    /* The sample as a bit per neuron (n_ids of them), and per 64-bit word the sampled neurons
     * before it: neuron g's slot is before[g / 64] + the set bits below g's in its word. */
    uint64_t n_ids;
    uint64_t *in_sample;
    uint32_t *before;
    uint64_t *sum_x, *sum_xx;
    int *nonzero; /* scratch: slots of one population with a count in the closing bin */
    pop_stats *pops;
    int finished;
};

uint64_t snn_spike_stats_steps_per_bin(double bin_ms, double dt_ms)
{
    double k = nearbyint(bin_ms / dt_ms);
    return k >= 1 ? (uint64_t)k : 1;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* k distinct offsets out of n (Floyd's algorithm), sorted, into out[k]. */
static void draw_sample(uint32_t seed, int pop, uint64_t n, int k, uint32_t *out)
{
    snn_rng r;
    snn_rng_init(&r, seed, SNN_RNG_STATS_SAMPLE | (uint32_t)pop, 0, 0);
    int have = 0;
    for (uint64_t j = n - (uint64_t)k; j < n; j++) {
        uint32_t t = (uint32_t)snn_rng_below(&r, j + 1);
        int seen = 0;
        for (int i = 0; i < have && !seen; i++)
            seen = out[i] == t;
        out[have++] = seen ? (uint32_t)j : t;
    }
    qsort(out, (size_t)k, sizeof *out, cmp_u32);
}

void snn_spike_stats_free(snn_spike_stats *s)
{
    if (!s)
        return;
    for (int p = 0; s->pops && p < s->n_pops; p++)
        free(s->pops[p].sum_xy);
    free(s->pops);
    free(s->gids);
    free(s->in_sample);
    free(s->before);
    free(s->count);
    free(s->sum_x);
    free(s->sum_xx);
    free(s->nonzero);
    free(s);
}

/* Bits set in x (a portable popcount: the baseline x86-64 has no instruction for it). */
static inline uint32_t bits_set(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (uint32_t)((x * 0x0101010101010101ULL) >> 56);
}

/* Builds in_sample and before from the sorted gids (a bit and 4 bytes per 64 neurons). */
static int index_sample(snn_spike_stats *s, const snn_model *m)
{
    for (int p = 0; p < m->n_pops; p++)
        if (m->pops[p].offset + m->pops[p].size > s->n_ids)
            s->n_ids = m->pops[p].offset + m->pops[p].size;
    const size_t words = (size_t)(s->n_ids / 64 + 1);
    s->in_sample = calloc(words, sizeof *s->in_sample);
    s->before = calloc(words, sizeof *s->before);
    if (!s->in_sample || !s->before)
        return SNN_ERR_NOMEM;
    for (int k = 0; k < s->n_slots; k++)
        s->in_sample[s->gids[k] / 64] |= 1ULL << (s->gids[k] % 64);
    uint32_t total = 0;
    for (size_t w = 0; w < words; w++) {
        s->before[w] = total;
        total += bits_set(s->in_sample[w]);
    }
    return SNN_OK;
}

int snn_spike_stats_create(snn_spike_stats **out, const snn_model *m, int sample,
                           uint64_t steps_per_bin, snn_error *err)
{
    *out = NULL;
    if (sample < 1 || steps_per_bin < 1)
        return snn_fail(err, SNN_ERR_INTERNAL, "snn_spike_stats_create: sample %d, bin %llu steps",
                        sample, (unsigned long long)steps_per_bin);
    snn_spike_stats *s = calloc(1, sizeof *s);
    if (!s)
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate spike statistics");
    s->n_pops = m->n_pops;
    s->sample = sample;
    s->steps_per_bin = steps_per_bin;
    s->bin_ms = (double)steps_per_bin * m->run.dt;
    s->n_bins = m->run.n_steps / steps_per_bin;
    s->pops = calloc((size_t)m->n_pops, sizeof *s->pops);
    int n_slots = 0;
    for (int p = 0; s->pops && p < m->n_pops; p++) {
        pop_stats *ps = &s->pops[p];
        ps->first = n_slots;
        ps->n = m->pops[p].size < (uint64_t)sample ? (int)m->pops[p].size : sample;
        n_slots += ps->n;
        size_t pairs = (size_t)ps->n * (size_t)(ps->n - 1) / 2;
        ps->sum_xy = calloc(pairs ? pairs : 1, sizeof *ps->sum_xy);
        if (!ps->sum_xy) {
            snn_spike_stats_free(s);
            return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate spike statistics");
        }
    }
    s->n_slots = n_slots;
    size_t ns = n_slots ? (size_t)n_slots : 1;
    s->gids = malloc(ns * sizeof *s->gids);
    s->count = calloc(ns + 1, sizeof *s->count);
    s->sum_x = calloc(ns, sizeof *s->sum_x);
    s->sum_xx = calloc(ns, sizeof *s->sum_xx);
    s->nonzero = malloc(ns * sizeof *s->nonzero);
    if (!s->pops || !s->gids || !s->count || !s->sum_x || !s->sum_xx || !s->nonzero) {
        snn_spike_stats_free(s);
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate spike statistics");
    }
    for (int p = 0; p < m->n_pops; p++) {
        pop_stats *ps = &s->pops[p];
        uint32_t *g = s->gids + ps->first;
        draw_sample(m->run.seed, p, m->pops[p].size, ps->n, g);
        for (int i = 0; i < ps->n; i++)
            g[i] += (uint32_t)m->pops[p].offset;
        ps->out.n_sample = ps->n;
        ps->out.gids = g;
        ps->out.fano = NAN;
        ps->out.correlation = NAN;
    }
    if (index_sample(s, m) != SNN_OK) {
        snn_spike_stats_free(s);
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate spike statistics");
    }
    *out = s;
    return SNN_OK;
}

/* For each of the nz neurons i in nonzero: the pair sums of row i (pairs (i, j), j > i, at
 * row offset i * (2n - i - 1) / 2) plus count[i] * count[j] for every later j, zero counts
 * included: one loop per row that the compiler vectorises (32-bit counts, 64-bit sums). */
SNN_VECTOR_CLONES static void add_dense_rows(uint64_t *restrict sum_xy,
                                             const uint32_t *restrict cnt, int n,
                                             const int *restrict nonzero, int nz)
{
    for (int a = 0; a < nz; a++) {
        const int i = nonzero[a];
        uint64_t *restrict xy = sum_xy + (size_t)i * (size_t)(2 * n - i - 1) / 2;
        const uint32_t ci = cnt[i];
        const uint32_t *restrict cj = cnt + i + 1;
        const size_t len = (size_t)(n - i - 1);
        for (size_t k = 0; k < len; k++)
            xy[k] += (uint64_t)ci * cj[k];
    }
}

/* Adds the current bin's counts to the sums and clears them. */
static void close_bin(snn_spike_stats *s)
{
    for (int p = 0; p < s->n_pops; p++) {
        pop_stats *ps = &s->pops[p];
        const uint32_t *cnt = s->count + ps->first;
        int nz = 0;
        for (int i = 0; i < ps->n; i++) {
            uint64_t c = cnt[i];
            if (!c)
                continue;
            s->sum_x[ps->first + i] += c;
            s->sum_xx[ps->first + i] += c * c;
            s->nonzero[nz++] = i;
        }
        /* Pair (i, j), i < j, is at row offset i * (2n - i - 1) / 2 + (j - i - 1). Where more
         * than one neuron in 8 has spikes, each such row is added whole against every later
         * count, zeros included (vectorised); otherwise only the pairs of neurons with spikes
         * (nz^2 / 2 scattered additions instead of nz * n / 2 in vectors). Integers: the sums
         * are the same either way. */
        if (8 * nz > ps->n) {
            add_dense_rows(ps->sum_xy, cnt, ps->n, s->nonzero, nz);
        } else {
            for (int a = 0; a < nz; a++) {
                int i = s->nonzero[a];
                size_t row = (size_t)i * (size_t)(2 * ps->n - i - 1) / 2;
                uint64_t ci = cnt[i];
                for (int b = a + 1; b < nz; b++) {
                    int j = s->nonzero[b];
                    ps->sum_xy[row + (size_t)(j - i - 1)] += ci * cnt[j];
                }
            }
        }
        for (int a = 0; a < nz; a++)
            s->count[ps->first + s->nonzero[a]] = 0;
    }
}

void snn_spike_stats_add(snn_spike_stats *s, uint64_t step, const uint32_t *gids, size_t n)
{
    if (!s || step < 1 || n == 0)
        return;
    uint64_t bin = (step - 1) / s->steps_per_bin;
    if (bin >= s->n_bins)
        return; /* a partial last bin */
    if (bin != s->cur_bin) {
        close_bin(s);
        s->cur_bin = bin;
    }
    /* Each spike counts in its neuron's slot, or in the spare cell after the slots when the
     * neuron is not in the sample: no branch on which. */
    for (size_t k = 0; k < n; k++) {
        const uint64_t g = gids[k] < s->n_ids ? gids[k] : s->n_ids;
        const uint64_t word = s->in_sample[g / 64], bit = 1ULL << (g % 64);
        const uint32_t slot = s->before[g / 64] + bits_set(word & (bit - 1));
        s->count[word & bit ? slot : (uint32_t)s->n_slots]++;
    }
}

void snn_spike_stats_finish(snn_spike_stats *s)
{
    if (!s || s->finished)
        return;
    s->finished = 1;
    close_bin(s);
    long double nb = (long double)s->n_bins;
    for (int p = 0; p < s->n_pops; p++) {
        pop_stats *ps = &s->pops[p];
        const uint64_t *sx = s->sum_x + ps->first, *sxx = s->sum_xx + ps->first;
        long double fano = 0, corr = 0;
        int n_fano = 0;
        uint64_t n_pairs = 0;
        for (int i = 0; i < ps->n && s->n_bins > 0; i++) {
            if (sx[i] == 0)
                continue;
            /* var / mean = (n Sxx - Sx^2) / (n Sx) */
            fano += (nb * sxx[i] - (long double)sx[i] * sx[i]) / (nb * sx[i]);
            n_fano++;
        }
        size_t pair = 0;
        for (int i = 0; i < ps->n; i++) {
            long double vi = nb * sxx[i] - (long double)sx[i] * sx[i];
            for (int j = i + 1; j < ps->n; j++, pair++) {
                long double vj = nb * sxx[j] - (long double)sx[j] * sx[j];
                if (!(vi > 0 && vj > 0))
                    continue;
                long double cov = nb * ps->sum_xy[pair] - (long double)sx[i] * sx[j];
                corr += cov / sqrtl(vi * vj);
                n_pairs++;
            }
        }
        ps->out.n_fano = n_fano;
        ps->out.fano = n_fano ? (double)(fano / n_fano) : NAN;
        ps->out.n_pairs = n_pairs;
        ps->out.correlation = n_pairs ? (double)(corr / (long double)n_pairs) : NAN;
    }
}

const snn_spike_stats_pop *snn_spike_stats_get(const snn_spike_stats *s, int p)
{
    return &s->pops[p].out;
}

int snn_spike_stats_sample_size(const snn_spike_stats *s)
{
    return s->sample;
}

double snn_spike_stats_bin_ms(const snn_spike_stats *s)
{
    return s->bin_ms;
}

uint64_t snn_spike_stats_n_bins(const snn_spike_stats *s)
{
    return s->n_bins;
}
