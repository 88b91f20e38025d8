/*
 * real.h — the floating type of model state.
 *
 * State is float by default, as in BrainState; configure with -DSNN_DOUBLE=ON for double.
 * Parameters are parsed and validated in double and converted once when the network is built.
 */
#ifndef SNN_REAL_H
#define SNN_REAL_H

#include <math.h>

#ifdef SNN_USE_DOUBLE
typedef double snn_real;
#define SNN_REAL_NAME "double"
#define SNN_EXPM1 expm1
#else
typedef float snn_real;
#define SNN_REAL_NAME "single"
#define SNN_EXPM1 expm1f
#endif

/* 1 and *inv = 1 / x when that reciprocal is exact (x a power of two, 1 / x a normal number):
 * then y / x and y * *inv round the same real number and are equal for every y, so a division
 * by x may become a multiplication without changing a bit. 0 otherwise. */
static inline int snn_real_exact_reciprocal(snn_real x, snn_real *inv)
{
    int e;
    const snn_real r = (snn_real)1 / x;
    if (!(x > 0) || frexp((double)x, &e) != 0.5 || !isnormal(r))
        return 0;
    *inv = r;
    return 1;
}

#endif
