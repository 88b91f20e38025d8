/*
 * synapse.h — the synapse kinds besides the exponential one (expon.h): alpha, dual exponential
 * and delta. Each turns the weights arriving in a step into a conductance or current g (or, for
 * delta, a jump in V) that the output (output.h) and the neuron then use. Arrivals are plain
 * additions to a state variable, as for expon, so ring buffers deliver them the same way.
 *
 * Within one step, as for expon (DESIGN.md section 1): every state decays first, then the
 * step's arrivals x (the sum of the arriving weights) are added; the neuron then integrates
 * with the new g.
 *
 * ---- alpha: synapse "alpha", parameter tau (ms, > 0) --------------------------------------
 *
 *   dh/dt = -h / tau + sum_k w_k delta(t - t_k)
 *   dg/dt = -g / tau + e * h / tau                         (e = exp(1))
 *
 * A weight w arriving at t = 0 gives g(t) = w (t / tau) exp(1 - t / tau): g rises from 0, peaks
 * at t = tau with the value w (the normalisation model.h promises) and decays.
 * Exact integration over one step h (the system is linear), P = exp(-dt / tau):
 *
 *   g <- P g + e (dt / tau) P h        (h of the previous step)
 *   h <- P h + x
 *
 * so a weight arriving in step k gives g = w (n dt / tau) exp(1 - n dt / tau) at the end of step
 * k + n: 0 in step k itself, then the alpha function sampled exactly.
 * brainpy.state.Alpha has the same two equations without the factor e (its g peaks at w / e
 * although its docstring states (t/tau) exp(1 - t/tau)), and it steps g by exponential Euler
 * with h held at its old value, which differs from the exact solution by O(dt / tau): this file
 * follows the normalised alpha function (peak w at tau) and integrates it exactly. NEST: the
 * current kernel of iaf_psc_alpha, which is normalised the same way (e / tau_syn).
 *
 * ---- dual_expon: synapse "dual_expon", tau_rise, tau_decay (ms, 0 < tau_rise < tau_decay) --
 *
 *   dg_rise/dt  = -g_rise  / tau_rise  + sum_k w_k delta(t - t_k)
 *   dg_decay/dt = -g_decay / tau_decay + sum_k w_k delta(t - t_k)
 *   g = A (g_decay - g_rise),
 *   A = tau_decay / (tau_decay - tau_rise) * (tau_rise / tau_decay)^p,
 *   p = tau_rise / (tau_rise - tau_decay)
 *
 * A is 1 / max_t (exp(-t/tau_decay) - exp(-t/tau_rise)), reached at
 * t* = tau_rise tau_decay / (tau_decay - tau_rise) ln(tau_decay / tau_rise): a weight w gives
 * g(t) = w A (exp(-t/tau_decay) - exp(-t/tau_rise)) with the peak w at t*. This is
 * brainpy.state.DualExpon with normalize=True, amplitude=1, step for step: both components are
 * decayed by exponential Euler exactly as expon.h does (g + dt phi (-g / tau)), then both
 * receive x. NEST: the beta-function kernel of iaf_cond_beta, also normalised to a peak of 1.
 *
 * ---- delta: synapse "delta", no parameter and no state ----------------------------------
 *
 *   V <- V + x          x = the sum of the weights (mV) arriving in this step
 *
 * The jump is added after the neuron's integration of the step and before its threshold test,
 * so it can make the neuron spike in the step it arrives. While the neuron is refractory the
 * jump is discarded. This is brainpy.state's delta input (LIF.update: V = exp_euler(...), then
 * V = sum_delta_inputs(V), then the spike test; LIFRef then overwrites V of refractory neurons)
 * and NEST's iaf_psc_delta (V = P33 V + P31 I + weighted spikes; spikes during refractoriness
 * are dropped). For iaf_psc_exp the jump goes into `drive` of snn_iaf_update_v (same order).
 *
 * References: A. Roth, M. C. W. van Rossum (2009) Modeling synapses, in Computational Modeling
 * Methods for Neuroscientists, MIT Press; brainpy.state._synapse (Expon, DualExpon, Alpha).
 */
#ifndef SNN_SYNAPSE_H
#define SNN_SYNAPSE_H

#include "snn/expon.h"
#include "snn/real.h"

/* ---- alpha ---- */

typedef struct {
    snn_real tau;
    snn_real P;    /* exp(-dt / tau) */
    snn_real P_gh; /* e * (dt / tau) * exp(-dt / tau): the weight of h in g's update */
} snn_alpha;

void snn_alpha_init(snn_alpha *s, double tau, double dt);

/* One step: g from the old g and h, then h decays and receives x. g is the output. */
static inline void snn_alpha_step(const snn_alpha *s, snn_real *g, snn_real *h, snn_real x)
{
    snn_real h0 = *h;
    *g = s->P * *g + s->P_gh * h0;
    *h = s->P * h0 + x;
}

/* ---- dual_expon ---- */

typedef struct {
    snn_expon rise, decay; /* the two exponential-Euler decays (expon.h) */
    snn_real A;            /* peak normalisation; the output is A (g_decay - g_rise) */
} snn_dual_expon;

/* Requires 0 < tau_rise < tau_decay. */
void snn_dual_expon_init(snn_dual_expon *s, double tau_rise, double tau_decay, double dt);

/* The peak normalisation A for tau_rise < tau_decay (double, for tests and diagnostics). */
double snn_dual_expon_norm(double tau_rise, double tau_decay);

/* One step of both components: decay, then x; returns the output g. */
static inline snn_real snn_dual_expon_step(const snn_dual_expon *s, snn_real *g_rise,
                                           snn_real *g_decay, snn_real x)
{
    *g_rise = snn_expon_step(&s->rise, *g_rise, x);
    *g_decay = snn_expon_step(&s->decay, *g_decay, x);
    return s->A * (*g_decay - *g_rise);
}

/* The output of stored states (for recording g without stepping). */
static inline snn_real snn_dual_expon_value(const snn_dual_expon *s, snn_real g_rise,
                                            snn_real g_decay)
{
    return s->A * (g_decay - g_rise);
}

/* ---- delta ---- */

/* The jump of this step's arrivals x (mV) onto V already integrated over the step; call it only
 * for neurons that are not refractory, before the threshold test. */
static inline snn_real snn_delta_apply(snn_real V, snn_real x)
{
    return V + x;
}

#endif
