/*
 * test_models.c — the model equations against values computed by hand or in closed form:
 * one LIF step (the reference's printed value), soft and hard reset, the exponential synapse's
 * decay, the CUBA and COBA currents, the merging of synapse channels, and the divisions by a
 * power-of-two tau done as multiplications (bit for bit the same).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snn/channel.h"
#include "snn/expon.h"
#include "snn/lif.h"
#include "snn/output.h"

static snn_lif_params tutorial_params(void)
{
    snn_lif_params p = {.V_rest = -52,
                        .V_th = -50,
                        .V_reset = -60,
                        .tau = 10,
                        .R = 1,
                        .tau_ref = 0,
                        .reset = SNN_RESET_SOFT};
    return p;
}

/* DESIGN.md section 1 / the tutorial's step 1: -60 mV, 8 mA, one step of 0.1 ms. */
static void test_lif_one_step_matches_reference(void **state)
{
    (void)state;
    snn_lif_params p = tutorial_params();
    snn_lif c;
    snn_lif_init(&c, &p, 0.1);
    snn_real V = snn_lif_integrate(&c, snn_lif_reset(&c, (snn_real)-60), (snn_real)8);
#ifdef SNN_USE_DOUBLE
    assert_true(fabs(V - -59.84079734) < 5e-9);
#else
    /* Bit for bit the float the reference printed; forward Euler would give -59.84000015. */
    assert_true(V == (float)-59.84079742);
    assert_true(V != (float)-59.84000015);
#endif
}

/* Exponential Euler is exact for the linear LIF: V(dt) = V_inf + (V0 - V_inf) exp(-dt/tau). */
static void test_lif_matches_closed_form_over_many_steps(void **state)
{
    (void)state;
    snn_lif_params p = tutorial_params();
    p.V_th = 100; /* never spike */
    snn_lif c;
    snn_lif_init(&c, &p, 0.1);
    snn_real V = -60;
    for (int n = 0; n < 500; n++)
        V = snn_lif_integrate(&c, snn_lif_reset(&c, V), (snn_real)3);
    double V_inf = -52 + 3, exact = V_inf + (-60 - V_inf) * exp(-50.0 / 10.0);
    assert_true(fabs(V - exact) < 1e-4);
}

static void test_lif_soft_reset(void **state)
{
    (void)state;
    snn_lif_params p = tutorial_params();
    snn_lif c;
    snn_lif_init(&c, &p, 0.1);
    /* -49 >= -50 spiked: soft reset subtracts V_th - V_reset = 10 mV. */
    snn_real Vr = snn_lif_reset(&c, (snn_real)-49);
    assert_true(Vr == (snn_real)-59);
    /* Exactly at threshold counts as a spike (V >= V_th). */
    assert_true(snn_lif_reset(&c, (snn_real)-50) == (snn_real)-60);
    /* Below threshold: untouched. */
    assert_true(snn_lif_reset(&c, (snn_real)-50.5) == (snn_real)-50.5);
    /* Then integrates from the reset value: closed form with I = 0. */
    snn_real V = snn_lif_integrate(&c, Vr, 0);
    double exact = -52 + (-59 - -52) * exp(-0.01);
    assert_true(fabs(V - exact) < 2e-5);
}

static void test_lif_hard_reset(void **state)
{
    (void)state;
    snn_lif_params p = tutorial_params();
    p.reset = SNN_RESET_HARD;
    snn_lif c;
    snn_lif_init(&c, &p, 0.1);
    assert_true(snn_lif_reset(&c, (snn_real)-49) == (snn_real)-60);
    assert_true(snn_lif_reset(&c, (snn_real)-20) == (snn_real)-60);
    assert_true(snn_lif_reset(&c, (snn_real)-51) == (snn_real)-51);
}

