/*
 * test_iaf_synapses.c — iaf_psc_exp and the alpha, dual-exponential and delta synapses against
 * methods independent of their code: the closed-form membrane response to a constant current
 * and to one exponential current pulse (including tau_syn == tau_m), the refractory rule step by
 * step, the published 0.15 mV PSP of the cortical microcircuit (Potjans & Diesmann 2014), and
 * the sampled impulse responses and peak normalisation of the synapse kernels.
 *
 * Tolerances: the state is float by default, and V is stored as an absolute potential near
 * -70 mV, where one float ulp is 7.6e-6 mV. Each step rounds V once more, and P22 forgets old
 * errors over ~tau_m/h = 100 steps, so the rounding accumulated over a trajectory is a few ulps
 * (measured: at most 4.1e-5 mV over the cases below); V_TOL = 1e-4 mV (13 ulps) is far below
 * the error of any wrong propagator, offset or unit (0.01 mV and more). In double every
 * comparison is 1e-9 or tighter.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snn/iaf_psc_exp.h"
#include "snn/synapse.h"

#ifdef SNN_USE_DOUBLE
#define V_TOL 1e-9   /* mV, absolute */
#define REL_TOL 1e-9 /* relative to the peak of a kernel */
#else
#define V_TOL 1e-4
#define REL_TOL 1e-5
#endif

#define PA 1e-9 /* one pA in mA */

static snn_iaf_params nest_defaults(void)
{
    snn_iaf_params p = {
        .C_m = 250, .tau_m = 10, .E_L = -70, .V_th = -55, .V_reset = -70, .t_ref = 2};
    return p;
}

/* Closed form, independent of the code: V(t) - E_L for a current w (mA) that jumps at t = 0 and
 * decays with tau_s, onto a membrane at rest (Tsodyks et al. 2000). */
static double psp(double t, double w, double tau_s, double tau_m, double C_m)
{
    if (tau_s == tau_m)
        return 1e9 * w / C_m * t * exp(-t / tau_m);
    return 1e9 * w * tau_s * tau_m / (C_m * (tau_m - tau_s)) * (exp(-t / tau_m) - exp(-t / tau_s));
}

/* Runs one neuron with one channel, weight w arriving in step 1 only, for n_steps; V[n] and
 * i[n] are the states after step n (V[0], i[0] the initial ones). */
static void run_pulse(const snn_iaf_params *p, double tau_s, double w, double h, int n_steps,
                      double *V_out, double *i_out)
{
    snn_iaf c;
    snn_iaf_syn syn;
    snn_iaf_init(&c, p, h);
    snn_iaf_syn_init(&syn, p, tau_s, h);
    snn_real V = (snn_real)p->E_L, g = 0, x = 0;
    snn_real *gp[1] = {&g};
    const snn_real *xp[1] = {&x};
    int32_t r = 0;
    V_out[0] = V;
    i_out[0] = g;
    for (int n = 1; n <= n_steps; n++) {
        x = n == 1 ? (snn_real)w : 0;
        int spiked = snn_iaf_step(&c, &syn, 1, gp, xp, 0, &V, &r, 0);
        assert_int_equal(spiked, 0);
        V_out[n] = V;
        i_out[n] = g;
    }
}

/* ---- iaf_psc_exp ----------------------------------------------------------------------------- */

/* Constant I_e from rest: V(t) = E_L + R I_e (1 - exp(-t/tau_m)), R = tau_m / C_m. */
static void test_iaf_constant_current_closed_form(void **state)
{
    (void)state;
    snn_iaf_params p = nest_defaults();
    const double h = 0.1, I_e = 350 * PA; /* R I_e = 4e7 ohm * 3.5e-7 mA = 14 mV */
    snn_iaf c;
    snn_iaf_init(&c, &p, h);
    snn_real V = (snn_real)p.E_L;
    int32_t r = 0;
    const double R = 1e9 * p.tau_m / p.C_m; /* ohm */
    double worst = 0;
    for (int n = 1; n <= 1000; n++) {
        int spiked = snn_iaf_step(&c, NULL, 0, NULL, NULL, 0, &V, &r, (snn_real)I_e);
        assert_int_equal(spiked, 0);
        double exact = p.E_L + R * I_e * (1 - exp(-n * h / p.tau_m));
        double rel = fabs(V - exact) / fabs(exact);
        worst = rel > worst ? rel : worst;
    }
    assert_true(worst < 1e-5);
    /* The asymptote is E_L + R I_e = -56 mV: a factor 1e9 lost or doubled would miss it. */
    assert_true(fabs(V - -56.0) < 1e-3);
}

