/*
 * rng_hypergeometric.c — hypergeometric deviates from snn_rng streams (include/snn/rng.h).
 *
 * Used by connect_rules.c to split draws made WITHOUT replacement down the fixed binary tree of
 * post-index ranges (DESIGN.md section 3, "Local generation of every rule"): a node holding c
 * distinct draws out of m allowed items sends Hypergeometric(c; m_left good, m - m_left bad) of
 * them to its left child, the conditional law of sampling without replacement.
 *
 * The law is reduced by symmetry to the smaller class M = min(good, bad) and the smaller sample
 * n = min(sample, total - sample). When either is below 16 the deviate is drawn sequentially:
 * the law is symmetric in (M, n), so min(M, n) items are drawn one by one among `total`, item i
 * being marked with probability exactly marked_left / (total - i) (an snn_rng_below comparison,
 * no rounding at all). Otherwise it is Stadlober's ratio-of-uniforms HRUA ("The ratio of uniforms
 * approach for generating discrete random variates", J. Comput. Appl. Math. 31, 1990), laid out
 * as in NumPy's random_hypergeometric (its table-mountain hat, mode and 16-sigma truncation),
 * except that log f(k)/f(mode) is computed as four differences of log factorials written with
 * log1p (the Stirling forms subtracted term by term), so it stays accurate for populations up to
 * 2^53 where a difference of four lgamma values of size 1e10 would lose five digits.
 *
 * Kept in its own file (not rng.c) so that it can be read, and changed, alone.
 */
#include "snn/rng.h"

#include "rng_internal.h"

#include <math.h>
#include <stdint.h>

/* log(a!) - log(b!) for whole a, b >= 0, accurate when a and b are large and close. With
 * S(k) = (k + 1/2) log(k + 1) - (k + 1) + tail(k) = log k! - log sqrt(2 pi):
 * S(a) - S(b) = (a + 1/2) log1p((a - b)/(b + 1)) + (a - b)(log(b + 1) - 1) + tail(a) - tail(b). */
static double lfact_diff(double a, double b)
{
    if (a == b)
        return 0.0;
    double d = a - b;
    return (a + 0.5) * log1p(d / (b + 1.0)) + d * (log(b + 1.0) - 1.0) + snn_stirling_tail(a) -
           snn_stirling_tail(b);
}

/* HRUA: the number of marked items among n drawn from N, M of them marked, M <= N/2, n <= N/2. */
static uint64_t hypergeometric_hrua(snn_rng *r, uint64_t M, uint64_t N, uint64_t n)
{
    const double D1 = 1.7155277699214135; /* 2 sqrt(2/e) */
    const double D2 = 0.8989161620588988; /* 3 - 2 sqrt(3/e) */
    double Nd = (double)N, Md = (double)M, nd = (double)n, Qd = Nd - Md;
    double p = Md / Nd, q = Qd / Nd;
    double a = nd * p + 0.5;
    double var = (Nd - nd) * nd * p * q / (Nd - 1.0);
    double c = sqrt(var + 0.5);
    double h = D1 * c + D2;
    double kmax = Md < nd ? Md : nd;
    /* The mode floor((n+1)(M+1)/(N+2)), then checked against the pmf ratios
     * f(k+1)/f(k) = (M-k)(n-k) / ((k+1)(Q-n+k+1)) in case the products were rounded. */
    double mode = floor((nd + 1.0) * (Md + 1.0) / (Nd + 2.0));
    if (mode > kmax)
        mode = kmax;
    while (mode < kmax && (Md - mode) * (nd - mode) > (mode + 1.0) * (Qd - nd + mode + 1.0))
        mode += 1.0;
    while (mode > 0 && (Md - mode + 1.0) * (nd - mode + 1.0) < mode * (Qd - nd + mode))
        mode -= 1.0;
    double b = floor(a + 16.0 * c); /* 16 standard deviations: the tail beyond is negligible */
    if (b > kmax + 1.0)
        b = kmax + 1.0;
    for (;;) {
        double u = snn_rng_uniform(r);
        double v = snn_rng_uniform(r);
        if (u == 0.0)
            continue;
        double x = a + h * (v - 0.5) / u;
        if (x < 0.0 || x >= b)
            continue;
        double k = floor(x);
        /* log f(k) - log f(mode) */
        double t = lfact_diff(mode, k) + lfact_diff(Md - mode, Md - k) +
                   lfact_diff(nd - mode, nd - k) + lfact_diff(Qd - nd + mode, Qd - nd + k);
        if (u * (4.0 - u) - 3.0 <= t) /* squeeze: accept */
            return (uint64_t)k;
        if (u * (u - t) >= 1.0) /* squeeze: reject */
            continue;
        if (2.0 * log(u) <= t)
            return (uint64_t)k;
    }
}

uint64_t snn_rng_hypergeometric(snn_rng *r, uint64_t good, uint64_t bad, uint64_t sample)
{
    uint64_t total = good + bad;
    if (sample == 0 || good == 0)
        return 0;
    if (bad == 0)
        return sample;
    if (sample >= total)
        return good;
    /* k marked among n = min(sample, total - sample) draws, M = min(good, bad) marked */
    int flip_sample = sample > total - sample;
    int flip_good = good > bad;
    uint64_t n = flip_sample ? total - sample : sample;
    uint64_t M = flip_good ? bad : good;
    uint64_t k;
    if (n < 16 || M < 16) {
        uint64_t draws = n < M ? n : M, left = n < M ? M : n;
        k = 0;
        for (uint64_t i = 0; i < draws && left > 0; i++)
            if (snn_rng_below(r, total - i) < left) {
                left--;
                k++;
            }
    } else {
        k = hypergeometric_hrua(r, M, total, n);
    }
    if (flip_good)
        k = n - k;
    if (flip_sample)
        k = good - k;
    return k;
}
