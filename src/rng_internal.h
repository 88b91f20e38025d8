/*
 * rng_internal.h — pieces shared by the samplers in rng.c and rng_hypergeometric.c
 * (internal, not part of the API).
 */
#ifndef SNN_RNG_INTERNAL_H
#define SNN_RNG_INTERNAL_H

/* log k! - [log sqrt(2 pi) + (k + 1/2) log(k + 1) - (k + 1)], the Stirling-series remainder,
 * for whole k >= 0. */
double snn_stirling_tail(double k);

#endif
