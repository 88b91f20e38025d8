/*
 * test_checkpoint.c — the pure parts of checkpoint/restart and the spike writer's resume.
 *
 * - snn_checkpoint_next: periodic checkpoints at the end of the exchange interval holding each
 *   multiple, for intervals longer and shorter than the period;
 * - snn_checkpoint_ring_slot: a ring stored at one step and loaded at another rotates so that
 *   every pending arrival keeps its absolute step;
 * - the exchange count encoding (spikes, failure, stop request) round-trips at the extremes;
 * - the spike writer rebuilt by resume + replay is byte-identical to an uninterrupted writer's
 *   file, with a small flush threshold (many flushes, none at the stop), periodic syncs and a
 *   stopped file that holds more spikes than the checkpoint counts (a crash after it); errors:
 *   no stopped file, counts beyond the file.
 * Runs on one MPI rank (the whole-program test run_checkpoint.sh covers several).
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
#include <mpi.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snn/checkpoint.h"
#include "snn/comm.h"
#include "snn/spike_writer.h"

/* ---- pure functions ------------------------------------------------------------------------ */

static void test_next(void **state)
{
    (void)state;
    /* every 100 steps, interval 15: ends of intervals holding 100, 200, 300 */
    assert_int_equal(snn_checkpoint_next(0, 100, 15), 105);
    assert_int_equal(snn_checkpoint_next(105, 100, 15), 210);
    assert_int_equal(snn_checkpoint_next(210, 100, 15), 300);
    assert_int_equal(snn_checkpoint_next(300, 100, 15), 405);
    /* a restart at a stop between checkpoints finds the same next one */
    assert_int_equal(snn_checkpoint_next(150, 100, 15), 210);
    assert_int_equal(snn_checkpoint_next(195, 100, 15), 210);
    /* interval 1: exactly the multiples */
    assert_int_equal(snn_checkpoint_next(0, 7, 1), 7);
    assert_int_equal(snn_checkpoint_next(7, 7, 1), 14);
    assert_int_equal(snn_checkpoint_next(8, 7, 1), 14);
    /* a period shorter than the interval: every interval end */
    assert_int_equal(snn_checkpoint_next(0, 1, 15), 15);
    assert_int_equal(snn_checkpoint_next(15, 1, 15), 30);
    /* Always the first interval end after `after` whose interval (e - D, e] holds a positive
     * multiple of every. */
    for (uint64_t every = 1; every < 40; every++)
        for (uint64_t D = 1; D < 20; D++)
            for (uint64_t after = 0; after < 200; after += D) {
                uint64_t c = snn_checkpoint_next(after, every, D);
                assert_true(c > after);
                assert_int_equal(c % D, 0);
                for (uint64_t e = after + D; e <= c; e += D) {
                    uint64_t mult = e / every * every; /* largest multiple <= e */
                    int holds = mult > 0 && mult > e - D;
                    assert_int_equal(holds, e == c);
                }
            }
}

static void test_ring_rotation(void **state)
{
    (void)state;
    enum { L = 7 };
    /* A ring at step s0 holds, in slot (n % L), the arrivals for step n (s0 < n <= s0 + L). */
    for (uint64_t s0 = 0; s0 < 30; s0++)
        for (uint64_t s1 = 0; s1 < 30; s1 += 3) {
            double ring[L] = {0}, stored[L] = {0}, loaded[L] = {0};
            for (uint64_t n = s0 + 1; n <= s0 + L; n++)
                ring[n % L] = (double)n;
            for (uint64_t j = 0; j < L; j++) /* write at s0 */
                stored[j] = ring[snn_checkpoint_ring_slot(s0, L, j)];
            for (uint64_t j = 0; j < L; j++) /* read at s1 = the checkpoint's step, any slots */
                loaded[snn_checkpoint_ring_slot(s0, L, j)] = stored[j];
            for (uint64_t j = 0; j < L; j++)
                assert_true(stored[j] == (double)(s0 + 1 + j));
            for (uint64_t n = s0 + 1; n <= s0 + L; n++)
                assert_true(loaded[n % L] == (double)n);
            (void)s1;
        }
}

static void test_count_encoding(void **state)
{
    (void)state;
    const int ns[] = {0, 1, 2, 1000, INT32_MAX - 2};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        int n = ns[i];
        int plain = snn_comm_count_encode(n, 0, 0), stop = snn_comm_count_encode(n, 0, 1);
        assert_int_equal(plain, n);
        assert_false(snn_comm_count_stop(plain));
        assert_int_equal(snn_comm_count_spikes(plain), n);
        assert_true(stop <= -2);
        assert_true(snn_comm_count_stop(stop));
        assert_int_equal(snn_comm_count_spikes(stop), n);
        /* a failure is -1 whatever else, so the old "count < 0" readers still see it */
        assert_int_equal(snn_comm_count_encode(n, 1, 0), -1);
        assert_int_equal(snn_comm_count_encode(n, 1, 1), -1);
        assert_false(snn_comm_count_stop(-1));
    }
}

