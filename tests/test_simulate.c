/*
 * test_simulate.c — the step loop on small networks whose behaviour is known by hand:
 * first spike time against the closed-form LIF solution, refractoriness, the order within a step
 * and the one-step (and longer) delay, initial states above threshold, merged channels, and
 * identical spikes for 1 to 4 OpenMP threads on the tutorial network, and the vectorised updates
 * against the one-neuron formulas of lif.h, expon.h, output.h and iaf_psc_exp.h. Runs on one MPI
 * rank.
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
#include "snn/channel.h"
#include "snn/iaf_psc_exp.h"
#include "snn/lif.h"
#include "snn/network.h"
#include "snn/output.h"
#include "snn/simulate.h"
#include "snn/ticks.h"

typedef struct {
    snn_model m;
    snn_network net;
    snn_comm comm;
    snn_sim sim;
} fixture;

typedef struct {
    size_t n, cap;
    uint64_t *step;
    uint32_t *gid;
} spike_log;

static int log_spikes(void *ctx, uint64_t step, const uint32_t *gids, size_t n, snn_error *err)
{
    (void)err;
    spike_log *l = ctx;
    for (size_t k = 0; k < n; k++) {
        if (l->n == l->cap) {
            l->cap = l->cap ? 2 * l->cap : 1024;
            l->step = realloc(l->step, l->cap * sizeof *l->step);
            l->gid = realloc(l->gid, l->cap * sizeof *l->gid);
            assert_non_null(l->step);
            assert_non_null(l->gid);
        }
        l->step[l->n] = step;
        l->gid[l->n++] = gids[k];
    }
    return SNN_OK;
}

static void log_free(spike_log *l)
{
    free(l->step);
    free(l->gid);
    memset(l, 0, sizeof *l);
}

static void setup_text(fixture *f, const char *text, int n_threads)
{
    snn_error err;
    memset(f, 0, sizeof *f);
    int rc = snn_config_load_string(text, "test.cfg", &f->m, &err);
    if (rc != SNN_OK)
        fail_msg("config: %s", err.msg);
    assert_int_equal(snn_comm_init(&f->comm, MPI_COMM_SELF, f->m.n_neurons, &err), SNN_OK);
    assert_int_equal(snn_network_build(&f->net, &f->m, 0, 1, n_threads, &err), SNN_OK);
    assert_int_equal(snn_sim_start(&f->sim, &f->net, &f->comm, &err), SNN_OK);
}

static void teardown(fixture *f)
{
    snn_sim_free(&f->sim);
    snn_network_free(&f->net);
    snn_comm_free(&f->comm);
    snn_model_free(&f->m);
}

static void step(fixture *f, uint64_t n, spike_log *l)
{
    snn_error err;
    assert_int_equal(snn_sim_run(&f->sim, n, l ? log_spikes : NULL, l, NULL, &err), SNN_OK);
}

/* State of neuron i of population pop (one thread). */
static snn_real V_of(const fixture *f, int pop, uint32_t i)
{
    return f->net.thr[0].V[f->net.thr[0].segs[pop].begin + i];
}

static snn_real g_of(const fixture *f, int channel, int pop, uint32_t i)
{
    const snn_thread_state *ts = &f->net.thr[0];
    return ts->g[(size_t)channel * ts->n + ts->segs[pop].begin + i];
}

#define RUN(dur) "run = { dt = \"0.1 ms\"; duration = \"" dur "\"; seed = 1; };\n"
#define LIF_POP(name, size, vinit, iext, extra)                                                    \
    "{ name = \"" name "\"; size = " #size "; model = \"lif\";\n"                                  \
    "  params = { V_rest = \"-52 mV\"; V_th = \"-50 mV\"; V_reset = \"-60 mV\"; tau = \"10 "       \
    "ms\";" extra " };\n"                                                                          \
    "  V_init = \"" vinit "\"; I_ext = \"" iext "\"; }"

/* V_inf = -52 + 8 = -44; V(t) = -44 - 16 exp(-t/10) reaches -50 at t = 10 ln(16/6) = 9.808 ms,
 * so the first spike is in step 99 (9.9 ms), not 98 (9.8 ms). */
