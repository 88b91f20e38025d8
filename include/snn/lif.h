/*
 * lif.h — the leaky integrate-and-fire neuron (brainpy.state.LIF and LIFRef).
 *
 * Equations and update order, one step of dt (DESIGN.md section 1):
 *
 *   s_prev = (V >= V_th)                         spike of the stored (un-reset) V
 *   V'     = V - (V_th - V_reset) * s_prev       reset "soft" (default)
 *   V'     = V - (V - V_reset) * s_prev          reset "hard"
 *   f      = (-V' + V_rest + R * I) / tau
 *   V      = V' + dt * phi * f,  phi = expm1(z) / z,  z = -dt / tau     exponential Euler
 *   s      = (V >= V_th)                         this step's spike; V is stored un-reset
 *
 * With tau_ref > 0 (LIFRef) the neuron is refractory while (n - m) * dt < tau_ref, where m is
 * the step of its last spike and n the current step; while refractory V stays at V'. The test is
 * done in whole steps (ref_steps = the smallest k with k * dt >= tau_ref), so it does not depend
 * on rounding of time stamps.
 *
 * Parameters (internal units): V_rest, V_th, V_reset in mV; tau, tau_ref in ms; R in ohm;
 * the input current I in mA (ohm * mA = mV). Defaults: R = 1 ohm, tau_ref = 0, reset soft.
 * All arithmetic is in snn_real (float by default, as in BrainState), in the reference's order.
 * Corresponds to NEST's iaf_psc_exp only loosely (NEST integrates exactly and resets at once).
 */
#ifndef SNN_LIF_H
#define SNN_LIF_H

#include <stdint.h>

#include "snn/model.h"
#include "snn/real.h"

typedef struct {
    snn_real V_rest, V_th, V_reset, R, tau;
    snn_real dt_phi;  /* dt * phi, phi = expm1(-dt/tau) / (-dt/tau) */
    snn_real inv_tau; /* 1 / tau where that is exact (inv_exact), else 0 */
    int inv_exact;    /* tau a power of two: snn_lif_integrate_inv gives snn_lif_integrate's bits */
    int hard_reset;   /* 0 soft, 1 hard */
    int64_t ref_steps; /* refractory while steps since the last spike < ref_steps */
} snn_lif;

/* Precomputes the propagator of one population. */
void snn_lif_init(snn_lif *c, const snn_lif_params *p, double dt);

/* The reset of the previous step's spike, applied at the start of this step. */
static inline snn_real snn_lif_reset(const snn_lif *c, snn_real V)
{
    if (V >= c->V_th)
        return c->hard_reset ? V - (V - c->V_reset) : V - (c->V_th - c->V_reset);
    return V;
}

/* Exponential-Euler integration of one step from the reset potential Vr with input current I. */
static inline snn_real snn_lif_integrate(const snn_lif *c, snn_real Vr, snn_real I)
{
    snn_real f = (-Vr + c->V_rest + c->R * I) / c->tau;
    return Vr + c->dt_phi * f;
}

/* snn_lif_integrate with the division by tau as a multiplication by its exact reciprocal (only
 * when c->inv_exact): the same bits. */
static inline snn_real snn_lif_integrate_inv(const snn_lif *c, snn_real Vr, snn_real I)
{
    snn_real f = (-Vr + c->V_rest + c->R * I) * c->inv_tau;
    return Vr + c->dt_phi * f;
}

#endif
