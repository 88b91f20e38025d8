/*
 * test_recorder.c — state recorders: the pure helpers (selections, window arithmetic), the
 * parsed recorder specs (selection forms, every in steps and as a time, variable names and
 * units of merged channels), and the writer on one rank: a report written in windows of one
 * exchange interval is byte-identical to one written in a single window, and values land in
 * the right rows and columns. tests/run_recorder.sh covers several ranks and threads.
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
#include <unistd.h>

#include <cmocka.h>
#include <hdf5.h>

#include "snn/comm.h"
#include "snn/config.h"
#include "snn/network.h"
#include "snn/record_spec.h"
#include "snn/recorder.h"
#include "snn/simulate.h"

/* ---- selections ------------------------------------------------------------------------- */

static void test_lower_bound_and_columns(void **state)
{
    (void)state;
    uint64_t ids[] = {2, 5, 6, 9};
    snn_selection list = {SNN_SELECT_LIST, 4, ids}, first = {SNN_SELECT_FIRST, 3, NULL};
    assert_int_equal(snn_selection_lower_bound(&list, 0), 0);
    assert_int_equal(snn_selection_lower_bound(&list, 5), 1);
    assert_int_equal(snn_selection_lower_bound(&list, 7), 3);
    assert_int_equal(snn_selection_lower_bound(&list, 10), 4);
    assert_int_equal(snn_selection_lower_bound(&first, 2), 2);
    assert_int_equal(snn_selection_lower_bound(&first, 8), 3);
    /* Slices [0, 4), [4, 7), [7, 10) of a population of 10 (three ranks). */
    snn_range c0 = snn_selection_columns(&list, (snn_range){0, 4});
    snn_range c1 = snn_selection_columns(&list, (snn_range){4, 7});
    snn_range c2 = snn_selection_columns(&list, (snn_range){7, 10});
    assert_int_equal(c0.begin, 0);
    assert_int_equal(c0.end, 1);
    assert_int_equal(c1.begin, 1);
    assert_int_equal(c1.end, 3);
    assert_int_equal(c2.begin, 3);
    assert_int_equal(c2.end, 4);
    snn_range f2 = snn_selection_columns(&first, (snn_range){7, 10});
    assert_int_equal(f2.begin, f2.end); /* a rank without selected neurons */
    assert_int_equal(snn_selection_id(&list, 2), 6);
    assert_int_equal(snn_selection_id(&first, 2), 2);
}

/* Draws subsets of n of size for many seeds: every draw is n distinct sorted ids, and every
 * subset is about equally likely (chi-square with a bound that a fair sampler exceeds with
 * probability far below 1e-6; the seeds are fixed, so the test is deterministic). */
static void check_uniform_subsets(uint64_t size, uint64_t n, int n_subsets, int draws)
{
    int *count = calloc((size_t)1 << size, sizeof *count);
    uint64_t ids[8];
    assert_non_null(count);
    for (int s = 0; s < draws; s++) {
        assert_int_equal(snn_selection_random((uint32_t)s, 3, size, n, ids), 0);
        unsigned mask = 0;
        for (uint64_t k = 0; k < n; k++) {
            assert_true(ids[k] < size);
            if (k)
                assert_true(ids[k] > ids[k - 1]);
            mask |= 1u << ids[k];
        }
        count[mask]++;
    }
    double expect = (double)draws / n_subsets, chi2 = 0;
    int seen = 0;
    for (unsigned m = 0; m < (1u << size); m++)
        if (count[m]) {
            seen++;
            chi2 += (count[m] - expect) * (count[m] - expect) / expect;
        }
    assert_int_equal(seen, n_subsets);
    /* chi-square, n_subsets - 1 degrees of freedom: mean 34 (or 20), sd about 8 (or 6.3). */
    assert_true(chi2 < 3.0 * n_subsets);
    free(count);
}

static void test_random_selection_is_uniform(void **state)
{
    (void)state;
    check_uniform_subsets(7, 3, 35, 35000); /* Floyd's algorithm */
    check_uniform_subsets(7, 5, 21, 21000); /* selection sampling (n > size / 2) */
    uint64_t all[7];
    assert_int_equal(snn_selection_random(1, 0, 7, 7, all), 0);
    for (int k = 0; k < 7; k++)
        assert_int_equal(all[k], k);
}

