/*
 * test_poisson_batch.c — the batched Poisson counts of the step loop (snn_draw_poisson_counts)
 * are exactly the per-neuron counts (snn_draw_poisson_count_prepared) for every lambda branch,
 * across chunk boundaries and a 32-bit id wrap, counts of 0 .. 7 (found by the first eight
 * thresholds) and above (found by the search) alike; the inversion table (snn_poisson_from_bits,
 * snn_poisson_from_bits_n)
 * returns exactly what the sequential search returns for its uniform, checked at every
 * threshold, one above and one below it, and at random points; and the batched Philox words
 * are the stream's first uniform.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <cmocka.h>

#include "snn/draw.h"
#include "snn/rng.h"

static const double lambdas[] = {1e-6, 0.01, 0.3, 1.2, 2.0, 2.32, 5.5, 9.999, 10.0, 37.5};
#define N_LAMBDAS (sizeof lambdas / sizeof lambdas[0])

/* The sequential search of rng.c's inversion written from its definition (p(0) = e^-lambda,
 * p(x) = p(x-1) lambda (1/x), u reduced by each p until u <= p(x)): x, or bound + 1 on failure. */
static unsigned reference_search(double lambda, uint64_t m)
{
    double bound = floor(lambda + 10.0 * sqrt(lambda + 1.0) + 10.0);
    double u = (double)m * 0x1.0p-53, px = exp(-lambda);
    int x = 0;
    while (u > px) {
        u -= px;
        x++;
        if (x > bound)
            break;
        px *= lambda * (1.0 / x);
    }
    return (unsigned)x;
}

/* The lookup at m, one at a time and batched (with neighbours below and above the window). */
static void check_point(const snn_poisson_dist *d, uint64_t m)
{
    unsigned want = reference_search(d->lambda, m);
    uint64_t got = snn_poisson_from_bits(d, m);
    const uint64_t ms[3] = {0, m, (UINT64_C(1) << 53) - 1};
    uint64_t batch[3];
    int failed = snn_poisson_from_bits_n(d, ms, 3, batch);
    assert_true(batch[0] == snn_poisson_from_bits(d, 0));
    assert_true(batch[2] == snn_poisson_from_bits(d, ms[2]));
    assert_true(batch[1] == got);
    assert_int_equal(failed,
                     batch[0] == UINT64_MAX || batch[1] == UINT64_MAX || batch[2] == UINT64_MAX);
    if (want > (unsigned)d->c[1])
        assert_true(got == UINT64_MAX);
    else
        assert_true(got == want);
}

static void test_table_matches_search(void **state)
{
    (void)state;
    const uint64_t top = (UINT64_C(1) << 53) - 1;
    uint64_t s = 99;
    for (size_t l = 0; l < N_LAMBDAS; l++) {
        if (lambdas[l] >= 10.0)
            continue;
        snn_poisson_dist d;
        snn_poisson_prepare(&d, lambdas[l]);
        assert_int_equal(d.method, 1);
        for (int x = 0; x < SNN_POISSON_TABLE && d.thr[x] != UINT64_MAX; x++) {
            uint64_t t = d.thr[x];
            check_point(&d, t);
            if (t > 0)
                check_point(&d, t - 1);
            if (t < top)
                check_point(&d, t + 1);
        }
        check_point(&d, 0);
        check_point(&d, top);
        for (int k = 0; k < 200000; k++) {
            s = s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
            check_point(&d, s >> 11);
        }
    }
}

static void test_batch_equals_single(void **state)
{
    (void)state;
    const uint64_t gid0s[] = {0, 12345, (UINT64_C(1) << 32) - 300};
    const uint64_t steps[] = {1, 777, UINT32_MAX};
    const double special[] = {0.0, -1.0, INFINITY};
    enum { N = 1000 };
    uint64_t count[N];
    uint64_t in_window = 0, beyond_window = 0; /* inversion counts 0 .. 7, and 8 or more */
    for (size_t l = 0; l < N_LAMBDAS + 3; l++) {
        double lambda = l < N_LAMBDAS ? lambdas[l] : special[l - N_LAMBDAS];
        snn_poisson_dist d;
        snn_poisson_prepare(&d, lambda);
        for (size_t g = 0; g < 3; g++)
            for (size_t k = 0; k < 3; k++) {
                snn_draw_poisson_counts(55, 3, gid0s[g], steps[k], &d, N, count);
                uint64_t total = 0;
                for (size_t i = 0; i < N; i++) {
                    uint64_t want =
                        snn_draw_poisson_count_prepared(55, 3, gid0s[g] + i, steps[k], &d);
                    assert_true(count[i] == want);
                    assert_true(want ==
                                snn_draw_poisson_count(55, 3, gid0s[g] + i, steps[k], lambda));
                    total += want != UINT64_MAX ? want : 0;
                    if (d.method == 1) {
                        in_window += want < 8;
                        beyond_window += want >= 8;
                    }
                }
                if (lambda >= 1.0 && isfinite(lambda)) /* not all zero: the draws are live */
                    assert_true(total > 0);
            }
    }
    assert_true(in_window > 1000 && beyond_window > 1000); /* both ways of the lookup ran */
}

static void test_first_bits_are_the_first_uniform(void **state)
{
    (void)state;
    enum { N = 300 };
    uint64_t m[N];
    uint64_t id0 = (UINT64_C(1) << 32) - 100;
    snn_rng_first_bits(7, SNN_RNG_POISSON | 2, id0, 4242, N, m);
    for (size_t i = 0; i < N; i++) {
        snn_rng r;
        snn_rng_init(&r, 7, SNN_RNG_POISSON | 2, id0 + i, 4242);
        double u = snn_rng_uniform(&r);
        assert_true((double)m[i] * 0x1.0p-53 == u);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_matches_search),
        cmocka_unit_test(test_batch_equals_single),
        cmocka_unit_test(test_first_bits_are_the_first_uniform),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
