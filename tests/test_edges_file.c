/*
 * test_edges_file.c — the pure parts of SONATA export and import: delays in ms to whole steps
 * (bounds, rounding tolerance, the 16-bit limit), edge population names, the selection of a
 * thread's edges with keys in file order, and the parsing of the "from_file" rule (keys, path
 * resolution against the config's directory, optional weight, refused distributions and lists).
 * The files themselves are checked by tests/run_export.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "snn/config.h"
#include "snn/edges_file.h"
#include "snn/network_export.h"

static void test_delay_steps(void **state)
{
    (void)state;
    assert_int_equal(snn_edges_delay_steps(0.1, 0.1), 1);
    assert_int_equal(snn_edges_delay_steps(1.5, 0.1), 15);
    assert_int_equal(snn_edges_delay_steps(3 * 0.1, 0.1), 3); /* 0.30000000000000004 */
    assert_int_equal(snn_edges_delay_steps(0.3, 0.1), 3);     /* 2.9999999999999996 steps */
    assert_int_equal(snn_edges_delay_steps(1.5 * (1 + 1e-9), 0.1), 15);
    assert_int_equal(snn_edges_delay_steps(0.05, 0.1), -1); /* below dt */
    assert_int_equal(snn_edges_delay_steps(0.0, 0.1), -1);
    assert_int_equal(snn_edges_delay_steps(-1.0, 0.1), -1);
    assert_int_equal(snn_edges_delay_steps(0.0 / 0.0, 0.1), -1); /* NaN */
    assert_int_equal(snn_edges_delay_steps(0.15, 0.1), -2);      /* not a multiple */
    assert_int_equal(snn_edges_delay_steps(1.5 * (1 + 1e-5), 0.1), -2);
    assert_int_equal(snn_edges_delay_steps(3276.8, 0.1), SNN_EDGES_MAX_DELAY_STEPS);
    assert_int_equal(snn_edges_delay_steps(3276.9, 0.1), -3); /* beyond 16 bits */
    assert_int_equal(snn_edges_delay_steps(1.0 / 0.0, 0.1), -3);
    /* every exported delay (steps * dt) reads back as its steps */
    for (int s = 1; s <= SNN_EDGES_MAX_DELAY_STEPS; s++) {
        assert_int_equal(snn_edges_delay_steps((double)s * 0.1, 0.1), s);
        assert_int_equal(snn_edges_delay_steps((double)s * 0.025, 0.025), s);
    }
}

static void test_population_names(void **state)
{
    (void)state;
    int a = 0, b = 1;
    snn_projection pr = {.name = "E", .n_pre = 1, .pre = &a, .n_post = 1, .post = &b};
    char buf[200];
    snn_export_edge_population_name(&pr, "E", "I", buf, sizeof buf);
    assert_string_equal(buf, "E");
    int two[2] = {0, 1};
    pr.n_post = 2;
    pr.post = two;
    snn_export_edge_population_name(&pr, "E", "I", buf, sizeof buf);
    assert_string_equal(buf, "E:E->I");
    pr.n_post = 1;
    pr.n_pre = 2;
    pr.pre = two;
    snn_export_edge_population_name(&pr, "I", "I", buf, sizeof buf);
    assert_string_equal(buf, "E:I->I");
}

static void test_select(void **state)
{
    (void)state;
    uint64_t pre[6] = {0, 3, 1, 2, 2, 5}, post[6] = {4, 0, 9, 4, 7, 2};
    snn_file_edges e = {.n = 6, .pre = pre, .post = post};
    snn_range owned[2] = {{0, 3}, {4, 5}};
    snn_edge_list list = {0};
    snn_error err;
    assert_int_equal(snn_file_edges_select(&e, owned, 2, &list, &err), SNN_OK);
    assert_int_equal(list.n, 4);
    uint64_t want[4][3] = {{0, 4, 0}, {3, 0, 1}, {2, 4, 3}, {5, 2, 5}};
    for (int k = 0; k < 4; k++) {
        assert_int_equal(list.e[k].pre, want[k][0]);
        assert_int_equal(list.e[k].post, want[k][1]);
        assert_int_equal(list.e[k].key, want[k][2]); /* position in file order */
    }
    /* appends */
    snn_range rest = {7, 10};
    assert_int_equal(snn_file_edges_select(&e, &rest, 1, &list, &err), SNN_OK);
    assert_int_equal(list.n, 6);
    assert_int_equal(list.e[4].key, 2);
    assert_int_equal(list.e[5].key, 4);
    free(list.e);
}

static const char *const base = "run = { dt = \"0.1 ms\"; duration = \"1 ms\"; };\n"
                                "populations = ( { name = \"E\"; size = 10; model = \"lif\";\n"
                                "  params = { V_rest = \"-52 mV\"; V_th = \"-50 mV\";\n"
                                "             V_reset = \"-60 mV\"; tau = \"10 ms\"; }; },\n"
                                "  { name = \"I\"; size = 5; model = \"lif\";\n"
                                "  params = { V_rest = \"-52 mV\"; V_th = \"-50 mV\";\n"
                                "             V_reset = \"-60 mV\"; tau = \"10 ms\"; }; } );\n";