static void test_random_selection_depends_on_seed_and_index(void **state)
{
    (void)state;
    uint64_t a[50], b[50], c[50], d[50];
    assert_int_equal(snn_selection_random(5, 0, 100000, 50, a), 0);
    assert_int_equal(snn_selection_random(5, 0, 100000, 50, b), 0);
    assert_int_equal(snn_selection_random(6, 0, 100000, 50, c), 0);
    assert_int_equal(snn_selection_random(5, 1, 100000, 50, d), 0);
    assert_memory_equal(a, b, sizeof a);
    assert_memory_not_equal(a, c, sizeof a);
    assert_memory_not_equal(a, d, sizeof a);
}

/* ---- windows ----------------------------------------------------------------------------- */

static void test_window_arithmetic(void **state)
{
    (void)state;
    assert_int_equal(snn_record_n_samples(300, 1), 300);
    assert_int_equal(snn_record_n_samples(300, 7), 42); /* steps 7 .. 294 */
    assert_int_equal(snn_record_samples_upto(6, 7), 0);
    assert_int_equal(snn_record_samples_upto(7, 7), 1);
    assert_int_equal(snn_record_samples_upto(20, 7), 2);
    /* Any 15 consecutive steps hold at most 2 multiples of 10 (e.g. 10..24 has 10, 20). */
    assert_int_equal(snn_record_samples_per_interval(15, 10), 2);
    assert_int_equal(snn_record_samples_per_interval(10, 10), 1);
    assert_int_equal(snn_record_samples_per_interval(10, 1), 10);
    assert_int_equal(snn_record_samples_per_interval(1, 5), 1);
    /* 4 MB of 100000 columns: 10 rows; at least an interval's worth; at most the run. */
    assert_int_equal(snn_record_window_rows(100000, 50, 1, 1, 4u << 20), 10);
    assert_int_equal(snn_record_window_rows(100000, 50, 15, 1, 4u << 20), 15);
    assert_int_equal(snn_record_window_rows(10, 2000, 1, 1, 4u << 20), 2000);
    assert_int_equal(snn_record_window_rows(1u << 30, 50, 1, 1, 4u << 20), 1);
}

/* ---- parsed specs ------------------------------------------------------------------------ */

#define NET                                                                                        \
    "run = { dt = \"0.1 ms\"; duration = \"10 ms\"; seed = 4; };\n"                                \
    "populations = (\n"                                                                            \
    "  { name = \"A\"; size = 20; model = \"lif\"; I_ext = \"15 mA\";\n"                           \
    "    params = { V_rest = \"-60 mV\"; V_th = \"-50 mV\"; V_reset = \"-65 mV\"; tau = \"10 "     \
    "ms\"; }; },\n"                                                                                \
    "  { name = \"B\"; size = 20; model = \"lif\";\n"                                              \
    "    params = { V_rest = \"-60 mV\"; V_th = \"-50 mV\"; V_reset = \"-65 mV\"; tau = \"10 "     \
    "ms\"; }; }\n"                                                                                 \
    ");\n"                                                                                         \
    "projections = (\n"                                                                            \
    "  { name = \"AB\"; pre = \"A\"; post = \"B\"; rule = { type = \"one_to_one\"; };\n"           \
    "    weight = \"0.5 mS\"; synapse = { type = \"expon\"; tau = \"5 ms\"; };\n"                  \
    "    output = { type = \"cuba\"; }; delay = \"0.3 ms\"; },\n"                                  \
    "  { name = \"AB2\"; pre = \"A\"; post = \"B\"; rule = { type = \"one_to_one\"; };\n"          \
    "    weight = \"0.1 mS\"; synapse = { type = \"expon\"; tau = \"5 ms\"; };\n"                  \
    "    output = { type = \"cuba\"; }; delay = \"0.3 ms\"; },\n"                                  \
    "  { name = \"AB_coba\"; pre = \"A\"; post = \"B\"; rule = { type = \"one_to_one\"; };\n"      \
    "    weight = \"0.01 mS\"; synapse = { type = \"expon\"; tau = \"3 ms\"; };\n"                 \
    "    output = { type = \"coba\"; E = \"0 mV\"; }; delay = \"0.3 ms\"; }\n"                     \
    ");\n"

static void load(const char *recorders, snn_model *m)
{
    size_t len = strlen(NET) + strlen(recorders) + 1;
    char *text = malloc(len);
    assert_non_null(text);
    snprintf(text, len, "%s%s", NET, recorders);
    snn_error err;
    int rc = snn_config_load_string(text, "rec.cfg", m, &err);
    free(text);
    if (rc != SNN_OK)
        fail_msg("config: %s", err.msg);
}

