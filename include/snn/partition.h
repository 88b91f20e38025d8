/*
 * partition.h — who owns which neuron.
 *
 * Every population is split into near-equal contiguous slices, one per rank, and a rank's slice
 * of each population is split again among its threads. Slice k of n items in `parts` parts is
 * [n*k/parts, n*(k+1)/parts), so sizes differ by at most one.
 */
#ifndef SNN_PARTITION_H
#define SNN_PARTITION_H

#include <stdint.h>

/* A half-open range of indices [begin, end). */
typedef struct {
    uint64_t begin, end;
} snn_range;

static inline snn_range snn_split(uint64_t n, uint64_t parts, uint64_t k)
{
    /* n * k overflows only for n beyond 2^40 with 2^24 parts; sizes are checked far below. */
    snn_range r = {n * k / parts, n * (k + 1) / parts};
    return r;
}

#endif
