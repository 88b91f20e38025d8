/*
 * synapse.c — propagators of the alpha and dual-exponential synapses; the equations are in
 * include/snn/synapse.h (delta has no state and nothing to precompute).
 */
#include "snn/synapse.h"

#include <assert.h>
#include <math.h>

void snn_alpha_init(snn_alpha *s, double tau, double dt)
{
    assert(tau > 0 && dt > 0);
    double P = exp(-dt / tau);
    s->tau = (snn_real)tau;
    s->P = (snn_real)P;
    /* exp(1) * dt/tau * P = (dt/tau) exp(1 - dt/tau): the alpha function one step after h = 1. */
    s->P_gh = (snn_real)(dt / tau * exp(1.0 - dt / tau));
}

double snn_dual_expon_norm(double tau_rise, double tau_decay)
{
    assert(0 < tau_rise && tau_rise < tau_decay);
    return tau_decay / (tau_decay - tau_rise) *
           pow(tau_rise / tau_decay, tau_rise / (tau_rise - tau_decay));
}

void snn_dual_expon_init(snn_dual_expon *s, double tau_rise, double tau_decay, double dt)
{
    /* The same exponential-Euler decay as expon.h, so each component matches brainpy's. */
    snn_expon_init(&s->rise, tau_rise, dt);
    snn_expon_init(&s->decay, tau_decay, dt);
    s->A = (snn_real)snn_dual_expon_norm(tau_rise, tau_decay);
}
