/*
 * test_estimate.c — the memory estimate on small hand-made networks: byte counts computed by hand
 * from the allocation sizes in network.c (exact synapse counts for fixed_indegree, one_to_one and
 * all_to_all, expected values for fixed_prob, fixed_outdegree and fixed_total_number), the
 * rank and thread partition, the two phases (build temporaries against simulation buffers), the
 * synapse counts of a real build against the estimate, and the out-of-memory message.
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
#include "snn/estimate.h"
#include "snn/network.h"
#include "snn/real.h"

#define RUN "run = { dt = \"0.1 ms\"; duration = \"10 ms\"; seed = 3; };\n"
#define POP(name, size)                                                                            \
    "{ name = \"" name "\"; size = " #size "; model = \"lif\";\n"                                  \
    "  params = { V_rest = \"-52 mV\"; V_th = \"-50 mV\"; V_reset = \"-60 mV\"; tau = \"10 ms\"; " \
    "};\n"                                                                                         \
    "  V_init = \"-60 mV\"; }"
#define PROJ(pre, post, rule, extra)                                                               \
    "{ pre = \"" pre "\"; post = \"" post "\"; rule = " rule ";\n"                                 \
    "  synapse = { type = \"expon\"; tau = \"2 ms\"; }; output = { type = \"cuba\"; };" extra " }"
#define W1 " weight = 1;"

/* clang-format off */
static const char indegree_cfg[] = RUN
    "populations = (" POP("A", 10) ", " POP("B", 6) ");\n"
    "projections = (" PROJ("A", "B", "{ type = \"fixed_indegree\"; n = 4; }", W1) ");";

static const char prob_cfg[] = RUN
    "populations = (" POP("A", 200) ");\n"
    "projections = (" PROJ("A", "A", "{ type = \"fixed_prob\"; prob = 0.1; autapses = false; }",
        " weight = { mean = 1; std = 0.1; };"
        " delay = { mean = \"1 ms\"; std = \"0.5 ms\"; max = \"3 ms\"; };") ");";

static const char rules_cfg[] = RUN
    "populations = (" POP("A", 12) ", " POP("B", 9) ");\n"
    "projections = ("
    PROJ("A", "B", "{ type = \"fixed_outdegree\"; n = 6; }", W1) ",\n"
    PROJ("A", "B", "{ type = \"fixed_total_number\"; n = 90; }", W1) ",\n"
    PROJ("A", "B", "{ type = \"all_to_all\"; }", W1) ",\n"
    PROJ("A", "A", "{ type = \"all_to_all\"; autapses = false; }", W1) ",\n"
    PROJ("B", "B", "{ type = \"one_to_one\"; }", W1) ");";

static const char ranks_cfg[] = RUN
    "populations = (" POP("A", 37) ", " POP("B", 11) ");\n"
    "projections = ("
    PROJ("A", "B", "{ type = \"fixed_indegree\"; n = 5; }", W1) ",\n"
    PROJ("B", "A", "{ type = \"fixed_prob\"; prob = 0.5; }", W1) ");";
/* clang-format on */

static void load(snn_model *m, const char *text)
{
    snn_error err;
    memset(m, 0, sizeof *m);
    if (snn_config_load_string(text, "test.cfg", m, &err) != SNN_OK)
        fail_msg("config: %s", err.msg);
}

static void estimate(const snn_model *m, int rank, int n_ranks, int n_threads, snn_estimate *e)
{
    snn_error err;
    if (snn_estimate_rank(m, rank, n_ranks, n_threads, e, &err) != SNN_OK)
        fail_msg("estimate: %s", err.msg);
}

/* Per-neuron bytes of one thread's state with nc channels and a minimum delay of md steps:
 * V, last_spike, g, h, refr, spikes, spike_count, isi_sum, isi_sq. */
static double neuron_bytes(double n, double nc, double md, int n_pops, int n_projs)
{
    double r = sizeof(snn_real);
    return n * (r + 8 + 2 * nc * r + 4 + 8 * md + 4 + 8 + 8) +
           n_pops * (double)sizeof(snn_segment) + n_projs * (double)sizeof(snn_synapses);
}

