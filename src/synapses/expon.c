/*
 * expon.c — propagator of the exponential synapse; the equation is in include/snn/expon.h.
 */
#include "snn/expon.h"

#include <math.h>

void snn_expon_init(snn_expon *s, double tau, double dt)
{
    s->tau = (snn_real)tau;
    snn_real dtr = (snn_real)dt;
    snn_real z = dtr * ((snn_real)-1 / s->tau);
    s->dt_phi = dtr * (SNN_EXPM1(z) / z);
    s->inv_tau = 0;
    s->inv_exact = snn_real_exact_reciprocal(s->tau, &s->inv_tau);
}