static void test_specs(void **state)
{
    (void)state;
    snn_model m;
    load("recorders = (\n"
         "  { population = \"A\"; },\n"
         "  { name = \"b\"; population = \"B\"; variables = [\"g\", \"V\"]; neurons = [9, 2, 4];\n"
         "    every = \"0.5 ms\"; },\n"
         "  { name = \"c\"; population = \"B\"; variables = \"g_AB2\"; neurons = { first = 3; };\n"
         "    every = 4; },\n"
         "  { name = \"d\"; population = \"B\"; neurons = { random = 5; }; }\n"
         ");\n",
         &m);
    assert_int_equal(m.n_recorders, 4);
    const snn_recorder_spec *r = m.recorders;
    /* Defaults: the population's name, V, all neurons, every step. */
    assert_string_equal(r[0].name, "A");
    assert_int_equal(r[0].pop, 0);
    assert_int_equal(r[0].sel.kind, SNN_SELECT_ALL);
    assert_int_equal(r[0].sel.n, 20);
    assert_null(r[0].sel.ids);
    assert_int_equal(r[0].every, 1);
    assert_int_equal(r[0].n_vars, 1);
    assert_string_equal(r[0].vars[0].name, "V");
    assert_string_equal(r[0].vars[0].units, "mV");
    assert_int_equal(r[0].vars[0].channel, -1);
    /* B has two stateful channels (AB and AB2 merged; AB_coba): "g" is both, in order. */
    assert_int_equal(r[1].every, 5);
    assert_int_equal(r[1].sel.kind, SNN_SELECT_LIST);
    assert_int_equal(r[1].sel.n, 3);
    assert_int_equal(r[1].sel.ids[0], 2);
    assert_int_equal(r[1].sel.ids[1], 4);
    assert_int_equal(r[1].sel.ids[2], 9);
    assert_int_equal(r[1].n_vars, 3);
    assert_string_equal(r[1].vars[0].name, "g_AB");
    assert_string_equal(r[1].vars[0].units, "mA");
    assert_string_equal(r[1].vars[1].name, "g_AB_coba");
    assert_string_equal(r[1].vars[1].units, "mS");
    assert_string_equal(r[1].vars[2].name, "V");
    assert_true(r[1].vars[0].channel != r[1].vars[1].channel);
    /* A merged projection names its channel too. */
    assert_int_equal(r[2].n_vars, 1);
    assert_string_equal(r[2].vars[0].name, "g_AB");
    assert_int_equal(r[2].vars[0].channel, r[1].vars[0].channel);
    assert_int_equal(r[2].sel.kind, SNN_SELECT_FIRST);
    assert_int_equal(r[2].sel.n, 3);
    assert_int_equal(r[2].every, 4);
    /* random: keyed by the seed and the recorder's index. */
    assert_int_equal(r[3].sel.kind, SNN_SELECT_RANDOM);
    uint64_t ids[5];
    assert_int_equal(snn_selection_random(4, 3, 20, 5, ids), 0);
    assert_memory_equal(r[3].sel.ids, ids, sizeof ids);
    snn_model_free(&m);
}

static void test_config_error(void **state)
{
    (void)state;
    const char *rec = "recorders = ( { population = \"B\"; neurons = [3, 20]; } );\n";
    size_t len = strlen(NET) + strlen(rec) + 1;
    char *text = malloc(len);
    assert_non_null(text);
    snprintf(text, len, "%s%s", NET, rec);
    snn_model m;
    snn_error err;
    assert_int_equal(snn_config_load_string(text, "rec.cfg", &m, &err), SNN_ERR_CONFIG);
    assert_non_null(strstr(err.msg, "rec.cfg:19: recorders[0].neurons[1]: expected a "
                                    "population-local id in 0..19, got 20"));
    assert_int_equal(m.n_recorders, 0); /* freed */
    free(text);
}

/* ---- the writer on one rank -------------------------------------------------------------- */

/* Runs the network with its recorders into dir; window 0 keeps the default. Returns the number
 * of window writes. */
