/*
 * test_rng.c — Philox-4x32-10 known answers (Salmon et al., SC'11, via Random123's KAT vectors),
 * the stream layout, and the statistics of the derived distributions (uniform, below, normal,
 * binomial) over fixed seeds. Bounds are 5 standard errors for moments and a p-value of about
 * 3e-5 (Wilson-Hilferty, z = 4) for chi-square tests; the seeds are fixed, so every run draws the
 * same numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "snn/rng.h"

#include "../src/rng_ziggurat_table.h"

/* Upper critical value of chi-square with df degrees of freedom at standard score z. */
static double chi2_crit(double df, double z)
{
    double h = 2.0 / (9.0 * df);
    double t = 1.0 - h + z * sqrt(h);
    return df * t * t * t;
}

static double chi2_stat(const double *obs, const double *expct, int bins)
{
    double x = 0;
    for (int i = 0; i < bins; i++)
        x += (obs[i] - expct[i]) * (obs[i] - expct[i]) / expct[i];
    return x;
}

/* ---- Philox and the stream layout ---------------------------------------------------------- */

static void test_philox_kat(void **state)
{
    (void)state;
    static const uint32_t ctr[3][4] = {{0, 0, 0, 0},
                                       {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                                       {0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}};
    static const uint32_t key[3][2] = {
        {0, 0}, {0xffffffffu, 0xffffffffu}, {0xa4093822u, 0x299f31d0u}};
    static const uint32_t want[3][4] = {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u},
                                        {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu},
                                        {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}};
    for (int i = 0; i < 3; i++) {
        uint32_t out[4];
        snn_philox4x32_10(ctr[i], key[i], out);
        for (int j = 0; j < 4; j++)
            assert_int_equal(out[j], want[i][j]);
    }
}

static void test_stream_layout(void **state)
{
    (void)state;
    /* key = (seed, purpose), counter = (block, sub, id_lo, id_hi), block advances per 4 words */
    uint32_t seed = 7, purpose = SNN_RNG_V_INIT | 3, sub = 5;
    uint64_t id = UINT64_C(0x123456789);
    snn_rng r;
    snn_rng_init(&r, seed, purpose, id, sub);
    uint32_t key[2] = {seed, purpose};
    for (uint32_t block = 0; block < 3; block++) {
        uint32_t ctr[4] = {block, sub, 0x23456789u, 0x1u}, out[4];
        snn_philox4x32_10(ctr, key, out);
        for (int j = 0; j < 4; j++)
            assert_int_equal(snn_rng_u32(&r), out[j]);
    }
    /* u64 = first word high, second word low */
    snn_rng a, b;
    snn_rng_init(&a, 1, 2, 3, 4);
    snn_rng_init(&b, 1, 2, 3, 4);
    for (int i = 0; i < 10; i++) {
        uint64_t hi = snn_rng_u32(&a), lo = snn_rng_u32(&a);
        assert_true(snn_rng_u64(&b) == ((hi << 32) | lo));
    }
}

static void test_streams_differ_and_reproduce(void **state)
{
    (void)state;
    snn_rng base, r;
    snn_rng_init(&base, 11, SNN_RNG_CONNECT | 2, 1000, 9);
    uint64_t ref[8];
    for (int i = 0; i < 8; i++)
        ref[i] = snn_rng_u64(&base);
    /* the same name reproduces */
    snn_rng_init(&r, 11, SNN_RNG_CONNECT | 2, 1000, 9);
    for (int i = 0; i < 8; i++)
        assert_true(snn_rng_u64(&r) == ref[i]);
    /* changing any part of the name changes the stream */
    struct {
        uint32_t seed, purpose;
        uint64_t id;
        uint32_t sub;
    } other[] = {
        {12, SNN_RNG_CONNECT | 2, 1000, 9},
        {11, SNN_RNG_CONNECT | 3, 1000, 9},
        {11, SNN_RNG_V_INIT | 2, 1000, 9},
        {11, SNN_RNG_CONNECT | 2, 1001, 9},
        {11, SNN_RNG_CONNECT | 2, 1000 + (UINT64_C(1) << 32), 9},
        {11, SNN_RNG_CONNECT | 2, 1000, 10},
    };
    for (size_t k = 0; k < sizeof other / sizeof other[0]; k++) {
        snn_rng_init(&r, other[k].seed, other[k].purpose, other[k].id, other[k].sub);
        int same = 0;
        for (int i = 0; i < 8; i++)
            same += snn_rng_u64(&r) == ref[i];
        assert_int_equal(same, 0);
    }
    /* the derived draws reproduce too */
    snn_rng x, y;
    snn_rng_init(&x, 5, 6, 7, 8);
    snn_rng_init(&y, 5, 6, 7, 8);
    for (int i = 0; i < 1000; i++) {
        assert_true(snn_rng_binomial(&x, 1000, 0.3) == snn_rng_binomial(&y, 1000, 0.3));
        assert_true(snn_rng_normal(&x) == snn_rng_normal(&y));
        assert_true(snn_rng_below(&x, 77) == snn_rng_below(&y, 77));
    }
}