/* Loads base + projections text from a file in dir (so relative paths resolve against it). */
static int load(const char *dir, const char *proj, snn_model *m, snn_error *err)
{
    char path[256];
    snprintf(path, sizeof path, "%s/net.cfg", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "%sprojections = (\n%s\n);\n", base, proj);
    fclose(f);
    return snn_config_load(path, m, err);
}

static void test_parse(void **state)
{
    (void)state;
    char dir[] = "/tmp/snn_test_edges_XXXXXX";
    assert_non_null(mkdtemp(dir));
    snn_model m;
    snn_error err;
    int rc =
        load(dir,
             "{ pre = \"E\"; post = \"I\"; rule = { type = \"from_file\";\n"
             "  file = \"net/edges.h5\"; population = \"E->I\"; };\n"
             "  synapse = { type = \"expon\"; tau = \"2 ms\"; }; output = { type = \"cuba\"; }; }",
             &m, &err);
    assert_int_equal(rc, SNN_OK);
    char want[300];
    snprintf(want, sizeof want, "%s/net/edges.h5", dir);
    assert_string_equal(m.projs[0].file, want);
    assert_string_equal(m.projs[0].file_population, "E->I");
    assert_int_equal(m.projs[0].rule, SNN_RULE_FROM_FILE);
    assert_int_equal(m.projs[0].has_weight, 0);
    assert_int_equal(m.projs[0].rule_line, 9);
    assert_int_equal(m.projs[0].delay_steps, 1);
    snn_model_free(&m);

    /* absolute path kept; weight and delay keys parsed */
    rc = load(
        dir,
        "{ pre = \"E\"; post = \"E\"; rule = { type = \"from_file\";\n"
        "  file = \"/data/e.h5\"; population = \"p\"; }; weight = \"2 mA\"; delay = \"0.3 ms\";\n"
        "  synapse = { type = \"expon\"; tau = \"2 ms\"; }; output = { type = \"cuba\"; }; }",
        &m, &err);
    assert_int_equal(rc, SNN_OK);
    assert_string_equal(m.projs[0].file, "/data/e.h5");
    assert_int_equal(m.projs[0].has_weight, 1);
    assert_true(m.projs[0].weight == 2.0);
    assert_int_equal(m.projs[0].delay_steps, 3);
    snn_model_free(&m);

    struct {
        const char *proj, *msg;
    } bad[] = {
        {"{ pre = [\"E\", \"I\"]; post = \"I\"; rule = { type = \"from_file\"; file = \"a.h5\";\n"
         "  population = \"x\"; }; synapse = { type = \"delta\"; }; }",
         "net.cfg:9: projections[0].rule: expected one pre and one post population with rule "
         "\"from_file\""},
        {"{ pre = \"E\"; post = \"I\"; rule = { type = \"from_file\"; population = \"x\"; };\n"
         "  synapse = { type = \"delta\"; }; }",
         "net.cfg:9: projections[0].rule: missing required key \"file\""},
        {"{ pre = \"E\"; post = \"I\"; rule = { type = \"from_file\"; file = \"a.h5\"; };\n"
         "  synapse = { type = \"delta\"; }; }",
         "net.cfg:9: projections[0].rule: missing required key \"population\""},
        {"{ pre = \"E\"; post = \"I\"; rule = { type = \"from_file\"; file = \"\";\n"
         "  population = \"x\"; }; synapse = { type = \"delta\"; }; }",
         "projections[0].rule.file: expected the path of a SONATA edge file"},
        {"{ pre = \"E\"; post = \"I\"; rule = { type = \"from_file\"; file = \"a.h5\";\n"
         "  population = \"x\"; n = 3; }; synapse = { type = \"delta\"; }; }",
         "unknown key \"n\" (known keys: type, file, population)"},
        {"{ pre = \"E\"; post = \"I\"; rule = { type = \"from_file\"; file = \"a.h5\";\n"
         "  population = \"x\"; }; synapse = { type = \"delta\"; };\n"
         "  weight = { mean = \"1 mV\"; std = \"0.1 mV\"; }; }",
         "net.cfg:11: projections[0].weight: expected a constant weight with rule \"from_file\""},
        {"{ pre = \"E\"; post = \"I\"; rule = { type = \"from_file\"; file = \"a.h5\";\n"
         "  population = \"x\"; }; synapse = { type = \"delta\"; };\n"
         "  delay = { mean = \"1 ms\"; std = \"0.1 ms\"; }; }",
         "projections[0].delay: expected a constant delay with rule \"from_file\""},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        rc = load(dir, bad[k].proj, &m, &err);
        assert_int_equal(rc, SNN_ERR_CONFIG);
        if (!strstr(err.msg, bad[k].msg))
            fail_msg("case %zu: got \"%s\", expected it to contain \"%s\"", k, err.msg, bad[k].msg);
    }
    char path[256];
    snprintf(path, sizeof path, "%s/net.cfg", dir);
    remove(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delay_steps),
        cmocka_unit_test(test_population_names),
        cmocka_unit_test(test_select),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