/* One current pulse w in step 1: i = w exp(-(n-1) h / tau_s) after step n, and V - E_L is the
 * closed-form PSP at t = (n-1) h: the current arriving in step 1 moves V from step 2 on. */
static void check_pulse(double tau_s, double tau_m, double w)
{
    snn_iaf_params p = nest_defaults();
    p.tau_m = tau_m;
    p.V_th = 1e6; /* the PSP here is not about spiking */
    const double h = 0.1;
    enum { N = 400 };
    double V[N + 1], I[N + 1];
    run_pulse(&p, tau_s, w, h, N, V, I);
    double peak = 0;
    for (int n = 1; n <= N; n++) {
        double t = (n - 1) * h;
        double ex = psp(t, w, tau_s, tau_m, p.C_m);
        peak = ex > peak ? ex : peak;
        assert_true(fabs((V[n] - p.E_L) - ex) <= V_TOL + 1e-6 * fabs(ex));
        assert_true(fabs(I[n] - w * exp(-t / tau_s)) <= REL_TOL * w);
    }
    assert_true(V[1] == p.E_L); /* no effect in the arrival step itself */
    assert_true(peak > 0.1);    /* the comparison above was not trivially about zeros */
}

static void test_iaf_single_pulse_matches_psp(void **state)
{
    (void)state;
    check_pulse(0.5, 10, 1000 * PA); /* tau_s < tau_m */
    check_pulse(2.0, 10, 500 * PA);
    check_pulse(20.0, 10, 100 * PA); /* tau_s > tau_m */
    check_pulse(10.0, 10, 100 * PA); /* the singular case tau_s == tau_m */
}

/* The propagator near and at the singularity: continuous, equal to its limit h/C e^{-h/tau}. */
static void test_iaf_propagator_singular_limit(void **state)
{
    (void)state;
    const double h = 0.1, C = 250, tm = 10;
    double limit = h / C * exp(-h / tm);
    assert_true(fabs(snn_iaf_propagator_exp(tm, tm, C, h) - limit) <= 1e-15 * limit);
    /* 1e-9 away: the naive formula would lose ~7 digits; ours stays within O(1e-9) relative. */
    for (int s = -1; s <= 1; s += 2) {
        double ts = tm * (1 + s * 1e-9);
        double P = snn_iaf_propagator_exp(ts, tm, C, h);
        assert_true(fabs(P - limit) <= 1e-10 * limit);
        assert_true(P != limit);
    }
    /* Far from it, the textbook form (no cancellation there). */
    double ts = 2.0;
    double naive = ts * tm / (C * (tm - ts)) * (exp(-h / tm) - exp(-h / ts));
    assert_true(fabs(snn_iaf_propagator_exp(ts, tm, C, h) - naive) <= 1e-13 * naive);
}

/* The published PSP of the cortical microcircuit: C_m 250 pF, tau_m 10 ms, tau_syn 0.5 ms,
 * w = 87.81 pA gives a peak of 0.15 mV (Potjans & Diesmann 2014, Table 5). */
static void test_iaf_microcircuit_psp_peak(void **state)
{
    (void)state;
    snn_iaf_params p = nest_defaults();
    p.V_th = 1e6;
    enum { N = 100 };
    double V[N + 1], I[N + 1];
    run_pulse(&p, 0.5, 87.81 * PA, 0.1, N, V, I);
    double peak = 0;
    for (int n = 0; n <= N; n++)
        peak = V[n] - p.E_L > peak ? V[n] - p.E_L : peak;
    assert_true(fabs(peak - 0.15) < 0.01 * 0.15);
}

