/*
 * synapse_store.c — narrowing the built synapse arrays (see synapse_store.h for the layout).
 */
#include "snn/synapse_store.h"

#include <stdlib.h>
#include <string.h>

#include "snn/pages.h"

#define DELAY8_LIMIT 256u

static int narrow_targets(snn_synapses *sy, uint64_t n, snn_error *err)
{
    uint32_t lo, hi;
    snn_synapses_target_range(sy, n, &lo, &hi);
    if (n > 0 && (uint64_t)hi - lo >= SNN_SYNAPSES_TARGET16_SPAN)
        return SNN_OK;
    uint16_t *t16 = snn_pages_malloc((n > 0 ? n : 1) * sizeof *t16);
    if (!t16)
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate %llu compact synapse targets",
                        (unsigned long long)n);
    for (uint64_t k = 0; k < n; k++)
        t16[k] = (uint16_t)(sy->target[k] - lo);
    sy->target_base = n > 0 ? lo : 0;
    sy->target16 = t16;
    free(sy->target);
    sy->target = NULL;
    return SNN_OK;
}

static int narrow_delays(snn_synapses *sy, uint64_t n, snn_error *err)
{
    uint16_t hi = 0;
    for (uint64_t k = 0; k < n; k++)
        hi = sy->delay[k] > hi ? sy->delay[k] : hi;
    if (hi >= DELAY8_LIMIT)
        return SNN_OK;
    uint8_t *d8 = snn_pages_malloc((n > 0 ? n : 1) * sizeof *d8);
    if (!d8)
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate %llu compact synapse delays",
                        (unsigned long long)n);
    for (uint64_t k = 0; k < n; k++)
        d8[k] = (uint8_t)sy->delay[k];
    sy->delay8 = d8;
    free(sy->delay);
    sy->delay = NULL;
    return SNN_OK;
}

int snn_synapses_compact(snn_synapses *sy, uint64_t n, snn_error *err)
{
    int status = SNN_OK;
    if (sy->target)
        status = narrow_targets(sy, n, err);
    if (status == SNN_OK && sy->delay)
        status = narrow_delays(sy, n, err);
    return status;
}

size_t snn_synapses_bytes(const snn_synapses *sy, uint64_t n, uint64_t pre_size)
{
    size_t per = (sy->target16 ? 2
                  : sy->target ? 4
                               : 0) +
                 (sy->weight ? sizeof(snn_real) : 0) +
                 (sy->delay8  ? 1
                  : sy->delay ? 2
                              : 0);
    return (size_t)n * per + (sy->row ? (size_t)(pre_size + 1) * sizeof *sy->row : 0);
}

double snn_synapses_bytes_per_synapse(uint64_t target_span, int per_weight, int per_delay,
                                      uint64_t max_delay_steps)
{
    double b = target_span <= SNN_SYNAPSES_TARGET16_SPAN ? 2.0 : 4.0;
    if (per_weight)
        b += sizeof(snn_real);
    if (per_delay)
        b += max_delay_steps > 0 && max_delay_steps < DELAY8_LIMIT ? 1.0 : 2.0;
    return b;
}

void snn_synapses_target_range(const snn_synapses *sy, uint64_t n, uint32_t *lo, uint32_t *hi)
{
    *lo = UINT32_MAX;
    *hi = 0;
    for (uint64_t k = 0; k < n; k++) {
        uint32_t t = snn_syn_target(sy, k);
        *lo = t < *lo ? t : *lo;
        *hi = t > *hi ? t : *hi;
    }
}

int snn_synapses_same_layout(const snn_synapses *a, const snn_synapses *b)
{
    return !a->target16 == !b->target16 && !a->target == !b->target && !a->weight == !b->weight &&
           !a->delay == !b->delay && !a->delay8 == !b->delay8;
}

/* Synapses copied after which the inputs' consumed pages are given back (a few MB of input:
 * the peak stays within that of the inputs' size, the system calls few). */
enum { MERGE_RELEASE_STEP = 1 << 18 };

/* One array of the merge: out[c..] = in[k0..k1) of each input in turn, row by row. */
typedef struct {
    char *out;
    char *in[SNN_SYNAPSES_MERGE_MAX];
    size_t width;
} merge_array;