/* The simulation buffers (without the spike file's measured part and buffered spikes), for N
 * neurons in all, n_local on this rank, minimum delay md, R ranks: the exchange's receive and
 * sort buffers, counts and displacements, the first collective's blocks (16 words a rank up to
 * 256 ranks), the rank's spikes of an interval, step starts, and a
 * population and a gid per received spike. */
static double exchange_bytes(double N, double n_local, double md, int R)
{
    const double blocks = R > 1 ? R * (1 + SNN_COMM_BLOCK_MAX) * 8.0 : 0; /* R <= 256 */
    return 2 * N * 8 + 2.0 * sizeof(int) * R + blocks + n_local * md * 8 +
           (md + 1) * sizeof(size_t) + N * 8;
}

/* fixed_indegree A(10) -> B(6), K = 4, constant weight and delay, on rank 1 of 2, one thread:
 * the rank owns A[5, 10) and B[3, 6), so 3 posts and exactly 12 synapses. */
static void test_fixed_indegree_exact_bytes(void **state)
{
    (void)state;
    snn_model m;
    load(&m, indegree_cfg);
    snn_estimate e;
    estimate(&m, 1, 2, 1, &e);
    double r = sizeof(snn_real);
    assert_true(e.n_synapses == 12);
    /* row: (pre_size + 1) uint64; a 2-byte target offset per synapse (3 targets span far less
     * than 65,536 local indices; synapse_store.h). */
    assert_true(e.synapses == 11 * 8 + 12 * 2);
    /* The real build stores exactly that. */
    {
        snn_network b;
        snn_error berr;
        assert_int_equal(snn_network_build(&b, &m, 1, 2, 1, &berr), SNN_OK);
        assert_non_null(b.thr[0].syn[0].target16);
        assert_true(snn_synapses_bytes(&b.thr[0].syn[0], 12, 10) == 11 * 8 + 12 * 2);
        snn_network_free(&b);
    }
    /* generic path, constant weight and delay: a 24-byte edge per synapse (the whole owned set
     * is one piece), no keys, on top of the wide (4-byte) targets of the build. */
    assert_true(e.build_peak_extra == 12 * 24);
    assert_true(e.build_peak == 11 * 8 + 12 * 4 + 12 * 24);
    /* 8 neurons, one channel, delay 1 step: min_delay 1, ring_len 2. */
    assert_true(e.neurons == neuron_bytes(8, 1, 1, 2, 1));
    assert_true(e.ring == 8 * 1 * 2 * r);
    double ex = exchange_bytes(16, 8, 1, 2);
    /* The measured spike file part plus 16 bytes per buffered spike: 16 neurons at the assumed
     * 50 Hz for 10 ms. */
    assert_true(fabs(e.exchange - ex - 4.1 * 1048576.0 - 16 * 16 * 0.01 * 50) < 1e-6);
    assert_true(e.baseline == 18.0 * 1048576.0);
    double phase = e.build_peak > e.synapses + e.exchange ? e.build_peak : e.synapses + e.exchange;
    assert_true(fabs(e.total - (e.baseline + e.neurons + e.ring + phase)) < 1e-6);
    snn_model_free(&m);
}

/* fixed_prob A(200) -> A with autapses off, normal weights and delays, one rank, 2 threads:
 * expected p * (200 * 200 - 200) synapses, stored in 2 (target offset) + sizeof(snn_real) + 1
 * (delay < 256 steps) bytes and built in 4 + sizeof(snn_real) + 2; each thread owns 100 posts,
 * and its rows cost 201 uint64. Delays up to max 3 ms: ring_len 30 + 1 steps. */
