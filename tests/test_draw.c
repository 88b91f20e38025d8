/*
 * test_draw.c — the Poisson sampler (moments over 1e6 draws for lambda from 0 to 1e6, chi-square
 * against the exact pmf in both branches, a spot check at 1e9), synapse weights (sign kept, the
 * redrawn normal equal in distribution to the truncated normal), synapse delays (window, rounding,
 * truncated-normal mean), the stream contract of every draw, step-current schedules against
 * hand-computed currents, and the DC equivalent of the microcircuit's L2/3E background. Bounds
 * are 5 standard errors for means, a Kolmogorov-Smirnov distance at p ~ 1e-4 and a chi-square
 * p-value of about 3e-5 (Wilson-Hilferty, z = 4); the seeds are fixed, so every run draws the
 * same numbers.
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
#include "snn/input.h"
#include "snn/rng.h"

/* Upper critical value of chi-square with df degrees of freedom at standard score z. */
static double chi2_crit(double df, double z)
{
    double h = 2.0 / (9.0 * df);
    double t = 1.0 - h + z * sqrt(h);
    return df * t * t * t;
}

static double phi(double x)
{
    return exp(-0.5 * x * x) / sqrt(2.0 * 3.14159265358979323846);
}

static double Phi(double x)
{
    return 0.5 * erfc(-x / sqrt(2.0));
}