static void test_first_spike_at_closed_form_time(void **state)
{
    (void)state;
    fixture f;
    setup_text(&f, RUN("12 ms") "populations = (" LIF_POP("A", 1, "-60 mV", "8 mA", "") ");", 1);
    spike_log l = {0};
    step(&f, 120, &l);
    assert_true(l.n >= 1);
    assert_int_equal(l.step[0], 99);
    assert_int_equal(l.gid[0], 0);
    log_free(&l);
    teardown(&f);
}

/* Hard reset with tau_ref = 2 ms: after the spike of step 99, V is held at V_reset for the 19
 * steps with (n - 99) * dt < 2 ms, and integrates again from step 119. */
static void test_refractory_period_holds_V(void **state)
{
    (void)state;
    fixture f;
    setup_text(&f,
               RUN("15 ms") "populations = (" LIF_POP("A", 1, "-60 mV", "8 mA",
                                                      "reset = \"hard\"; tau_ref = \"2 ms\";") ");",
               1);
    spike_log l = {0};
    step(&f, 99, &l);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.step[0], 99);
    for (int n = 100; n <= 118; n++) {
        step(&f, 1, &l);
        assert_true(V_of(&f, 0, 0) == (snn_real)-60);
    }
    step(&f, 1, &l);
    assert_true(V_of(&f, 0, 0) > (snn_real)-60);
    assert_int_equal(l.n, 1);
    log_free(&l);
    teardown(&f);
}

#define SILENT_POP(name)                                                                           \
    "{ name = \"" name "\"; size = 1;\n"                                                           \
    "  params = { V_rest = \"-70 mV\"; V_th = \"0 mV\"; V_reset = \"-70 mV\"; tau = \"10 ms\"; };" \
    "  V_init = \"-70 mV\"; }"

static const char *delay_net(const char *delay)
{
    static char buf[2048];
    snprintf(buf, sizeof buf,
             RUN("15 ms") "populations = (" LIF_POP("A", 1, "-60 mV", "8 mA", "") ",\n" SILENT_POP(
                 "B") ");\n"
                      "projections = ({ pre = \"A\"; post = \"B\"; rule = { type = "
                      "\"fixed_outdegree\"; n = 1; };\n"
                      "  weight = \"0.5 mS\"; synapse = { type = \"expon\"; tau = \"2 ms\"; };\n"
                      "  output = { type = \"cuba\"; }; delay = \"%s\"; });",
             delay);
    return buf;
}

/* A spikes in step 99. With a one-step delay its weight is in B's synapse at step 100 (decay
 * first, then the arrival, so exactly w), and B integrates that current in the same step. */
static void test_one_step_delay_and_order(void **state)
{
    (void)state;
    fixture f;
    setup_text(&f, delay_net("0.1 ms"), 1);
    spike_log l = {0};
    step(&f, 99, &l);
    assert_int_equal(l.n, 1);
    assert_true(g_of(&f, 0, 1, 0) == 0);
    assert_true(V_of(&f, 1, 0) == (snn_real)-70);
    step(&f, 1, &l);
    assert_true(g_of(&f, 0, 1, 0) == (snn_real)0.5);
    /* Closed form of one step with I = 0.5 mA from V_rest = -70: -70 + 0.5 (1 - e^-0.01). */
    double expect = -70 + 0.5 * (1 - exp(-0.01));
    assert_true(fabs(V_of(&f, 1, 0) - expect) < 1e-5);
    step(&f, 1, &l);
    assert_true(fabs(g_of(&f, 0, 1, 0) - 0.5 * exp(-0.05)) < 1e-7);
    log_free(&l);
    teardown(&f);
}

static void test_longer_delay(void **state)
{
    (void)state;
    fixture f;
    setup_text(&f, delay_net("0.3 ms"), 1);
    step(&f, 101, NULL); /* spike in 99; arrival in 99 + 3 = 102 */
    assert_true(g_of(&f, 0, 1, 0) == 0);
    step(&f, 1, NULL);
    assert_true(g_of(&f, 0, 1, 0) == (snn_real)0.5);
    teardown(&f);
}