static void test_fixed_prob_expected_value(void **state)
{
    (void)state;
    snn_model m;
    load(&m, prob_cfg);
    snn_estimate e;
    estimate(&m, 0, 1, 2, &e);
    double r = sizeof(snn_real), per = 2 + r + 1, wide = 4 + r + 2;
    assert_true(fabs(e.n_synapses - 0.1 * (200 * 200 - 200)) < 1e-6);
    assert_true(fabs(e.synapses - (2 * 201 * 8 + 3980 * per)) < 1e-6);
    /* The threads build in parallel: both threads' temporaries count; per-synapse draws keep
     * an 8-byte key per synapse besides the 24-byte edge. */
    assert_true(fabs(e.build_peak_extra - 3980 * 32) < 1e-6);
    assert_true(fabs(e.build_peak - (2 * 201 * 8 + 3980 * (wide + 32))) < 1e-6);
    assert_int_equal(m.projs[0].delay_min_steps, 1);
    assert_int_equal(m.projs[0].delay_max_steps, 30);
    assert_true(e.ring == 200 * 31 * r);
    assert_true(e.neurons == 2 * neuron_bytes(100, 1, 1, 1, 1));

    /* The real build: the count is Binomial(39800, 0.1), sd 59.9; stay within 5 sd. */
    snn_network net;
    snn_error err;
    assert_int_equal(snn_network_build(&net, &m, 0, 1, 2, &err), SNN_OK);
    assert_true(fabs((double)net.n_syn_local - e.n_synapses) < 5 * 59.9);
    /* ... stored narrow, in exactly the estimate's bytes per synapse. */
    size_t held = 0;
    for (int t = 0; t < 2; t++) {
        const snn_synapses *sy = &net.thr[t].syn[0];
        assert_non_null(sy->target16);
        assert_non_null(sy->delay8);
        assert_non_null(sy->weight);
        held += snn_synapses_bytes(sy, sy->row[200], 200);
    }
    assert_true(fabs((double)held - (2 * 201 * 8 + (double)net.n_syn_local * per)) < 1e-6);
    snn_network_free(&net);
    snn_model_free(&m);
}

/* The other rules on rank 0 of 3 (A[0, 4) of 12, B[0, 3) of 9, one thread each), each checked
 * against the real build where the count is exact. */
/* Thread t's synapses of projection p: those of its store (shared with other projections from
 * the same populations, shared_rows.h) that reach one of p's postsynaptic populations. */
static uint64_t projection_synapses(const snn_network *net, int t, int p)
{
    const snn_projection *pr = &net->model->projs[p];
    const snn_thread_state *ts = &net->thr[t];
    const snn_synapses *sy = &ts->syn[p];
    uint64_t n = 0;
    for (uint64_t k = 0; k < sy->row[pr->pre_size]; k++) {
        const uint32_t tl = snn_syn_target(sy, k);
        for (int j = 0; j < pr->n_post; j++)
            n += tl >= ts->segs[pr->post[j]].begin && tl < ts->segs[pr->post[j]].end;
    }
    return n;
}

static void test_rules_expected_counts(void **state)
{
    (void)state;
    snn_model m;
    load(&m, rules_cfg);
    snn_estimate e;
    estimate(&m, 0, 3, 1, &e);
    /* outdegree 12 * 6 * 3 / 9 = 24; total 90 * 3 / 9 = 30; all_to_all 12 * 3 = 36;
     * A -> A without autapses 12 * 4 - 4 = 44; one_to_one 3. */
    double n = 24 + 30 + 36 + 44 + 3;
    assert_true(fabs(e.n_synapses - n) < 1e-9);
    double rows = (13 + 13 + 13 + 13 + 10) * 8.0;
    assert_true(fabs(e.synapses - (rows + n * 2)) < 1e-9);
    /* fixed_outdegree with constants takes the direct path: a row of K uint64 scratch only.
     * The largest temporaries are the A -> A edges (constants: no keys). */
    assert_true(fabs(e.build_peak_extra - 44 * 24) < 1e-9);
    /* The peak is at the last projection with generic temporaries that is largest on top of
     * those built before it: A -> A (the fourth). */
    double before4 = 13 * 8 + 24 * 2 + 13 * 8 + 30 * 2 + 13 * 8 + 36 * 2;
    assert_true(fabs(e.build_peak - (before4 + 13 * 8 + 44 * 4 + 44 * 24)) < 1e-9);

    snn_network net;
    snn_error err;
    assert_int_equal(snn_network_build(&net, &m, 0, 3, 1, &err), SNN_OK);
    /* all_to_all, all_to_all without autapses and one_to_one are exact. */
    uint64_t exact = 0;
    for (int p = 2; p < 5; p++)
        exact += projection_synapses(&net, 0, p);
    assert_int_equal(exact, 36 + 44 + 3);
    snn_network_free(&net);
    snn_model_free(&m);
}