/* After a spike V is V_reset exactly for round(t_ref/h) steps, then integrates again. */
static void check_refractory(double t_ref, int expect_steps)
{
    snn_iaf_params p = nest_defaults();
    p.t_ref = t_ref;
    p.V_reset = -65; /* distinct from E_L, so "reset" and "rest" cannot be confused */
    const double h = 0.1, I_e = 1000 * PA; /* R I_e = 40 mV */
    snn_iaf c;
    snn_iaf_init(&c, &p, h);
    assert_int_equal(c.ref_steps, expect_steps);
    snn_real V = (snn_real)p.E_L;
    int32_t r = 0;
    /* First crossing of the closed form E_L + R I (1 - e^{-t/tau_m}) = V_th. */
    double t_cross = -p.tau_m * log(1 - (p.V_th - p.E_L) / (1e9 * p.tau_m / p.C_m * I_e));
    int first = (int)ceil(t_cross / h);
    int n = 1;
    while (!snn_iaf_step(&c, NULL, 0, NULL, NULL, 0, &V, &r, (snn_real)I_e) && n <= 10 * first)
        n++;
    assert_int_equal(n, first);
    assert_true(V == (snn_real)p.V_reset);
    for (int k = 1; k <= expect_steps; k++) {
        assert_int_equal(snn_iaf_step(&c, NULL, 0, NULL, NULL, 0, &V, &r, (snn_real)I_e), 0);
        assert_true(V == (snn_real)p.V_reset);
        assert_int_equal(r, expect_steps - k);
    }
    /* Free again: one exact step from V_reset. */
    snn_iaf_step(&c, NULL, 0, NULL, NULL, 0, &V, &r, (snn_real)I_e);
    double V_inf = p.E_L + 1e9 * p.tau_m / p.C_m * I_e;
    double ex = V_inf + (p.V_reset - V_inf) * exp(-h / p.tau_m);
    assert_true(V > (snn_real)p.V_reset);
    assert_true(fabs(V - ex) < V_TOL);
}

static void test_iaf_refractory_period(void **state)
{
    (void)state;
    check_refractory(2.0, 20);
    check_refractory(0.3, 3);  /* 0.3 / 0.1 = 2.9999999999999996 */
    check_refractory(0.24, 2); /* to the nearest step: not ceil */
    check_refractory(0.26, 3); /* ... and not floor */
    check_refractory(0.0, 0);
}

/* The threshold is V >= V_th (NEST): at V_th exactly a spike, one ulp below none. */
static void test_iaf_threshold_inclusive(void **state)
{
    (void)state;
    snn_iaf_params p = nest_defaults();
    snn_iaf c;
    snn_iaf_init(&c, &p, 0.1);
    int32_t r = 0;
    snn_real V = (snn_real)p.V_th;
    assert_int_equal(snn_iaf_spike(&c, &V, &r), 1);
    assert_true(V == (snn_real)p.V_reset);
    assert_int_equal(r, 20);
    r = 0;
#ifdef SNN_USE_DOUBLE
    V = nextafter(p.V_th, -INFINITY);
#else
    V = nextafterf((float)p.V_th, -INFINITY);
#endif
    assert_int_equal(snn_iaf_spike(&c, &V, &r), 0);
    assert_true(V < (snn_real)p.V_th);
    assert_int_equal(r, 0);
}

/* Currents keep decaying and accumulating during refractoriness (NEST), and their drive to V is
 * discarded; a delta jump passed in drive acts in its own step and is discarded likewise. */
static void test_iaf_refractory_synapses_and_delta(void **state)
{
    (void)state;
    snn_iaf_params p = nest_defaults();
    snn_iaf c;
    snn_iaf_syn syn;
    const double h = 0.1, tau_s = 2;
    snn_iaf_init(&c, &p, h);
    snn_iaf_syn_init(&syn, &p, tau_s, h);
    snn_real V = (snn_real)p.V_reset, g = (snn_real)(100 * PA), x = (snn_real)(50 * PA);
    snn_real *gp[1] = {&g};
    const snn_real *xp[1] = {&x};
    int32_t r = 2;
    snn_iaf_step(&c, &syn, 1, gp, xp, 0, &V, &r, 0);
    assert_true(V == (snn_real)p.V_reset);
    assert_true(fabs(g - (100 * exp(-h / tau_s) + 50) * PA) < 1e-6 * 150 * PA);
    /* delta: +0.5 mV in drive, at rest, not refractory: V = E_L + 0.5 exactly */
    snn_real Vr = (snn_real)p.E_L;
    int32_t r0 = 0;
    Vr = snn_iaf_update_v(&c, Vr, (snn_real)0.5, 0, &r0);
    assert_true(Vr == (snn_real)(p.E_L + 0.5));
    r0 = 1;
    Vr = snn_iaf_update_v(&c, (snn_real)p.V_reset, (snn_real)0.5, 0, &r0);
    assert_true(Vr == (snn_real)p.V_reset);
    assert_int_equal(r0, 0);
}