/* ---- uniform ------------------------------------------------------------------------------- */

static void test_uniform(void **state)
{
    (void)state;
    const int N = 1000000, B = 100;
    snn_rng r, c;
    snn_rng_init(&r, 1, 100, 0, 0);
    snn_rng_init(&c, 1, 100, 0, 0);
    double s = 0, s2 = 0, obs[100] = {0}, ex[100];
    for (int i = 0; i < N; i++) {
        double u = snn_rng_uniform(&r);
        assert_true(u >= 0.0 && u < 1.0);
        /* 53 bits: the top 53 bits of a 64-bit word */
        assert_true(u == (double)(snn_rng_u64(&c) >> 11) * 0x1.0p-53);
        s += u;
        s2 += (u - 0.5) * (u - 0.5);
        obs[(int)(u * B)] += 1;
    }
    double mean = s / N, var = s2 / N;
    assert_true(fabs(mean - 0.5) < 5 * sqrt(1.0 / 12 / N));
    assert_true(fabs(var - 1.0 / 12) < 5 * sqrt((1.0 / 80 - 1.0 / 144) / N));
    for (int i = 0; i < B; i++)
        ex[i] = (double)N / B;
    assert_true(chi2_stat(obs, ex, B) < chi2_crit(B - 1, 4.0));
}

/* ---- below --------------------------------------------------------------------------------- */

/* Chi-square of snn_rng_below(n) in bins (x >> shift) * 3 + x % 3 (bins of the top part catch
 * modulo bias, residues mod 3 catch a missing rejection in multiply-shift) or x itself. */
static void check_below(uint64_t n, int shift, int by_value, uint32_t seed)
{
    const int N = 600000;
    enum { MAXB = 1024 };
    static double obs[MAXB], ex[MAXB];
    int bins = by_value ? (int)n : (int)((n - 1) >> shift) * 3 + 3;
    assert_true(bins <= MAXB);
    for (int i = 0; i < bins; i++)
        obs[i] = 0;
    snn_rng r;
    snn_rng_init(&r, seed, 200, n, 0);
    for (int i = 0; i < N; i++) {
        uint64_t x = snn_rng_below(&r, n);
        assert_true(x < n);
        obs[by_value ? (int)x : (int)(x >> shift) * 3 + (int)(x % 3)] += 1;
    }
    if (by_value) {
        for (int i = 0; i < bins; i++)
            ex[i] = (double)N / (double)n;
    } else {
        /* exact probabilities of each (top, residue) class */
        for (int i = 0; i < bins; i++) {
            uint64_t top = (uint64_t)i / 3, res = (uint64_t)i % 3;
            uint64_t lo = top << shift, hi = (top + 1) << shift;
            if (hi > n || hi == 0)
                hi = n;
            /* count x in [lo, hi) with x % 3 == res */
            uint64_t first = lo + (res + 3 - lo % 3) % 3;
            long double cnt = first >= hi ? 0 : (long double)((hi - 1 - first) / 3 + 1);
            ex[i] = (double)(cnt / (long double)n * N);
        }
    }
    /* drop classes that cannot occur (and must not) */
    int used = 0;
    for (int i = 0; i < bins; i++) {
        if (ex[i] == 0) {
            assert_true(obs[i] == 0);
            continue;
        }
        obs[used] = obs[i], ex[used] = ex[i], used++;
    }
    bins = used;
    double x = chi2_stat(obs, ex, bins);
    print_message("below(%llu): chi2 %.1f df %d crit %.1f\n", (unsigned long long)n, x, bins - 1,
                  chi2_crit(bins - 1, 4.0));
    assert_true(x < chi2_crit(bins - 1, 4.0));
}

