/*
 * test_simulate_features.c — the step loop's issue-3 features on small networks, each against
 * an independent expectation: per-synapse delays in the ring buffers, Poisson input counts
 * (mean and variance of Poisson(rate * n * dt)), step currents switching at the right step,
 * the DC equivalent of a Poisson input, iaf_psc_exp's first spike at the closed-form time and
 * NEST's one-step offset of arriving currents, and min_delay batching. One MPI rank.
 */
#include <math.h>
#include <mpi.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snn/comm.h"
#include "snn/config.h"
#include "snn/network.h"
#include "snn/simulate.h"

typedef struct {
    snn_model m;
    snn_network net;
    snn_comm comm;
    snn_sim sim;
} fixture;

static void setup_text(fixture *f, const char *text, int n_threads)
{
    snn_error err;
    memset(f, 0, sizeof *f);
    if (snn_config_load_string(text, "test.cfg", &f->m, &err) != SNN_OK)
        fail_msg("config: %s", err.msg);
    assert_int_equal(snn_comm_init(&f->comm, MPI_COMM_SELF, f->m.n_neurons, &err), SNN_OK);
    if (snn_network_build(&f->net, &f->m, 0, 1, n_threads, &err) != SNN_OK)
        fail_msg("build: %s", err.msg);
    assert_int_equal(snn_sim_start(&f->sim, &f->net, &f->comm, &err), SNN_OK);
}

static void teardown(fixture *f)
{
    snn_sim_free(&f->sim);
    snn_network_free(&f->net);
    snn_comm_free(&f->comm);
    snn_model_free(&f->m);
}

static void step(fixture *f, uint64_t n)
{
    snn_error err;
    assert_int_equal(snn_sim_run(&f->sim, n, NULL, NULL, NULL, &err), SNN_OK);
}

static const snn_thread_state *thr(const fixture *f)
{
    return &f->net.thr[0];
}

typedef struct {
    size_t idx; /* slot * N + target */
    uint64_t k; /* synapse position: ties keep row order */
    double w;
} arrival;

static int cmp_arrival(const void *a, const void *b)
{
    const arrival *x = a, *y = b;
    if (x->idx != y->idx)
        return x->idx < y->idx ? -1 : 1;
    return (x->k > y->k) - (x->k < y->k);
}

/* One driver neuron A spikes once (initial V above threshold, then a strong hyperpolarising
 * rest); its n_syn synapses onto B (n_post neurons) carry drawn delays (normal mean/std, max
 * dmax, all in ms, at time step dt) and, with wstd > 0, drawn weights. After step 0's delivery,
 * the ring buffer slot d of each target must hold exactly the sum of the weights of its synapses
 * with delay d, and every other slot must be empty. The expectation is built from the synapse
 * list alone (sorted arrivals), independently of the delivery loop. t16 and d8 say which
 * storage widths the network must have chosen (synapse_store.h), so each delivery variant runs. */