int snn_synapses_merge(snn_synapses *const *in, int k, uint64_t pre_size, snn_synapses *out,
                       snn_error *err)
{
    if (k < 1 || k > SNN_SYNAPSES_MERGE_MAX)
        return snn_fail(err, SNN_ERR_INTERNAL, "snn_synapses_merge: %d stores", k);
    uint64_t n = 0;
    uint32_t base = UINT32_MAX;
    for (int j = 0; j < k; j++) {
        uint64_t nj = in[j]->row[pre_size];
        n += nj;
        if (nj > 0 && in[j]->target16 && in[j]->target_base < base)
            base = in[j]->target_base;
    }
    const snn_synapses *f = in[0];
    const size_t nn = n > 0 ? (size_t)n : 1;
    snn_synapses m = {0};
    m.row = malloc((pre_size + 1) * sizeof *m.row);
    m.target16 = f->target16 ? snn_pages_malloc(nn * sizeof *m.target16) : NULL;
    m.target = f->target ? snn_pages_malloc(nn * sizeof *m.target) : NULL;
    m.target_base = f->target16 && base != UINT32_MAX ? base : 0;
    m.weight = f->weight ? snn_pages_malloc(nn * sizeof *m.weight) : NULL;
    m.delay = f->delay ? snn_pages_malloc(nn * sizeof *m.delay) : NULL;
    m.delay8 = f->delay8 ? snn_pages_malloc(nn * sizeof *m.delay8) : NULL;
    if (!m.row || (f->target16 && !m.target16) || (f->target && !m.target) ||
        (f->weight && !m.weight) || (f->delay && !m.delay) || (f->delay8 && !m.delay8)) {
        snn_synapses_free(&m);
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate %llu merged synapses",
                        (unsigned long long)n);
    }
    /* The arrays other than 2-byte targets are copied as bytes; targets are re-based. */
    merge_array arr[4];
    int n_arr = 0;
    if (m.target)
        arr[n_arr++] = (merge_array){(char *)m.target, {0}, sizeof *m.target};
    if (m.weight)
        arr[n_arr++] = (merge_array){(char *)m.weight, {0}, sizeof *m.weight};
    if (m.delay)
        arr[n_arr++] = (merge_array){(char *)m.delay, {0}, sizeof *m.delay};
    if (m.delay8)
        arr[n_arr++] = (merge_array){(char *)m.delay8, {0}, sizeof *m.delay8};
    for (int j = 0; j < k; j++) {
        int a = 0;
        if (m.target)
            arr[a++].in[j] = (char *)in[j]->target;
        if (m.weight)
            arr[a++].in[j] = (char *)in[j]->weight;
        if (m.delay)
            arr[a++].in[j] = (char *)in[j]->delay;
        if (m.delay8)
            arr[a++].in[j] = (char *)in[j]->delay8;
    }
    uint64_t c = 0, released_at = 0;
    for (uint64_t pre = 0; pre < pre_size; pre++) {
        m.row[pre] = c;
        for (int j = 0; j < k; j++) {
            const uint64_t b = in[j]->row[pre], e = in[j]->row[pre + 1];
            if (m.target16) {
                const uint16_t shift = (uint16_t)(in[j]->target_base - m.target_base);
                for (uint64_t x = b; x < e; x++)
                    m.target16[c + (x - b)] = (uint16_t)(in[j]->target16[x] + shift);
            }
            for (int a = 0; a < n_arr; a++)
                memcpy(arr[a].out + c * arr[a].width, arr[a].in[j] + b * arr[a].width,
                       (size_t)(e - b) * arr[a].width);
            c += e - b;
        }
        if (c - released_at >= MERGE_RELEASE_STEP) {
            for (int j = 0; j < k; j++) {
                const uint64_t done = in[j]->row[pre + 1], all = in[j]->row[pre_size];
                if (m.target16)
                    snn_pages_release(in[j]->target16, done * sizeof *m.target16,
                                      all * sizeof *m.target16);
                for (int a = 0; a < n_arr; a++)
                    snn_pages_release(arr[a].in[j], done * arr[a].width, all * arr[a].width);
            }
            released_at = c;
        }
    }
    m.row[pre_size] = c;
    for (int j = 0; j < k; j++) {
        snn_synapses_free(in[j]);
        memset(in[j], 0, sizeof *in[j]);
    }
    *out = m;
    return SNN_OK;
}

void snn_synapses_free(snn_synapses *sy)
{
    free(sy->row);
    free(sy->target);
    free(sy->target16);
    free(sy->weight);
    free(sy->delay);
    free(sy->delay8);
}
