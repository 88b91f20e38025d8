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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