/* Mean and variance of N(mu, sigma^2) truncated to [lo, hi]. */
static void truncated_moments(double mu, double sigma, double lo, double hi, double *mean,
                              double *var)
{
    double a = (lo - mu) / sigma, b = (hi - mu) / sigma;
    double pa = phi(a), pb = isinf(b) ? 0.0 : phi(b);
    double z = Phi(b) - Phi(a);
    double r = (pa - pb) / z;
    double s = (a * pa - (isinf(b) ? 0.0 : b * pb)) / z;
    *mean = mu + sigma * r;
    *var = sigma * sigma * (1.0 + s - r * r);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* ---- Poisson ------------------------------------------------------------------------------- */

static void check_poisson_moments(double lambda, uint32_t seed, int N)
{
    snn_poisson_dist d;
    snn_poisson_prepare(&d, lambda);
    double s1 = 0, s2 = 0;
    for (int i = 0; i < N; i++) {
        uint64_t k = snn_draw_poisson_count_prepared(seed, 3, (uint64_t)i, 17, &d);
        double x = (double)k - lambda; /* centred on the true mean */
        s1 += x;
        s2 += x * x;
    }
    double m = s1 / N, v = s2 / N;
    if (lambda == 0) {
        assert_true(s1 == 0 && s2 == 0);
        print_message("poisson(0): all %d draws are 0\n", N);
        return;
    }
    double se_m = sqrt(lambda / N);
    double se_v = sqrt((lambda + 2 * lambda * lambda) / N); /* mu4 - sigma^4 of the Poisson */
    print_message("poisson(%g): mean %+.3f se, var %+.3f se (N = %d)\n", lambda, m / se_m,
                  (v - lambda) / se_v, N);
    assert_true(fabs(m) < 5 * se_m);
    assert_true(fabs(v - lambda) < 5 * se_v);
}

static void test_poisson_moments(void **state)
{
    (void)state;
    static const double lambdas[] = {0, 1e-3, 0.5, 1.6, 9.9, 10, 30, 1000, 1e6};
    for (int i = 0; i < (int)(sizeof lambdas / sizeof lambdas[0]); i++)
        check_poisson_moments(lambdas[i], 100 + (uint32_t)i, 1000000);
    check_poisson_moments(1e9, 200, 200000); /* the top of the documented range */
}

/* Chi-square of Poisson(lambda) draws against the exact pmf (by the ratio recursion from the
 * mode), bins pooled so that each expects >= 5. */
static void check_poisson_gof(double lambda, uint32_t seed)
{
    const int N = 1000000;
    enum { W = 3000 };
    static double pmf[2 * W + 1], obs[2 * W + 1], eb[2 * W + 1], ob[2 * W + 1];
    int64_t m = (int64_t)floor(lambda);
    int64_t lo = m - W < 0 ? 0 : m - W, hi = m + W;
    pmf[m - lo] = 1;
    for (int64_t k = m; k < hi; k++)
        pmf[k + 1 - lo] = pmf[k - lo] * lambda / (double)(k + 1);
    for (int64_t k = m; k > lo; k--)
        pmf[k - 1 - lo] = pmf[k - lo] * (double)k / lambda;
    double tot = 0;
    for (int64_t k = lo; k <= hi; k++)
        tot += pmf[k - lo];
    for (int64_t k = lo; k <= hi; k++) {
        pmf[k - lo] /= tot;
        obs[k - lo] = 0;
    }
    snn_rng r;
    snn_rng_init(&r, seed, SNN_RNG_POISSON | 1, 12345, 0);
    for (int i = 0; i < N; i++) {
        int64_t k = (int64_t)snn_rng_poisson(&r, lambda);
        if (k < lo)
            k = lo;
        if (k > hi)
            k = hi;
        obs[k - lo] += 1;
    }
    int bins = 0;
    double e = 0, o = 0;
    for (int64_t k = lo; k <= hi; k++) {
        e += pmf[k - lo] * N;
        o += obs[k - lo];
        if (e >= 5) {
            eb[bins] = e, ob[bins] = o, bins++;
            e = o = 0;
        }
    }
    eb[bins - 1] += e, ob[bins - 1] += o;
    double x = 0;
    for (int i = 0; i < bins; i++)
        x += (ob[i] - eb[i]) * (ob[i] - eb[i]) / eb[i];
    print_message("poisson(%g) gof: chi2 %.1f df %d crit %.1f\n", lambda, x, bins - 1,
                  chi2_crit(bins - 1, 4.0));
    assert_true(bins >= 5);
    assert_true(x < chi2_crit(bins - 1, 4.0));
}

static void test_poisson_gof(void **state)
{
    (void)state;
    check_poisson_gof(1.6, 1);    /* inversion */
    check_poisson_gof(50, 2);     /* PTRS */
    check_poisson_gof(9.99, 3);   /* inversion at its upper limit */
    check_poisson_gof(10, 4);     /* PTRS at its lower limit */
    check_poisson_gof(1000.5, 5); /* PTRS, non-integer lambda */
}

static void test_poisson_edges_and_streams(void **state)
{
    (void)state;
    snn_rng r;
    snn_rng_init(&r, 1, 2, 3, 4);
    assert_true(snn_rng_poisson(&r, 0.0) == 0);
    assert_true(snn_rng_poisson(&r, -1.0) == 0);
    assert_true(snn_rng_poisson(&r, NAN) == 0);
    assert_true(snn_rng_poisson(&r, INFINITY) == UINT64_MAX);
    assert_true(snn_draw_poisson_count(1, 2, 3, 4, 0.0) == 0);
    /* the draw is Poisson(lambda) from stream (seed, POISSON | input, gid, sub = step) */
    static const double lambdas[] = {1e-3, 1.28, 9.9, 10, 64, 1e5};
    for (int li = 0; li < 6; li++) {
        snn_poisson_dist d;
        snn_poisson_prepare(&d, lambdas[li]);
        int differ_step = 0, differ_gid = 0, differ_input = 0, differ_seed = 0;
        for (uint64_t step = 1; step < 200; step++) {
            uint64_t gid = UINT64_C(0x100000003) + step;
            snn_rng_init(&r, 77, SNN_RNG_POISSON | 5, gid, (uint32_t)step);
            uint64_t want = snn_rng_poisson(&r, lambdas[li]);
            uint64_t got = snn_draw_poisson_count(77, 5, gid, step, lambdas[li]);
            assert_true(got == want);
            assert_true(snn_draw_poisson_count_prepared(77, 5, gid, step, &d) == want);
            assert_true(snn_draw_poisson_count(77, 5, gid, step, lambdas[li]) == want);
            differ_step += snn_draw_poisson_count(77, 5, gid, step + 1000, lambdas[li]) != want;
            differ_gid += snn_draw_poisson_count(77, 5, gid + 1, step, lambdas[li]) != want;
            differ_input += snn_draw_poisson_count(77, 6, gid, step, lambdas[li]) != want;
            differ_seed += snn_draw_poisson_count(78, 5, gid, step, lambdas[li]) != want;
        }
        if (lambdas[li] >= 1) { /* the streams are independent: values differ often */
            assert_true(differ_step > 20 && differ_gid > 20);
            assert_true(differ_input > 20 && differ_seed > 20);
        }
    }
}

/* ---- weights ------------------------------------------------------------------------------- */

static void test_weight_sign_and_distribution(void **state)
{
    (void)state;
    const int N = 100000;
    double *w = malloc((size_t)N * sizeof *w);
    assert_non_null(w);
    /* mean 1, std 1: P(X <= 0) = 0.16 of the first draws are redrawn */
    double s1 = 0;
    for (int i = 0; i < N; i++) {
        w[i] = snn_draw_weight(11, 2, (uint64_t)i * 7919, 1.0, 1.0);
        assert_true(w[i] > 0);
        s1 += w[i];
    }
    double mt, vt;
    truncated_moments(1.0, 1.0, 0.0, INFINITY, &mt, &vt);
    double se = sqrt(vt / N);
    print_message("weight N(1,1)|>0: mean %.5f, truncated-normal mean %.5f (%+.2f se)\n", s1 / N,
                  mt, (s1 / N - mt) / se);
    assert_true(fabs(s1 / N - mt) < 5 * se);
    /* Kolmogorov-Smirnov against the truncated normal's cdf */
    qsort(w, (size_t)N, sizeof *w, cmp_double);
    double z = 1.0 - Phi(-1.0), dmax = 0;
    for (int i = 0; i < N; i++) {
        double F = (Phi(w[i] - 1.0) - Phi(-1.0)) / z;
        double d1 = fabs(F - (double)i / N), d2 = fabs(F - (double)(i + 1) / N);
        dmax = fmax(dmax, fmax(d1, d2));
    }
    print_message("weight KS: sqrt(N) D = %.3f (bound 2.2)\n", sqrt((double)N) * dmax);
    assert_true(sqrt((double)N) * dmax < 2.2);

    /* negative mean: always negative, mirror image */
    double sn = 0;
    for (int i = 0; i < N; i++) {
        double x = snn_draw_weight(12, 3, (uint64_t)i, -1.0, 1.0);
        assert_true(x < 0);
        sn += x;
    }
    assert_true(fabs(sn / N + mt) < 5 * se);
    /* the microcircuit's weights (87.81 pA, 10% std; inhibitory -4 * 87.81) */
    for (int i = 0; i < 10000; i++) {
        assert_true(snn_draw_weight(1, 0, (uint64_t)i, 87.81, 8.781) > 0);
        assert_true(snn_draw_weight(1, 1, (uint64_t)i, -351.24, 35.124) < 0);
    }
    /* mean 0: no redraw, both signs */
    int pos = 0;
    for (int i = 0; i < 1000; i++)
        pos += snn_draw_weight(1, 4, (uint64_t)i, 0.0, 1.0) > 0;
    assert_true(pos > 400 && pos < 600);
    free(w);
}

static void test_weight_streams(void **state)
{
    (void)state;
    /* std 0: exactly the mean, no stream */
    assert_true(snn_draw_weight(1, 2, 3, 87.81, 0.0) == 87.81);
    assert_true(snn_draw_weight(1, 2, 3, -0.5, 0.0) == -0.5);
    for (uint64_t key = 0; key < 1000; key++) {
        uint64_t k = key * UINT64_C(0x9E3779B97F4A7C15);
        double w = snn_draw_weight(5, 9, k, 1.0, 0.5);
        assert_true(snn_draw_weight(5, 9, k, 1.0, 0.5) == w);
        assert_true(snn_draw_weight(5, 9, k + 1, 1.0, 0.5) != w);
        assert_true(snn_draw_weight(5, 10, k, 1.0, 0.5) != w);
        assert_true(snn_draw_weight(6, 9, k, 1.0, 0.5) != w);
        /* the first accepted value of stream (seed, WEIGHT | proj, key, 0) */
        snn_rng r;
        snn_rng_init(&r, 5, SNN_RNG_WEIGHT | 9, k, 0);
        double x;
        do
            x = 1.0 + 0.5 * snn_rng_normal(&r);
        while (!(x > 0));
        assert_true(x == w);
        /* the delay stream of the same synapse is a different one */
        assert_true(snn_draw_delay_ms(5, 9, k, 1.0, 0.5, 0.1, 6.0) != w);
    }
}

/* ---- delays -------------------------------------------------------------------------------- */

static void test_time_to_steps(void **state)
{
    (void)state;
    assert_true(snn_time_to_steps(0.15, 0.1) == 2); /* 1.4999999999999998 counts as 1.5 */
    assert_true(snn_time_to_steps(0.25, 0.1) == 3);
    assert_true(snn_time_to_steps(1.45, 0.1) == 15);
    assert_true(snn_time_to_steps(0.14, 0.1) == 1);
    assert_true(snn_time_to_steps(0.05, 0.1) == 1);
    assert_true(snn_time_to_steps(0.0499, 0.1) == 0);
    assert_true(snn_time_to_steps(-0.15, 0.1) == -2); /* away from zero */
    assert_true(snn_time_to_steps(-0.14, 0.1) == -1);
    assert_true(snn_time_to_steps(0.75, 0.5) == 2); /* exact halves */
    assert_true(snn_time_to_steps(1.25, 0.5) == 3);
    assert_true(snn_time_to_steps(1.5, 0.1) == 15);
    assert_true(snn_time_to_steps(1000.0, 0.1) == 10000);
    assert_true(snn_time_to_steps(0.0, 0.1) == 0);
    /* constant delays */
    assert_true(snn_draw_delay_steps(1, 0, 0, 0.15, 0.0, 0.1, 0.15) == 2);
    assert_true(snn_draw_delay_steps(1, 0, 0, 1.5, 0.0, 0.1, 1.5) == 15);
    assert_true(snn_draw_delay_steps(1, 0, 0, 0.1, 0.0, 0.1, 0.1) == 1);
    assert_true(snn_draw_delay_steps(1, 0, 0, 0.75, 0.0, 0.5, 0.75) == 2);
    assert_true(snn_draw_delay_steps(1, 0, 0, 0.01, 0.0, 0.1, 0.1) == 1); /* at least 1 */
}

static void check_delays(double mean, double std, double dt, double dmax, uint32_t seed)
{
    const int N = 100000;
    int smax = (int)snn_time_to_steps(dmax, dt);
    double s1 = 0, s1r = 0;
    for (int i = 0; i < N; i++) {
        uint64_t key = (uint64_t)i * 31 + 5;
        double d = snn_draw_delay_ms(seed, 1, key, mean, std, dt, dmax);
        int n = snn_draw_delay_steps(seed, 1, key, mean, std, dt, dmax);
        assert_true(d >= dt && d <= dmax);
        assert_true(n >= 1 && n <= smax);
        assert_true(n == (int)snn_time_to_steps(d, dt));
        assert_true(snn_draw_delay_ms(seed, 1, key, mean, std, dt, dmax) == d);
        s1 += d;
        s1r += n * dt;
    }
    double mt, vt;
    truncated_moments(mean, std, dt, dmax, &mt, &vt);
    double se = sqrt(vt / N);
    print_message("delay N(%g,%g) in [%g,%g]: mean %.5f, truncated %.5f (%+.2f se); rounded "
                  "%.5f; max %d steps\n",
                  mean, std, dt, dmax, s1 / N, mt, (s1 / N - mt) / se, s1r / N, smax);
    assert_true(fabs(s1 / N - mt) < 5 * se);
    /* rounding to the grid shifts the mean by far less than dt */
    assert_true(fabs(s1r / N - mt) < 5 * se + 0.1 * dt);
}

static void test_delays(void **state)
{
    (void)state;
    check_delays(1.5, 0.75, 0.1, 1.5 + 10 * 0.75, 1);     /* the microcircuit's excitatory delays */
    check_delays(0.75, 0.375, 0.1, 0.75 + 10 * 0.375, 2); /* inhibitory: truncation at dt */
    check_delays(1.5, 0.75, 0.1, 2.0, 3);                 /* truncated on both sides */
    /* the stream: first value of (seed, DELAY | proj, key, 0) inside the window */
    for (uint64_t key = 0; key < 100; key++) {
        snn_rng r;
        snn_rng_init(&r, 4, SNN_RNG_DELAY | 7, key, 0);
        double x;
        do
            x = 1.5 + 0.75 * snn_rng_normal(&r);
        while (x < 0.1 || x > 9.0);
        assert_true(snn_draw_delay_ms(4, 7, key, 1.5, 0.75, 0.1, 9.0) == x);
        assert_true(snn_draw_delay_ms(4, 8, key, 1.5, 0.75, 0.1, 9.0) != x);
        assert_true(snn_draw_delay_ms(5, 7, key, 1.5, 0.75, 0.1, 9.0) != x);
        assert_true(snn_draw_delay_ms(4, 7, key + 1, 1.5, 0.75, 0.1, 9.0) != x);
    }
}

static void test_delay_errors(void **state)
{
    (void)state;
    assert_true(snn_draw_delay_steps(1, 0, 0, 1.5, 0.75, 0.1, 0.05) == -1); /* dmax < dt */
    assert_true(snn_draw_delay_ms(1, 0, 0, 1.5, 0.75, 0.1, 0.05) < 0);
    assert_true(snn_draw_delay_steps(1, 0, 0, 1.5, -1.0, 0.1, 9.0) == -1);
    assert_true(snn_draw_delay_steps(1, 0, 0, NAN, 0.75, 0.1, 9.0) == -1);
    assert_true(snn_draw_delay_steps(1, 0, 0, 1.5, 0.75, 0.0, 9.0) == -1);
    /* a window 50 std away from the mean: refused at once instead of redrawn for ever */
    assert_true(snn_delay_window_mass(0.05, 0.001, 0.1, 0.2) < 1e-100);
    assert_true(snn_draw_delay_steps(1, 0, 0, 0.05, 0.001, 0.1, 0.2) == -1);
    /* window masses */
    assert_true(fabs(snn_delay_window_mass(1.5, 0.75, 0.1, 9.0) - (1 - Phi(-1.4 / 0.75))) < 1e-12);
    assert_true(fabs(snn_delay_window_mass(0.0, 1.0, 1.0, 2.0) - (Phi(2) - Phi(1))) < 1e-12);
    assert_true(fabs(snn_delay_window_mass(5.0, 1.0, 1.0, 2.0) - (Phi(-3) - Phi(-4))) < 1e-12);
    assert_true(snn_delay_window_mass(1.0, 0.0, 0.1, 2.0) == 1.0);
    assert_true(snn_delay_window_mass(3.0, 0.0, 0.1, 2.0) == 0.0);
}

/* ---- step currents ------------------------------------------------------------------------- */

static snn_input step_input(int n, double *times, double *amps)
{
    snn_input in = {0};
    in.kind = SNN_INPUT_STEP;
    in.line = 42;
    in.n_points = n;
    in.times = times;
    in.amplitudes = amps;
    return in;
}

static void test_step_schedule(void **state)
{
    (void)state;
    double times[4] = {1.0, 2.0, 2.5, 4.0};
    double amps[4] = {2e-3, -1e-3, 5e-4, 3e-3};
    snn_input in = step_input(4, times, amps);
    snn_step_schedule s;
    snn_error err;
    assert_int_equal(snn_step_schedule_init(&s, &in, 0.1, &err), SNN_OK);
    assert_int_equal(s.n, 4);
    /* step n covers [(n-1) dt, n dt) and uses the amplitude at its start */
    static const struct {
        uint64_t n;
        double I;
    } want[] = {{0, 0},     {1, 0},      {10, 0},       {11, 2e-3}, {12, 2e-3},
                {20, 2e-3}, {21, -1e-3}, {25, -1e-3},   {26, 5e-4}, {40, 5e-4},
                {41, 3e-3}, {42, 3e-3},  {100000, 3e-3}};
    size_t cur = 0;
    for (int i = 0; i < (int)(sizeof want / sizeof want[0]); i++) {
        assert_true(snn_step_schedule_at(&s, want[i].n) == want[i].I);
        assert_true(snn_input_step_current(&in, 0.1, want[i].n) == want[i].I);
        assert_true(snn_step_schedule_next(&s, want[i].n, &cur) == want[i].I);
    }
    /* a sweep, forwards then backwards (a restart), agrees with the binary search */
    cur = 0;
    for (uint64_t n = 0; n <= 500; n++)
        assert_true(snn_step_schedule_next(&s, n, &cur) == snn_step_schedule_at(&s, n));
    for (uint64_t n = 500; n-- > 0;)
        assert_true(snn_step_schedule_next(&s, n, &cur) == snn_step_schedule_at(&s, n));
    snn_step_schedule_free(&s);
    snn_step_schedule_free(&s); /* idempotent */

    /* off-grid times: 0.05 -> boundary 1 (half away from zero), 0.26 and 0.34 both -> 3, the
     * later wins; a negative time acts from step 1 */
    double t2[5] = {-1.0, 0.0, 0.05, 0.26, 0.34};
    double a2[5] = {7, 1, 2, 3, 4};
    in = step_input(5, t2, a2);
    assert_int_equal(snn_step_schedule_init(&s, &in, 0.1, &err), SNN_OK);
    assert_int_equal(s.n, 3);
    assert_true(snn_step_schedule_at(&s, 0) == 0);
    assert_true(snn_step_schedule_at(&s, 1) == 1);
    assert_true(snn_step_schedule_at(&s, 2) == 2);
    assert_true(snn_step_schedule_at(&s, 3) == 2);
    assert_true(snn_step_schedule_at(&s, 4) == 4);
    for (uint64_t n = 0; n < 10; n++)
        assert_true(snn_input_step_current(&in, 0.1, n) == snn_step_schedule_at(&s, n));
    snn_step_schedule_free(&s);

    /* no points: always 0 */
    in = step_input(0, NULL, NULL);
    assert_int_equal(snn_step_schedule_init(&s, &in, 0.1, &err), SNN_OK);
    cur = 0;
    assert_true(snn_step_schedule_next(&s, 5, &cur) == 0);
    assert_true(snn_input_step_current(&in, 0.1, 5) == 0);
    snn_step_schedule_free(&s);
}

static void test_step_schedule_errors(void **state)
{
    (void)state;
    snn_step_schedule s;
    snn_error err;
    double t[3] = {1.0, 1.0, 2.0}, a[3] = {1, 2, 3};
    snn_input in = step_input(3, t, a);
    assert_int_equal(snn_step_schedule_init(&s, &in, 0.1, &err), SNN_ERR_CONFIG);
    print_message("%s\n", err.msg);
    assert_null(s.pts);
    t[1] = 0.5;
    assert_int_equal(snn_step_schedule_init(&s, &in, 0.1, &err), SNN_ERR_CONFIG);
    t[1] = 1.5;
    a[2] = NAN;
    assert_int_equal(snn_step_schedule_init(&s, &in, 0.1, &err), SNN_ERR_CONFIG);
    a[2] = 3;
    assert_int_equal(snn_step_schedule_init(&s, &in, 0.0, &err), SNN_ERR_CONFIG);
    in.kind = SNN_INPUT_POISSON;
    assert_int_equal(snn_step_schedule_init(&s, &in, 0.1, &err), SNN_ERR_CONFIG);
    assert_true(snn_input_step_current(&in, 0.1, 100) == 0);
    snn_step_schedule_free(&s);
}

/* ---- DC equivalent ------------------------------------------------------------------------- */

static void test_dc_equivalent(void **state)
{
    (void)state;
    /* microcircuit L2/3E background: 8 Hz, K_ext = 1600, 87.81 pA, tau_syn 0.5 ms */
    snn_input in = {0};
    in.kind = SNN_INPUT_POISSON;
    in.rate_hz = 8.0;
    in.n_sources = 1600;
    in.weight = 8.781e-8; /* mA */
    in.synapse = SNN_SYN_EXPON;
    in.syn_tau = 0.5;
    in.output = SNN_OUTPUT_CUBA;
    double want = 8.0 * 1600 * 8.781e-8 * 0.5 * 1e-3; /* 5.61984e-7 mA = 561.984 pA */
    double got = snn_input_dc_equivalent(&in);
    print_message("dc equivalent: %.6g mA\n", got);
    assert_true(fabs(got - want) <= 1e-15 * want);
    assert_true(fabs(got - 5.61984e-7) < 1e-18);
    in.output = SNN_OUTPUT_COBA;
    assert_true(isnan(snn_input_dc_equivalent(&in)));
    in.output = SNN_OUTPUT_CUBA;
    in.synapse = SNN_SYN_ALPHA;
    assert_true(isnan(snn_input_dc_equivalent(&in)));
    in.synapse = SNN_SYN_EXPON;
    in.kind = SNN_INPUT_STEP;
    assert_true(isnan(snn_input_dc_equivalent(&in)));
}

/* The batched weight and delay draws of the build equal the scalar ones value for value: many
 * keys (scattered 64-bit values, so every SIMD lane and the scalar tail are used), weights whose
 * sign redraws are frequent (mean close to 0 against std) or absent (mean 0), negative means,
 * delay windows that reject often (narrow, off-centre), long-delay rounding, constant delays, and
 * an impossible window (-1 for all, status -1). */
static void test_batched_draws_equal_scalar(void **state)
{
    (void)state;
    enum { N = 3001 };
    uint64_t *keys = malloc(N * sizeof *keys);
    snn_real *w = malloc(N * sizeof *w);
    int *d = malloc(N * sizeof *d);
    assert_non_null(keys);
    assert_non_null(w);
    assert_non_null(d);
    for (int k = 0; k < N; k++)
        keys[k] = (uint64_t)k * UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)(k % 7);
    const double wp[][2] = {{87.81, 8.781}, {0.1, 1.0}, {-0.4, 0.5}, {0.0, 1.0}, {2.0, 0.0}};
    for (size_t c = 0; c < sizeof wp / sizeof wp[0]; c++) {
        snn_draw_weights(7, 3, keys, N, wp[c][0], wp[c][1], w);
        for (int k = 0; k < N; k++)
            assert_true(w[k] == (snn_real)snn_draw_weight(7, 3, keys[k], wp[c][0], wp[c][1]));
    }
    /* mean, std, dt, dmax */
    const double dp[][4] = {{1.5, 0.75, 0.1, 100}, {1.5, 0.75, 0.1, 1.6}, {0.3, 1.0, 0.1, 0.5},
                            {20, 8, 0.01, 40},     {1.5, 0.0, 0.1, 100},  {0.75, 0.375, 0.1, 3}};
    for (size_t c = 0; c < sizeof dp / sizeof dp[0]; c++) {
        assert_int_equal(
            snn_draw_delays_steps(9, 12, keys, N, dp[c][0], dp[c][1], dp[c][2], dp[c][3], d), 0);
        for (int k = 0; k < N; k++)
            assert_int_equal(
                d[k], snn_draw_delay_steps(9, 12, keys[k], dp[c][0], dp[c][1], dp[c][2], dp[c][3]));
    }
    /* Step counts beyond INT_MAX (dt 1 ps, INT_MAX steps 2.15 ms): -1 where the delay has more
     * steps, as one by one. */
    int beyond = 0;
    assert_int_equal(snn_draw_delays_steps(9, 12, keys, N, 2.5, 0.5, 1e-9, 4.0, d), -1);
    for (int k = 0; k < N; k++) {
        assert_int_equal(d[k], snn_draw_delay_steps(9, 12, keys[k], 2.5, 0.5, 1e-9, 4.0));
        beyond += d[k] == -1;
    }
    assert_true(beyond > 0 && beyond < N);
    /* A window far in the tail: refused for every key. */
    assert_int_equal(snn_draw_delays_steps(9, 12, keys, N, 1.0, 0.1, 0.1, 0.2, d), -1);
    for (int k = 0; k < N; k++)
        assert_int_equal(d[k], -1);
    free(keys);
    free(w);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poisson_moments),
        cmocka_unit_test(test_poisson_gof),
        cmocka_unit_test(test_poisson_edges_and_streams),
        cmocka_unit_test(test_weight_sign_and_distribution),
        cmocka_unit_test(test_weight_streams),
        cmocka_unit_test(test_batched_draws_equal_scalar),
        cmocka_unit_test(test_time_to_steps),
        cmocka_unit_test(test_delays),
        cmocka_unit_test(test_delay_errors),
        cmocka_unit_test(test_step_schedule),
        cmocka_unit_test(test_step_schedule_errors),
        cmocka_unit_test(test_dc_equivalent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
