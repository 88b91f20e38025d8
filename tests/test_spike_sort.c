/*
 * test_spike_sort.c — snn_spike_sort (include/snn/spike_sort.h) against the C library's qsort,
 * an independent sort: the same ascending sequence for spikes as the exchange receives them
 * (P runs, each sorted), for random 64-bit values, for values that differ only in their top
 * byte or in an odd number of bytes (the result ends in the scratch buffer and is copied back),
 * for equal values, and at the sizes around the switch to the insertion sort.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snn/comm.h"
#include "snn/spike_sort.h"

static uint64_t next_random(uint64_t *state)
{
    *state ^= *state << 13; /* xorshift64 */
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts a copy of v[0..n) both ways and compares every value. */
static void check_sorts_like_qsort(const uint64_t *v, size_t n)
{
    uint64_t *got = malloc((n ? n : 1) * sizeof *got), *want = malloc((n ? n : 1) * sizeof *want);
    uint64_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    assert_non_null(got);
    assert_non_null(want);
    assert_non_null(tmp);
    memcpy(got, v, n * sizeof *v);
    memcpy(want, v, n * sizeof *v);
    snn_spike_sort(got, tmp, n);
    qsort(want, n, sizeof *want, cmp_u64);
    for (size_t i = 0; i < n; i++)
        if (got[i] != want[i])
            fail_msg("n = %zu: value %zu is %llx, qsort has %llx", n, i, (unsigned long long)got[i],
                     (unsigned long long)want[i]);
    free(got);
    free(want);
    free(tmp);
}

/* n spikes of an interval of `steps` steps as P ranks send them: each rank's own, sorted, one
 * run after another; ids below n_ids. */
static uint64_t *exchanged_spikes(size_t n, int P, uint32_t steps, uint32_t n_ids, uint64_t *rng)
{
    uint64_t *v = malloc((n ? n : 1) * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = snn_spike_pack((uint32_t)(next_random(rng) % steps),
                              (uint32_t)(next_random(rng) % n_ids));
    for (int r = 0; r < P; r++) {
        size_t b = n * (size_t)r / (size_t)P, e = n * (size_t)(r + 1) / (size_t)P;
        qsort(v + b, e - b, sizeof *v, cmp_u64);
    }
    return v;
}

static void test_exchanged_runs(void **state)
{
    (void)state;
    uint64_t rng = 0x9e3779b97f4a7c15u;
    const size_t sizes[] = {0, 1, 2, 3, 30, 200, 2506, 25060};
    const int ranks[] = {1, 2, 3, 8, 64, 4096};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        for (size_t j = 0; j < sizeof ranks / sizeof *ranks; j++) {
            /* The microcircuit (77,169 neurons, 15 steps) and its 100x network (1 step). */
            uint64_t *a = exchanged_spikes(sizes[i], ranks[j], 15, 77169, &rng);
            check_sorts_like_qsort(a, sizes[i]);
            free(a);
            uint64_t *b = exchanged_spikes(sizes[i], ranks[j], 1, 7716900, &rng);
            check_sorts_like_qsort(b, sizes[i]);
            free(b);
        }
}

static void test_random_64_bit_values(void **state)
{
    (void)state;
    uint64_t rng = 12345;
    const size_t n = 10007;
    uint64_t *v = malloc(n * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = next_random(&rng);
    check_sorts_like_qsort(v, n);
    /* With repeats: 40 distinct values. */
    for (size_t i = 0; i < n; i++)
        v[i] = (next_random(&rng) % 40) * 0x0101010101010101u;
    check_sorts_like_qsort(v, n);
    free(v);
}

static void test_values_differing_in_few_bytes(void **state)
{
    (void)state;
    uint64_t rng = 777;
    const size_t n = 5000;
    uint64_t *v = malloc(n * sizeof *v);
    assert_non_null(v);
    /* Only the top byte differs: one pass, at the largest shift. */
    for (size_t i = 0; i < n; i++)
        v[i] = (next_random(&rng) % 256) << 56 | 0x00123456789abcdeu;
    check_sorts_like_qsort(v, n);
    /* Three bytes differ (ids below 2^24, one step): three passes, an odd number, so the sorted
     * values end in the scratch buffer. */
    for (size_t i = 0; i < n; i++)
        v[i] = snn_spike_pack(3, (uint32_t)(next_random(&rng) % (1u << 24)));
    check_sorts_like_qsort(v, n);
    /* Bytes 1 and 6 only. */
    for (size_t i = 0; i < n; i++)
        v[i] = (next_random(&rng) % 256) << 8 | (next_random(&rng) % 256) << 48;
    check_sorts_like_qsort(v, n);
    free(v);
}

static void test_equal_values_and_sorted_input(void **state)
{
    (void)state;
    const size_t n = 3000;
    uint64_t *v = malloc(n * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = 0xdeadbeefu;
    check_sorts_like_qsort(v, n);
    for (size_t i = 0; i < n; i++)
        v[i] = n - i; /* descending */
    check_sorts_like_qsort(v, n);
    for (size_t i = 0; i < n; i++)
        v[i] = i * 3;
    check_sorts_like_qsort(v, n);
    free(v);
}

/* Every size from 0 to well past the switch to the radix sort. */
static void test_sizes_around_the_insertion_sort(void **state)
{
    (void)state;
    uint64_t rng = 4242;
    uint64_t v[3 * SNN_SPIKE_SORT_SMALL] = {0};
    for (size_t n = 0; n <= sizeof v / sizeof *v; n++) {
        for (size_t i = 0; i < n; i++)
            v[i] = snn_spike_pack((uint32_t)(next_random(&rng) % 4),
                                  (uint32_t)(next_random(&rng) % 1000));
        check_sorts_like_qsort(v, n);
    }
}

/* Below the small size no scratch room is needed. */
static void test_small_needs_no_scratch(void **state)
{
    (void)state;
    uint64_t v[SNN_SPIKE_SORT_SMALL - 1];
    const size_t n = sizeof v / sizeof *v;
    for (size_t i = 0; i < n; i++)
        v[i] = (uint64_t)((i * 37) % n);
    snn_spike_sort(v, NULL, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(v[i], i);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exchanged_runs),
        cmocka_unit_test(test_random_64_bit_values),
        cmocka_unit_test(test_values_differing_in_few_bytes),
        cmocka_unit_test(test_equal_values_and_sorted_input),
        cmocka_unit_test(test_sizes_around_the_insertion_sort),
        cmocka_unit_test(test_small_needs_no_scratch),
    };
    return cmocka_run_group_tests_name("spike_sort", tests, NULL, NULL);
}