/* An initial V at or above threshold is delivered at step 1 like a spike, but not recorded. */
static void test_initial_state_above_threshold(void **state)
{
    (void)state;
    fixture f;
    const char *cfg =
        RUN("5 ms") "populations = (" LIF_POP("A", 1, "-40 mV", "0 mA", "") ",\n" SILENT_POP(
            "B") ");\n"
                 "projections = ({ pre = \"A\"; post = \"B\"; rule = { type = \"fixed_outdegree\"; "
                 "n = 1; };\n"
                 "  weight = \"0.25 mS\"; synapse = { type = \"expon\"; tau = \"2 ms\"; };\n"
                 "  output = { type = \"cuba\"; }; });";
    setup_text(&f, cfg, 1);
    spike_log l = {0};
    step(&f, 1, &l);
    assert_true(g_of(&f, 0, 1, 0) == (snn_real)0.25);
    /* Soft reset at step 1: -40 - 10 = -50, then a step toward -52: below threshold. */
    assert_true(V_of(&f, 0, 0) < (snn_real)-50);
    assert_true(V_of(&f, 0, 0) > (snn_real)-50.1);
    step(&f, 20, &l);
    assert_int_equal(l.n, 0);
    log_free(&l);
    teardown(&f);
}

static const char *merge_net(const char *tau2)
{
    static char buf[2048];
    snprintf(buf, sizeof buf,
             RUN("1 ms") "populations = (" LIF_POP("A1", 1, "-40 mV", "0 mA", "") ",\n" LIF_POP(
                 "A2", 1, "-40 mV", "0 mA", "") ",\n" SILENT_POP("C") ");\n"
                                                                      "projections = ("
                                                                      "{ pre = \"A1\"; post = "
                                                                      "\"C\"; rule = { type = "
                                                                      "\"fixed_outdegree\"; n = 1; "
                                                                      "}; weight = \"0.25 mS\";\n"
                                                                      "  synapse = { type = "
                                                                      "\"expon\"; tau = \"2 ms\"; "
                                                                      "}; output = { type = "
                                                                      "\"cuba\"; }; },\n"
                                                                      "{ pre = \"A2\"; post = "
                                                                      "\"C\"; rule = { type = "
                                                                      "\"fixed_outdegree\"; n = 1; "
                                                                      "}; weight = \"0.5 mS\";\n"
                                                                      "  synapse = { type = "
                                                                      "\"expon\"; tau = \"%s\"; }; "
                                                                      "output = { type = \"cuba\"; "
                                                                      "}; });",
             tau2);
    return buf;
}

static void test_identical_synapses_share_one_state(void **state)
{
    (void)state;
    fixture f;
    setup_text(&f, merge_net("2 ms"), 1);
    assert_int_equal(f.net.channels.n, 1);
    step(&f, 1, NULL);
    assert_true(g_of(&f, 0, 2, 0) == (snn_real)0.75);
    teardown(&f);

    setup_text(&f, merge_net("5 ms"), 1);
    assert_int_equal(f.net.channels.n, 2);
    step(&f, 1, NULL);
    assert_true(g_of(&f, 0, 2, 0) == (snn_real)0.25);
    assert_true(g_of(&f, 1, 2, 0) == (snn_real)0.5);
    teardown(&f);
}

/* Two LIF populations (A: soft reset, tau 10 ms, crossing the update's chunk of 256; B: hard
 * reset, tau_ref, tau 8 ms, a power of two) and expon channels of tau 2 ms (a power of two:
 * divisions become multiplications) and 3 ms; with `coba`, a third channel with conductance
 * output (the unfused update). Weights are 0: the arrivals are written by the test. */
