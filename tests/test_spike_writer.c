/*
 * test_spike_writer.c — the SONATA spike writer, on any number of MPI ranks.
 *
 * Writes a synthetic spike sequence for a 3-population model (sizes 7, 3, 11; the middle one
 * never spikes; every tenth step has no spikes) with a small, odd flush threshold so that many
 * collective appends happen and one population crosses a chunk boundary. Rank 0 then reads the
 * file back with the HDF5 C API and checks every dataset, type, value and attribute, that the
 * .partial file is gone, that abort leaves no file at all, and that a missing output directory
 * is a clear SNN_ERR_IO naming the path.
 *
 * Usage: test_spike_writer [OUTPUT_DIR]   (default: spike_writer_out in the working directory)
 * run_spike_writer.sh runs it on 1 to 4 ranks and compares the files byte for byte.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <hdf5.h>
#include <mpi.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snn/spike_writer.h"

#define N_POPS 3
#define N_STEPS 6000
#define DT 0.1
#define FLUSH 997 /* odd, so that flushes and chunks do not line up */

typedef struct {
    MPI_Comm comm;
    int rank, nranks;
    const char *dir;
} test_ctx;

static const char *const pop_names[N_POPS] = {"exc", "quiet", "big"};
static const uint64_t pop_sizes[N_POPS] = {7, 3, 11};
static const double pop_prob[N_POPS] = {0.3, 0.0, 0.7};

static void make_model(snn_model *m, snn_population *pops)
{
    uint64_t off = 0;
    memset(m, 0, sizeof *m);
    memset(pops, 0, N_POPS * sizeof *pops);
    for (int i = 0; i < N_POPS; i++) {
        snprintf(pops[i].name, sizeof pops[i].name, "%s", pop_names[i]);
        pops[i].size = pop_sizes[i];
        pops[i].offset = off;
        off += pop_sizes[i];
    }
    m->n_pops = N_POPS;
    m->pops = pops;
    m->n_neurons = off;
    m->run.dt = DT;
    m->run.n_steps = N_STEPS;
    m->run.duration = N_STEPS * DT;
}

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* The global ids (ascending) spiking at `step`; returns how many. */
static size_t spikes_at(const snn_model *m, uint64_t step, uint32_t *gids)
{
    size_t n = 0;
    if (step % 10 == 3)
        return 0;
    for (int p = 0; p < m->n_pops; p++)
        for (uint64_t i = 0; i < m->pops[p].size; i++) {
            uint64_t g = m->pops[p].offset + i;
            double u = (double)(splitmix64(step * 1000003u + g) >> 11) / 9007199254740992.0;
            if (u < pop_prob[p])
                gids[n++] = (uint32_t)g;
        }
    return n;
}

/* Collective: ok on every rank? For checks that may differ between ranks, so that a failure
 * fails the test on all ranks and no rank is left waiting in a collective call. */
static int all_ok(const test_ctx *c, int ok)
{
    int all = 0;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, c->comm);
    return all;
}

