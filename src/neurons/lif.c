/*
 * lif.c — propagators of the LIF neuron; the equations are in include/snn/lif.h.
 *
 * Reference: brainpy.state.LIF / LIFRef (exponential Euler through brainstate.nn.exp_euler_step:
 * x + dt * exprel(dt * J) * f(x), with J = -1/tau the derivative of f with respect to V).
 */
#include "snn/lif.h"

#include <math.h>

void snn_lif_init(snn_lif *c, const snn_lif_params *p, double dt)
{
    c->V_rest = (snn_real)p->V_rest;
    c->V_th = (snn_real)p->V_th;
    c->V_reset = (snn_real)p->V_reset;
    c->R = (snn_real)p->R;
    c->tau = (snn_real)p->tau;
    /* Same operations, in the same precision, as the reference: J = -1/tau, z = dt*J. */
    snn_real dtr = (snn_real)dt;
    snn_real J = (snn_real)-1 / c->tau;
    snn_real z = dtr * J;
    snn_real phi = SNN_EXPM1(z) / z;
    c->dt_phi = dtr * phi;
    c->inv_tau = 0;
    c->inv_exact = snn_real_exact_reciprocal(c->tau, &c->inv_tau);
    c->hard_reset = p->reset == SNN_RESET_HARD;
    /* Smallest k with k*dt >= tau_ref, tolerating rounding of tau_ref/dt near an integer. */
    double k = p->tau_ref / dt;
    double kr = nearbyint(k);
    c->ref_steps = fabs(k - kr) < 1e-9 * (kr > 1 ? kr : 1) ? (int64_t)kr : (int64_t)ceil(k);
}