static void check_drawn_delays(const char *dt, int n_post, int n_syn, const char *mean,
                               const char *std, const char *dmax, double wstd, int t16, int d8,
                               int max_delay)
{
    char text[2048];
    snprintf(text, sizeof text,
             "run = { dt = \"%s ms\"; duration = \"1 ms\"; seed = 3; };\n"
             "populations = (\n"
             "{ name = \"A\"; size = 1; params = { V_rest = \"-90 mV\"; V_th = \"-50 mV\";"
             "  V_reset = \"-90 mV\"; tau = \"10 ms\"; }; V_init = \"-40 mV\"; },\n"
             "{ name = \"B\"; size = %d; params = { V_rest = \"-70 mV\"; V_th = \"0 mV\";"
             "  V_reset = \"-70 mV\"; tau = \"10 ms\"; }; V_init = \"-70 mV\"; });\n"
             "projections = ({ pre = \"A\"; post = \"B\";"
             "  rule = { type = \"fixed_outdegree\"; n = %d; };"
             "  weight = { mean = \"0.25 mS\"; std = \"%g mS\"; };"
             "  synapse = { type = \"expon\"; tau = \"2 ms\"; }; output = { type = \"cuba\"; };"
             "  delay = { mean = \"%s ms\"; std = \"%s ms\"; max = \"%s ms\"; }; });",
             dt, n_post, n_syn, wstd, mean, std, dmax);
    fixture f;
    setup_text(&f, text, 1);
    const snn_thread_state *ts = thr(&f);
    const snn_synapses *sy = &ts->syn[0];
    assert_true((sy->target16 != NULL) == t16);
    assert_true((sy->target != NULL) == !t16);
    assert_true((sy->delay8 != NULL) == d8);
    assert_true((sy->delay != NULL) == !d8);
    assert_true((sy->weight != NULL) == (wstd > 0));
    assert_int_equal(sy->row[1] - sy->row[0], n_syn);
    size_t L = (size_t)f.net.ring_len, N = ts->n;
    assert_int_equal(f.net.max_delay, max_delay);
    arrival *a = malloc((size_t)n_syn * sizeof *a);
    assert_non_null(a);
    int seen_long = 0, seen_short = 0;
    for (int k = 0; k < n_syn; k++) {
        uint32_t d = snn_syn_delay(sy, (uint64_t)k, 0), t = snn_syn_target(sy, (uint64_t)k);
        assert_in_range(d, 1, (uint32_t)max_delay);
        assert_in_range(t, 1, (uint32_t)n_post); /* B follows A on the thread */
        seen_long |= (int)d >= max_delay * 5 / 6;
        seen_short |= (int)d <= max_delay / 6;
        a[k] = (arrival){d % L * N + t, (uint64_t)k, sy->weight ? (double)sy->weight[k] : 0.25};
    }
    assert_true(seen_long && seen_short); /* the draws really spread */
    qsort(a, (size_t)n_syn, sizeof *a, cmp_arrival);
    size_t distinct = 0;
    for (int k = 0; k < n_syn;) {
        double sum = 0;
        int j = k;
        for (; j < n_syn && a[j].idx == a[k].idx; j++)
            sum += a[j].w;
        assert_true(fabs(ts->ring[a[k].idx] - sum) < 1e-6 * sum);
        distinct++;
        k = j;
    }
    size_t nonzero = 0;
    for (size_t i = 0; i < L * N; i++)
        nonzero += ts->ring[i] != 0;
    assert_int_equal(nonzero, distinct);
    free(a);
    teardown(&f);
}

/* 2-byte targets, 1-byte delays (30 steps at most), constant weight. */
static void test_drawn_delays_fill_the_right_slots(void **state)
{
    (void)state;
    check_drawn_delays("0.1", 50, 200, "1.5", "0.75", "3", 0, 1, 1, 30);
}

/* 2-byte targets, 2-byte delays (up to 300 steps of 0.01 ms), drawn weights. */
static void test_long_delays_two_byte_slots(void **state)
{
    (void)state;
    check_drawn_delays("0.01", 50, 400, "1.5", "0.75", "3", 0.05, 1, 0, 300);
}

/* 4-byte targets (70,000 post neurons span more than 65,536 local indices), 1-byte delays,
 * drawn weights. */
static void test_wide_targets_one_byte_delays(void **state)
{
    (void)state;
    check_drawn_delays("0.1", 70000, 20000, "1.5", "0.75", "3", 0.05, 0, 1, 30);
}

/* 4-byte targets and 2-byte delays: 70,000 post neurons, delays up to 300 steps. */
static void test_wide_targets_two_byte_delays(void **state)
{
    (void)state;
    check_drawn_delays("0.1", 70000, 20000, "15", "7.5", "30", 0, 0, 0, 300);
}

/* Poisson input with an expon synapse: after step 1, g = count * w exactly, with count ~
 * Poisson(8 Hz * 1600 * 0.1 ms = 1.28). Over 20,000 neurons the mean and variance of count
 * must match 1.28 within 5 standard errors. */
