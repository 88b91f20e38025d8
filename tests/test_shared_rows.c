/*
 * test_shared_rows.c — which projections share rows (include/snn/shared_rows.h): same
 * presynaptic populations and store kind with disjoint postsynaptic populations share; another
 * presynaptic population, another constant weight, an order that would reorder a cell's
 * arrivals, or 2-byte targets spanning more than 65,536 do not; SNN_SHARED_ROWS=0 turns it off;
 * each projection keeps exactly its synapses in the shared store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snn/config.h"
#include "snn/network.h"

#define RUN "run = { dt = \"0.1 ms\"; duration = \"10 ms\"; seed = 5; };\n"
#define POP(name, size)                                                                            \
    "{ name = \"" name "\"; size = " #size "; model = \"lif\";\n"                                  \
    "  params = { V_rest = \"-52 mV\"; V_th = \"-50 mV\"; V_reset = \"-60 mV\"; tau = \"10 ms\"; " \
    "};\n"                                                                                         \
    "  V_init = \"-60 mV\"; }"
#define PROJ(pre, post, weight)                                                                    \
    "{ pre = \"" pre "\"; post = \"" post "\"; rule = { type = \"fixed_indegree\"; n = 3; };\n"    \
    "  synapse = { type = \"expon\"; tau = \"2 ms\"; }; output = { type = \"cuba\"; };"            \
    " weight = " weight "; delay = { mean = \"1 ms\"; std = \"0.3 ms\"; }; }"

/* clang-format off */
/* p0 and p1 share; p2 has another presynaptic population; p3 another constant weight than p0's
 * group, and p4 joins p3 (p0's group has Y already); p5 could join p2 but Y's cells receive from
 * p4 (a later group) before they may from p5; p6 reaches X, which p0's group reaches already. */
static const char groups_cfg[] = RUN
    "populations = (" POP("A", 20) ", " POP("X", 10) ", " POP("Y", 12) ", " POP("B", 15) ", "
    POP("Z", 8) ");\n"
    "projections = ("
    PROJ("A", "X", "1") ",\n" PROJ("A", "Y", "1") ",\n" PROJ("B", "X", "1") ",\n"
    PROJ("A", "Z", "2") ",\n" PROJ("A", "Y", "2") ",\n" PROJ("B", "Y", "1") ",\n"
    PROJ("A", "X", "1") ");";

/* On one thread X and Y cover 80,000 local indices: 2-byte targets cannot share. */
static const char span_cfg[] = RUN
    "populations = (" POP("A", 20) ", " POP("X", 40000) ", " POP("Y", 40000) ");\n"
    "projections = (" PROJ("A", "X", "1") ",\n" PROJ("A", "Y", "1") ");";
/* clang-format on */

static void build(snn_model *m, snn_network *net, const char *text, int n_threads)
{
    snn_error err;
    memset(m, 0, sizeof *m);
    if (snn_config_load_string(text, "test.cfg", m, &err) != SNN_OK)
        fail_msg("config: %s", err.msg);
    if (snn_network_build(net, m, 0, 1, n_threads, &err) != SNN_OK)
        fail_msg("build: %s", err.msg);
}

/* Thread t's synapses of projection p (those of its store onto p's populations), with the sum
 * of their targets, weights and delays (a fingerprint of the projection's synapses). */
static uint64_t projection_synapses(const snn_network *net, int t, int p, double *sum)
{
    const snn_projection *pr = &net->model->projs[p];
    const snn_thread_state *ts = &net->thr[t];
    const snn_synapses *sy = &ts->syn[p];
    uint64_t n = 0;
    *sum = 0;
    for (uint64_t pre = 0; pre < pr->pre_size; pre++)
        for (uint64_t k = sy->row[pre]; k < sy->row[pre + 1]; k++) {
            const uint32_t tl = snn_syn_target(sy, k);
            for (int j = 0; j < pr->n_post; j++)
                if (tl >= ts->segs[pr->post[j]].begin && tl < ts->segs[pr->post[j]].end) {
                    n++;
                    *sum += (double)(pre + 1) * (tl + 1) +
                            (sy->weight ? (double)sy->weight[k] : pr->weight) * 1e3 +
                            snn_syn_delay(sy, k, (uint32_t)pr->delay_steps);
                }
        }
    return n;
}

static void test_groups(void **state)
{
    (void)state;
    snn_model m;
    snn_network net;
    build(&m, &net, groups_cfg, 1);
    const snn_thread_state *ts = &net.thr[0];
    const int stores[5] = {0, 2, 3, 5, 6}, owner[7] = {0, 0, 2, 3, 3, 5, 6};
    assert_int_equal(ts->n_stores, 5);
    for (int s = 0; s < 5; s++)
        assert_int_equal(ts->store_proj[s], stores[s]);
    for (int p = 0; p < 7; p++)
        assert_int_equal(ts->syn_owner[p], owner[p]);
    assert_ptr_equal(ts->syn[1].row, ts->syn[0].row);
    assert_ptr_not_equal(ts->syn[2].row, ts->syn[0].row);
    /* every projection has its in-degree 3 per post neuron in the shared store */
    double sum;
    assert_int_equal(projection_synapses(&net, 0, 0, &sum), 3 * 10);
    assert_int_equal(projection_synapses(&net, 0, 1, &sum), 3 * 12);
    assert_int_equal(ts->syn[0].row[20], 3 * 10 + 3 * 12);
    snn_network_free(&net);
    snn_model_free(&m);
}

/* The same synapses, projection by projection, with and without sharing, on 1 and 2 threads. */
static void test_same_synapses_unshared(void **state)
{
    (void)state;
    for (int threads = 1; threads <= 2; threads++) {
        snn_model m, m0;
        snn_network net, net0;
        build(&m, &net, groups_cfg, threads);
        assert_int_equal(setenv("SNN_SHARED_ROWS", "0", 1), 0);
        build(&m0, &net0, groups_cfg, threads);
        assert_int_equal(unsetenv("SNN_SHARED_ROWS"), 0);
        for (int t = 0; t < threads; t++) {
            assert_int_equal(net0.thr[t].n_stores, 7);
            assert_true(net.thr[t].n_stores < 7);
            for (int p = 0; p < 7; p++) {
                double s, s0;
                assert_int_equal(projection_synapses(&net, t, p, &s),
                                 projection_synapses(&net0, t, p, &s0));
                assert_true(s == s0);
                assert_true(s > 0);
            }
        }
        snn_network_free(&net);
        snn_network_free(&net0);
        snn_model_free(&m);
        snn_model_free(&m0);
    }
}

static void test_span(void **state)
{
    (void)state;
    snn_model m;
    snn_network net;
    build(&m, &net, span_cfg, 1);
    assert_non_null(net.thr[0].syn[0].target16);
    assert_int_equal(net.thr[0].n_stores, 2);
    snn_network_free(&net);
    snn_model_free(&m);
    build(&m, &net, span_cfg, 2); /* 40,000 local indices a thread: they share */
    assert_int_equal(net.thr[0].n_stores, 1);
    assert_int_equal(net.thr[1].n_stores, 1);
    snn_network_free(&net);
    snn_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_same_synapses_unshared),
        cmocka_unit_test(test_span),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