static const char *update_net(int coba)
{
    static char buf[4096];
    const char *proj = "{ name = \"%s\"; pre = \"A\"; post = [\"A\", \"B\"]; rule = { type = "
                       "\"fixed_outdegree\"; prob = 0.02; }; weight = \"0 mS\"; synapse = { type "
                       "= \"expon\"; tau = \"%s\"; }; output = { type = \"%s\";%s }; delay = "
                       "\"0.1 ms\"; }";
    char p2[512], p3[512], pc[512];
    snprintf(p2, sizeof p2, proj, "P2", "2 ms", "cuba", "");
    snprintf(p3, sizeof p3, proj, "P3", "3 ms", "cuba", "");
    snprintf(pc, sizeof pc, proj, "PC", "2 ms", "coba", " E = \"0 mV\";");
    snprintf(buf, sizeof buf,
             RUN("30 ms") "populations = (\n"
                          "{ name = \"A\"; size = 300; model = \"lif\"; params = { V_rest = "
                          "\"-52 mV\"; V_th = \"-50 mV\"; V_reset = \"-60 mV\"; tau = \"10 ms\"; "
                          "}; V_init = { dist = \"normal\"; mean = \"-53 mV\"; std = \"4 mV\"; }; "
                          "I_ext = \"1.5 mA\"; },\n"
                          "{ name = \"B\"; size = 37; model = \"lif\"; params = { V_rest = "
                          "\"-52 mV\"; V_th = \"-50 mV\"; V_reset = \"-60 mV\"; tau = \"8 ms\"; "
                          "reset = \"hard\"; tau_ref = \"0.5 ms\"; }; V_init = { dist = "
                          "\"normal\"; mean = \"-53 mV\"; std = \"4 mV\"; }; I_ext = \"1.5 mA\"; "
                          "});\nprojections = (%s,\n%s%s%s);\n",
             p2, p3, coba ? ",\n" : "", coba ? pc : "");
    return buf;
}

/* Checks that the k spikes the formulas predicted are all of the step's spikes in l, frees l
 * and returns k. */
static size_t all_spikes_expected(spike_log *l, size_t k)
{
    assert_int_equal(k, l->n);
    log_free(l);
    return k;
}

/* A reproducible arrival in [-0.4, 0.8) mS, nonzero. */
static snn_real arrival(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (snn_real)(-0.4 + 1.2 * (double)((*state >> 11) + 1) / 9007199254740993.0);
}

/* Writes this step's arrivals x[c * N + i] (arrival() times scale) for every channel c and
 * neuron i into the ring slot of step n, where the update will take them. */
static void write_arrivals(snn_thread_state *ts, size_t L, size_t nc, uint64_t n, snn_real scale,
                           uint64_t *rng, snn_real *x)
{
    const size_t N = ts->n, slot = (size_t)(n % L);
    for (size_t c = 0; c < nc; c++)
        for (size_t i = 0; i < N; i++) {
            x[c * N + i] = arrival(rng) * scale;
            ts->ring[(c * L + slot) * N + i] += x[c * N + i];
        }
}

/* Every neuron's V and every channel's g after each of 300 steps equal, bit for bit, the
 * one-neuron formulas applied to the states before the step and the arrivals written into the
 * step's ring slot; the spikes are the neurons at or above threshold. */