static void test_poisson_input_counts(void **state)
{
    (void)state;
    fixture f;
    setup_text(
        &f,
        "run = { dt = \"0.1 ms\"; duration = \"1 ms\"; seed = 9; };\n"
        "populations = ({ name = \"P\"; size = 20000; params = { V_rest = \"-70 mV\";"
        "  V_th = \"0 mV\"; V_reset = \"-70 mV\"; tau = \"10 ms\"; }; V_init = \"-70 mV\"; });\n"
        "inputs = ({ type = \"poisson\"; target = \"P\"; rate = \"8 Hz\"; n = 1600;"
        "  weight = \"0.5 mS\"; synapse = { type = \"expon\"; tau = \"2 ms\"; };"
        "  output = { type = \"cuba\"; }; });",
        1);
    step(&f, 1);
    const snn_thread_state *ts = thr(&f);
    double sum = 0, sq = 0, lambda = 1.28;
    for (uint32_t i = 0; i < ts->n; i++) {
        double c = ts->g[i] / 0.5;
        assert_true(fabs(c - nearbyint(c)) < 1e-6); /* whole counts */
        sum += c;
        sq += c * c;
    }
    double n = ts->n, mean = sum / n, var = sq / n - mean * mean;
    assert_true(fabs(mean - lambda) < 5 * sqrt(lambda / n));
    assert_true(fabs(var - lambda) < 5 * sqrt(2 * lambda * lambda / n + lambda / n));
    teardown(&f);
}

/* A step current of 8 mA from 1 ms: the neuron sits at rest through step 10 and then follows
 * the closed form V_inf + (V0 - V_inf) exp(-t/tau) from the start of step 11. */
static void test_step_current_switches_on_time(void **state)
{
    (void)state;
    fixture f;
    setup_text(
        &f,
        "run = { dt = \"0.1 ms\"; duration = \"5 ms\"; seed = 1; };\n"
        "populations = ({ name = \"A\"; size = 1; params = { V_rest = \"-60 mV\";"
        "  V_th = \"0 mV\"; V_reset = \"-60 mV\"; tau = \"10 ms\"; }; V_init = \"-60 mV\"; });\n"
        "inputs = ({ type = \"step\"; target = \"A\"; times = [\"0 ms\", \"1 ms\"];"
        "  amplitudes = [\"0 mA\", \"8 mA\"]; });",
        1);
    step(&f, 10);
    assert_true(thr(&f)->V[0] == (snn_real)-60);
    step(&f, 10);
    double expect = -52 + (-60 - -52) * exp(-1.0 / 10.0);
    assert_true(fabs(thr(&f)->V[0] - expect) < 1e-4);
    teardown(&f);
}

/* dc_equivalent replaces the Poisson input by rate * n * weight * tau * 1e-3 in I_ext. */
static void test_dc_equivalent_joins_constant_current(void **state)
{
    (void)state;
    fixture f;
    setup_text(&f,
               "run = { dt = \"0.1 ms\"; duration = \"1 ms\"; seed = 1; };\n"
               "populations = ({ name = \"N\"; size = 3; model = \"iaf_psc_exp\";"
               "  I_ext = \"10 pA\"; });\n"
               "inputs = ({ type = \"poisson\"; target = \"N\"; rate = \"8 Hz\"; n = 1600;"
               "  weight = \"87.81 pA\"; synapse = { type = \"expon\"; tau = \"0.5 ms\"; };"
               "  output = { type = \"cuba\"; }; dc_equivalent = true; });",
               1);
    double expect = 10e-9 + 8 * 1600 * 87.81e-9 * 0.5 * 1e-3;
    assert_true(fabs(f.net.I_ext[0] - expect) < 1e-6 * expect);
    assert_int_equal(f.net.has_poisson_input, 0);
    teardown(&f);
}

/* iaf_psc_exp with I_e = 376 pA, E_L -65, V_th -50, C_m 250 pF, tau_m 10 ms: V(t) = -65 + R I
 * (1 - exp(-t/tau_m)) with R I = 4e7 ohm * 376e-12 A = 15.04 mV reaches -50 at
 * t = 10 ln(15.04 / 0.04) = 59.29 ms: the first spike is in step 593 (59.3 ms). */
static void test_iaf_first_spike_closed_form(void **state)
{
    (void)state;
    fixture f;
    setup_text(&f,
               "run = { dt = \"0.1 ms\"; duration = \"70 ms\"; seed = 1; };\n"
               "populations = ({ name = \"N\"; size = 1; model = \"iaf_psc_exp\";"
               "  params = { E_L = \"-65 mV\"; V_th = \"-50 mV\"; V_reset = \"-65 mV\"; };"
               "  I_ext = \"376 pA\"; });",
               1);
    step(&f, 592);
    assert_int_equal(thr(&f)->spike_count[0], 0);
    step(&f, 1);
    assert_int_equal(thr(&f)->spike_count[0], 1);
    assert_int_equal(thr(&f)->last_spike[0], 593);
    assert_true(thr(&f)->V[0] == (snn_real)-65);
    teardown(&f);
}

