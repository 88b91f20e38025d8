/*
 * record_spec.c — recorder selections and window arithmetic (see include/snn/record_spec.h).
 */
#include "snn/record_spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn/rng.h"

void snn_recorder_specs_free(snn_recorder_spec *r, int n)
{
    if (!r)
        return;
    for (int i = 0; i < n; i++) {
        free(r[i].sel.ids);
        free(r[i].vars);
    }
    free(r);
}

void snn_record_file_name(const snn_recorder_spec *r, const snn_record_var *v, char *buf, size_t n)
{
    snprintf(buf, n, "%s_%s.h5", r->name, v->name);
    for (char *c = buf; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == '.' || *c == '-' || *c == '+'))
            *c = '_';
}

uint64_t snn_selection_lower_bound(const snn_selection *sel, uint64_t id)
{
    if (!sel->ids)
        return id < sel->n ? id : sel->n;
    uint64_t lo = 0, hi = sel->n;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (sel->ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

snn_range snn_selection_columns(const snn_selection *sel, snn_range r)
{
    snn_range c = {snn_selection_lower_bound(sel, r.begin), snn_selection_lower_bound(sel, r.end)};
    return c;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Inserts v into the open-addressing set (capacity mask + 1, empty slots hold UINT64_MAX);
 * returns 1 if it was already there. */
static int set_insert(uint64_t *set, uint64_t mask, uint64_t v)
{
    uint64_t h = (v * UINT64_C(0x9E3779B97F4A7C15)) >> 17;
    for (uint64_t i = h & mask;; i = (i + 1) & mask) {
        if (set[i] == v)
            return 1;
        if (set[i] == UINT64_MAX) {
            set[i] = v;
            return 0;
        }
    }
}

int snn_selection_random(uint32_t seed, uint32_t index, uint64_t size, uint64_t n, uint64_t *ids)
{
    snn_rng r;
    snn_rng_init(&r, seed, SNN_RNG_RECORD | (index & 0xFFFFFFu), 0, 0);
    if (n > size / 2) {
        /* Selection sampling (Knuth's algorithm S): sorted by construction, O(size) <= O(2n). */
        uint64_t k = 0;
        for (uint64_t i = 0; i < size && k < n; i++)
            if (snn_rng_below(&r, size - i) < n - k)
                ids[k++] = i;
        return 0;
    }
    /* Floyd's algorithm: n draws, each new id kept in a hash set, then sorted. */
    uint64_t cap = 1;
    while (cap < 2 * n)
        cap *= 2;
    uint64_t *set = malloc(cap * sizeof *set);
    if (!set)
        return -1;
    memset(set, 0xFF, cap * sizeof *set);
    uint64_t k = 0;
    for (uint64_t j = size - n; j < size; j++) {
        uint64_t t = snn_rng_below(&r, j + 1);
        if (set_insert(set, cap - 1, t)) {
            set_insert(set, cap - 1, j);
            t = j;
        }
        ids[k++] = t;
    }
    free(set);
    qsort(ids, (size_t)n, sizeof *ids, cmp_u64);
    return 0;
}

uint64_t snn_record_window_rows(uint64_t n_selected, uint64_t n_samples, uint64_t interval,
                                uint64_t every, size_t bytes)
{
    uint64_t row_bytes = (n_selected ? n_selected : 1) * 4;
    uint64_t rows = bytes / row_bytes;
    uint64_t need = snn_record_samples_per_interval(interval, every);
    if (rows < need)
        rows = need;
    if (rows > n_samples)
        rows = n_samples;
    return rows > 0 ? rows : 1;
}