static void test_below(void **state)
{
    (void)state;
    snn_rng r;
    snn_rng_init(&r, 3, 200, 0, 0);
    for (int i = 0; i < 1000; i++)
        assert_true(snn_rng_below(&r, 1) == 0);
    check_below(2, 0, 1, 1);
    check_below(10, 0, 1, 2);
    check_below(1000, 0, 1, 3);
    check_below(3u << 30, 30, 0, 4);          /* 32-bit path */
    check_below(UINT32_MAX, 30, 0, 5);        /* its largest n */
    check_below(UINT64_C(1) << 32, 30, 0, 6); /* 64-bit path */
    check_below(UINT64_C(3) << 62, 62, 0, 7); /* 64-bit, biased if done modulo */
    check_below(UINT64_C(0xC000000000000001), 62, 0, 8);
}

/* snn_rng_fill gives the same words as snn_rng_u32 one at a time and leaves the stream where
 * they would: every starting offset within a block, lengths around the 8-block SIMD width, and a
 * block counter about to wrap at 2^32. */
static void test_fill_equals_sequential(void **state)
{
    (void)state;
    enum { MAX = 300 };
    uint32_t got[MAX];
    const size_t lens[] = {0, 1, 3, 4, 5, 31, 32, 33, 36, 64, 100, 257, MAX};
    for (int skip = 0; skip < 6; skip++)
        for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++)
            for (int wrap = 0; wrap < 2; wrap++) {
                snn_rng a, b;
                snn_rng_init(&a, 17, 200 + (uint32_t)skip, UINT64_C(0x123456789), 3);
                if (wrap)
                    a.ctr[0] = 0xFFFFFFFFu - 9; /* 10 blocks before the counter wraps */
                for (int k = 0; k < skip; k++)
                    (void)snn_rng_u32(&a);
                b = a;
                snn_rng_fill(&a, got, lens[li]);
                for (size_t k = 0; k < lens[li]; k++)
                    assert_int_equal(got[k], snn_rng_u32(&b));
                for (int k = 0; k < 9; k++) /* the streams continue alike */
                    assert_int_equal(snn_rng_u32(&a), snn_rng_u32(&b));
            }
}

/* ---- normal -------------------------------------------------------------------------------- */

static void test_normal(void **state)
{
    (void)state;
    const int N = 1000000;
    snn_rng r;
    snn_rng_init(&r, 4, 300, 0, 0);
    double s1 = 0, s2 = 0, s3 = 0, s4 = 0, tail = 0;
    for (int i = 0; i < N; i++) {
        double x = snn_rng_normal(&r);
        assert_true(isfinite(x));
        s1 += x;
        s2 += x * x;
        s3 += x * x * x;
        s4 += x * x * x * x;
        tail += fabs(x) > 1.959963984540054;
    }
    s1 /= N, s2 /= N, s3 /= N, s4 /= N, tail /= N;
    print_message("normal: mean %.5f var %.5f m3 %.5f m4 %.5f P(|x|>1.96) %.5f\n", s1, s2, s3, s4,
                  tail);
    assert_true(fabs(s1) < 5 * sqrt(1.0 / N));
    assert_true(fabs(s2 - 1) < 5 * sqrt(2.0 / N));
    assert_true(fabs(s3) < 5 * sqrt(15.0 / N));
    assert_true(fabs(s4 - 3) < 5 * sqrt(96.0 / N));
    assert_true(fabs(tail - 0.05) < 5 * sqrt(0.05 * 0.95 / N));
}