static void test_lif_refractory_steps(void **state)
{
    (void)state;
    snn_lif_params p = tutorial_params();
    snn_lif c;
    p.tau_ref = 2.0;
    snn_lif_init(&c, &p, 0.1); /* 2.0 / 0.1 is 19.999999999999996 in double: still 20 steps */
    assert_int_equal(c.ref_steps, 20);
    p.tau_ref = 0.25;
    snn_lif_init(&c, &p, 0.1); /* (n-m)*dt < 0.25 holds for n-m = 1, 2: ref_steps = 3 */
    assert_int_equal(c.ref_steps, 3);
    p.tau_ref = 0;
    snn_lif_init(&c, &p, 0.1);
    assert_int_equal(c.ref_steps, 0);
}

/* Expon: g <- g + dt*phi*(-g/tau) + x is the exact decay exp(-dt/tau), then the arrivals. */
static void test_expon_decay_and_arrivals(void **state)
{
    (void)state;
    snn_expon s;
    snn_expon_init(&s, 2.0, 0.1);
    snn_real g = 1;
    g = snn_expon_step(&s, g, 0);
    assert_true(fabs(g - exp(-0.05)) < 1e-7);
    for (int i = 1; i < 20; i++)
        g = snn_expon_step(&s, g, 0);
    assert_true(fabs(g - exp(-1.0)) < 1e-6);
    /* Decay first, then x: from 0 an arrival appears undecayed in the same step. */
    assert_true(snn_expon_step(&s, 0, (snn_real)0.25) == (snn_real)0.25);
    snn_real h = snn_expon_step(&s, 2, (snn_real)0.5);
    assert_true(fabs(h - (2 * exp(-0.05) + 0.5)) < 1e-6);
}

/* Every float class: zeros, subnormals, small and large normals, both signs, infinities. */
static snn_real some_real(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    uint32_t bits = *state;
    snn_real r;
    if (sizeof r == sizeof bits) {
        memcpy(&r, &bits, sizeof r);
        return r - r != 0 && r == r ? r : (snn_real)(int32_t)bits; /* inf kept, NaN replaced */
    }
    return (snn_real)((int32_t)bits) * (snn_real)ldexp(1.0, (int)(bits % 200) - 100);
}

/* 1 / tau is taken as exact for powers of two only; then the multiplication by it gives the
 * division's bits for every state and arrival, in expon and lif. */
static void test_division_by_power_of_two_tau_as_multiplication(void **state)
{
    (void)state;
    snn_real inv = 0;
    assert_true(snn_real_exact_reciprocal(2, &inv) && inv == (snn_real)0.5);
    assert_true(snn_real_exact_reciprocal((snn_real)0.5, &inv) && inv == 2);
    assert_true(snn_real_exact_reciprocal(8, &inv) && inv == (snn_real)0.125);
    assert_true(snn_real_exact_reciprocal(1, &inv) && inv == 1);
    const snn_real not_exact[] = {10, 3, (snn_real)0.1, (snn_real)2.5, 0, -2, INFINITY};
    for (size_t k = 0; k < sizeof not_exact / sizeof *not_exact; k++)
        assert_false(snn_real_exact_reciprocal(not_exact[k], &inv));

    const double taus[] = {2, 0.5, 4, 10, 3};
    uint32_t rng = 7;
    for (size_t t = 0; t < sizeof taus / sizeof *taus; t++) {
        snn_expon s;
        snn_expon_init(&s, taus[t], 0.1);
        snn_lif_params p = tutorial_params();
        p.tau = taus[t];
        snn_lif c;
        snn_lif_init(&c, &p, 0.1);
        assert_int_equal(s.inv_exact, taus[t] != 10 && taus[t] != 3);
        assert_int_equal(c.inv_exact, s.inv_exact);
        if (!s.inv_exact)
            continue;
        for (int i = 0; i < 200000; i++) {
            const snn_real g = some_real(&rng), x = some_real(&rng);
            const snn_real a = snn_expon_step(&s, g, x), b = snn_expon_step_inv(&s, g, x);
            const snn_real u = snn_lif_integrate(&c, g, x), v = snn_lif_integrate_inv(&c, g, x);
            if ((a == a || b == b) && memcmp(&a, &b, sizeof a) != 0)
                fail_msg("expon tau %g: g %a x %a: %a by division, %a by 1/tau", taus[t], (double)g,
                         (double)x, (double)a, (double)b);
            if ((u == u || v == v) && memcmp(&u, &v, sizeof u) != 0)
                fail_msg("lif tau %g: V %a I %a: %a by division, %a by 1/tau", taus[t], (double)g,
                         (double)x, (double)u, (double)v);
        }
    }
}