/* Every rank's share: estimates over the ranks add up to the whole network's synapses. */
static void test_ranks_add_up(void **state)
{
    (void)state;
    snn_model m;
    load(&m, ranks_cfg);
    double sum = 0;
    for (int r = 0; r < 4; r++) {
        snn_estimate e;
        estimate(&m, r, 4, 3, &e);
        sum += e.n_synapses;
    }
    assert_true(fabs(sum - (11 * 5 + 0.5 * 11 * 37)) < 1e-9);
    snn_model_free(&m);
}

/* Large, synapse-heavy models exceed what a node has: SNN_ERR_NOMEM and the full message. */
static void test_check_message(void **state)
{
    (void)state;
    const double G = 1073741824.0;
    snn_estimate e = {0};
    e.synapses = 35.1 * G;
    e.build_peak = 36.0 * G;
    e.exchange = 0.1 * G;
    e.neurons = 1.0 * G;
    e.baseline = 0.1 * G;
    e.total = 38.2 * G;
    snn_error err;
    snn_error_clear(&err);
    assert_int_equal(snn_estimate_check(&e, 11.5 * G, "net.cfg", 2, &err), SNN_ERR_NOMEM);
    assert_string_equal(err.msg, "net.cfg: estimated 38.2 GB per rank (synapses 35.1 GB), but "
                                 "11.5 GB are available per rank on this node (2 ranks share "
                                 "23.0 GB): use more ranks or nodes, or a smaller run.scale");
    /* Build temporaries dominate: they are what the message names. */
    e.synapses = 1.0 * G;
    e.build_peak = 30.0 * G;
    assert_int_equal(snn_estimate_check(&e, 600 * 1048576.0, "x.cfg", 1, &err), SNN_ERR_NOMEM);
    assert_string_equal(err.msg, "x.cfg: estimated 38.2 GB per rank (build temporaries 29.0 GB), "
                                 "but 600.0 MB is available per rank on this node (1 rank has "
                                 "600.0 MB): use more ranks or nodes, or a smaller run.scale");
    /* Enough memory, or unknown (0): no error. */
    assert_int_equal(snn_estimate_check(&e, 40 * G, "x.cfg", 1, &err), SNN_OK);
    assert_int_equal(snn_estimate_check(&e, 0, "x.cfg", 1, &err), SNN_OK);
}

/* On this machine: a positive share of MemAvailable, the ranks on the node counted. */
static void test_available(void **state)
{
    (void)state;
    double avail = -1;
    int n = 0;
    snn_error err;
    assert_int_equal(snn_estimate_available_on_node(MPI_COMM_SELF, &avail, &n, &err), SNN_OK);
    assert_int_equal(n, 1);
    assert_true(avail > 0);
    double world = -1;
    assert_int_equal(snn_estimate_available(MPI_COMM_WORLD, &world, &err), SNN_OK);
    assert_true(world > 0 && world <= avail * 1.5);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_indegree_exact_bytes),
        cmocka_unit_test(test_fixed_prob_expected_value),
        cmocka_unit_test(test_rules_expected_counts),
        cmocka_unit_test(test_ranks_add_up),
        cmocka_unit_test(test_check_message),
        cmocka_unit_test(test_available),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return rc;
}