/* The ziggurat table (generated by tools/gen_ziggurat_table.py), checked with libm: every layer
 * has area V, heights are exp(-X^2/2), widths decrease from R to 0, and V is the base strip plus
 * the normal's tail beyond R. */
static void test_ziggurat_table(void **state)
{
    (void)state;
    const double R = SNN_ZIG_R, V = SNN_ZIG_V;
    double tail = sqrt(2 * atan(1.0)) * erfc(R / sqrt(2.0));
    assert_true(fabs(R * exp(-0.5 * R * R) + tail - V) < 1e-15);
    assert_true(fabs(snn_zig_x[0] * exp(-0.5 * R * R) - V) < 1e-15);
    assert_true(snn_zig_x[1] == R && snn_zig_x[SNN_ZIG_LAYERS] == 0 &&
                snn_zig_f[SNN_ZIG_LAYERS] == 1);
    for (int i = 1; i < SNN_ZIG_LAYERS; i++) {
        assert_true(snn_zig_x[i + 1] < snn_zig_x[i]);
        assert_true(fabs(snn_zig_f[i] - exp(-0.5 * snn_zig_x[i] * snn_zig_x[i])) < 1e-15);
        double area = snn_zig_x[i] * (snn_zig_f[i + 1] - snn_zig_f[i]);
        assert_true(fabs(area - V) < 1e-12 * V);
    }
}

/* The sampler's distribution against the normal CDF (erfc, independent of the sampler): 4e6
 * draws in 64 equiprobable bins (chi-square, 63 degrees of freedom, 5-sigma bound ~ 63 + 5 *
 * sqrt(126)), and the tails beyond the ziggurat's R = 3.654 (drawn by the tail algorithm) and
 * beyond 5 at their exact probabilities within 5 standard errors. */
/* The batched ziggurat core equals the one-word function bit for bit: every layer with both
 * signs, the extreme uniforms (all-zero and all-one 53 bits, odd and even), and random words. */
static void test_normals_from_words(void **state)
{
    (void)state;
    enum { N = 4099 };
    static uint64_t b[N];
    static double z[N];
    static unsigned char ok[N];
    size_t n = 0;
    for (uint64_t layer = 0; layer < 256; layer++)
        for (uint64_t sign = 0; sign < 2; sign++) {
            const uint64_t low = layer | sign << 8;
            b[n++] = low;                                     /* uniform 0 */
            b[n++] = low | ~UINT64_C(0) << 11;                /* uniform 1 - 2^-53 */
            b[n++] = low | UINT64_C(1) << 11;                 /* odd: the lowest uniform bit */
            b[n++] = low | (UINT64_C(0x5555555555555) << 11); /* even */
        }
    uint64_t s = 12345;
    while (n < N) {
        s = s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        b[n++] = s ^ (s >> 29);
    }
    snn_normals_from_words(b, N, z, ok);
    size_t n_ok = 0;
    for (size_t i = 0; i < N; i++) {
        double want;
        int want_ok = snn_normal_from_word(b[i], &want);
        assert_int_equal(ok[i], want_ok);
        if (want_ok)
            assert_memory_equal(&z[i], &want, sizeof want);
        n_ok += ok[i];
    }
    assert_true(n_ok > N / 2 && n_ok < N); /* both outcomes occur */
}