static void join(char *out, size_t len, const char *dir, const char *name)
{
    int k = snprintf(out, len, "%s/%s", dir, name);
    assert_true(k > 0 && (size_t)k < len);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* ---- reading back ----------------------------------------------------------------------- */

static void check_string_attr(hid_t obj, const char *name, const char *want)
{
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t t = H5Aget_type(a);
    assert_int_equal(H5Tget_class(t), H5T_STRING);
    assert_true(H5Tis_variable_str(t) > 0);
    hid_t mt = H5Tcopy(H5T_C_S1);
    assert_true(H5Tset_size(mt, H5T_VARIABLE) >= 0);
    assert_true(H5Tset_cset(mt, H5T_CSET_UTF8) >= 0);
    char *value = NULL;
    assert_true(H5Aread(a, mt, &value) >= 0);
    assert_non_null(value);
    assert_string_equal(value, want);
    H5free_memory(value);
    H5Tclose(mt);
    H5Tclose(t);
    H5Aclose(a);
}

static void check_sorting_attr(hid_t group)
{
    hid_t a = H5Aopen(group, "sorting", H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t t = H5Aget_type(a);
    assert_int_equal(H5Tget_class(t), H5T_ENUM);
    assert_int_equal(H5Tget_size(t), 1);
    uint8_t v = 99;
    assert_true(H5Aread(a, t, &v) >= 0);
    assert_int_equal(v, 2);
    char name[32];
    assert_true(H5Tenum_nameof(t, &v, name, sizeof name) >= 0);
    assert_string_equal(name, "by_time");
    H5Tclose(t);
    H5Aclose(a);
}

static void check_root_attrs(hid_t f)
{
    uint32_t magic = 0, version[2] = {9, 9};
    hid_t a = H5Aopen(f, "magic", H5P_DEFAULT);
    assert_true(a >= 0);
    assert_true(H5Aread(a, H5T_NATIVE_UINT32, &magic) >= 0);
    assert_int_equal(magic, 0x0A7A);
    H5Aclose(a);
    a = H5Aopen(f, "version", H5P_DEFAULT);
    assert_true(a >= 0);
    assert_true(H5Aread(a, H5T_NATIVE_UINT32, version) >= 0);
    assert_int_equal(version[0], 0);
    assert_int_equal(version[1], 1);
    H5Aclose(a);
}

/* Reads a 1-D dataset of file type ftype into a new array of n elements of memory type mtype. */
static void *read_1d(hid_t group, const char *name, hid_t ftype, hid_t mtype, size_t elem,
                     hsize_t *n)
{
    hid_t d = H5Dopen2(group, name, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t t = H5Dget_type(d);
    assert_true(H5Tequal(t, ftype) > 0);
    H5Tclose(t);
    hid_t s = H5Dget_space(d);
    assert_int_equal(H5Sget_simple_extent_ndims(s), 1);
    hsize_t maxdim = 0;
    assert_true(H5Sget_simple_extent_dims(s, n, &maxdim) == 1);
    assert_true(maxdim == H5S_UNLIMITED);
    H5Sclose(s);
    void *buf = malloc(*n ? *n * elem : 1);
    assert_non_null(buf);
    if (*n)
        assert_true(H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    if (strcmp(name, "timestamps") == 0)
        check_string_attr(d, "units", "ms");
    H5Dclose(d);
    return buf;
}

typedef struct {
    char names[N_POPS][64];
    int n;
} name_list;

static herr_t collect_name(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    name_list *l = data;
    (void)g;
    (void)info;
    if (l->n < N_POPS)
        snprintf(l->names[l->n], sizeof l->names[0], "%s", name);
    l->n++;
    return 0;
}

/* Rank 0: the file holds exactly the spikes of steps [0, n_steps). */
static void check_file(const snn_model *m, const char *path, uint64_t n_steps)
{
    uint32_t gids[64];
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    check_root_attrs(f);

    hid_t spikes = H5Gopen2(f, "spikes", H5P_DEFAULT);
    assert_true(spikes >= 0);
    name_list l = {.n = 0};
    assert_true(H5Literate(spikes, H5_INDEX_CRT_ORDER, H5_ITER_INC, NULL, collect_name, &l) >= 0);
    assert_int_equal(l.n, N_POPS);

    for (int p = 0; p < N_POPS; p++) {
        assert_string_equal(l.names[p], pop_names[p]); /* model order */
        hid_t g = H5Gopen2(spikes, pop_names[p], H5P_DEFAULT);
        assert_true(g >= 0);
        check_sorting_attr(g);
        hsize_t nt = 0, ni = 0;
        double *t = read_1d(g, "timestamps", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, sizeof *t, &nt);
        uint64_t *id = read_1d(g, "node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64, sizeof *id, &ni);
        assert_int_equal(nt, ni);

        hsize_t k = 0;
        for (uint64_t s = 0; s < n_steps; s++) {
            size_t n = spikes_at(m, s, gids);
            for (size_t j = 0; j < n; j++) {
                if (snn_model_pop_of(m, gids[j]) != p)
                    continue;
                assert_true(k < nt);
                assert_true(t[k] == (double)s * DT); /* exactly */
                assert_int_equal(id[k], gids[j] - m->pops[p].offset);
                k++;
            }
        }
        assert_int_equal(k, nt);
        if (p == 1)
            assert_int_equal(nt, 0);
        if (p == 2 && n_steps == N_STEPS)
            assert_true(nt > 32768); /* more than one chunk */
        free(t);
        free(id);
        H5Gclose(g);
    }
    H5Gclose(spikes);
    assert_true(H5Fclose(f) >= 0);
}

/* ---- tests ------------------------------------------------------------------------------ */

/* Collective: writes steps [0, n_steps) into dir/name. */
static void write_file(test_ctx *c, const snn_model *m, const char *path, uint64_t n_steps)
{
    snn_spike_writer *w = NULL;
    snn_error err;
    uint32_t gids[64];
    int rc;
    if (c->rank == 0)
        remove(path); /* left by an earlier run */
    MPI_Barrier(c->comm);
    rc = snn_spike_writer_open(&w, c->comm, path, m, &err);
    if (rc != SNN_OK)
        fail_msg("open: %s", err.msg);
    snn_spike_writer_set_flush_threshold(w, FLUSH);

    char partial[4200];
    snprintf(partial, sizeof partial, "%s.partial", path);
    for (uint64_t s = 0; s < n_steps; s++) {
        size_t n = spikes_at(m, s, gids);
        rc = snn_spike_writer_add(w, s, gids, n, &err);
        if (rc != SNN_OK)
            fail_msg("add step %llu: %s", (unsigned long long)s, err.msg);
    }
    assert_true(exists(partial));
    assert_false(exists(path));
    rc = snn_spike_writer_close(w, &err);
    if (rc != SNN_OK)
        fail_msg("close: %s", err.msg);
    /* Every rank, not just rank 0: the final file exists when close returns. */
    assert_true(exists(path));
    assert_false(exists(partial));
}

static void test_write_and_read_back(void **state)
{
    test_ctx *c = *state;
    snn_model m;
    snn_population pops[N_POPS];
    char path[4096];
    make_model(&m, pops);
    join(path, sizeof path, c->dir, "spikes.h5");
    write_file(c, &m, path, N_STEPS);
    if (c->rank == 0) /* last: no collective call after a check that fails on one rank */
        check_file(&m, path, N_STEPS);
}

static void test_no_spikes(void **state)
{
    test_ctx *c = *state;
    snn_model m;
    snn_population pops[N_POPS];
    char path[4096];
    make_model(&m, pops);
    join(path, sizeof path, c->dir, "empty.h5");
    write_file(c, &m, path, 0);
    if (c->rank == 0)
        check_file(&m, path, 0);
}

static void test_abort_leaves_nothing(void **state)
{
    test_ctx *c = *state;
    snn_model m;
    snn_population pops[N_POPS];
    snn_spike_writer *w = NULL;
    snn_error err;
    uint32_t gids[64];
    char path[4096], partial[4200];
    make_model(&m, pops);
    join(path, sizeof path, c->dir, "aborted.h5");
    snprintf(partial, sizeof partial, "%s.partial", path);

    assert_int_equal(snn_spike_writer_open(&w, c->comm, path, &m, &err), SNN_OK);
    snn_spike_writer_set_flush_threshold(w, 10);
    for (uint64_t s = 0; s < 100; s++) {
        size_t n = spikes_at(&m, s, gids);
        assert_int_equal(snn_spike_writer_add(w, s, gids, n, &err), SNN_OK);
    }
    assert_true(exists(partial));
    snn_spike_writer_abort(w);
    assert_false(exists(partial));
    assert_false(exists(path));
    snn_spike_writer_abort(NULL); /* allowed */
    MPI_Barrier(c->comm);
}

static void test_missing_directory(void **state)
{
    test_ctx *c = *state;
    snn_model m;
    snn_population pops[N_POPS];
    snn_spike_writer *w = (snn_spike_writer *)&m; /* must be reset to NULL */
    snn_error err;
    char path[4096];
    make_model(&m, pops);
    join(path, sizeof path, c->dir, "no/such/dir/spikes.h5");

    assert_int_equal(snn_spike_writer_open(&w, c->comm, path, &m, &err), SNN_ERR_IO);
    assert_null(w);
    assert_int_equal(err.code, SNN_ERR_IO);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "does not exist"));
    if (c->rank == 0)
        print_message("expected error: %s\n", err.msg);
    MPI_Barrier(c->comm);
}

static void test_out_of_order(void **state)
{
    test_ctx *c = *state;
    snn_model m;
    snn_population pops[N_POPS];
    snn_spike_writer *w = NULL;
    snn_error err;
    char path[4096];
    const uint32_t a[2] = {4, 12}, b[1] = {3}, bad[1] = {21}, unsorted[2] = {5, 2};
    make_model(&m, pops);
    join(path, sizeof path, c->dir, "misuse.h5");

    assert_int_equal(snn_spike_writer_open(&w, c->comm, path, &m, &err), SNN_OK);
    assert_int_equal(snn_spike_writer_add(w, 5, a, 2, &err), SNN_OK);
    assert_int_equal(snn_spike_writer_add(w, 5, b, 1, &err), SNN_ERR_INTERNAL); /* same step */
    assert_int_equal(snn_spike_writer_add(w, 4, a, 2, &err), SNN_ERR_INTERNAL); /* earlier */
    assert_int_equal(snn_spike_writer_add(w, 6, bad, 1, &err), SNN_ERR_INTERNAL);
    assert_non_null(strstr(err.msg, "neuron 21"));
    assert_int_equal(snn_spike_writer_add(w, 7, unsorted, 2, &err), SNN_ERR_INTERNAL);
    snn_spike_writer_abort(w);
    char partial[4200];
    snprintf(partial, sizeof partial, "%s.partial", path);
    assert_false(exists(partial));
    MPI_Barrier(c->comm);
}

/* H5Fcreate fails (the .partial name is taken by a directory): a clear error on every rank. */
static void test_create_fails(void **state)
{
    test_ctx *c = *state;
    snn_model m;
    snn_population pops[N_POPS];
    snn_spike_writer *w = NULL;
    snn_error err;
    char path[4096], partial[4200];
    make_model(&m, pops);
    join(path, sizeof path, c->dir, "blocked.h5");
    snprintf(partial, sizeof partial, "%s.partial", path);
    assert_true(all_ok(c, c->rank != 0 || mkdir(partial, 0777) == 0 || errno == EEXIST));

    assert_int_equal(snn_spike_writer_open(&w, c->comm, path, &m, &err), SNN_ERR_IO);
    assert_null(w);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "cannot create file"));
    if (c->rank == 0)
        print_message("expected error: %s\n", err.msg);
    /* The directory in the way is still there: the writer deletes only what it created. */
    assert_true(all_ok(c, c->rank != 0 || rmdir(partial) == 0));
}

/* The rename at close fails (the final name is a directory): an error, and no .partial left. */
static void test_rename_fails(void **state)
{
    test_ctx *c = *state;
    snn_model m;
    snn_population pops[N_POPS];
    snn_spike_writer *w = NULL;
    snn_error err;
    uint32_t gids[64];
    char path[4096], partial[4200];
    make_model(&m, pops);
    join(path, sizeof path, c->dir, "isdir.h5");
    snprintf(partial, sizeof partial, "%s.partial", path);
    assert_true(all_ok(c, c->rank != 0 || mkdir(path, 0777) == 0 || errno == EEXIST));

    assert_int_equal(snn_spike_writer_open(&w, c->comm, path, &m, &err), SNN_OK);
    for (uint64_t s = 0; s < 50; s++) {
        size_t n = spikes_at(&m, s, gids);
        assert_int_equal(snn_spike_writer_add(w, s, gids, n, &err), SNN_OK);
    }
    assert_int_equal(snn_spike_writer_close(w, &err), SNN_ERR_IO);
    assert_non_null(strstr(err.msg, "cannot rename"));
    if (c->rank == 0)
        print_message("expected error: %s\n", err.msg);
    assert_true(all_ok(c, !exists(partial) && (c->rank != 0 || rmdir(path) == 0)));
}

int main(int argc, char **argv)
{
    test_ctx c;
    int failed, any_failed;
    char dir[4096];

    MPI_Init(&argc, &argv);
    c.comm = MPI_COMM_WORLD;
    MPI_Comm_rank(c.comm, &c.rank);
    MPI_Comm_size(c.comm, &c.nranks);
    snprintf(dir, sizeof dir, "%s", argc > 1 ? argv[1] : "spike_writer_out");
    c.dir = dir;
    if (c.rank == 0 && mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "test_spike_writer: cannot create %s: %s\n", dir, strerror(errno));
        MPI_Abort(c.comm, 2);
    }
    MPI_Barrier(c.comm);

    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(test_write_and_read_back, &c),
        cmocka_unit_test_prestate(test_no_spikes, &c),
        cmocka_unit_test_prestate(test_abort_leaves_nothing, &c),
        cmocka_unit_test_prestate(test_missing_directory, &c),
        cmocka_unit_test_prestate(test_out_of_order, &c),
        cmocka_unit_test_prestate(test_create_fails, &c),
        cmocka_unit_test_prestate(test_rename_fails, &c),
    };
    failed = cmocka_run_group_tests_name("spike_writer", tests, NULL, NULL);
    MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, c.comm);
    MPI_Finalize();
    return any_failed ? 1 : 0;
}
