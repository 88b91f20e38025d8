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
    snn_real dt_phi; /* dt * phi_s */
} snn_expon;

void snn_expon_init(snn_expon *s, double tau, double dt);

static inline snn_real snn_expon_step(const snn_expon *s, snn_real g, snn_real x)
{
    return g + s->dt_phi * (-g / s->tau) + x;
}

#endif
