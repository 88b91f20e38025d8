/*
 * test_config_override.c — `--set KEY=VALUE` (config_override.c): every addressing form changes
 * the parsed model as written, values parse as libconfig scalars or bare strings, and every error
 * names the override instead of a file line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "snn/config.h"
#include "snn/config_override.h"

#ifndef SNN_EXAMPLES_DIR
#error "SNN_EXAMPLES_DIR must name examples/"
#endif

static const char *const cfg = SNN_EXAMPLES_DIR "/ei_balanced.cfg";

static int load(snn_model *m, snn_error *err, int n, const char *const *sets)
{
    return snn_config_load_with(cfg, sets, n, m, err);
}

static void test_no_overrides_same_model(void **state)
{
    (void)state;
    snn_model a, b;
    snn_error err;
    assert_int_equal(snn_config_load(cfg, &a, &err), SNN_OK);
    assert_int_equal(load(&b, &err, 0, NULL), SNN_OK);
    assert_int_equal(a.n_neurons, b.n_neurons);
    assert_int_equal(a.run.n_steps, b.run.n_steps);
    assert_int_equal(a.run.n_steps, 2000);
    snn_model_free(&a);
    snn_model_free(&b);
}

static void test_forms(void **state)
{
    (void)state;
    const char *const sets[] = {
        "run.duration=1 s",                   /* bare string with a space */
        "run.seed=3",                         /* integer */
        "populations.E.size=800",             /* list element by name */
        "populations.[1].size=7",             /* by index, as its own segment */
        "projections.I.weight=\"-0.7 mS\"",   /* quoted string */
        "projections.E.rule.prob=0.2",        /* nested group, float */
        "projections[0].rule.autapses=false", /* index right after the name, bool */
        "populations.E.I_ext=2",              /* replaces a string by a bare number */
        "run.output_dir=first",               /* a later override of the same key wins */
        "run.output_dir=\"second dir\"",
        "run.scale_k=1", /* a key absent from the file is added */
    };
    snn_model m;
    snn_error err;
    int rc = load(&m, &err, (int)(sizeof sets / sizeof *sets), sets);
    if (rc)
        fail_msg("%s", err.msg);
    assert_int_equal(m.run.n_steps, 10000);
    assert_int_equal(m.run.seed, 3);
    assert_int_equal(m.pops[0].size, 800);
    assert_int_equal(m.pops[1].size, 7);
    assert_int_equal(m.n_neurons, 807);
    assert_true(m.projs[1].weight == -0.7);
    assert_true(m.projs[0].prob == 0.2);
    assert_int_equal(m.projs[0].outdegree, 161); /* int(0.2 * 807) */
    assert_int_equal(m.projs[0].autapses, 0);
    assert_true(m.pops[0].I_ext == 2.0);
    assert_string_equal(m.run.output_dir, "second dir");
    snn_model_free(&m);
}

/* Each bad override: its message, exactly as printed after "snn_mpi: error: ". */
static void expect(const char *set, int code, const char *msg)
{
    snn_model m;
    snn_error err;
    const char *const sets[] = {"run.seed=1", set};
    int rc = load(&m, &err, 2, sets);
    if (rc != code || strcmp(err.msg, msg) != 0)
        fail_msg("--set %s: got %d \"%s\", expected %d \"%s\"", set, rc, err.msg, code, msg);
    assert_int_equal(m.n_pops, 0);
}

static void test_errors(void **state)
{
    (void)state;
    expect("run.duration=5 mV", SNN_ERR_CONFIG,
           "--set run.duration=5 mV: expected a time (ms), got \"5 mV\", which is a voltage (mV)");
    expect("run.seed=abc", SNN_ERR_CONFIG,
           "--set run.seed=abc: expected an integer seed in 0..4294967295, got \"abc\"");
    expect("run.durtion=1 s", SNN_ERR_CONFIG,
           "--set run.durtion=1 s: unknown key \"durtion\" (did you mean \"duration\"? known "
           "keys: dt, duration, seed, output_dir, scale, scale_k, stats_sample, stats_bin, "
           "checkpoint_every)");
    expect("populations.X.size=3", SNN_ERR_CONFIG,
           "--set populations.X.size=3: no element named \"X\" in populations (names: E, I; or "
           "use [index])");
    expect("populations.[2].size=3", SNN_ERR_CONFIG,
           "--set populations.[2].size=3: expected an index below 2 for populations, got [2]");
    expect("projections.E.rule.foo.bar=1", SNN_ERR_CONFIG,
           "--set projections.E.rule.foo.bar=1: no key \"foo\" in projections.E.rule (--set adds "
           "only the last part of a key)");
    expect("run=3", SNN_ERR_CONFIG,
           "--set run=3: expected run to be a value, got a group (--set sets one value)");
    expect("populations.E=3", SNN_ERR_CONFIG,
           "--set populations.E=3: expected populations to be a group, got a list (address a "
           "list's elements by name or [index])");
    expect("run.seed", SNN_ERR_CONFIG,
           "--set run.seed: expected KEY=VALUE (e.g. run.seed=3), got no '='");
    expect("=3", SNN_ERR_CONFIG,
           "--set =3: expected KEY=VALUE with a key such as run.duration, got an empty key");
    expect("run.=3", SNN_ERR_CONFIG, "--set run.=3: expected a key after the last '.'");
    expect("populations.[x].size=3", SNN_ERR_CONFIG,
           "--set populations.[x].size=3: expected an index such as [0] at \"[x].size\"");
    expect("run.9x=1", SNN_ERR_CONFIG,
           "--set run.9x=1: expected a key name of letters, digits, '_', '-' or '*' (starting "
           "with a letter), got \"9x\"");
    expect("projections.E.rule.prob=1.5", SNN_ERR_CONFIG,
           "--set projections.E.rule.prob=1.5: expected a probability in [0, 1] (e.g. 0.1), got "
           "1.5");
}

/* A projection without a name is addressed by its default name, as config.c names it. */
static void test_default_projection_name(void **state)
{
    (void)state;
    static const char text[] =
        "run = { dt = \"0.1 ms\"; duration = \"10 ms\"; };\n"
        "populations = ( { name = \"E\"; size = 10; params = { V_rest = \"-52 mV\"; V_th = "
        "\"-50 mV\"; V_reset = \"-60 mV\"; tau = \"10 ms\"; }; },\n"
        "  { name = \"I\"; size = 5; params = { V_rest = \"-52 mV\"; V_th = \"-50 mV\"; "
        "V_reset = \"-60 mV\"; tau = \"10 ms\"; }; } );\n"
        "projections = ( { pre = \"E\"; post = [\"E\", \"I\"]; rule = { type = "
        "\"all_to_all\"; }; weight = \"0.1 mV\"; synapse = { type = \"delta\"; }; } );\n";
    const char *const sets[] = {"projections.E->E+I.rule.autapses=false"};
    snn_model m;
    snn_error err;
    int rc = snn_config_load_string_with(text, "t.cfg", sets, 1, &m, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_string_equal(m.projs[0].name, "E->E+I");
    assert_int_equal(m.projs[0].autapses, 0);
    snn_model_free(&m);
    const char *const bad[] = {"projections.E->E.rule.autapses=false"};
    assert_int_equal(snn_config_load_string_with(text, "t.cfg", bad, 1, &m, &err), SNN_ERR_CONFIG);
    assert_string_equal(err.msg, "--set projections.E->E.rule.autapses=false: no element named "
                                 "\"E->E\" in projections (names: E->E+I; or use [index])");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_overrides_same_model),
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_default_projection_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