static uint64_t run_into(const char *recorders, const char *dir, uint64_t window, int n_threads)
{
    snn_model m;
    snn_comm comm;
    snn_network net;
    snn_sim sim;
    snn_recorders *rec;
    snn_error err;
    load(recorders, &m);
    assert_int_equal(snn_comm_init(&comm, MPI_COMM_SELF, m.n_neurons, &err), SNN_OK);
    assert_int_equal(snn_network_build(&net, &m, 0, 1, n_threads, &err), SNN_OK);
    if (snn_recorders_open(&rec, &comm, &net, dir, &err) != SNN_OK)
        fail_msg("open: %s", err.msg);
    if (window)
        snn_recorders_set_window(rec, window);
    assert_int_equal(snn_sim_start(&sim, &net, &comm, &err), SNN_OK);
    sim.rec = rec;
    if (snn_sim_run(&sim, m.run.n_steps, NULL, NULL, NULL, &err) != SNN_OK)
        fail_msg("run: %s", err.msg);
    uint64_t writes = snn_recorders_writes(rec);
    if (snn_recorders_close(rec, &err) != SNN_OK)
        fail_msg("close: %s", err.msg);
    snn_sim_free(&sim);
    snn_network_free(&net);
    snn_comm_free(&comm);
    snn_model_free(&m);
    return writes;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void assert_same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *x = slurp(a, &na), *y = slurp(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(x, y, na);
    free(x);
    free(y);
}

static void test_windows_do_not_change_the_file(void **state)
{
    (void)state;
    const char *recs = "recorders = (\n"
                       "  { name = \"a\"; population = \"A\"; neurons = { random = 7; }; },\n"
                       "  { name = \"b\"; population = \"B\"; variables = [\"V\", \"g\"];\n"
                       "    every = 2; }\n"
                       ");\n";
    char big[] = "/tmp/test_recorder_bigXXXXXX", small[] = "/tmp/test_recorder_smallXXXXXX",
         thr[] = "/tmp/test_recorder_thrXXXXXX";
    assert_non_null(mkdtemp(big));
    assert_non_null(mkdtemp(small));
    assert_non_null(mkdtemp(thr));
    /* Writes before close: the default window holds the whole run, so each of the 4 reports
     * is written once, after the interval that ends in step 99 (the next might not fit), and
     * the rest at close. Windows of one exchange interval (min_delay = 3 steps; 34 intervals,
     * each with a sample of every report) give 34 writes per report. */
    assert_int_equal(run_into(recs, big, 0, 1), 4);
    assert_int_equal(run_into(recs, small, 1, 1), 4 * 34);
    assert_int_equal(run_into(recs, thr, 1, 3), 4 * 34);
    const char *files[] = {"a_V.h5", "b_V.h5", "b_g_AB.h5", "b_g_AB_coba.h5"};
    for (int i = 0; i < 4; i++) {
        char a[128], b[128], c[128];
        snprintf(a, sizeof a, "%s/%s", big, files[i]);
        snprintf(b, sizeof b, "%s/%s", small, files[i]);
        snprintf(c, sizeof c, "%s/%s", thr, files[i]);
        assert_same_file(a, b);
        assert_same_file(a, c);
        unlink(a);
        unlink(b);
        unlink(c);
    }
    rmdir(big);
    rmdir(small);
    rmdir(thr);
}

/* Overwrites rows [from, to) of /report/<pop>/data in path with NaN (serial HDF5). */
static void spoil_rows(const char *path, const char *pop, uint64_t from, uint64_t to)
{
    char dname[64];
    snprintf(dname, sizeof dname, "/report/%s/data", pop);
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t d = H5Dopen2(f, dname, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t fs = H5Dget_space(d);
    hsize_t dims[2];
    assert_int_equal(H5Sget_simple_extent_dims(fs, dims, NULL), 2);
    hsize_t start[2] = {from, 0}, count[2] = {to - from, dims[1]};
    assert_true(H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0);
    hid_t ms = H5Screate_simple(2, count, NULL);
    float *nan = malloc((size_t)(count[0] * count[1]) * sizeof *nan);
    assert_non_null(nan);
    for (hsize_t k = 0; k < count[0] * count[1]; k++)
        nan[k] = NAN;
    assert_true(H5Dwrite(d, H5T_NATIVE_FLOAT, ms, fs, H5P_DEFAULT, nan) >= 0);
    free(nan);
    H5Sclose(ms);
    H5Sclose(fs);
    H5Dclose(d);
    H5Fclose(f);
}

/* A run suspended at step 60 (as for a checkpoint), whose partial files then lose rows after
 * step 40 (as if the checkpoint were from step 40), continued from step 40 by a fresh network
 * and resumed reports, gives the same bytes as one uninterrupted run. */
static void test_resume_continues_the_file(void **state)
{
    (void)state;
    const char *recs = "recorders = (\n"
                       "  { name = \"a\"; population = \"A\"; neurons = [1, 4, 19]; },\n"
                       "  { name = \"b\"; population = \"B\"; variables = \"g\"; every = 3; }\n"
                       ");\n";
    const char *files[] = {"a_V.h5", "b_g_AB.h5", "b_g_AB_coba.h5"};
    const char *pops[] = {"A", "B", "B"};
    const uint64_t every[] = {1, 3, 3};
    char ref[] = "/tmp/test_recorder_refXXXXXX", dir[] = "/tmp/test_recorder_resXXXXXX";
    assert_non_null(mkdtemp(ref));
    assert_non_null(mkdtemp(dir));
    run_into(recs, ref, 0, 1);

    snn_model m;
    snn_comm comm;
    snn_network net;
    snn_sim sim;
    snn_recorders *rec;
    snn_error err;
    load(recs, &m);
    assert_int_equal(snn_comm_init(&comm, MPI_COMM_SELF, m.n_neurons, &err), SNN_OK);
    /* First part: steps 1..60, then suspended. */
    assert_int_equal(snn_network_build(&net, &m, 0, 1, 2, &err), SNN_OK);
    assert_int_equal(snn_recorders_open(&rec, &comm, &net, dir, &err), SNN_OK);
    assert_int_equal(snn_sim_start(&sim, &net, &comm, &err), SNN_OK);
    sim.rec = rec;
    assert_int_equal(snn_sim_run(&sim, 60, NULL, NULL, NULL, &err), SNN_OK);
    assert_int_equal(snn_recorders_suspend(rec, &err), SNN_OK);
    snn_sim_free(&sim);
    snn_network_free(&net);
    for (int i = 0; i < 3; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s.partial", dir, files[i]);
        assert_int_equal(access(path, F_OK), 0);
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        assert_int_not_equal(access(path, F_OK), 0);
        snprintf(path, sizeof path, "%s/%s.partial", dir, files[i]);
        spoil_rows(path, pops[i], 40 / every[i], 60 / every[i]);
    }
    /* Second part: a fresh network advanced to step 40 without recording, then resumed. */
    assert_int_equal(snn_network_build(&net, &m, 0, 1, 1, &err), SNN_OK);
    assert_int_equal(snn_sim_start(&sim, &net, &comm, &err), SNN_OK);
    assert_int_equal(snn_sim_run(&sim, 40, NULL, NULL, NULL, &err), SNN_OK);
    if (snn_recorders_resume(&rec, &comm, &net, dir, 40, &err) != SNN_OK)
        fail_msg("resume: %s", err.msg);
    sim.rec = rec;
    assert_int_equal(snn_sim_run(&sim, m.run.n_steps - 40, NULL, NULL, NULL, &err), SNN_OK);
    assert_int_equal(snn_recorders_close(rec, &err), SNN_OK);
    for (int i = 0; i < 3; i++) {
        char a[128], b[128];
        snprintf(a, sizeof a, "%s/%s", ref, files[i]);
        snprintf(b, sizeof b, "%s/%s", dir, files[i]);
        assert_same_file(a, b);
        unlink(a);
        unlink(b);
    }
    /* A partial file of another shape (2 neurons, not 3) is refused, and left where it is. */
    snn_sim_free(&sim);
    snn_network_free(&net);
    snn_model m2;
    load("recorders = ( { name = \"a\"; population = \"A\"; neurons = [1, 4]; } );\n", &m2);
    assert_int_equal(snn_network_build(&net, &m2, 0, 1, 1, &err), SNN_OK);
    assert_int_equal(snn_recorders_open(&rec, &comm, &net, dir, &err), SNN_OK);
    assert_int_equal(snn_sim_start(&sim, &net, &comm, &err), SNN_OK);
    sim.rec = rec;
    assert_int_equal(snn_sim_run(&sim, 10, NULL, NULL, NULL, &err), SNN_OK);
    assert_int_equal(snn_recorders_suspend(rec, &err), SNN_OK);
    snn_sim_free(&sim);
    snn_network_free(&net);
    assert_int_equal(snn_network_build(&net, &m, 0, 1, 1, &err), SNN_OK);
    assert_int_equal(snn_recorders_resume(&rec, &comm, &net, dir, 10, &err), SNN_ERR_IO);
    assert_non_null(strstr(err.msg, "a_V.h5.partial: /report/A/data is 100 x 2, but this config "
                                    "records 100 x 3: not the same run"));
    assert_null(rec);
    char path[128];
    snprintf(path, sizeof path, "%s/a_V.h5.partial", dir);
    assert_int_equal(access(path, F_OK), 0);
    unlink(path);
    rmdir(ref);
    rmdir(dir);
    snn_network_free(&net);
    snn_comm_free(&comm);
    snn_model_free(&m);
    snn_model_free(&m2);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lower_bound_and_columns),
        cmocka_unit_test(test_random_selection_is_uniform),
        cmocka_unit_test(test_random_selection_depends_on_seed_and_index),
        cmocka_unit_test(test_window_arithmetic),
        cmocka_unit_test(test_specs),
        cmocka_unit_test(test_config_error),
        cmocka_unit_test(test_windows_do_not_change_the_file),
        cmocka_unit_test(test_resume_continues_the_file),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    MPI_Finalize();
    return rc;
}