static void check_update_against_formulas(int coba)
{
    fixture f;
    setup_text(&f, update_net(coba), 1);
    snn_thread_state *ts = &f.net.thr[0];
    const snn_channels *chs = &f.net.channels;
    const size_t N = ts->n, L = (size_t)f.net.ring_len, nc = (size_t)chs->n;
    assert_int_equal(nc, coba ? 3 : 2);
    assert_int_equal(N, 337);
    assert_true(f.net.lif[1].inv_exact && !f.net.lif[0].inv_exact);
    snn_real *V0 = malloc(N * sizeof *V0), *g0 = malloc(nc * N * sizeof *g0);
    snn_real *x = malloc(nc * N * sizeof *x);
    int64_t *last = malloc(N * sizeof *last);
    assert_true(V0 && g0 && x && last);
    for (size_t i = 0; i < N; i++)
        last[i] = ts->last_spike[i];
    uint64_t rng = 42;
    size_t n_spikes = 0, n_refractory = 0;
    for (uint64_t n = 1; n <= 300; n++) {
        memcpy(V0, ts->V, N * sizeof *V0);
        memcpy(g0, ts->g, nc * N * sizeof *g0);
        write_arrivals(ts, L, nc, n, 1, &rng, x);
        spike_log l = {0};
        step(&f, 1, &l);
        size_t k = 0;
        for (int p = 0; p < 2; p++) {
            const snn_segment sg = ts->segs[p];
            const snn_lif *lif = &f.net.lif[p];
            for (uint32_t i = sg.begin; i < sg.end; i++) {
                snn_real I = f.net.I_ext[p];
                const snn_real Vr = snn_lif_reset(lif, V0[i]);
                for (size_t c = 0; c < nc; c++) {
                    const snn_channel *ch = &chs->ch[c];
                    const snn_real g = snn_expon_step(&ch->expon, g0[c * N + i], x[c * N + i]);
                    assert_memory_equal(&ts->g[c * N + i], &g, sizeof g);
                    I = I + snn_output_current(ch->output, ch->E, g, Vr);
                }
                snn_real V = snn_lif_integrate(lif, Vr, I);
                if ((int64_t)n - last[i] < lif->ref_steps) {
                    V = Vr;
                    n_refractory++;
                }
                if (memcmp(&ts->V[i], &V, sizeof V) != 0)
                    fail_msg("step %llu, neuron %u: V %.9g, the formulas give %.9g",
                             (unsigned long long)n, i, (double)ts->V[i], (double)V);
                if (V >= lif->V_th) {
                    assert_true(k < l.n);
                    assert_int_equal(l.gid[k], sg.gid_begin + (i - sg.begin));
                    k++;
                    last[i] = (int64_t)n;
                }
            }
        }
        n_spikes += all_spikes_expected(&l, k);
    }
    /* The arrivals drive spikes and resets in both populations, and B's refractory hold. */
    assert_true(n_spikes > 300);
    assert_true(n_refractory > 20);
    free(V0);
    free(g0);
    free(x);
    free(last);
    teardown(&f);
}

static void test_update_matches_formulas(void **state)
{
    (void)state;
    check_update_against_formulas(0);
    check_update_against_formulas(1);
}

/* The same for iaf_psc_exp (NEST's order, snn_iaf_step): 300 neurons with t_ref 0.5 ms, two
 * current channels of tau 2 and 3 ms, arrivals of -200 to 400 pA per channel and step. */
static void test_iaf_update_matches_formulas(void **state)
{
    (void)state;
    fixture f;
    const char *proj = "{ name = \"%s\"; pre = \"A\"; post = \"A\"; rule = { type = "
                       "\"fixed_outdegree\"; prob = 0.02; }; weight = \"0 pA\"; synapse = { type "
                       "= \"expon\"; tau = \"%s\"; }; output = { type = \"cuba\"; }; delay = "
                       "\"0.1 ms\"; }";
    char p2[512], p3[512], text[2048];
    snprintf(p2, sizeof p2, proj, "P2", "2 ms");
    snprintf(p3, sizeof p3, proj, "P3", "3 ms");
    snprintf(text, sizeof text,
             RUN("30 ms") "populations = ({ name = \"A\"; size = 300; model = \"iaf_psc_exp\"; "
                          "params = { t_ref = \"0.5 ms\"; }; V_init = { dist = \"normal\"; mean = "
                          "\"-58 mV\"; std = \"3 mV\"; }; I_ext = \"300 pA\"; });\n"
                          "projections = (%s,\n%s);\n",
             p2, p3);
    setup_text(&f, text, 1);
    snn_thread_state *ts = &f.net.thr[0];
    const size_t N = ts->n, L = (size_t)f.net.ring_len, nc = (size_t)f.net.channels.n;
    assert_int_equal(nc, 2);
    const snn_iaf *iaf = &f.net.iaf[0];
    const snn_iaf_syn *syn = f.net.iaf_syn;
    snn_real *V = malloc(N * sizeof *V), *g = malloc(nc * N * sizeof *g);
    snn_real *x = malloc(nc * N * sizeof *x);
    int32_t *r = malloc(N * sizeof *r);
    assert_true(V && g && x && r);
    uint64_t rng = 7;
    size_t n_spikes = 0, n_refractory = 0;
    for (uint64_t n = 1; n <= 300; n++) {
        memcpy(V, ts->V, N * sizeof *V);
        memcpy(g, ts->g, nc * N * sizeof *g);
        memcpy(r, ts->refr, N * sizeof *r);
        write_arrivals(ts, L, nc, n, (snn_real)5e-7, &rng, x); /* mA */
        spike_log l = {0};
        step(&f, 1, &l);
        snn_real *gp[2] = {g, g + N};
        const snn_real *xp[2] = {x, x + N};
        size_t k = 0;
        for (uint32_t i = 0; i < N; i++) {
            n_refractory += r[i] > 0;
            const int spiked = snn_iaf_step(iaf, syn, 2, gp, xp, i, &V[i], &r[i], f.net.I_ext[0]);
            if (memcmp(&ts->V[i], &V[i], sizeof V[i]) != 0)
                fail_msg("step %llu, neuron %u: V %.9g, the formulas give %.9g",
                         (unsigned long long)n, i, (double)ts->V[i], (double)V[i]);
            assert_int_equal(ts->refr[i], r[i]);
            for (size_t c = 0; c < nc; c++)
                assert_memory_equal(&ts->g[c * N + i], &g[c * N + i], sizeof *g);
            if (spiked) {
                assert_true(k < l.n);
                assert_int_equal(l.gid[k++], i);
            }
        }
        n_spikes += all_spikes_expected(&l, k);
    }
    assert_true(n_spikes > 300);
    assert_true(n_refractory > 1000);
    free(V);
    free(g);
    free(x);
    free(r);
    teardown(&f);
}