/* NEST's order on iaf_psc_exp: a current arriving in step k enters i_syn in step k and moves V
 * first in step k+1. A drives B with delay 1 step; A's first spike is in step 593 (above). */
static void test_iaf_arrival_moves_V_one_step_later(void **state)
{
    (void)state;
    fixture f;
    setup_text(&f,
               "run = { dt = \"0.1 ms\"; duration = \"70 ms\"; seed = 1; };\n"
               "populations = ({ name = \"A\"; size = 1; model = \"iaf_psc_exp\";"
               "  params = { E_L = \"-65 mV\"; V_th = \"-50 mV\"; V_reset = \"-65 mV\"; };"
               "  I_ext = \"376 pA\"; },\n"
               "{ name = \"B\"; size = 1; model = \"iaf_psc_exp\"; params = { E_L = \"-65 mV\";"
               "  V_th = \"-50 mV\"; V_reset = \"-70 mV\"; }; });\n"
               "projections = ({ pre = \"A\"; post = \"B\"; rule = { type = \"all_to_all\"; };"
               "  weight = \"87.81 pA\"; synapse = { type = \"expon\"; tau = \"0.5 ms\"; };"
               "  output = { type = \"cuba\"; }; });",
               1);
    const snn_thread_state *ts = thr(&f);
    uint32_t b = ts->segs[1].begin;
    step(&f, 594); /* spike in 593, arrival in 594 */
    assert_true(ts->V[b] == (snn_real)-65);
    assert_true(fabs(ts->g[b] - 87.81e-9) < 1e-12);
    step(&f, 1);
    assert_true(ts->V[b] > (snn_real)-65);
    teardown(&f);
}

/* A Poisson input with neurons = 3, start = 0.5 ms, stop = 0.8 ms reaches only neurons 0-2 of
 * its 10, and only in steps 6, 7 and 8 (NEST's window (start, stop]). A huge rate makes a
 * count of zero in an active step practically impossible. */
static void test_poisson_window_and_subset(void **state)
{
    (void)state;
    fixture f;
    setup_text(
        &f,
        "run = { dt = \"0.1 ms\"; duration = \"2 ms\"; seed = 4; };\n"
        "populations = ({ name = \"P\"; size = 10; params = { V_rest = \"-70 mV\";"
        "  V_th = \"0 mV\"; V_reset = \"-70 mV\"; tau = \"10 ms\"; }; V_init = \"-70 mV\"; });\n"
        "inputs = ({ type = \"poisson\"; target = \"P\"; rate = \"1 MHz\"; neurons = 3;"
        "  start = \"0.5 ms\"; stop = \"0.8 ms\"; weight = \"1 mV\";"
        "  synapse = { type = \"delta\"; }; });",
        1);
    const snn_thread_state *ts = thr(&f);
    for (int n = 1; n <= 12; n++) {
        snn_real before[10];
        memcpy(before, ts->V, sizeof before);
        step(&f, 1);
        int active = n >= 6 && n <= 8;
        for (int i = 0; i < 10; i++) {
            /* Without input (I = 0) V would just relax; the input's jumps (delta, mV) add to it. */
            const snn_lif *lif = &f.net.lif[0];
            snn_real relaxed = snn_lif_integrate(lif, snn_lif_reset(lif, before[i]), 0);
            int jumped = ts->V[i] != relaxed;
            assert_int_equal(jumped, active && i < 3);
        }
    }
    teardown(&f);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drawn_delays_fill_the_right_slots),
        cmocka_unit_test(test_long_delays_two_byte_slots),
        cmocka_unit_test(test_wide_targets_one_byte_delays),
        cmocka_unit_test(test_wide_targets_two_byte_delays),
        cmocka_unit_test(test_poisson_input_counts),
        cmocka_unit_test(test_step_current_switches_on_time),
        cmocka_unit_test(test_dc_equivalent_joins_constant_current),
        cmocka_unit_test(test_iaf_first_spike_closed_form),
        cmocka_unit_test(test_iaf_arrival_moves_V_one_step_later),
        cmocka_unit_test(test_poisson_window_and_subset),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return rc;
}
