/*
 * test_config.c — the net.cfg parser: the reference example parses into exactly the tutorial's
 * values, defaults and derived quantities are right, and every bad input is rejected with one
 * line naming the file, the line, the key path and the offending value.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* regcomp */
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn/config.h"

#ifndef SNN_TEST_CONFIG_DIR
#error "SNN_TEST_CONFIG_DIR must name tests/configs"
#endif
#ifndef SNN_EXAMPLES_DIR
#error "SNN_EXAMPLES_DIR must name examples/"
#endif

static void assert_near_impl(double a, double b, double tol, const char *expr, const char *file,
                             int line)
{
    if (!(fabs(a - b) <= tol)) {
        print_error("%s:%d: %s = %.17g, expected %.17g within %g\n", file, line, expr, a, b, tol);
        fail();
    }
}
#define assert_near(a, b, tol) assert_near_impl((a), (b), (tol), #a, __FILE__, __LINE__)

static void assert_contains(const char *msg, const char *needle)
{
    if (!strstr(msg, needle))
        fail_msg("message \"%s\" does not contain \"%s\"", msg, needle);
}

/* The model must be left freed (zeroed) after a failed load. */
static void assert_model_empty(const snn_model *m)
{
    assert_int_equal(m->n_pops, 0);
    assert_null(m->pops);
    assert_int_equal(m->n_projs, 0);
    assert_null(m->projs);
    assert_int_equal(m->n_inputs, 0);
    assert_null(m->inputs);
}

/* The first line of every bad_*.cfg is "# expect: REGEX" (POSIX extended), which
 * tests/run_bad_input.sh matches against snn_mpi's message; check it against ours here too. */
static void assert_expect_line(const char *path, const char *msg)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        fail_msg("cannot open %s", path);
    char line[1024] = "";
    char *got = fgets(line, sizeof line, fp);
    fclose(fp);
    const char *prefix = "# expect: ";
    if (!got || strncmp(line, prefix, strlen(prefix)) != 0)
        fail_msg("%s: first line is not \"%s<regex>\"", path, prefix);
    char *pattern = line + strlen(prefix);
    pattern[strcspn(pattern, "\r\n")] = '\0';
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
        fail_msg("%s: bad regex /%s/", path, pattern);
    int rc = regexec(&re, msg, 0, NULL, 0);
    regfree(&re);
    if (rc != 0)
        fail_msg("%s: message \"%s\" does not match /%s/", path, msg, pattern);
}

/* Loads tests/configs/<file>; expects SNN_ERR_CONFIG and a one-line message holding
 * "<file>:<line>:", the key path and the offending value. */
static void expect_error(const char *file, int line, const char *key, const char *value)
{
    char path[1024], where[256];
    snprintf(path, sizeof path, "%s/%s", SNN_TEST_CONFIG_DIR, file);
    snn_model m;
    snn_error err;
    int rc = snn_config_load(path, &m, &err);
    if (rc != SNN_ERR_CONFIG)
        fail_msg("%s: rc %d, expected SNN_ERR_CONFIG; message: %s", file, rc, err.msg);
    assert_int_equal(err.code, SNN_ERR_CONFIG);
    snprintf(where, sizeof where, "%s:%d: ", file, line);
    assert_contains(err.msg, where);
    assert_contains(err.msg, key);
    assert_contains(err.msg, value);
    assert_null(strchr(err.msg, '\n'));
    assert_model_empty(&m);
    assert_expect_line(path, err.msg);
}

/* Loads text from memory; expects SNN_ERR_CONFIG and every needle in the message. */
static void expect_string_error(const char *text, const char *n1, const char *n2, const char *n3)
{
    snn_model m;
    snn_error err;
    int rc = snn_config_load_string(text, "mem.cfg", &m, &err);
    if (rc != SNN_ERR_CONFIG)
        fail_msg("rc %d, expected SNN_ERR_CONFIG; message: %s", rc, err.msg);
    assert_contains(err.msg, "mem.cfg");
    if (n1)
        assert_contains(err.msg, n1);
    if (n2)
        assert_contains(err.msg, n2);
    if (n3)
        assert_contains(err.msg, n3);
    assert_model_empty(&m);
}

/* ---- the reference example ------------------------------------------------------------------ */