static void test_output_cuba_and_coba_sign(void **state)
{
    (void)state;
    /* cuba: mS * 1 V = mA, whatever V is. */
    assert_true(snn_output_current(SNN_OUTPUT_CUBA, 0, (snn_real)0.5, (snn_real)-60) ==
                (snn_real)0.5);
    /* coba: g (E - V), mS * mV = uA = 1e-3 mA. Excitatory E = 0 mV depolarises... */
    snn_real Ie = snn_output_current(SNN_OUTPUT_COBA, 0, (snn_real)2, (snn_real)-60);
    assert_true(fabs(Ie - 0.12) < 1e-7);
    /* ... inhibitory E = -80 mV hyperpolarises above -80 and reverses below it. */
    assert_true(snn_output_current(SNN_OUTPUT_COBA, -80, 2, -60) < 0);
    assert_true(snn_output_current(SNN_OUTPUT_COBA, -80, 2, -90) > 0);
    assert_true(snn_output_current(SNN_OUTPUT_COBA, -80, 2, -80) == 0);
}

static void set_proj(snn_projection *p, double tau, snn_output_kind out, double E)
{
    memset(p, 0, sizeof *p);
    p->syn_tau = tau;
    p->output = out;
    p->E = E;
}

static void test_channels_merge_identical_synapses(void **state)
{
    (void)state;
    snn_projection pr[5];
    set_proj(&pr[0], 2, SNN_OUTPUT_CUBA, 0);
    set_proj(&pr[1], 2, SNN_OUTPUT_CUBA, 0);   /* same as 0: merged */
    set_proj(&pr[2], 5, SNN_OUTPUT_CUBA, 0);   /* other tau */
    set_proj(&pr[3], 2, SNN_OUTPUT_COBA, 0);   /* other output */
    set_proj(&pr[4], 2, SNN_OUTPUT_COBA, -80); /* other reversal potential */
    snn_model m;
    memset(&m, 0, sizeof m);
    m.n_projs = 5;
    m.projs = pr;
    m.run.dt = 0.1;
    snn_channels ch;
    snn_error err;
    assert_int_equal(snn_channels_build(&ch, &m, &err), SNN_OK);
    assert_int_equal(ch.n, 4);
    assert_int_equal(ch.proj_channel[0], 0);
    assert_int_equal(ch.proj_channel[1], 0);
    assert_int_equal(ch.proj_channel[2], 1);
    assert_int_equal(ch.proj_channel[3], 2);
    assert_int_equal(ch.proj_channel[4], 3);
    assert_true(ch.ch[3].E == (snn_real)-80);
    snn_channels_free(&ch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lif_one_step_matches_reference),
        cmocka_unit_test(test_lif_matches_closed_form_over_many_steps),
        cmocka_unit_test(test_lif_soft_reset),
        cmocka_unit_test(test_lif_hard_reset),
        cmocka_unit_test(test_lif_refractory_steps),
        cmocka_unit_test(test_expon_decay_and_arrivals),
        cmocka_unit_test(test_division_by_power_of_two_tau_as_multiplication),
        cmocka_unit_test(test_output_cuba_and_coba_sign),
        cmocka_unit_test(test_channels_merge_identical_synapses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
