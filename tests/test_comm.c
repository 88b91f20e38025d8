/*
 * test_comm.c — the spike exchange (include/snn/comm.h) on any number of ranks.
 *
 * Every rank can compute every rank's spikes of an interval (a deterministic function of the
 * interval and the rank), so each rank checks that it received exactly the sorted union of all
 * of them, over sequences of intervals with no spikes, a few, bursts beyond the block that
 * rides with the counts (a second collective) and bursts beyond the largest block; that the
 * block is the same on every rank, grows at once and shrinks only when two whole windows were
 * quiet, and is 0 after a window in which no interval fitted in the largest block; that the
 * second collective runs exactly when some rank has more spikes than the block; and that a
 * failure or a stop request on one rank reaches every rank with the data of that interval.
 *
 * ctest runs it on one rank; run_comm.sh on 2, 3, 4 and 8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <mpi.h>

#include "snn/comm.h"

enum { MAX_SPIKES = 64, STEPS = 4 };

/* How many spikes rank r has in interval i of a pattern. */
typedef int (*count_fn)(int i, int r, int size);

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33; /* splitmix64's finaliser */
    x *= 0xff51afd7ed558ccdu;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53u;
    return x ^ (x >> 33);
}

/* Rank r's spikes of interval i, sorted as a rank sends them: ids r, r + size, ... (its slice),
 * each in one of STEPS steps. */