/* ---- alpha, dual_expon, delta ---------------------------------------------------------------- */

/* Weight w in step 1: g after step n is w (t/tau) e^{1 - t/tau}, t = (n-1) dt; peak w at tau. */
static void check_alpha(double tau, double dt)
{
    snn_alpha s;
    snn_alpha_init(&s, tau, dt);
    const double w = 0.7;
    snn_real g = 0, hh = 0;
    double peak = 0;
    int n_steps = (int)(8 * tau / dt);
    for (int n = 1; n <= n_steps; n++) {
        snn_alpha_step(&s, &g, &hh, n == 1 ? (snn_real)w : 0);
        double t = (n - 1) * dt;
        double ex = w * t / tau * exp(1 - t / tau);
        assert_true(fabs(g - ex) <= 1e-5 * w);
        peak = g > peak ? g : peak;
    }
    assert_true(fabs(peak - w) <= 1e-3 * w);
}

static void test_alpha_impulse_response(void **state)
{
    (void)state;
    check_alpha(2.0, 0.1);
    check_alpha(8.0, 0.1); /* brainpy.state.Alpha's default tau */
    check_alpha(0.5, 0.05);
}

/* Peak of e^{-t/td} - e^{-t/tr}, found numerically (golden section), not by the formula. */
static double dual_peak_numeric(double tr, double td)
{
    double a = 0, b = 20 * td, q = (sqrt(5.0) - 1) / 2;
    for (int k = 0; k < 200; k++) {
        double x1 = b - q * (b - a), x2 = a + q * (b - a);
        double f1 = exp(-x1 / td) - exp(-x1 / tr), f2 = exp(-x2 / td) - exp(-x2 / tr);
        if (f1 > f2)
            b = x2;
        else
            a = x1;
    }
    double t = (a + b) / 2;
    return exp(-t / td) - exp(-t / tr);
}

static void check_dual(double tr, double td, double dt)
{
    double A = 1 / dual_peak_numeric(tr, td);
    assert_true(fabs(snn_dual_expon_norm(tr, td) - A) <= 1e-9 * A);
    snn_dual_expon s;
    snn_dual_expon_init(&s, tr, td, dt);
    const double w = 0.7;
    snn_real gr = 0, gd = 0;
    double peak = 0;
    int n_steps = (int)(8 * td / dt);
    for (int n = 1; n <= n_steps; n++) {
        snn_real g = snn_dual_expon_step(&s, &gr, &gd, n == 1 ? (snn_real)w : 0);
        assert_true(g == snn_dual_expon_value(&s, gr, gd));
        double t = (n - 1) * dt;
        double ex = w * A * (exp(-t / td) - exp(-t / tr));
        assert_true(fabs(g - ex) <= 1e-5 * w);
        peak = g > peak ? g : peak;
    }
    assert_true(fabs(peak - w) <= 1e-3 * w);
}

static void test_dual_expon_impulse_response(void **state)
{
    (void)state;
    check_dual(1.0, 10.0, 0.1); /* brainpy.state.DualExpon's defaults */
    check_dual(0.5, 5.0, 0.1);
    check_dual(2.0, 3.0, 0.05);
}

static void test_delta_adds_weight(void **state)
{
    (void)state;
    snn_real V = (snn_real)-63.25, w = (snn_real)0.375; /* exact in binary */
    assert_true(snn_delta_apply(V, w) == (snn_real)-62.875);
    assert_true(snn_delta_apply(V, -w) == (snn_real)-63.625);
    assert_true(snn_delta_apply(V, 0) == V);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iaf_constant_current_closed_form),
        cmocka_unit_test(test_iaf_single_pulse_matches_psp),
        cmocka_unit_test(test_iaf_propagator_singular_limit),
        cmocka_unit_test(test_iaf_microcircuit_psp_peak),
        cmocka_unit_test(test_iaf_refractory_period),
        cmocka_unit_test(test_iaf_threshold_inclusive),
        cmocka_unit_test(test_iaf_refractory_synapses_and_delta),
        cmocka_unit_test(test_alpha_impulse_response),
        cmocka_unit_test(test_dual_expon_impulse_response),
        cmocka_unit_test(test_delta_adds_weight),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
