/*
 * iaf_psc_exp.h — leaky integrate-and-fire neuron with exponentially decaying synaptic currents,
 * integrated exactly (NEST's iaf_psc_exp; Tsodyks et al. 2000 current kernel).
 *
 * Sub-threshold dynamics, with N current channels c (NEST has two, excitatory and inhibitory,
 * each with its own time constant; we allow any number, one per synapse channel):
 *
 *   C_m dV/dt   = -C_m (V - E_L) / tau_m + sum_c i_c(t) + I_e + I_stim(t)
 *   di_c/dt     = -i_c / tau_c + sum_k w_k delta(t - t_k)            (a weight w jumps i_c by w)
 *
 * Exact integration over one step h (Rotter & Diesmann 1999), y = V - E_L:
 *
 *   P22   = exp(-h / tau_m)
 *   P11_c = exp(-h / tau_c)
 *   P20   = tau_m / C_m * (1 - P22)                                   (mV per mA, see units)
 *   P21_c = tau_c tau_m / (C_m (tau_m - tau_c)) * (P22 - P11_c)       (mV per mA)
 *         = h / C_m * P22 * f(h (1/tau_c - 1/tau_m)),   f(z) = (1 - exp(-z)) / z,  f(0) = 1
 *
 * The second form of P21_c is the one computed: it has no cancellation near tau_c == tau_m
 * and gives the limit h / C_m * P22 there (NEST reaches the same value through its
 * propagator_stability switch; we use expm1 instead of a switch).
 *
 * Update order of one step n (as in NEST's iaf_psc_exp::update, one iteration of its loop):
 *
 *   (1) if r == 0:  y <- P22 y + sum_c P21_c i_c + P20 (I_e + I_stim)       i_c of step n-1
 *       else:       r <- r - 1                               (V stays at V_reset, not integrated)
 *   (2) i_c <- P11_c i_c                                                            decay
 *   (3) i_c <- i_c + x_c      x_c: the weights arriving in step n (NEST's ring buffer slot)
 *   (4) if V >= V_th:  spike (time stamp n h), V <- V_reset, r <- ref_steps
 *   (5) I_stim for step n+1 is read now: a current that arrives in step n acts from step n+1.
 *
 * A spike arriving in step k therefore changes V first at the end of step k+1, and then exactly
 * as the continuous solution does: V(k h + t) - E_L = w tau_c tau_m / (C_m (tau_m - tau_c))
 * (exp(-t/tau_m) - exp(-t/tau_c)) at t = h, 2h, ... The threshold is tested in refractory steps
 * too (NEST does; V = V_reset < V_th there, so nothing happens).
 *
 * Parameters (snn_iaf_params in model.h; internal units; NEST's defaults):
 *   C_m      pF    250      membrane capacitance
 *   tau_m    ms    10       membrane time constant
 *   E_L      mV    -70      resting potential
 *   V_th     mV    -55      spike threshold (absolute)
 *   V_reset  mV    -70      reset potential (absolute)
 *   t_ref    ms    2        absolute refractory period; ref_steps = round(t_ref / h) as NEST
 *   I_e      mA    0        constant current (snn_population.I_ext; 1 pA = 1e-9 mA)
 *   tau_c    ms             per channel (NEST tau_syn_ex, tau_syn_in; default 2 ms there)
 *
 * Units: tau_m / C_m in ms/pF is 1e9 ohm, and ohm * mA = mV, so P20 and P21_c carry a factor
 * 1e9 and are in mV per mA. Propagators are computed in double and stored as snn_real.
 *
 * State per neuron: V (mV, absolute, as recorded; integrated as y = V - E_L), i_c (mA, one per
 * channel), r (remaining refractory steps, int32_t; initially 0, as are the i_c). Recordable:
 * V, i_c. In single precision the absolute V is rounded to ~7.6e-6 mV near -70 mV every step;
 * over a trajectory that adds up to a few such ulps (NEST keeps y in double).
 *
 * A delta synapse (a jump of w mV, synapse.h) on this neuron is added to `drive` in step (1):
 * it then acts in the step it arrives and is discarded while refractory, as in NEST's
 * iaf_psc_delta.
 *
 * brainpy.state: no exact counterpart (brainpy.state.LIF with an Expon synapse is the
 * exponential-Euler analogue; see lif.h). NEST: iaf_psc_exp (without the stochastic threshold
 * and the second, filtered current port). See also: expon.h, synapse.h.
 *
 * References: M. Tsodyks, A. Uziel, H. Markram (2000) J Neurosci 20 RC50;
 * S. Rotter, M. Diesmann (1999) Biol Cybern 81:381-402; NEST models/iaf_psc_exp.h.
 */
