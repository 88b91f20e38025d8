/*
 * spike_sort.c — radix sort of packed spikes (see include/snn/spike_sort.h).
 */
#include "snn/spike_sort.h"

#include <string.h>

/* Insertion sort: few values, often runs that are already in order. */
static void insertion_sort(uint64_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        const uint64_t v = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

void snn_spike_sort(uint64_t *a, uint64_t *tmp, size_t n)
{
    if (n < SNN_SPIKE_SORT_SMALL) {
        insertion_sort(a, n);
        return;
    }
    /* The bits in which the values differ: a byte without any is the same in every value and
     * needs no pass. */
    uint64_t all_or = 0, all_and = ~(uint64_t)0;
    for (size_t i = 0; i < n; i++) {
        all_or |= a[i];
        all_and &= a[i];
    }
    const uint64_t differ = all_or ^ all_and;
    uint64_t *src = a, *dst = tmp;
    for (unsigned shift = 0; shift < 64; shift += 8) {
        if (((differ >> shift) & 0xff) == 0)
            continue;
        size_t start[256] = {0};
        for (size_t i = 0; i < n; i++)
            start[(src[i] >> shift) & 0xff]++;
        size_t sum = 0;
        for (int d = 0; d < 256; d++) {
            const size_t c = start[d];
            start[d] = sum;
            sum += c;
        }
        /* Stable: equal bytes keep the order of the previous (less significant) passes. */
        for (size_t i = 0; i < n; i++)
            dst[start[(src[i] >> shift) & 0xff]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
}
