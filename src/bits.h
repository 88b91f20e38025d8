/*
 * bits.h — small bit helpers shared by the connectivity code (internal, not part of the API).
 */
#ifndef SNN_BITS_H
#define SNN_BITS_H

#include <stdint.h>

/* Index of the lowest set bit of x; x must not be 0. */
static inline int snn_ctz64(uint64_t x)
{
#if defined(__GNUC__)
    return __builtin_ctzll(x);
#else
    int n = 0;
    while (!(x & 1)) {
        x >>= 1;
        n++;
    }
    return n;
#endif
}

#endif
