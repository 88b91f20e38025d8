/*
 * expon.h — the exponential synapse (brainpy.state.Expon; NEST: the current of iaf_psc_exp).
 *
 *   g <- g + dt * phi_s * (-g / tau_s) + x,   phi_s = expm1(z) / z,  z = -dt / tau_s
 *
 * decay first (exponential Euler), then x, the sum of this step's arriving weights.
 * Parameter: tau_s (ms, > 0). State g in mS. Projections onto the same neurons with the same
 * tau_s and output share one g (BrainState merges them; for a linear synapse the sum is the same).
 */
#ifndef SNN_EXPON_H
#define SNN_EXPON_H

#include "snn/real.h"

typedef struct {
    snn_real tau;
    snn_real dt_phi;  /* dt * phi_s */
    snn_real inv_tau; /* 1 / tau where that is exact (inv_exact), else 0 */
    int inv_exact;    /* tau a power of two: snn_expon_step_inv gives snn_expon_step's bits */
} snn_expon;

void snn_expon_init(snn_expon *s, double tau, double dt);

static inline snn_real snn_expon_step(const snn_expon *s, snn_real g, snn_real x)
{
    return g + s->dt_phi * (-g / s->tau) + x;
}

/* snn_expon_step with the division by tau as a multiplication by its exact reciprocal (only
 * when s->inv_exact, e.g. tau = 2 ms): the same bits, without a division's cost. */
static inline snn_real snn_expon_step_inv(const snn_expon *s, snn_real g, snn_real x)
{
    return g + s->dt_phi * (-g * s->inv_tau) + x;
}

#endif