/* The time split's counter: it advances over a run of steps, and a step back counts as 0. */
static void test_ticks(void **state)
{
    (void)state;
    assert_int_equal(snn_ticks_between(5, 3), 0);
    assert_int_equal(snn_ticks_between(3, 5), 2);
    assert_int_equal(snn_ticks_between(UINT64_MAX - 1, UINT64_MAX), 1);
    fixture f;
    setup_text(&f, RUN("20 ms") "populations = (" LIF_POP("A", 100, "-60 mV", "8 mA", "") ");", 1);
    const uint64_t t0 = snn_ticks();
    step(&f, 200, NULL);
    assert_true(snn_ticks_between(t0, snn_ticks()) > 0);
    /* the loop's phases, converted by the run's wall time, are positive and finite */
    assert_true(f.sim.timers.update > 0 && f.sim.timers.update < 10);
    assert_true(f.sim.timers.exchange >= 0 && f.sim.timers.deliver >= 0);
    teardown(&f);
}

static char *read_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

/* The tutorial network: the same spikes, in the same order, for 1, 2, 3 and 4 threads. */
static void test_tutorial_identical_for_any_thread_count(void **state)
{
    (void)state;
    char *text = read_file(SNN_EXAMPLES_DIR "/ei_balanced.cfg");
    spike_log ref = {0};
    for (int threads = 1; threads <= 4; threads++) {
        fixture f;
        setup_text(&f, text, threads);
        spike_log l = {0};
        step(&f, f.m.run.n_steps, &l);
        if (threads == 1) {
            ref = l;
            /* A balanced network, not a silent or saturated one. */
            assert_in_range(ref.n, 3500, 5500);
        } else {
            assert_int_equal(l.n, ref.n);
            assert_memory_equal(l.step, ref.step, l.n * sizeof *l.step);
            assert_memory_equal(l.gid, ref.gid, l.n * sizeof *l.gid);
            log_free(&l);
        }
        teardown(&f);
    }
    log_free(&ref);
    free(text);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_spike_at_closed_form_time),
        cmocka_unit_test(test_refractory_period_holds_V),
        cmocka_unit_test(test_one_step_delay_and_order),
        cmocka_unit_test(test_longer_delay),
        cmocka_unit_test(test_initial_state_above_threshold),
        cmocka_unit_test(test_identical_synapses_share_one_state),
        cmocka_unit_test(test_tutorial_identical_for_any_thread_count),
        cmocka_unit_test(test_update_matches_formulas),
        cmocka_unit_test(test_iaf_update_matches_formulas),
        cmocka_unit_test(test_ticks),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return rc;
}
