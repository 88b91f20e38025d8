/*
 * synapse_store.c — narrowing the built synapse arrays (see synapse_store.h for the layout).
 */
#include "snn/synapse_store.h"

#include <stdlib.h>

#include "snn/pages.h"

#define TARGET16_SPAN 65536u
#define DELAY8_LIMIT 256u

static int narrow_targets(snn_synapses *sy, uint64_t n, snn_error *err)
{
    uint32_t lo = UINT32_MAX, hi = 0;
    for (uint64_t k = 0; k < n; k++) {
        uint32_t t = sy->target[k];
        lo = t < lo ? t : lo;
        hi = t > hi ? t : hi;
    }
    if (n > 0 && (uint64_t)hi - lo >= TARGET16_SPAN)
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
    double b = target_span <= TARGET16_SPAN ? 2.0 : 4.0;
    if (per_weight)
        b += sizeof(snn_real);
    if (per_delay)
        b += max_delay_steps > 0 && max_delay_steps < DELAY8_LIMIT ? 1.0 : 2.0;
    return b;
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