static void test_example_ei_balanced(void **state)
{
    (void)state;
    snn_model m;
    snn_error err;
    const char *path = SNN_EXAMPLES_DIR "/ei_balanced.cfg";
    int rc = snn_config_load(path, &m, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_int_equal(err.code, SNN_OK);
    assert_string_equal(m.source, path);

    assert_true(m.run.dt == 0.1);
    assert_true(m.run.duration == 200.0);
    assert_int_equal(m.run.n_steps, 2000);
    assert_int_equal(m.run.seed, 0);
    assert_string_equal(m.run.output_dir, "out");

    assert_int_equal(m.n_pops, 2);
    assert_int_equal(m.n_neurons, 500);
    const char *names[2] = {"E", "I"};
    const uint64_t sizes[2] = {400, 100}, offsets[2] = {0, 400};
    for (int i = 0; i < 2; i++) {
        const snn_population *p = &m.pops[i];
        assert_string_equal(p->name, names[i]);
        assert_int_equal(p->size, sizes[i]);
        assert_int_equal(p->offset, offsets[i]);
        assert_true(p->lif.V_rest == -52.0);
        assert_true(p->lif.V_th == -50.0);
        assert_true(p->lif.V_reset == -60.0);
        assert_true(p->lif.tau == 10.0);
        assert_true(p->lif.R == 1.0);
        assert_true(p->lif.tau_ref == 0.0);
        assert_int_equal(p->lif.reset, SNN_RESET_SOFT);
        assert_int_equal(p->V_init.kind, SNN_INIT_NORMAL);
        assert_true(p->V_init.a == -60.0);
        assert_true(p->V_init.b == 10.0);
        assert_true(p->I_ext == 3.0);
        assert_true(p->line > 0);
    }
    assert_int_equal(snn_model_pop_of(&m, 399), 0);
    assert_int_equal(snn_model_pop_of(&m, 400), 1);

    assert_int_equal(m.n_projs, 2);
    const double weights[2] = {0.15811388300841897, -0.31622776601683794};
    for (int i = 0; i < 2; i++) {
        const snn_projection *p = &m.projs[i];
        assert_string_equal(p->name, names[i]);
        assert_int_equal(p->n_pre, 1);
        assert_int_equal(p->pre[0], i);
        assert_int_equal(p->pre_size, sizes[i]);
        assert_int_equal(p->n_post, 2);
        assert_int_equal(p->post[0], 0);
        assert_int_equal(p->post[1], 1);
        assert_int_equal(p->post_size, 500);
        assert_int_equal(p->rule, SNN_RULE_FIXED_OUTDEGREE);
        assert_true(p->prob == 0.1);
        assert_int_equal(p->outdegree, 50);
        assert_near(p->weight, weights[i], 1e-15);
        assert_true(p->syn_tau == 2.0);
        assert_int_equal(p->output, SNN_OUTPUT_CUBA);
        assert_true(p->delay == 0.1);
        assert_int_equal(p->delay_steps, 1);
        assert_true(p->line > 0);
    }
    snn_model_free(&m);
    assert_model_empty(&m);
}

/* ---- valid variations (from memory) --------------------------------------------------------- */

#define RUN "run = { dt = 0.1; duration = 100; };\n"
#define LIF "params = { V_rest = -52; V_th = -50; V_reset = -60; tau = 10; };"

static void load_ok(const char *text, snn_model *m)
{
    snn_error err;
    int rc = snn_config_load_string(text, "mem.cfg", m, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_string_equal(m->source, "mem.cfg");
}

static void test_bare_numbers_and_defaults(void **state)
{
    (void)state;
    snn_model m;
    load_ok(RUN "populations = ( { name = \"A\"; size = 10; " LIF " } );\n"
                "projections = ( { pre = \"A\"; post = \"A\";\n"
                "  rule = { type = \"fixed_outdegree\"; n = 3; }; weight = 0.5;\n"
                "  synapse = { type = \"expon\"; tau = 5; }; output = { type = \"cuba\"; }; } );\n",
            &m);
    assert_true(m.run.dt == 0.1);
    assert_true(m.run.duration == 100.0);
    assert_int_equal(m.run.n_steps, 1000);
    assert_int_equal(m.run.seed, 0);
    assert_string_equal(m.run.output_dir, "out");
    assert_true(m.run.scale == 1.0);
    assert_true(m.run.scale_k == 1.0);
    const snn_population *p = &m.pops[0];
    assert_true(p->lif.V_rest == -52.0 && p->lif.V_th == -50.0 && p->lif.V_reset == -60.0);
    assert_true(p->lif.tau == 10.0);
    assert_true(p->lif.R == 1.0);
    assert_true(p->lif.tau_ref == 0.0);
    assert_int_equal(p->lif.reset, SNN_RESET_SOFT);
    assert_int_equal(p->V_init.kind, SNN_INIT_CONSTANT); /* default: V_rest */
    assert_true(p->V_init.a == -52.0);
    assert_true(p->I_ext == 0.0);
    const snn_projection *q = &m.projs[0];
    assert_string_equal(q->name, "A->A");
    assert_true(q->prob == -1.0);
    assert_int_equal(q->outdegree, 3);
    assert_true(q->weight == 0.5);
    assert_true(q->syn_tau == 5.0);
    assert_true(q->delay == 0.1); /* default: dt */
    assert_int_equal(q->delay_steps, 1);
    snn_model_free(&m);
}

static void test_units_in_strings(void **state)
{
    (void)state;
    snn_model m;
    load_ok("run = { dt = \"100 us\"; duration = \"0.1 s\"; seed = 4294967295;"
            " output_dir = \"res/a\"; };\n"
            "populations = ( { name = \"Exc_1\"; size = 7; model = \"lif\";\n"
            "  params = { V_rest = \"-0.052 V\"; V_th = \"-50 mV\"; V_reset = \"-60 mV\";\n"
            "    tau = \"0.01 s\"; R = \"2 kohm\"; tau_ref = \"2 ms\"; reset = \"hard\"; };\n"
            "  V_init = \"-55 mV\"; I_ext = \"87.8 pA\"; } );\n",
            &m);
    assert_near(m.run.dt, 0.1, 1e-15);
    assert_near(m.run.duration, 100.0, 1e-12);
    assert_int_equal(m.run.n_steps, 1000);
    assert_int_equal(m.run.seed, 4294967295u); /* beyond libconfig 1.5's 32-bit int literals */
    assert_string_equal(m.run.output_dir, "res/a");
    assert_int_equal(m.n_projs, 0);
    assert_null(m.projs);
    const snn_population *p = &m.pops[0];
    assert_string_equal(p->name, "Exc_1");
    assert_near(p->lif.V_rest, -52.0, 1e-12);
    assert_near(p->lif.tau, 10.0, 1e-12);
    assert_near(p->lif.R, 2000.0, 1e-9);
    assert_true(p->lif.tau_ref == 2.0);
    assert_int_equal(p->lif.reset, SNN_RESET_HARD);
    assert_int_equal(p->V_init.kind, SNN_INIT_CONSTANT);
    assert_true(p->V_init.a == -55.0);
    assert_near(p->I_ext, 8.78e-8, 1e-21);
    snn_model_free(&m);
}

static void test_lists_coba_uniform_delay(void **state)
{
    (void)state;
    snn_model m;
    load_ok(RUN "populations = (\n"
                " { name = \"A\"; size = 3000000000; " LIF " V_init = { dist = \"uniform\";"
                " low = -70; high = \"-50 mV\"; }; },\n"
                " { name = \"B\"; size = 100; " LIF " V_init = { dist = \"constant\";"
                " value = \"-65 mV\"; }; },\n"
                " { name = \"C\"; size = 29; " LIF " } );\n"
                "projections = ( { name = \"inh\"; pre = [\"C\", \"B\"]; post = (\"B\", \"A\");\n"
                "  rule = { type = \"fixed_outdegree\"; prob = 0.29; }; weight = \"-10 nS\";\n"
                "  synapse = { type = \"expon\"; tau = \"5 ms\"; };\n"
                "  output = { type = \"coba\"; E = \"-80 mV\"; }; delay = \"0.3 ms\"; },\n"
                " { pre = [\"A\", \"B\"]; post = \"B\"; rule = { type = \"fixed_outdegree\";"
                " prob = 0.7; }; weight = 1; synapse = { type = \"expon\"; tau = 1; };"
                " output = { type = \"cuba\"; }; delay = 0.2; } );\n",
            &m);
    assert_int_equal(m.n_pops, 3);
    assert_int_equal(m.n_neurons, 3000000129ull);
    assert_int_equal(m.pops[0].size, 3000000000ull);
    assert_int_equal(m.pops[1].offset, 3000000000ull);
    assert_int_equal(m.pops[2].offset, 3000000100ull);
    assert_int_equal(m.pops[0].V_init.kind, SNN_INIT_UNIFORM);
    assert_true(m.pops[0].V_init.a == -70.0 && m.pops[0].V_init.b == -50.0);
    assert_int_equal(m.pops[1].V_init.kind, SNN_INIT_CONSTANT);
    assert_true(m.pops[1].V_init.a == -65.0);

    const snn_projection *p = &m.projs[0];
    assert_string_equal(p->name, "inh");
    assert_int_equal(p->n_pre, 2);
    assert_int_equal(p->pre[0], 2);
    assert_int_equal(p->pre[1], 1);
    assert_int_equal(p->pre_size, 129);
    assert_int_equal(p->n_post, 2);
    assert_int_equal(p->post[0], 1);
    assert_int_equal(p->post[1], 0);
    assert_int_equal(p->post_size, 3000000100ull);
    assert_true(p->prob == 0.29);
    /* int(0.29 * 3000000100) in double arithmetic, as the reference computes it. */
    assert_int_equal(p->outdegree, (uint64_t)(0.29 * 3000000100.0));
    assert_near(p->weight, -1e-5, 1e-18);
    assert_int_equal(p->output, SNN_OUTPUT_COBA);
    assert_true(p->E == -80.0);
    assert_int_equal(p->delay_steps, 3); /* 0.3 / 0.1 = 2.9999999999999996 */

    const snn_projection *q = &m.projs[1];
    assert_string_equal(q->name, "A+B->B");
    assert_int_equal(q->post_size, 100);
    assert_int_equal(q->outdegree, 70);
    assert_int_equal(q->delay_steps, 2);
    snn_model_free(&m);
}

static void test_outdegree_truncates_like_python(void **state)
{
    (void)state;
    /* 0.29 * 100 = 28.999999999999996 in double: Python's int() gives 28, not 29. */
    snn_model m;
    load_ok(RUN "populations = ( { name = \"A\"; size = 100; " LIF " } );\n"
                "projections = ( { pre = \"A\"; post = \"A\"; rule = { type = \"fixed_outdegree\";"
                " prob = 0.29; }; weight = 1; synapse = { type = \"expon\"; tau = 1; };"
                " output = { type = \"cuba\"; }; },\n"
                " { pre = \"A\"; post = \"A\"; rule = { type = \"fixed_outdegree\"; prob = 1; };"
                " weight = 1; synapse = { type = \"expon\"; tau = 1; };"
                " output = { type = \"cuba\"; }; },\n"
                " { pre = \"A\"; post = \"A\"; rule = { type = \"fixed_outdegree\"; prob = 0.0; };"
                " weight = 1; synapse = { type = \"expon\"; tau = 1; };"
                " output = { type = \"cuba\"; }; } );\n",
            &m);
    assert_int_equal(m.projs[0].outdegree, 28);
    assert_int_equal(m.projs[1].outdegree, 100);
    assert_int_equal(m.projs[2].outdegree, 0);
    snn_model_free(&m);
}

static void test_int_literals_not_confused(void **state)
{
    (void)state;
    /* Big numbers inside strings and comments are left alone by the 64-bit literal fix-up. */
    snn_model m;
    load_ok(
        "# seed = 99999999999999999999999\n"
        "run = { dt = 0.1; duration = 100; output_dir = \"out_5000000000\"; seed = 0x7fffffff; };\n"
        "/* 123456789012345 */ populations = ( { name = \"A\"; size = 5; " LIF " } );\n",
        &m);
    assert_string_equal(m.run.output_dir, "out_5000000000");
    assert_int_equal(m.run.seed, 0x7fffffff);
    snn_model_free(&m);
}

/* ---- neuron models, scale, rules, synapses, weights, delays, inputs (from memory) ----------- */

static void test_iaf_psc_exp(void **state)
{
    (void)state;
    snn_model m;
    load_ok(RUN "populations = (\n"
                " { name = \"D\"; size = 4; model = \"iaf_psc_exp\"; },\n"
                " { name = \"P\"; size = 5; model = \"iaf_psc_exp\"; I_ext = \"376 pA\";\n"
                "   params = { C_m = \"0.2 nF\"; tau_m = \"20 ms\"; E_L = \"-65 mV\";\n"
                "     V_th = \"-0.05 V\"; V_reset = -65; t_ref = \"0.5 ms\"; };\n"
                "   V_init = { dist = \"normal\"; mean = \"-68.28 mV\"; std = \"5.36 mV\"; }; },\n"
                " { name = \"Q\"; size = 6; model = \"iaf_psc_exp\";\n"
                "   params = { E_L = -60; V_th = -58; V_reset = -59; C_m = 100; }; },\n"
                " { name = \"L\"; size = 1; " LIF " } );\n",
            &m);
    /* NEST's defaults; V_init defaults to E_L. */
    const snn_population *d = &m.pops[0];
    assert_int_equal(d->model, SNN_NEURON_IAF_PSC_EXP);
    assert_true(d->iaf.C_m == 250.0);
    assert_true(d->iaf.tau_m == 10.0);
    assert_true(d->iaf.E_L == -70.0);
    assert_true(d->iaf.V_th == -55.0);
    assert_true(d->iaf.V_reset == -70.0);
    assert_true(d->iaf.t_ref == 2.0);
    assert_int_equal(d->V_init.kind, SNN_INIT_CONSTANT);
    assert_true(d->V_init.a == -70.0);
    assert_true(d->I_ext == 0.0);

    const snn_population *p = &m.pops[1];
    assert_int_equal(p->model, SNN_NEURON_IAF_PSC_EXP);
    assert_near(p->iaf.C_m, 200.0, 1e-12);
    assert_true(p->iaf.tau_m == 20.0);
    assert_true(p->iaf.E_L == -65.0);
    assert_near(p->iaf.V_th, -50.0, 1e-12);
    assert_true(p->iaf.V_reset == -65.0);
    assert_true(p->iaf.t_ref == 0.5);
    assert_near(p->I_ext, 3.76e-7, 1e-20); /* 376 pA in mA */
    assert_int_equal(p->V_init.kind, SNN_INIT_NORMAL);
    assert_true(p->V_init.a == -68.28 && p->V_init.b == 5.36);

    const snn_population *q = &m.pops[2];
    assert_true(q->iaf.C_m == 100.0); /* a bare number is in pF */
    assert_true(q->iaf.V_th == -58.0 && q->iaf.V_reset == -59.0);
    assert_true(q->V_init.a == -60.0);
    assert_true(q->iaf.tau_m == 10.0 && q->iaf.t_ref == 2.0);

    assert_int_equal(m.pops[3].model, SNN_NEURON_LIF);
    assert_true(m.pops[3].lif.V_rest == -52.0);
    snn_model_free(&m);
}

/* Loads head followed by "projections = ( <projs joined by commas> );" (projs NULL-terminated). */
static void load_projs(const char *head, const char *const *projs, snn_model *m)
{
    char text[16384] = "";
    size_t len = strlen(head);
    assert_true(len < sizeof text);
    memcpy(text, head, len + 1);
    strncat(text, "projections = (\n", sizeof text - strlen(text) - 1);
    for (const char *const *p = projs; *p; p++) {
        if (p != projs)
            strncat(text, ",\n", sizeof text - strlen(text) - 1);
        strncat(text, *p, sizeof text - strlen(text) - 1);
    }
    strncat(text, " );\n", sizeof text - strlen(text) - 1);
    assert_true(strlen(text) < sizeof text - 1);
    load_ok(text, m);
}

/* One population "A" of 5 LIF neurons and the one projection proj; expects an error. */
static void expect_proj_error(const char *proj, const char *n1, const char *n2, const char *n3)
{
    char text[4096];
    int n = snprintf(text, sizeof text,
                     RUN "populations = ( { name = \"A\"; size = 5; " LIF " } );\n"
                         "projections = ( %s );\n",
                     proj);
    assert_true(n > 0 && (size_t)n < sizeof text);
    expect_string_error(text, n1, n2, n3);
}

#define PROJ(pre, post, rule)                                                                      \
    " { pre = \"" pre "\"; post = \"" post "\"; rule = " rule "; weight = 1;"                      \
    " synapse = { type = \"expon\"; tau = 1; }; output = { type = \"cuba\"; }; }"

static void test_scale(void **state)
{
    (void)state;
    static const char *const projs[] = {
        PROJ("A", "A", "{ type = \"fixed_outdegree\"; n = 100; }"),
        PROJ("A", "A", "{ type = \"fixed_outdegree\"; n = 7; }"),
        PROJ("A", "B", "{ type = \"fixed_indegree\"; n = 9; }"),
        PROJ("A", "A", "{ type = \"fixed_outdegree\"; prob = 0.1; }"),
        PROJ("A", "B", "{ type = \"fixed_indegree\"; prob = 0.1; }"),
        PROJ("A", "A", "{ type = \"fixed_total_number\"; n = 1000; }"),
        PROJ("A", "A", "{ type = \"fixed_total_number\"; prob = 0.1009; }"),
        PROJ("B", "B", "{ type = \"fixed_prob\"; prob = 0.2; }"),
        NULL};
    snn_model m;
    load_projs("run = { dt = 0.1; duration = 100; scale = 0.1; scale_k = 0.5; };\n"
               "populations = ( { name = \"A\"; size = 20687; " LIF " },\n"
               " { name = \"B\"; size = 15; " LIF " }, { name = \"C\"; size = 3; " LIF " } );\n",
               projs, &m);
    assert_true(m.run.scale == 0.1);
    assert_true(m.run.scale_k == 0.5);
    /* max(1, llround(size * scale)): 2068.7 -> 2069 (not truncated), 1.5 -> 2, 0.3 -> 1. */
    assert_int_equal(m.pops[0].size, 2069);
    assert_int_equal(m.pops[1].size, 2);
    assert_int_equal(m.pops[2].size, 1);
    assert_int_equal(m.pops[1].offset, 2069);
    assert_int_equal(m.pops[2].offset, 2071);
    assert_int_equal(m.n_neurons, 2072);
    assert_int_equal(m.projs[0].pre_size, 2069);
    /* n times scale_k, rounded: 100 -> 50, 3.5 -> 4, 4.5 -> 5. */
    assert_int_equal(m.projs[0].outdegree, 50);
    assert_true(m.projs[0].prob == -1.0);
    assert_int_equal(m.projs[1].outdegree, 4);
    assert_int_equal(m.projs[2].indegree, 5);
    /* prob: from the scaled sizes, no scale_k: int(0.1 * 2069) = 206. */
    assert_int_equal(m.projs[3].outdegree, 206);
    assert_true(m.projs[3].prob == 0.1);
    assert_int_equal(m.projs[4].indegree, 206);
    /* total n times scale * scale_k: 1000 * 0.05 = 50. */
    assert_int_equal(m.projs[5].total_number, 50);
    /* ln(1 - 0.1009) / ln(1 - 1 / 2069^2) = 455306.036 (bc -l), times scale_k 0.5. */
    assert_int_equal(m.projs[6].total_number, 227653);
    assert_int_equal(m.projs[7].rule, SNN_RULE_FIXED_PROB);
    assert_true(m.projs[7].prob == 0.2);
    snn_model_free(&m);
}

static void test_total_number_potjans_diesmann(void **state)
{
    (void)state;
    /* L23E -> L23E and L4E -> L23E of the microcircuit at full scale. By hand (bc -l):
     * ln(1 - 0.1009) / ln(1 - 1 / (20683 * 20683)) = 45499805.544 -> 45499806;
     * ln(1 - 0.0437) / ln(1 - 1 / (21915 * 20683)) = 20253646.982 -> 20253647.
     * (Evaluating ln((N - 1) / N) in double instead gives 45499804.888 -> 45499805.) */
    static const char *const projs[] = {
        PROJ("L23E", "L23E", "{ type = \"fixed_total_number\"; prob = 0.1009; }"),
        PROJ("L4E", "L23E", "{ type = \"fixed_total_number\"; prob = 0.0437; }"),
        PROJ("L4E", "L23E", "{ type = \"fixed_total_number\"; prob = 0.0; }"),
        PROJ("L4E", "L23E", "{ type = \"fixed_total_number\"; n = 12345; }"), NULL};
    snn_model m;
    load_projs(RUN "populations = ( { name = \"L23E\"; size = 20683; " LIF " },\n"
                   " { name = \"L4E\"; size = 21915; " LIF " } );\n",
               projs, &m);
    assert_int_equal(m.projs[0].rule, SNN_RULE_FIXED_TOTAL_NUMBER);
    assert_int_equal(m.projs[0].total_number, 45499806);
    assert_true(m.projs[0].prob == -1.0);
    assert_int_equal(m.projs[0].outdegree, 0);
    assert_int_equal(m.projs[0].indegree, 0);
    assert_int_equal(m.projs[1].total_number, 20253647);
    assert_int_equal(m.projs[2].total_number, 0);
    assert_int_equal(m.projs[3].total_number, 12345);
    snn_model_free(&m);
}

static void test_rules(void **state)
{
    (void)state;
    static const char *const projs[] = {
        PROJ("A", "A", "{ type = \"one_to_one\"; autapses = false; }"),
        PROJ("B", "C", "{ type = \"all_to_all\"; }"),
        PROJ("A", "B",
             "{ type = \"fixed_prob\"; prob = 0.25; autapses = false; multapses = false; }"),
        PROJ("A", "B", "{ type = \"fixed_indegree\"; prob = 0.29; multapses = false; }"),
        PROJ("B", "A", "{ type = \"fixed_indegree\"; n = 40; multapses = false; }"),
        PROJ("B", "A",
             "{ type = \"fixed_outdegree\"; n = 100; multapses = false; autapses = true; }"),
        " { pre = [\"B\", \"C\"]; post = \"A\"; rule = { type = \"one_to_one\"; }; weight = 1;"
        " synapse = { type = \"expon\"; tau = 1; }; output = { type = \"cuba\"; }; }",
        NULL};
    snn_model m;
    load_projs(RUN "populations = ( { name = \"A\"; size = 100; " LIF " },\n"
                   " { name = \"B\"; size = 40; " LIF " }, { name = \"C\"; size = 60; " LIF
                   " } );\n",
               projs, &m);
    const snn_projection *p = m.projs;
    assert_int_equal(p[0].rule, SNN_RULE_ONE_TO_ONE);
    assert_int_equal(p[0].autapses, 0);
    assert_int_equal(p[0].multapses, 1); /* default, as NEST */
    assert_true(p[0].prob == -1.0);
    assert_int_equal(p[0].outdegree + p[0].indegree + p[0].total_number, 0);
    assert_int_equal(p[1].rule, SNN_RULE_ALL_TO_ALL);
    assert_int_equal(p[1].autapses, 1);
    assert_int_equal(p[1].multapses, 1);
    assert_int_equal(p[2].rule, SNN_RULE_FIXED_PROB);
    assert_true(p[2].prob == 0.25);
    assert_int_equal(p[2].autapses, 0);
    assert_int_equal(p[2].multapses, 0);
    assert_int_equal(p[3].rule, SNN_RULE_FIXED_INDEGREE);
    /* int(0.29 * 100) = 28 in double arithmetic, as for the out-degree. */
    assert_int_equal(p[3].indegree, 28);
    assert_true(p[3].prob == -1.0);
    assert_int_equal(p[4].indegree, 40); /* = pre size: allowed without multapses */
    assert_int_equal(p[5].rule, SNN_RULE_FIXED_OUTDEGREE);
    assert_int_equal(p[5].outdegree, 100);
    assert_int_equal(p[5].autapses, 1);
    assert_int_equal(p[5].multapses, 0);
    assert_int_equal(p[6].pre_size, 100);
    assert_int_equal(p[6].post_size, 100);
    snn_model_free(&m);
}

#define SYN_PROJ(weight, synapse, output)                                                          \
    " { pre = \"A\"; post = \"A\"; rule = { type = \"fixed_outdegree\"; n = 1; }; weight "         \
    "= " weight "; synapse = " synapse ";" output " }"

static void test_synapses_and_weights(void **state)
{
    (void)state;
    static const char *const projs[] = {
        SYN_PROJ("\"87.81 pA\"", "{ type = \"alpha\"; tau = \"2 ms\"; }",
                 " output = { type = \"cuba\"; };"),
        SYN_PROJ("\"6 nS\"", "{ type = \"dual_expon\"; tau_rise = \"0.5 ms\"; tau_decay = 2; }",
                 " output = { type = \"cuba\"; };"),
        SYN_PROJ("\"0.15 mV\"", "{ type = \"delta\"; }", ""),
        SYN_PROJ("{ mean = -0.6; std = \"60 uV\"; }", "{ type = \"delta\"; }",
                 " output = { type = \"cuba\"; };"),
        SYN_PROJ("{ mean = \"-67 nS\"; rel_std = 0.1; }", "{ type = \"expon\"; tau = \"10 ms\"; }",
                 " output = { type = \"coba\"; E = \"-80 mV\"; };"),
        SYN_PROJ("{ mean = \"87.81 pA\"; std = \"8.781 pA\"; }", "{ type = \"expon\"; tau = 0.5; }",
                 " output = { type = \"cuba\"; };"),
        SYN_PROJ("0.5", "{ type = \"expon\"; tau = 0.5; }", " output = { type = \"cuba\"; };"),
        NULL};
    snn_model m;
    load_projs(RUN "populations = ( { name = \"A\"; size = 10; " LIF " } );\n", projs, &m);
    const snn_projection *p = m.projs;
    assert_int_equal(p[0].synapse, SNN_SYN_ALPHA);
    assert_true(p[0].syn_tau == 2.0);
    assert_true(p[0].syn_tau_rise == 0.0);
    assert_int_equal(p[0].output, SNN_OUTPUT_CUBA);
    assert_near(p[0].weight, 8.781e-8, 1e-21); /* a current, in mA */
    assert_true(p[0].weight_std == 0.0);
    assert_int_equal(p[1].synapse, SNN_SYN_DUAL_EXPON);
    assert_true(p[1].syn_tau_rise == 0.5);
    assert_true(p[1].syn_tau == 2.0);
    assert_near(p[1].weight, 6e-6, 1e-19); /* a conductance, in mS (= mA at 1 V) */
    assert_int_equal(p[2].synapse, SNN_SYN_DELTA);
    assert_int_equal(p[2].output, SNN_OUTPUT_CUBA);
    assert_true(p[2].syn_tau == 0.0);
    assert_true(p[2].weight == 0.15); /* mV */
    assert_int_equal(p[3].synapse, SNN_SYN_DELTA);
    assert_true(p[3].weight == -0.6);
    assert_near(p[3].weight_std, 0.06, 1e-15);
    assert_int_equal(p[4].synapse, SNN_SYN_EXPON);
    assert_int_equal(p[4].output, SNN_OUTPUT_COBA);
    assert_true(p[4].E == -80.0);
    assert_near(p[4].weight, -6.7e-5, 1e-18);
    assert_near(p[4].weight_std, 6.7e-6, 1e-19); /* |mean| * rel_std */
    assert_true(p[4].weight_std > 0);
    assert_near(p[5].weight, 8.781e-8, 1e-21);
    assert_near(p[5].weight_std, 8.781e-9, 1e-22);
    assert_true(p[6].weight == 0.5);
    snn_model_free(&m);
}

#define DELAY_PROJ(delay)                                                                          \
    " { pre = \"A\"; post = \"A\"; rule = { type = \"fixed_outdegree\"; n = 1; }; weight = 1;"     \
    " synapse = { type = \"expon\"; tau = 1; }; output = { type = \"cuba\"; };" delay " }"

static void test_delays(void **state)
{
    (void)state;
    static const char *const projs[] = {
        DELAY_PROJ(" delay = { mean = \"1.5 ms\"; rel_std = 0.5; };"),
        DELAY_PROJ(" delay = { mean = 0.8; std = \"0.4 ms\"; max = \"2 ms\"; };"),
        DELAY_PROJ(" delay = \"0.3 ms\";"),
        DELAY_PROJ(""),
        DELAY_PROJ(" delay = { mean = \"0.5 ms\"; std = 0; };"),
        DELAY_PROJ(" delay = { mean = 1; std = 1; max = \"3276.8 ms\"; };"),
        NULL};
    snn_model m;
    load_projs(RUN "populations = ( { name = \"A\"; size = 10; " LIF " } );\n", projs, &m);
    const snn_projection *p = m.projs;
    /* Drawn: mean 1.5, std 0.75, max mean + 10 std = 9 ms. */
    assert_true(p[0].delay == 1.5);
    assert_true(p[0].delay_std == 0.75);
    assert_true(p[0].delay_max == 9.0);
    assert_int_equal(p[0].delay_steps, 15);
    assert_int_equal(p[0].delay_min_steps, 1);
    assert_int_equal(p[0].delay_max_steps, 90);
    assert_true(p[1].delay == 0.8);
    assert_true(p[1].delay_std == 0.4);
    assert_true(p[1].delay_max == 2.0);
    assert_int_equal(p[1].delay_steps, 8);
    assert_int_equal(p[1].delay_min_steps, 1);
    assert_int_equal(p[1].delay_max_steps, 20);
    /* Constant. */
    assert_true(p[2].delay == 0.3);
    assert_true(p[2].delay_std == 0.0);
    assert_true(p[2].delay_max == 0.3);
    assert_int_equal(p[2].delay_steps, 3);
    assert_int_equal(p[2].delay_min_steps, 3);
    assert_int_equal(p[2].delay_max_steps, 3);
    /* Default: one step. */
    assert_true(p[3].delay == 0.1 && p[3].delay_max == 0.1 && p[3].delay_std == 0.0);
    assert_int_equal(p[3].delay_steps, 1);
    assert_int_equal(p[3].delay_min_steps, 1);
    assert_int_equal(p[3].delay_max_steps, 1);
    /* std = 0: a constant delay. */
    assert_true(p[4].delay == 0.5 && p[4].delay_std == 0.0 && p[4].delay_max == 0.5);
    assert_int_equal(p[4].delay_steps, 5);
    assert_int_equal(p[4].delay_min_steps, 5);
    assert_int_equal(p[4].delay_max_steps, 5);
    /* The largest maximum that fits 16 bits: 2^15 steps. */
    assert_int_equal(p[5].delay_max_steps, 32768);
    snn_model_free(&m);
}

static void test_inputs(void **state)
{
    (void)state;
    snn_model m;
    load_ok(RUN "populations = ( { name = \"E\"; size = 10; " LIF " },\n"
                " { name = \"I\"; size = 5; model = \"iaf_psc_exp\"; } );\n"
                "inputs = (\n"
                " { type = \"poisson\"; target = \"I\"; rate = \"8 Hz\"; n = 1600;"
                " weight = \"87.81 pA\"; synapse = { type = \"expon\"; tau = \"0.5 ms\"; };"
                " output = { type = \"cuba\"; }; dc_equivalent = true; },\n"
                " { type = \"poisson\"; target = \"E\"; rate = \"0.3 kHz\"; weight = \"6 nS\";"
                " synapse = { type = \"alpha\"; tau = 5; };"
                " output = { type = \"coba\"; E = 0; }; },\n"
                " { type = \"poisson\"; target = \"E\"; rate = 0; weight = \"0.1 mV\";"
                " synapse = { type = \"delta\"; }; },\n"
                " { type = \"step\"; target = \"E\"; times = (0, \"100 ms\", \"0.15 s\");"
                " amplitudes = (\"0 mA\", \"2 pA\", -1e-9); },\n"
                " { type = \"step\"; target = \"I\"; times = [\"5 ms\"]; amplitudes = [\"1 nA\"]; }"
                " );\n",
            &m);
    assert_int_equal(m.n_inputs, 5);
    const snn_input *in = m.inputs;
    assert_int_equal(in[0].kind, SNN_INPUT_POISSON);
    assert_int_equal(in[0].pop, 1);
    assert_true(in[0].rate_hz == 8.0);
    assert_int_equal(in[0].n_sources, 1600);
    assert_near(in[0].weight, 8.781e-8, 1e-21);
    assert_int_equal(in[0].synapse, SNN_SYN_EXPON);
    assert_true(in[0].syn_tau == 0.5);
    assert_int_equal(in[0].output, SNN_OUTPUT_CUBA);
    assert_int_equal(in[0].dc_equivalent, 1);
    assert_int_equal(in[0].n_points, 0);
    assert_null(in[0].times);
    assert_null(in[0].amplitudes);
    assert_int_equal(in[0].line, 5);

    assert_int_equal(in[1].pop, 0);
    assert_near(in[1].rate_hz, 300.0, 1e-12);
    assert_int_equal(in[1].n_sources, 1); /* default */
    assert_near(in[1].weight, 6e-6, 1e-19);
    assert_int_equal(in[1].synapse, SNN_SYN_ALPHA);
    assert_true(in[1].syn_tau == 5.0);
    assert_int_equal(in[1].output, SNN_OUTPUT_COBA);
    assert_true(in[1].E == 0.0);
    assert_int_equal(in[1].dc_equivalent, 0);
    assert_int_equal(in[1].line, 6);

    assert_true(in[2].rate_hz == 0.0);
    assert_int_equal(in[2].synapse, SNN_SYN_DELTA);
    assert_true(in[2].weight == 0.1);

    assert_int_equal(in[3].kind, SNN_INPUT_STEP);
    assert_int_equal(in[3].pop, 0);
    assert_int_equal(in[3].n_points, 3);
    assert_true(in[3].times[0] == 0.0 && in[3].times[1] == 100.0);
    assert_near(in[3].times[2], 150.0, 1e-12);
    assert_true(in[3].amplitudes[0] == 0.0);
    assert_near(in[3].amplitudes[1], 2e-9, 1e-24);
    assert_true(in[3].amplitudes[2] == -1e-9);
    assert_int_equal(in[4].pop, 1);
    assert_int_equal(in[4].n_points, 1);
    assert_true(in[4].times[0] == 5.0);
    assert_near(in[4].amplitudes[0], 1e-6, 1e-21);
    snn_model_free(&m);
    assert_int_equal(m.n_inputs, 0);
    assert_null(m.inputs);
}

/* ---- error cases, one file each ------------------------------------------------------------- */

static void test_syntax_error(void **state)
{
    (void)state;
    expect_error("bad_syntax.cfg", 13, "syntax error", "V_th \"-50 mV\"");
}

static void test_syntax_error_from_string(void **state)
{
    (void)state;
    snn_model m;
    snn_error err;
    assert_int_equal(
        snn_config_load_string("run = {\n dt = 0.1\n duration = ;\n};\n", "mem.cfg", &m, &err),
        SNN_ERR_CONFIG);
    assert_contains(err.msg, "mem.cfg:3: syntax error");
    assert_contains(err.msg, "duration = ;");
    assert_model_empty(&m);
}

static void test_unknown_key(void **state)
{
    (void)state;
    expect_error("bad_unknown_key.cfg", 20, "populations[1]: unknown key", "\"sise\"");
}

static void test_unknown_population(void **state)
{
    (void)state;
    expect_error("bad_unknown_pop.cfg", 32, "projections[0].post[1]", "unknown population \"X\"");
    expect_error("bad_unknown_pop.cfg", 32, "projections[0].post[1]", "(known: E, I)");
}

static void test_duplicate_population(void **state)
{
    (void)state;
    expect_error("bad_dup_pop.cfg", 19, "populations[1].name", "\"E\" again");
}

static void test_wrong_unit_dimension(void **state)
{
    (void)state;
    expect_error("bad_unit_dim.cfg", 15, "populations[0].params.tau",
                 "\"10 mV\", which is a voltage");
}

static void test_unparsable_unit(void **state)
{
    (void)state;
    expect_error("bad_unit_parse.cfg", 12, "populations[0].params.V_rest", "\"-50 bananas\"");
}

static void test_size_zero(void **state)
{
    (void)state;
    expect_error("bad_size_zero.cfg", 20, "populations[1].size", "got 0");
}

static void test_size_negative(void **state)
{
    (void)state;
    expect_error("bad_size_negative.cfg", 20, "populations[1].size", "got -5");
}

static void test_tau_negative(void **state)
{
    (void)state;
    expect_error("bad_tau_negative.cfg", 25, "populations[1].params.tau: expected a time > 0",
                 "got \"-5 ms\"");
}

static void test_tau_zero(void **state)
{
    (void)state;
    expect_error("bad_tau_zero.cfg", 25, "populations[1].params.tau: expected a time > 0", "got 0");
}

static void test_synapse_tau_zero(void **state)
{
    (void)state;
    expect_error("bad_syn_tau.cfg", 35, "projections[0].synapse.tau: expected a time > 0",
                 "got \"0 ms\"");
}

static void test_prob_negative(void **state)
{
    (void)state;
    expect_error("bad_prob_negative.cfg", 33, "projections[0].rule.prob", "got -0.1");
}

static void test_prob_above_one(void **state)
{
    (void)state;
    expect_error("bad_prob_large.cfg", 33, "projections[0].rule.prob", "got 1.5");
}

static void test_prob_and_n(void **state)
{
    (void)state;
    expect_error("bad_prob_and_n.cfg", 33, "projections[0].rule",
                 "exactly one of \"prob\" or \"n\", got both");
}

static void test_missing_required_key(void **state)
{
    (void)state;
    /* Reported at the line of the enclosing group. */
    expect_error("bad_missing_key.cfg", 21, "populations[1].params",
                 "missing required key \"V_th\"");
}

static void test_delay_below_dt(void **state)
{
    (void)state;
    expect_error("bad_delay_short.cfg", 37, "projections[0].delay: expected a delay >= dt",
                 "got \"0.05 ms\"");
}

static void test_delay_not_multiple(void **state)
{
    (void)state;
    expect_error("bad_delay_multiple.cfg", 37, "projections[0].delay",
                 "got \"0.25 ms\" (2.5 steps)");
}

static void test_duration_not_multiple(void **state)
{
    (void)state;
    expect_error("bad_duration_multiple.cfg", 5, "run.duration",
                 "got \"100.05 ms\" (1000.5 steps)");
}

static void test_nan_parameter(void **state)
{
    (void)state;
    expect_error("bad_nan.cfg", 23, "populations[1].params.V_th",
                 "\"nan mV\", which is not a number");
}

static void test_missing_file(void **state)
{
    (void)state;
    snn_model m;
    snn_error err;
    const char *path = SNN_TEST_CONFIG_DIR "/no_such_file.cfg";
    assert_int_equal(snn_config_load(path, &m, &err), SNN_ERR_IO);
    assert_int_equal(err.code, SNN_ERR_IO);
    assert_contains(err.msg, path);
    assert_contains(err.msg, "cannot open: No such file or directory");
    assert_model_empty(&m);
}

static void test_unknown_rule_type(void **state)
{
    (void)state;
    expect_error("bad_rule_type.cfg", 33, "projections[0].rule.type", "got \"pairwise_bernoulli\"");
}

static void test_unknown_synapse_type(void **state)
{
    (void)state;
    expect_error("bad_synapse_type.cfg", 35, "projections[0].synapse.type", "got \"exp2\"");
}

static void test_unknown_output_type(void **state)
{
    (void)state;
    expect_error("bad_output_type.cfg", 36, "projections[0].output.type", "got \"cobra\"");
}

static void test_unknown_reset(void **state)
{
    (void)state;
    expect_error("bad_reset_type.cfg", 16, "populations[0].params.reset", "got \"medium\"");
}

static void test_unknown_dist(void **state)
{
    (void)state;
    expect_error("bad_dist_type.cfg", 17, "populations[0].V_init.dist", "got \"gamma\"");
}

static void test_coba_without_E(void **state)
{
    (void)state;
    expect_error("bad_coba_no_E.cfg", 36, "projections[0].output", "missing required key \"E\"");
}

static void test_too_many_neurons(void **state)
{
    (void)state;
    expect_error("bad_too_many_neurons.cfg", 20, "populations[1].size", "got 4300000000");
}

static void test_too_many_synapses(void **state)
{
    (void)state;
    expect_error("bad_too_many_synapses.cfg", 33, "projections[0].rule",
                 "1000 targets x 4000000000 pre neurons = 4000000000000");
}

static void test_uniform_high_not_above_low(void **state)
{
    (void)state;
    expect_error("bad_uniform_range.cfg", 17, "populations[0].V_init.high", "got \"-60 mV\"");
}

static void test_bad_population_name(void **state)
{
    (void)state;
    expect_error("bad_pop_name.cfg", 19, "populations[1].name", "got \"I 2\"");
}

static void test_unknown_model(void **state)
{
    (void)state;
    expect_error("bad_model.cfg", 21, "populations[1].model", "got \"izhikevich\"");
}

static void test_seed_out_of_range(void **state)
{
    (void)state;
    expect_error("bad_seed.cfg", 6, "run.seed", "got 4294967296");
}

/* ---- more error cases, from memory ---------------------------------------------------------- */

static void test_more_errors_from_string(void **state)
{
    (void)state;
    expect_string_error("", "missing required key \"run\"", NULL, NULL);
    expect_string_error(RUN "populations = ();", "mem.cfg:2: populations", "at least one", NULL);
    expect_string_error(RUN "inptus = ();", "mem.cfg:2: unknown key \"inptus\"",
                        "did you mean \"inputs\"?", NULL);
    expect_string_error("run = { dt = 0.1; duration = \"0.05 ms\"; };", "mem.cfg:1: run.duration",
                        "expected a duration >= dt", "\"0.05 ms\"");
    expect_string_error("run = { dt = true; duration = 1; };", "mem.cfg:1: run.dt", "got true",
                        NULL);
    expect_string_error("run = { dt = -0.1; duration = 1; };", "mem.cfg:1: run.dt", "got -0.1",
                        NULL);
    expect_string_error(RUN "populations = ( \"A\" );", "mem.cfg:2: populations[0]", "got \"A\"",
                        NULL);
    expect_string_error(RUN "populations = ( { name = \"A\"; size = 99999999999999999999; } );",
                        "populations[0].size", "got 1e+20", NULL);
    expect_string_error(RUN "populations = ( { name = \"A\"; size = 1.5; } );",
                        "populations[0].size", "got 1.5", NULL);
    expect_string_error(RUN "populations = ( { name = \"A\"; size = 5; params = { V_rest = -52; "
                            "V_th = -50; V_reset = -60; tau = 1e400; }; } );",
                        "populations[0].params.tau", "got inf", NULL);
    expect_string_error(RUN "populations = ( { name = \"A\"; size = 5; params = { V_rest = -52; "
                            "V_th = -50; V_reset = -60; tau = \"1 ms\"; R = \"1 mS\"; }; } );",
                        "populations[0].params.R", "\"1 mS\", which is a conductance", NULL);
    expect_string_error(RUN "populations = ( { name = \"A\"; size = 5; " LIF
                            " V_init = { dist = \"normal\"; mean = -60; std = -1; }; } );",
                        "populations[0].V_init.std", "got -1", NULL);
    expect_string_error(RUN "populations = ( { name = \"A\"; size = 5; " LIF
                            " V_init = { dist = \"normal\"; mean = -60; value = 1; }; } );",
                        "populations[0].V_init: unknown key \"value\"", NULL, NULL);
    expect_string_error(RUN "populations = ( { name = \"A\"; size = 5; " LIF " } );\n"
                            "projections = ( { pre = \"A\"; post = [\"A\", \"A\"]; } );",
                        "mem.cfg:3: projections[0].post[1]", "\"A\" a second time", NULL);
    expect_string_error(RUN "populations = ( { name = \"A\"; size = 5; " LIF " } );\n"
                            "projections = ( { pre = [];  post = \"A\"; } );",
                        "mem.cfg:3: projections[0].pre", "an empty array", NULL);
    expect_string_error(RUN "populations = ( { name = \"A\"; size = 5; " LIF " } );\n"
                            "projections = ( { pre = \"A\"; post = \"A\";\n"
                            " rule = { type = \"fixed_outdegree\"; }; } );",
                        "mem.cfg:4: projections[0].rule", "\"prob\" or \"n\"", NULL);
    expect_string_error(RUN "populations = ( { name = \"A\"; size = 5; " LIF " } );\n"
                            "projections = ( { pre = \"A\"; post = \"A\";\n"
                            " rule = { type = \"fixed_outdegree\"; n = -1; }; } );",
                        "mem.cfg:4: projections[0].rule.n", "got -1", NULL);
    expect_string_error(RUN "populations = ( { name = \"A\"; size = 5; " LIF " } );\n"
                            "projections = ( { pre = \"A\"; post = \"A\";\n"
                            " rule = { type = \"fixed_outdegree\"; n = 1; }; weight = 1;\n"
                            " synapse = { type = \"expon\"; tau = 1; };\n"
                            " output = { type = \"cuba\"; E = 0; }; } );",
                        "mem.cfg:6: projections[0].output: unknown key \"E\"", NULL, NULL);
    expect_string_error(
        RUN "populations = ( { name = \"A\"; size = 5; " LIF " } );\n"
            "projections = ( { pre = \"A\"; post = \"A\";\n"
            " rule = { type = \"fixed_outdegree\"; n = 1; }; weight = \"1 mV\";\n"
            " synapse = { type = \"expon\"; tau = 1; }; output = { type = \"cuba\"; };"
            " } );",
        "mem.cfg:4: projections[0].weight: expected a conductance (mS) or a current "
        "(mA)",
        "\"1 mV\", which is a voltage", NULL);
}

/* ---- errors of the new keys, one file each ------------------------------------------------- */

/* Each file is one valid network (iaf_psc_exp populations, a fixed_indegree projection with
 * drawn delays, a Poisson and a step input) with one thing wrong. */
typedef struct {
    const char *file;
    int line;
    const char *key;
    const char *value;
} bad_file;

static const bad_file bad_files[] = {
    {"bad_scale.cfg", 7, "run.scale", "expected a factor > 0 (e.g. 0.1), got 0"},
    {"bad_scale_k.cfg", 7, "run.scale_k", "got -0.5"},
    {"bad_scale_too_many.cfg", 12, "populations[0].size",
     "got 8000000000 with this population's 80 x run.scale 100000000 = 8000000000"},
    {"bad_iaf_key.cfg", 15, "populations[0].params: unknown key \"tau\"",
     "did you mean \"tau_m\"?"},
    {"bad_iaf_reset.cfg", 17, "populations[0].params.V_reset",
     "expected a reset potential < V_th = -50 mV (NEST requires V_reset < V_th), got \"-50 mV\""},
    {"bad_iaf_cm.cfg", 14, "populations[0].params.C_m",
     "expected a capacitance > 0 (e.g. \"250 pF\"), got \"0 pF\""},
    {"bad_iaf_cm_unit.cfg", 14, "populations[0].params.C_m", "\"250 pA\", which is a current (mA)"},
    {"bad_iaf_tau_m.cfg", 15, "populations[0].params.tau_m",
     "expected a time > 0 (e.g. \"10 ms\"), got -10"},
    {"bad_iaf_t_ref.cfg", 18, "populations[0].params.t_ref",
     "expected a time >= 0 (e.g. \"2 ms\"), got \"-1 ms\""},
    {"bad_fixed_prob_missing.cfg", 28, "projections[0].rule", "missing required key \"prob\""},
    {"bad_fixed_prob_n.cfg", 28, "projections[0].rule: unknown key \"n\"",
     "known keys: type, prob, autapses, multapses"},
    {"bad_fixed_prob_large.cfg", 28, "projections[0].rule.prob",
     "expected a probability in [0, 1] (e.g. 0.1), got 1.2"},
    {"bad_one_to_one.cfg", 28, "projections[0].rule",
     "expected pre and post of the same size for \"one_to_one\", got 80 pre and 100 post neurons"},
    {"bad_total_prob_one.cfg", 28, "projections[0].rule.prob",
     "expected a probability in [0, 1) (e.g. 0.1; p = 1 would need infinitely many synapses), got "
     "1"},
    {"bad_indegree_too_many.cfg", 28, "projections[0].rule",
     "got 20000000000 sources x 100 post neurons = 2000000000000"},
    {"bad_all_to_all_too_many.cfg", 28, "projections[0].rule",
     "got 2000000 pre neurons x 2000020 post neurons = 4000040000000"},
    {"bad_fixed_prob_too_many.cfg", 28, "projections[0].rule",
     "got an expected 2.00002e+12 = prob 0.5 x 2000000 pre x 2000020 post neurons"},
    {"bad_total_too_many.cfg", 28, "projections[0].rule", "got a total number of 2000000000000"},
    {"bad_multapses.cfg", 28, "projections[0].rule",
     "expected an in-degree (the pre size) of at most 80 with multapses = false (each pair at most "
     "once), got 100"},
    {"bad_autapses_type.cfg", 28, "projections[0].rule.autapses",
     "expected true or false, got \"no\""},
    {"bad_weight_cuba_dim.cfg", 29, "projections[0].weight",
     "expected a conductance (mS) or a current (mA) for output \"cuba\" (e.g. \"0.1 mS\" or "
     "\"87.81 pA\"), got \"1 mV\", which is a voltage (mV)"},
    {"bad_weight_coba_dim.cfg", 29, "projections[0].weight",
     "expected a conductance (mS) for output \"coba\" (e.g. \"6 nS\"), got \"87.81 pA\", which is "
     "a current (mA)"},
    {"bad_weight_delta_dim.cfg", 29, "projections[0].weight",
     "expected a voltage (mV) for synapse \"delta\" (e.g. \"0.1 mV\"), got \"0.1 mS\", which is a "
     "conductance (mS)"},
    {"bad_weight_std.cfg", 31, "projections[0].weight.std", "got \"-1 pA\""},
    {"bad_weight_std_both.cfg", 29, "projections[0].weight",
     "expected exactly one of \"std\" or \"rel_std\", got both"},
    {"bad_weight_zero_mean.cfg", 30, "projections[0].weight.mean",
     "expected a non-zero mean when std > 0 (drawn weights keep the sign of the mean), got 0"},
    {"bad_dual_expon.cfg", 33, "projections[0].synapse.tau_decay",
     "expected a time > tau_rise = 2 ms, got \"1 ms\""},
    {"bad_delta_coba.cfg", 31, "projections[0].output.type",
     "expected \"cuba\" or no output group with synapse type \"delta\" (its weight is a jump in "
     "V), got \"coba\""},
    {"bad_delta_tau.cfg", 30, "projections[0].synapse: unknown key \"tau\"", "(known keys: type)"},
    {"bad_delay_mean_short.cfg", 32, "projections[0].delay.mean",
     "expected a mean delay >= dt = 0.1 ms, got \"0.05 ms\""},
    {"bad_delay_std.cfg", 32, "projections[0].delay.std",
     "expected a time >= 0 (e.g. \"2 ms\"), got \"-0.1 ms\""},
    {"bad_delay_max.cfg", 35, "projections[0].delay.max",
     "expected a maximum delay >= mean = 1.5 ms, got \"1 ms\""},
    {"bad_delay_max_steps.cfg", 35, "projections[0].delay.max",
     "at most 2^15 = 32768 steps of dt = 0.1 ms (drawn delays are stored in 16 bits), got \"5 s\" "
     "(50000 steps)"},
    {"bad_delay_default_max_steps.cfg", 32, "projections[0].delay",
     "got mean + 10 std = 5100 ms (51000 steps)"},
    {"bad_input_type.cfg", 37, "inputs[0].type",
     "expected one of \"poisson\", \"step\", got \"sinusoidal\""},
    {"bad_input_target.cfg", 38, "inputs[0].target", "unknown population \"X\" (known: E, I)"},
    {"bad_input_rate.cfg", 39, "inputs[0].rate",
     "expected a rate >= 0 (e.g. \"8 Hz\"), got \"-8 Hz\""},
    {"bad_input_rate_unit.cfg", 39, "inputs[0].rate",
     "expected a rate (Hz), got \"8 ms\", which is a time (ms)"},
    {"bad_input_n.cfg", 40, "inputs[0].n",
     "expected an integer number of sources >= 1 (e.g. 1600), got 0"},
    {"bad_input_dc.cfg", 44, "inputs[0].dc_equivalent",
     "expected false unless synapse is \"expon\" and output \"cuba\" (the DC equivalent is rate x "
     "n x weight x tau), got true with synapse \"alpha\" and output \"cuba\""},
    {"bad_input_weight_dist.cfg", 41, "inputs[0].weight",
     "constant (an input's weight is not drawn), got a group { ... }"},
    {"bad_input_key.cfg", 48, "inputs[1]: unknown key \"rate\"",
     "known keys: type, target, times, amplitudes"},
    {"bad_step_times.cfg", 48, "inputs[1].times[2]",
     "expected a time > times[1] = 50 ms (times increase strictly), got \"50 ms\""},
    {"bad_step_negative.cfg", 48, "inputs[1].times[0]",
     "expected a time >= 0 (e.g. \"2 ms\"), got \"-1 ms\""},
    {"bad_step_length.cfg", 49, "inputs[1].amplitudes",
     "expected as many amplitudes as times (2, line 48), got 1"},
    {"bad_step_amp_unit.cfg", 49, "inputs[1].amplitudes[1]", "\"1 mV\", which is a voltage (mV)"},
    {"bad_step_empty.cfg", 48, "inputs[1].times",
     "expected a non-empty array of times (e.g. [\"0 ms\", \"100 ms\"]), got an empty array []"},
};

static void test_bad_file(void **state)
{
    const bad_file *b = *state;
    expect_error(b->file, b->line, b->key, b->value);
}

static void test_new_errors_from_string(void **state)
{
    (void)state;
    /* With V_reset left at NEST's -70 mV, a threshold below it is blamed on V_th. */
    expect_string_error(RUN "populations = ( { name = \"A\"; size = 5; model = \"iaf_psc_exp\";\n"
                            " params = { V_th = \"-75 mV\"; }; } );",
                        "mem.cfg:3: populations[0].params.V_th",
                        "expected a threshold > V_reset = -70 mV (NEST requires V_reset < V_th)",
                        "got \"-75 mV\"");
    expect_string_error(RUN "populations = ( { name = \"A\"; size = 5; model = \"iaf_psc_exp\";\n"
                            " params = { V_rest = -70; }; } );",
                        "mem.cfg:3: populations[0].params: unknown key \"V_rest\"",
                        "known keys: C_m, tau_m, E_L, V_th, V_reset, t_ref", NULL);
    expect_string_error(RUN "populations = ( { name = \"A\"; size = 5; " LIF "\n"
                            " params2 = 1; } );",
                        "mem.cfg:3: populations[0]: unknown key \"params2\"", NULL, NULL);
    expect_string_error("run = { dt = 0.1; duration = 1; scale = \"big\"; };", "run.scale",
                        "expected a factor > 0 (e.g. 0.1), got \"big\"", NULL);
    expect_string_error("run = { dt = 0.1; duration = 1; scale_k = 1e400; };", "run.scale_k",
                        "got inf", NULL);
    expect_string_error(RUN "populations = ( { name = \"A\"; size = 5; " LIF " } );\n"
                            "inputs = { type = \"step\"; };",
                        "mem.cfg:3: inputs", "expected a list", "got a group");
    expect_string_error(RUN "populations = ( { name = \"A\"; size = 5; " LIF " } );\n"
                            "inputs = ( { type = \"poisson\"; target = \"A\"; } );",
                        "mem.cfg:3: inputs[0]", "missing required key \"rate\"", NULL);
    expect_string_error(RUN "populations = ( { name = \"A\"; size = 5; " LIF " } );\n"
                            "inputs = ( { type = \"poisson\"; target = \"A\"; rate = 1;\n"
                            " synapse = { type = \"expon\"; tau = 1; }; } );",
                        "mem.cfg:3: inputs[0]", "missing required key \"output\"", NULL);
    expect_string_error(RUN "populations = ( { name = \"A\"; size = 5; " LIF " } );\n"
                            "inputs = ( { type = \"step\"; target = \"A\"; times = [1, 2];\n"
                            " amplitudes = [1, 2, 3]; } );",
                        "mem.cfg:4: inputs[0].amplitudes",
                        "expected as many amplitudes as times (2, line 3), got 3", NULL);
    expect_proj_error(PROJ("A", "A", "{ type = \"all_to_all\"; n = 3; }"),
                      "mem.cfg:3: projections[0].rule: unknown key \"n\"", NULL, NULL);
    expect_proj_error(PROJ("A", "A", "{ type = \"fixed_indegree\"; }"), "projections[0].rule",
                      "missing required key \"prob\" or \"n\"",
                      "an integer number of sources >= 0");
    expect_proj_error(PROJ("A", "A", "{ type = \"fixed_outdegree\"; n = 6; multapses = false; }"),
                      "projections[0].rule",
                      "expected an out-degree (the post size) of at most 5 with multapses = false",
                      "got 6");
    expect_proj_error(
        PROJ("A", "A", "{ type = \"fixed_total_number\"; n = 26; multapses = false; }"),
        "projections[0].rule", "(pre size x post size) of at most 25", "got 26");
    expect_proj_error(SYN_PROJ("{ mean = 1; }", "{ type = \"delta\"; }", ""),
                      "projections[0].weight", "missing required key \"std\" or \"rel_std\"", NULL);
    expect_proj_error(SYN_PROJ("{ mean = 1; rel_std = -0.1; }", "{ type = \"delta\"; }", ""),
                      "projections[0].weight.rel_std", "got -0.1", NULL);
    expect_proj_error(SYN_PROJ("{ mean = 1; std = 0; sd = 1; }", "{ type = \"delta\"; }", ""),
                      "projections[0].weight: unknown key \"sd\"", NULL, NULL);
    expect_proj_error(DELAY_PROJ(" delay = { mean = 1; };"), "projections[0].delay",
                      "missing required key \"std\" or \"rel_std\"", NULL);
    expect_proj_error(DELAY_PROJ(" delay = { mean = 0.25; std = 0; };"),
                      "projections[0].delay.mean", "expected a whole multiple of dt = 0.1 ms",
                      "got 0.25 (2.5 steps)");
    expect_proj_error(DELAY_PROJ(" delay = true;"), "projections[0].delay", "expected a time > 0",
                      "got true");
}

/* Floats whose fraction or exponent has many digits are one token (the integer-widening pass
 * once split them into a syntax error), and @include is refused before libconfig sees it. */
static void test_long_floats_and_include(void **state)
{
    (void)state;
    snn_model m;
    load_ok("run = { dt = \"0.1 ms\"; duration = \"1 ms\"; scale = 0.3333333333333333333; "
            "scale_k = 1.0000000000000000000e0; };\n"
            "populations = ({ name = \"A\"; size = 30; params = { V_rest = -60.00000000001; "
            "V_th = -50; V_reset = -60; tau = 10.5e+0; }; });",
            &m);
    assert_int_equal(m.pops[0].size, 10);
    assert_true(fabs(m.pops[0].lif.V_rest - -60.00000000001) < 1e-12);
    snn_model_free(&m);
    snn_error err;
    assert_int_equal(snn_config_load_string("# top\n@include \"/\"\n", "inc.cfg", &m, &err),
                     SNN_ERR_CONFIG);
    assert_non_null(strstr(err.msg, "inc.cfg:2: @include"));
    /* A message never spans lines, whatever the user's strings hold. */
    assert_int_equal(snn_config_load_string("run = { dt = \"0.1 ms\"; duration = \"1 m\ns\"; };",
                                            "nl.cfg", &m, &err),
                     SNN_ERR_CONFIG);
    assert_null(strchr(err.msg, '\n'));
}

/* 10^5 populations parse (names are looked up through a sorted index, not pairwise), and a
 * duplicate among them is still found with the line of its first definition. */
static void test_many_populations(void **state)
{
    (void)state;
    const int n = 100000;
    size_t cap = (size_t)n * 128 + 512;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t o =
        (size_t)snprintf(text, cap, "run = { dt = 0.1; duration = 1.0; };\npopulations = (\n");
    for (int i = 0; i < n; i++)
        o += (size_t)snprintf(text + o, cap - o,
                              "{ name = \"P%d\"; size = 1; params = { V_rest = -60; V_th = -50; "
                              "V_reset = -60; tau = 10; }; }%s\n",
                              i, i + 1 < n ? "," : "");
    snprintf(text + o, cap - o,
             ");\nprojections = ({ pre = \"P99999\"; post = \"P0\"; rule = "
             "{ type = \"all_to_all\"; }; weight = 1.0; synapse = { type = "
             "\"expon\"; tau = 2.0; }; output = { type = \"cuba\"; }; });\n");
    snn_model m;
    load_ok(text, &m);
    assert_int_equal(m.n_pops, n);
    assert_int_equal(m.projs[0].pre[0], n - 1);
    assert_int_equal(m.projs[0].post[0], 0);
    snn_model_free(&m);
    /* Rename the last population to a name used on line 3. */
    char *last = strstr(text, "\"P99999\"; size");
    assert_non_null(last);
    memcpy(last, "\"P1\"    ", 8);
    snn_error err;
    assert_int_equal(snn_config_load_string(text, "many.cfg", &m, &err), SNN_ERR_CONFIG);
    assert_non_null(strstr(err.msg, "populations[99999].name: expected a unique population name, "
                                    "got \"P1\" again (first defined at line 4)"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_ei_balanced),
        cmocka_unit_test(test_bare_numbers_and_defaults),
        cmocka_unit_test(test_units_in_strings),
        cmocka_unit_test(test_lists_coba_uniform_delay),
        cmocka_unit_test(test_outdegree_truncates_like_python),
        cmocka_unit_test(test_int_literals_not_confused),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_syntax_error_from_string),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_unknown_population),
        cmocka_unit_test(test_duplicate_population),
        cmocka_unit_test(test_wrong_unit_dimension),
        cmocka_unit_test(test_unparsable_unit),
        cmocka_unit_test(test_size_zero),
        cmocka_unit_test(test_size_negative),
        cmocka_unit_test(test_tau_negative),
        cmocka_unit_test(test_tau_zero),
        cmocka_unit_test(test_synapse_tau_zero),
        cmocka_unit_test(test_prob_negative),
        cmocka_unit_test(test_prob_above_one),
        cmocka_unit_test(test_prob_and_n),
        cmocka_unit_test(test_missing_required_key),
        cmocka_unit_test(test_delay_below_dt),
        cmocka_unit_test(test_delay_not_multiple),
        cmocka_unit_test(test_duration_not_multiple),
        cmocka_unit_test(test_nan_parameter),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_unknown_rule_type),
        cmocka_unit_test(test_unknown_synapse_type),
        cmocka_unit_test(test_unknown_output_type),
        cmocka_unit_test(test_unknown_reset),
        cmocka_unit_test(test_unknown_dist),
        cmocka_unit_test(test_coba_without_E),
        cmocka_unit_test(test_too_many_neurons),
        cmocka_unit_test(test_too_many_synapses),
        cmocka_unit_test(test_uniform_high_not_above_low),
        cmocka_unit_test(test_bad_population_name),
        cmocka_unit_test(test_unknown_model),
        cmocka_unit_test(test_seed_out_of_range),
        cmocka_unit_test(test_more_errors_from_string),
        cmocka_unit_test(test_iaf_psc_exp),
        cmocka_unit_test(test_scale),
        cmocka_unit_test(test_total_number_potjans_diesmann),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_synapses_and_weights),
        cmocka_unit_test(test_delays),
        cmocka_unit_test(test_inputs),
        cmocka_unit_test(test_new_errors_from_string),
        cmocka_unit_test(test_long_floats_and_include),
        cmocka_unit_test(test_many_populations),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);

    enum { N_BAD = sizeof bad_files / sizeof bad_files[0] };
    struct CMUnitTest bad_tests[N_BAD];
    for (int i = 0; i < N_BAD; i++) {
        bad_tests[i] =
            (struct CMUnitTest)cmocka_unit_test_prestate(test_bad_file, (void *)&bad_files[i]);
        bad_tests[i].name = bad_files[i].file;
    }
    return failed + cmocka_run_group_tests(bad_tests, NULL, NULL);
}