static void test_normal_distribution(void **state)
{
    (void)state;
    enum { NB = 64 };
    const int N = 4000000;
    double edge[NB - 1];
    for (int b = 1; b < NB; b++) { /* Phi(edge) = b / NB, by bisection on erfc */
        double lo = -10, hi = 10, p = (double)b / NB;
        for (int it = 0; it < 200; it++) {
            double mid = 0.5 * (lo + hi);
            if (0.5 * erfc(-mid / sqrt(2.0)) < p)
                lo = mid;
            else
                hi = mid;
        }
        edge[b - 1] = 0.5 * (lo + hi);
    }
    static long count[NB];
    memset(count, 0, sizeof count);
    long beyond_r = 0, beyond_5 = 0;
    snn_rng r;
    snn_rng_init(&r, 11, 301, 7, 0);
    for (int i = 0; i < N; i++) {
        double x = snn_rng_normal(&r);
        int lo = 0, hi = NB - 1; /* bin: the number of edges below x */
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (x < edge[mid])
                hi = mid;
            else
                lo = mid + 1;
        }
        count[lo]++;
        beyond_r += fabs(x) > SNN_ZIG_R;
        beyond_5 += fabs(x) > 5;
    }
    double e = (double)N / NB, chi2 = 0;
    for (int b = 0; b < NB; b++)
        chi2 += ((double)count[b] - e) * ((double)count[b] - e) / e;
    double pr = erfc(SNN_ZIG_R / sqrt(2.0)), p5 = erfc(5 / sqrt(2.0));
    print_message("normal: chi2 %.1f (63 dof); beyond R %ld (expected %.1f), beyond 5 %ld "
                  "(expected %.2f)\n",
                  chi2, beyond_r, N * pr, beyond_5, N * p5);
    assert_true(chi2 < 63 + 5 * sqrt(126.0));
    assert_true(fabs((double)beyond_r - N * pr) < 5 * sqrt(N * pr));
    assert_true(fabs((double)beyond_5 - N * p5) < 5 * sqrt(N * p5) + 1);
}

/* ---- binomial ------------------------------------------------------------------------------ */

static void check_binomial_moments(uint64_t n, double p, uint32_t seed)
{
    const int N = 400000;
    snn_rng r;
    snn_rng_init(&r, seed, 400, n, 1);
    double mu = (double)n * p, q = 1 - p, var = mu * q;
    double s1 = 0, s2 = 0;
    for (int i = 0; i < N; i++) {
        uint64_t k = snn_rng_binomial(&r, n, p);
        assert_true(k <= n);
        double d = (double)k - mu;
        s1 += d;
        s2 += d * d;
    }
    double m = s1 / N, v = s2 / N; /* centred on the true mean */
    double se_m = sqrt(var / N);
    double se_v = sqrt((2 * var * var + var * (1 - 6 * p * q)) / N);
    print_message("binomial(%llu, %g): mean %+.3g se, var %+.3g se\n", (unsigned long long)n, p,
                  m / se_m, (v - var) / se_v);
    assert_true(fabs(m) < 5 * se_m);
    assert_true(fabs(v - var) < 5 * se_v);
}

static void test_binomial_moments(void **state)
{
    (void)state;
    check_binomial_moments(10, 0.3, 1);
    check_binomial_moments(1000, 0.5, 2);
    check_binomial_moments(1000, 0.999, 3);
    check_binomial_moments(1000000, 0.01, 4);
    check_binomial_moments(50, 1e-3, 5);
    check_binomial_moments(UINT64_C(1) << 40, 1e-9, 6);
    check_binomial_moments(UINT64_C(1) << 40, 0.5, 7);
    check_binomial_moments(UINT64_C(1) << 40, 1e-12, 8);
    check_binomial_moments(100, 0.5, 9);
    check_binomial_moments(77, 0.4805, 10);
}

static void test_binomial_edges(void **state)
{
    (void)state;
    snn_rng r;
    snn_rng_init(&r, 9, 400, 0, 0);
    for (int i = 0; i < 100; i++) {
        assert_true(snn_rng_binomial(&r, 0, 0.3) == 0);
        assert_true(snn_rng_binomial(&r, 1000, 0.0) == 0);
        assert_true(snn_rng_binomial(&r, 1000, 1.0) == 1000);
        assert_true(snn_rng_binomial(&r, UINT64_C(1) << 40, 1.0) == UINT64_C(1) << 40);
        assert_true(snn_rng_binomial(&r, 1, 0.5) <= 1);
    }
}

/* Chi-square of Binomial(n, p) draws against the exact pmf (built by the ratio recursion from
 * the mode, so it is accurate for any n), bins pooled so that each expects >= 5. */