/* ---- the spike writer's resume -------------------------------------------------------------- */

#define N_POPS 3
#define N_STEPS 6000
#define STOP 4000
#define FLUSH 997
static const uint64_t sync_steps[] = {1500, 3000, 4500}; /* "periodic checkpoints" */

static void make_model(snn_model *m, snn_population *pops)
{
    static const char *const names[N_POPS] = {"exc", "quiet", "big"};
    static const uint64_t sizes[N_POPS] = {7, 3, 11};
    uint64_t off = 0;
    memset(m, 0, sizeof *m);
    memset(pops, 0, N_POPS * sizeof *pops);
    for (int i = 0; i < N_POPS; i++) {
        snprintf(pops[i].name, sizeof pops[i].name, "%s", names[i]);
        pops[i].size = sizes[i];
        pops[i].offset = off;
        off += sizes[i];
    }
    m->n_pops = N_POPS;
    m->pops = pops;
    m->n_neurons = off;
    m->run.dt = 0.1;
    m->run.n_steps = N_STEPS;
    m->run.duration = N_STEPS * 0.1;
}

static size_t spikes_at(const snn_model *m, uint64_t step, uint32_t *gids)
{
    static const double prob[N_POPS] = {0.3, 0.0, 0.7};
    size_t n = 0;
    for (int p = 0; p < m->n_pops; p++)
        for (uint64_t i = 0; i < m->pops[p].size; i++) {
            uint64_t x = (step * 1000003u + m->pops[p].offset + i) * 0x9E3779B97F4A7C15ull;
            x ^= x >> 29;
            x *= 0xBF58476D1CE4E5B9ull;
            x ^= x >> 32;
            if ((double)(x >> 11) / 9007199254740992.0 < prob[p])
                gids[n++] = (uint32_t)(m->pops[p].offset + i);
        }
    return n;
}

static int is_sync(uint64_t n)
{
    for (size_t i = 0; i < sizeof sync_steps / sizeof sync_steps[0]; i++)
        if (sync_steps[i] == n)
            return 1;
    return 0;
}

/* Adds steps first..last, syncing at the sync steps (as run.c does at periodic checkpoints). */
static void add_steps(snn_spike_writer *w, const snn_model *m, uint64_t first, uint64_t last)
{
    uint32_t gids[32];
    snn_error err;
    for (uint64_t n = first; n <= last; n++) {
        size_t k = spikes_at(m, n, gids);
        if (snn_spike_writer_add(w, n, gids, k, &err) != SNN_OK)
            fail_msg("add: %s", err.msg);
        if (is_sync(n) && snn_spike_writer_sync(w, &err) != SNN_OK)
            fail_msg("sync: %s", err.msg);
    }
}

static int same_bytes(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa && fb, ca, cb;
    while (same && (ca = fgetc(fa)) == (cb = fgetc(fb)))
        if (ca == EOF)
            break;
    if (same && ca != cb)
        same = 0;
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    assert_non_null(a);
    assert_non_null(b);
    int c;
    while ((c = fgetc(a)) != EOF)
        fputc(c, b);
    fclose(a);
    fclose(b);
}

/* The restart sequence of run.c: resume, replay with the syncs up to STOP, then go on. */
static void restart_and_finish(const snn_model *m, const char *path, const uint64_t *counts)
{
    snn_spike_writer *w;
    snn_error err;
    if (snn_spike_writer_resume(&w, MPI_COMM_WORLD, path, m, counts, &err) != SNN_OK)
        fail_msg("resume: %s", err.msg);
    snn_spike_writer_set_flush_threshold(w, FLUSH);
    for (size_t i = 0; i < sizeof sync_steps / sizeof sync_steps[0]; i++)
        if (sync_steps[i] <= STOP) {
            assert_int_equal(snn_spike_writer_replay(w, sync_steps[i], &err), SNN_OK);
            assert_int_equal(snn_spike_writer_sync(w, &err), SNN_OK);
        }
    if (snn_spike_writer_replay_finish(w, STOP, &err) != SNN_OK)
        fail_msg("replay: %s", err.msg);
    add_steps(w, m, STOP + 1, N_STEPS);
    if (snn_spike_writer_close(w, &err) != SNN_OK)
        fail_msg("close: %s", err.msg);
}