static size_t spikes_of(int i, int r, int size, count_fn count, uint64_t *out)
{
    const int n = count(i, r, size);
    for (int j = 0; j < n; j++) {
        const uint32_t k =
            (uint32_t)(mix((uint64_t)i * 1000003u + (uint64_t)r * 7919u + j) % STEPS);
        out[j] = snn_spike_pack(k, (uint32_t)(r + size * j));
    }
    for (int a = 1; a < n; a++) /* insertion sort: (step, id) order within the rank */
        for (int b = a; b > 0 && out[b - 1] > out[b]; b--) {
            const uint64_t t = out[b];
            out[b] = out[b - 1];
            out[b - 1] = t;
        }
    return (size_t)n;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The same value on every rank? */
static int same_everywhere(long v)
{
    long lo, hi;
    MPI_Allreduce(&v, &lo, 1, MPI_LONG, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&v, &hi, 1, MPI_LONG, MPI_MAX, MPI_COMM_WORLD);
    return lo == hi;
}

/* This rank, the number of ranks, and an exchange over all of them. */
static void open_comm(snn_comm *c, int *rank, int *size)
{
    snn_error err;
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    assert_int_equal(snn_comm_init(c, MPI_COMM_WORLD, 8, &err), SNN_OK);
}

/* n spikes of this rank in step 0: ids rank, rank + size, ... */
static void own_spikes(uint64_t *mine, size_t n, int rank, int size)
{
    for (size_t j = 0; j < n; j++)
        mine[j] = snn_spike_pack(0, (uint32_t)(rank + size * (int)j));
}

/* Exchanges intervals [0, n) of a pattern and checks every one; returns on every rank whether
 * any rank saw a difference (so that all ranks take the same collective path). */
static void run_pattern(count_fn count, int n_intervals)
{
    int rank, size;
    snn_comm c;
    snn_error err;
    open_comm(&c, &rank, &size);
    uint64_t mine[MAX_SPIKES];
    uint64_t *want = malloc((size_t)size * MAX_SPIKES * sizeof *want);
    assert_non_null(want);
    int bad = 0;
    for (int i = 0; i < n_intervals && !bad; i++) {
        const size_t n = spikes_of(i, rank, size, count, mine);
        size_t n_want = 0, largest = 0;
        for (int r = 0; r < size; r++) {
            size_t k = spikes_of(i, r, size, count, want + n_want);
            n_want += k;
            largest = k > largest ? k : largest;
        }
        qsort(want, n_want, sizeof *want, cmp_u64);
        const int block = c.block;
        const uint64_t seconds = c.second_gathers;
        const uint64_t *got;
        size_t n_got;
        int stop = 0;
        assert_int_equal(snn_comm_exchange(&c, SNN_OK, mine, n, &stop, &got, &n_got, &err), SNN_OK);
        if (n_got != n_want || memcmp(got, want, n_want * sizeof *want) != 0 || stop) {
            print_error("rank %d, interval %d: received %zu spikes, expected %zu\n", rank, i, n_got,
                        n_want);
            bad = 1;
        }
        if (size > 1) {
            /* The second collective exactly when some rank had more than the block. */
            if (c.second_gathers - seconds != (largest > (size_t)block)) {
                print_error("rank %d, interval %d: block %d, largest %zu, second gathers %llu\n",
                            rank, i, block, largest,
                            (unsigned long long)(c.second_gathers - seconds));
                bad = 1;
            }
            if (c.block < 0 || c.block > c.block_cap || !same_everywhere(c.block))
                bad = 1;
        }
        int any;
        MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        bad = any;
    }
    free(want);
    snn_comm_free(&c);
    assert_false(bad);
}

static int quiet(int i, int r, int size)
{
    (void)size;
    return (int)(mix((uint64_t)i * 31u + (uint64_t)r) % 3); /* 0 to 2 */
}

/* Quiet, with bursts: one rank beyond the largest block, every rank at once, one spike more
 * than the block of 2 ranks, a long silence. */
static int bursty(int i, int r, int size)
{
    if (i == 50 && r == size - 1)
        return MAX_SPIKES;
    if (i == 120)
        return 20;
    if (i == 200 && r == 0)
        return SNN_COMM_BLOCK_MAX + 1;
    if (i >= 300 && i < 400)
        return 0;
    return quiet(i, r, size);
}

static void test_quiet_intervals(void **state)
{
    (void)state;
    run_pattern(quiet, 300);
}

static void test_bursts(void **state)
{
    (void)state;
    run_pattern(bursty, 500);
}

/* The block: the cap at first, as large as a burst at once, back down after two windows. */
static void test_block_follows_the_counts(void **state)
{
    (void)state;
    int rank, size;
    snn_comm c;
    snn_error err;
    open_comm(&c, &rank, &size);
    if (size == 1) {
        snn_comm_free(&c);
        skip(); /* one rank gathers nothing */
    }
    const int cap = snn_comm_block_cap(size);
    assert_int_equal(cap, size <= 256 ? SNN_COMM_BLOCK_MAX : 4096 / size - 1);
    assert_int_equal(snn_comm_block_cap(256), SNN_COMM_BLOCK_MAX);
    assert_int_equal(snn_comm_block_cap(512), 7);
    assert_int_equal(snn_comm_block_cap(4096), 0);
    assert_int_equal(snn_comm_block_cap(1024), 3);
    assert_int_equal(c.block_cap, cap);
    assert_int_equal(c.block, cap);
    uint64_t mine[MAX_SPIKES];
    const uint64_t *got;
    size_t n_got;
    /* Two windows with at most one spike per rank: the block shrinks to 1. */
    for (int i = 0; i < 2 * SNN_COMM_BLOCK_WINDOW; i++) {
        size_t n = (size_t)((i + rank) % 2);
        for (size_t j = 0; j < n; j++)
            mine[j] = snn_spike_pack(0, (uint32_t)rank);
        assert_int_equal(snn_comm_exchange(&c, SNN_OK, mine, n, NULL, &got, &n_got, &err), SNN_OK);
    }
    assert_int_equal(c.block, cap < 1 ? cap : 1);
    /* A burst of 5 on the last rank: the block is 5 (or the cap) from the next interval on. */
    size_t n = rank == size - 1 ? 5 : 0;
    own_spikes(mine, n, rank, size);
    assert_int_equal(snn_comm_exchange(&c, SNN_OK, mine, n, NULL, &got, &n_got, &err), SNN_OK);
    assert_int_equal(n_got, 5);
    assert_int_equal(c.block, cap < 5 ? cap : 5);
    /* It stays through the rest of the burst's window and the whole next one, then drops. */
    for (int i = 0; i < 3 * SNN_COMM_BLOCK_WINDOW - 1; i++) {
        if (i == 2 * SNN_COMM_BLOCK_WINDOW - 1)
            assert_int_equal(c.block, cap < 5 ? cap : 5);
        mine[0] = snn_spike_pack(0, (uint32_t)rank);
        assert_int_equal(snn_comm_exchange(&c, SNN_OK, mine, 1, NULL, &got, &n_got, &err), SNN_OK);
    }
    assert_int_equal(c.block, cap < 1 ? cap : 1);
    /* A window in which every interval has more spikes on the last rank than the largest block:
     * the blocks go (the counts travel alone); one interval that fits brings them back. */
    const size_t over = (size_t)cap + 1;
    for (int i = 0; i < SNN_COMM_BLOCK_WINDOW; i++) {
        size_t k = rank == size - 1 ? over : 0;
        own_spikes(mine, k, rank, size);
        assert_int_equal(snn_comm_exchange(&c, SNN_OK, mine, k, NULL, &got, &n_got, &err), SNN_OK);
        assert_int_equal(n_got, over);
    }
    assert_int_equal(c.block, 0);
    const uint64_t seconds = c.second_gathers;
    mine[0] = snn_spike_pack(0, (uint32_t)rank);
    size_t k = rank == 0 ? 1 : 0;
    assert_int_equal(snn_comm_exchange(&c, SNN_OK, mine, k, NULL, &got, &n_got, &err), SNN_OK);
    assert_int_equal(c.second_gathers, seconds + 1); /* the block was 0 */
    assert_int_equal(c.block, cap < 1 ? cap : 1);
    snn_comm_free(&c);
}

/* A failure on the last rank: every rank returns its error from the same exchange, and the
 * exchange works again afterwards. */
static void test_failure_reaches_every_rank(void **state)
{
    (void)state;
    int rank, size;
    snn_comm c;
    snn_error err;
    open_comm(&c, &rank, &size);
    uint64_t mine[3] = {snn_spike_pack(0, (uint32_t)rank), snn_spike_pack(1, (uint32_t)rank),
                        snn_spike_pack(2, (uint32_t)rank)};
    const uint64_t *got;
    size_t n_got;
    int status = SNN_OK;
    snn_error_clear(&err);
    if (rank == size - 1)
        status = snn_fail(&err, SNN_ERR_IO, "rank %d: the disk is full", rank);
    int rc = snn_comm_exchange(&c, status, mine, 3, NULL, &got, &n_got, &err);
    assert_int_equal(rc, SNN_ERR_IO);
    char want[64];
    snprintf(want, sizeof want, "rank %d: the disk is full", size - 1);
    assert_non_null(strstr(err.msg, want));
    snn_error_clear(&err);
    assert_int_equal(snn_comm_exchange(&c, SNN_OK, mine, 3, NULL, &got, &n_got, &err), SNN_OK);
    assert_int_equal(n_got, 3 * (size_t)size);
    snn_comm_free(&c);
}

/* A stop request from rank 0 with more spikes than a block: every rank learns it, and the
 * interval's spikes all arrive. */
static void test_stop_reaches_every_rank(void **state)
{
    (void)state;
    int rank, size;
    snn_comm c;
    snn_error err;
    open_comm(&c, &rank, &size);
    uint64_t mine[MAX_SPIKES];
    const size_t n = rank == 0 ? SNN_COMM_BLOCK_MAX + 3 : 1;
    own_spikes(mine, n, rank, size);
    const uint64_t *got;
    size_t n_got;
    int stop = rank == 0;
    assert_int_equal(snn_comm_exchange(&c, SNN_OK, mine, n, &stop, &got, &n_got, &err), SNN_OK);
    assert_int_equal(stop, 1);
    assert_int_equal(n_got, SNN_COMM_BLOCK_MAX + 3 + (size_t)(size - 1));
    for (size_t j = 1; j < n_got; j++)
        assert_true(got[j - 1] < got[j]);
    stop = 0;
    assert_int_equal(snn_comm_exchange(&c, SNN_OK, mine, 0, &stop, &got, &n_got, &err), SNN_OK);
    assert_int_equal(stop, 0);
    assert_int_equal(n_got, 0);
    snn_comm_free(&c);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quiet_intervals),
        cmocka_unit_test(test_bursts),
        cmocka_unit_test(test_block_follows_the_counts),
        cmocka_unit_test(test_failure_reaches_every_rank),
        cmocka_unit_test(test_stop_reaches_every_rank),
    };
    int failed = cmocka_run_group_tests_name("comm", tests, NULL, NULL), any;
    MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Finalize();
    return any ? 1 : 0;
}