#ifndef SNN_IAF_PSC_EXP_H
#define SNN_IAF_PSC_EXP_H

#include <stddef.h>
#include <stdint.h>

#include "snn/model.h"
#include "snn/real.h"

/* Propagators of one population (they depend on tau_m, C_m and h, not on the channels). */
typedef struct {
    snn_real E_L, V_th, V_reset; /* mV, absolute */
    snn_real P22;                /* exp(-h / tau_m) */
    snn_real P20;                /* mV per mA: 1e9 * tau_m / C_m * (1 - P22) */
    int32_t ref_steps;           /* round(t_ref / h) */
} snn_iaf;

/* Propagators of one current channel onto one population. */
typedef struct {
    snn_real P11; /* exp(-h / tau_c) */
    snn_real P21; /* mV per mA: the V response at h to a unit current at 0 */
} snn_iaf_syn;

void snn_iaf_init(snn_iaf *c, const snn_iaf_params *p, double dt);
void snn_iaf_syn_init(snn_iaf_syn *s, const snn_iaf_params *p, double tau_syn, double dt);

/* NEST's propagator_exp: tau_s tau_m / (C_m (tau_m - tau_s)) (exp(-h/tau_m) - exp(-h/tau_s)),
 * in ms/pF (= mV per pA), computed without cancellation; h / C_m exp(-h/tau_m) if equal. */
double snn_iaf_propagator_exp(double tau_syn, double tau_m, double C_m, double h);

/* Step (1), sum part: sum_c P21_c * g[c][i], the currents of neuron i before this step's decay
 * and arrivals, in channel order. */
static inline snn_real snn_iaf_syn_drive(const snn_iaf_syn *syn, int n_ch, snn_real *const *g,
                                         size_t i)
{
    snn_real d = 0;
    for (int ch = 0; ch < n_ch; ch++)
        d += syn[ch].P21 * g[ch][i];
    return d;
}

/* Step (1): the membrane update with drive = snn_iaf_syn_drive(...) (plus delta jumps, mV) and
 * I = I_e + I_stim (mA); while refractory V is returned unchanged and *r counts down. */
static inline snn_real snn_iaf_update_v(const snn_iaf *c, snn_real V, snn_real drive, snn_real I,
                                        int32_t *r)
{
    if (*r > 0) {
        (*r)--;
        return V;
    }
    return c->E_L + (c->P22 * (V - c->E_L) + drive + c->P20 * I);
}

/* Steps (2) and (3) for one channel: decay, then add x, this step's arriving weights (mA). */
static inline snn_real snn_iaf_syn_step(const snn_iaf_syn *s, snn_real i_syn, snn_real x)
{
    return s->P11 * i_syn + x;
}

/* Step (4): threshold, reset and refractory counter; returns 1 when the neuron spikes. */
static inline int snn_iaf_spike(const snn_iaf *c, snn_real *V, int32_t *r)
{
    if (*V >= c->V_th) {
        *V = c->V_reset;
        *r = c->ref_steps;
        return 1;
    }
    return 0;
}

/* Steps (1)-(4) for neuron i: g[ch][i] are the channel currents, x[ch][i] this step's
 * arrivals (mA), I = I_e + I_stim (mA) of this step. Returns 1 when the neuron spikes. */
static inline int snn_iaf_step(const snn_iaf *c, const snn_iaf_syn *syn, int n_ch,
                               snn_real *const *g, const snn_real *const *x, size_t i, snn_real *V,
                               int32_t *r, snn_real I)
{
    *V = snn_iaf_update_v(c, *V, snn_iaf_syn_drive(syn, n_ch, g, i), I, r);
    for (int ch = 0; ch < n_ch; ch++)
        g[ch][i] = snn_iaf_syn_step(&syn[ch], g[ch][i], x[ch][i]);
    return snn_iaf_spike(c, V, r);
}

#endif
