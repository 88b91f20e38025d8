/*
 * iaf_psc_exp.c — propagators of NEST's iaf_psc_exp; the equations and the update order are in
 * include/snn/iaf_psc_exp.h.
 *
 * All propagators are computed in double from the parameters in internal units and rounded
 * once to snn_real. The factor 1e9 turns ms/pF (= mV/pA) into mV/mA.
 */
#include "snn/iaf_psc_exp.h"

#include <assert.h>
#include <math.h>

/* mV per mA for one ms/pF. */
#define SNN_IAF_MS_PER_PF_TO_MV_PER_MA 1e9

/* (1 - exp(-z)) / z, 1 at z == 0; accurate for every z through expm1. */
static double one_minus_exp_over(double z)
{
    return z == 0.0 ? 1.0 : -expm1(-z) / z;
}

double snn_iaf_propagator_exp(double tau_syn, double tau_m, double C_m, double h)
{
    /* tau_s tau_m / (C (tau_m - tau_s)) (e^{-h/tau_m} - e^{-h/tau_s})
     *   = h / C e^{-h/tau_m} (1 - e^{-h d}) / (h d),   d = 1/tau_s - 1/tau_m:
     * no difference of nearly equal numbers, and the limit h / C e^{-h/tau_m} at d == 0. */
    double d = 1.0 / tau_syn - 1.0 / tau_m;
    return h / C_m * exp(-h / tau_m) * one_minus_exp_over(h * d);
}

void snn_iaf_init(snn_iaf *c, const snn_iaf_params *p, double dt)
{
    assert(p->tau_m > 0 && p->C_m > 0 && dt > 0 && p->t_ref >= 0);
    c->E_L = (snn_real)p->E_L;
    c->V_th = (snn_real)p->V_th;
    c->V_reset = (snn_real)p->V_reset;
    c->P22 = (snn_real)exp(-dt / p->tau_m);
    /* tau_m / C_m (1 - P22), with 1 - P22 = -expm1(-h/tau_m) exact for small h/tau_m. */
    c->P20 =
        (snn_real)(SNN_IAF_MS_PER_PF_TO_MV_PER_MA * p->tau_m / p->C_m * -expm1(-dt / p->tau_m));
    /* NEST: Time(Time::ms(t_ref)).get_steps(), the nearest whole number of steps (halves up). */
    double k = round(p->t_ref / dt);
    c->ref_steps = k > (double)INT32_MAX ? INT32_MAX : (int32_t)k;
}

void snn_iaf_syn_init(snn_iaf_syn *s, const snn_iaf_params *p, double tau_syn, double dt)
{
    assert(tau_syn > 0 && p->tau_m > 0 && p->C_m > 0 && dt > 0);
    s->P11 = (snn_real)exp(-dt / tau_syn);
    s->P21 = (snn_real)(SNN_IAF_MS_PER_PF_TO_MV_PER_MA *
                        snn_iaf_propagator_exp(tau_syn, p->tau_m, p->C_m, dt));
}