static void check_binomial_gof(uint64_t n, double p, uint32_t seed)
{
    const int N = 1000000;
    enum { W = 4000 };
    static double pmf[2 * W + 1], obs[2 * W + 1], eb[2 * W + 1], ob[2 * W + 1];
    double q = 1 - p;
    double mode = floor(((double)n + 1) * p);
    if (mode > (double)n)
        mode = (double)n;
    /* pmf relative to the mode over k in [mode - W, mode + W] ∩ [0, n] */
    int64_t m = (int64_t)mode, lo = m - W < 0 ? 0 : m - W;
    int64_t hi = m + W > (int64_t)n ? (int64_t)n : m + W;
    pmf[m - lo] = 1;
    for (int64_t k = m; k < hi; k++)
        pmf[k + 1 - lo] = pmf[k - lo] * ((double)((int64_t)n - k) / (double)(k + 1)) * (p / q);
    for (int64_t k = m; k > lo; k--)
        pmf[k - 1 - lo] = pmf[k - lo] * ((double)k / (double)((int64_t)n - k + 1)) * (q / p);
    double tot = 0;
    for (int64_t k = lo; k <= hi; k++)
        tot += pmf[k - lo];
    for (int64_t k = lo; k <= hi; k++) {
        pmf[k - lo] /= tot;
        obs[k - lo] = 0;
    }
    snn_rng r;
    snn_rng_init(&r, seed, 500, n, 0);
    for (int i = 0; i < N; i++) {
        uint64_t k = snn_rng_binomial(&r, n, p);
        assert_true(k <= n);
        int64_t kk = (int64_t)k;
        if (kk < lo)
            kk = lo;
        if (kk > hi)
            kk = hi;
        obs[kk - lo] += 1;
    }
    /* pool consecutive values until each bin expects >= 5; the last bin takes the remainder */
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
    if (bins == 0) {
        eb[0] = e, ob[0] = o, bins = 1;
    } else {
        eb[bins - 1] += e, ob[bins - 1] += o;
    }
    double x = chi2_stat(ob, eb, bins);
    print_message("binomial(%llu, %g) gof: chi2 %.1f df %d crit %.1f\n", (unsigned long long)n, p,
                  x, bins - 1, chi2_crit(bins - 1, 4.0));
    assert_true(bins >= 2);
    assert_true(x < chi2_crit(bins - 1, 4.0));
}

static void test_binomial_gof(void **state)
{
    (void)state;
    check_binomial_gof(20, 0.3, 1);     /* inversion */
    check_binomial_gof(200, 0.4, 2);    /* BTRS */
    check_binomial_gof(25, 0.4, 3);     /* BTRS at its lower limit n p = 10 */
    check_binomial_gof(40, 0.24, 4);    /* inversion near that limit */
    check_binomial_gof(1000, 0.999, 5); /* symmetry, then inversion */
    check_binomial_gof(1000, 0.7, 6);   /* symmetry, then BTRS */
    check_binomial_gof(1000000, 0.01, 7);
    check_binomial_gof(UINT64_C(1) << 40, 1e-9, 8); /* BTRS with huge n */
    check_binomial_gof(100, 0.5, 9);                /* fair-coin bit count */
    check_binomial_gof(128, 0.5, 10);
    check_binomial_gof(300, 0.5, 11);      /* BTRS at p = 1/2 */
    check_binomial_gof(77, 38.0 / 77, 12); /* a tree split of an odd range */
    check_binomial_gof(1, 0.3, 13);        /* tiny n: the search must reach x = n */
    check_binomial_gof(2, 0.45, 14);
    check_binomial_gof(5, 0.37, 15);
    check_binomial_gof(3, 0.5, 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_philox_kat),
        cmocka_unit_test(test_stream_layout),
        cmocka_unit_test(test_streams_differ_and_reproduce),
        cmocka_unit_test(test_uniform),
        cmocka_unit_test(test_below),
        cmocka_unit_test(test_fill_equals_sequential),
        cmocka_unit_test(test_normal),
        cmocka_unit_test(test_ziggurat_table),
        cmocka_unit_test(test_normals_from_words),
        cmocka_unit_test(test_normal_distribution),
        cmocka_unit_test(test_binomial_moments),
        cmocka_unit_test(test_binomial_edges),
        cmocka_unit_test(test_binomial_gof),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