static void test_resume_byte_identical(void **state)
{
    const char *dir = *state;
    snn_model m;
    snn_population pops[N_POPS];
    make_model(&m, pops);
    char ref[4200], path[4200], partial[4300], prev[4300];
    snprintf(ref, sizeof ref, "%s/ref.h5", dir);
    snprintf(path, sizeof path, "%s/resumed.h5", dir);
    snprintf(partial, sizeof partial, "%s.partial", path);
    snprintf(prev, sizeof prev, "%s.partial.prev", path);
    snn_spike_writer *w;
    snn_error err;
    unlink(path); /* from an earlier run of this test */
    unlink(partial);
    unlink(prev);

    /* uninterrupted */
    assert_int_equal(snn_spike_writer_open(&w, MPI_COMM_WORLD, ref, &m, &err), SNN_OK);
    snn_spike_writer_set_flush_threshold(w, FLUSH);
    add_steps(w, &m, 1, N_STEPS);
    assert_int_equal(snn_spike_writer_close(w, &err), SNN_OK);

    /* stopped at STOP: sync, counts, suspend (the file stays as .partial) */
    uint64_t counts[N_POPS];
    assert_int_equal(snn_spike_writer_open(&w, MPI_COMM_WORLD, path, &m, &err), SNN_OK);
    snn_spike_writer_set_flush_threshold(w, FLUSH);
    add_steps(w, &m, 1, STOP);
    assert_int_equal(snn_spike_writer_sync(w, &err), SNN_OK);
    snn_spike_writer_written(w, counts);
    assert_true(counts[0] > 0 && counts[1] == 0 && counts[2] > 0);
    assert_int_equal(snn_spike_writer_suspend(w, &err), SNN_OK);
    assert_true(exists(partial));
    assert_false(exists(path));
    /* the stopped file is not the final one (it is rebuilt, not appended to) */
    assert_false(same_bytes(partial, ref));

    restart_and_finish(&m, path, counts);
    assert_true(same_bytes(path, ref));
    assert_false(exists(partial));
    assert_false(exists(prev));

    /* a crash after the checkpoint: the stopped file holds more than the counts */
    copy_file(ref, partial);
    unlink(path);
    restart_and_finish(&m, path, counts);
    assert_true(same_bytes(path, ref));
    assert_false(exists(prev));

    /* an earlier restart stopped before its file held everything: .prev is the copy to use,
     * .partial is junk */
    copy_file(ref, prev);
    FILE *junk = fopen(partial, "wb");
    assert_non_null(junk);
    fputs("junk", junk);
    fclose(junk);
    unlink(path);
    restart_and_finish(&m, path, counts);
    assert_true(same_bytes(path, ref));
    assert_false(exists(prev));
}

static void test_resume_errors(void **state)
{
    const char *dir = *state;
    snn_model m;
    snn_population pops[N_POPS];
    make_model(&m, pops);
    char ref[4200], path[4200], partial[4300], prev[4300];
    snprintf(ref, sizeof ref, "%s/ref.h5", dir);
    snprintf(path, sizeof path, "%s/bad.h5", dir);
    snprintf(partial, sizeof partial, "%s.partial", path);
    snprintf(prev, sizeof prev, "%s.partial.prev", path);
    unlink(prev); /* from an earlier run of this test */
    snn_spike_writer *w = NULL;
    snn_error err;
    uint64_t counts[N_POPS] = {10, 0, 10};

    unlink(partial);
    assert_int_equal(snn_spike_writer_resume(&w, MPI_COMM_WORLD, path, &m, counts, &err),
                     SNN_ERR_IO);
    assert_null(w);
    assert_non_null(strstr(err.msg, "spike file is not there"));
    print_message("expected error: %s\n", err.msg);

    copy_file(ref, partial);
    counts[2] = 1u << 30;
    assert_int_equal(snn_spike_writer_resume(&w, MPI_COMM_WORLD, path, &m, counts, &err),
                     SNN_ERR_IO);
    assert_null(w);
    assert_non_null(strstr(err.msg, "does not belong to the checkpoint"));
    print_message("expected error: %s\n", err.msg);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    char dir[] = "test_checkpoint_out";
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "test_checkpoint: cannot create %s: %s\n", dir, strerror(errno));
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_next),
        cmocka_unit_test(test_ring_rotation),
        cmocka_unit_test(test_count_encoding),
        cmocka_unit_test_prestate(test_resume_byte_identical, dir),
        cmocka_unit_test_prestate(test_resume_errors, dir),
    };
    int failed = cmocka_run_group_tests_name("checkpoint", tests, NULL, NULL);
    MPI_Finalize();
    return failed ? 1 : 0;
}
