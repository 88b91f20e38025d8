/*
 * draw.c — per-synapse weights and delays and per-step Poisson counts, each from its own
 * counter-based stream so that no value depends on the partition (see draw.h for the contract).
 *
 * Weights and delays are normals truncated by redrawing from the same stream (NEST's `redraw`),
 * which is exact rejection sampling of the truncated normal. A delay window that holds little of
 * the normal's mass would make that loop run for ever, so it is checked first with erfc and
 * refused below SNN_DRAW_MIN_MASS; the check is a pure function of the parameters, the same on
 * every rank.
 */
#include "snn/draw.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>

#include "vector_clones.h"

#define SQRT1_2 0.70710678118654752440084436210485

int64_t snn_time_to_steps(double t, double dt)
{
    double x = t / dt;
    double ax = fabs(x);
    double r = floor(ax + 0.5 + 1e-12 * ax);
    if (!(r < 0x1.0p63)) /* also NaN */
        r = 0x1.0p63 - 1024.0;
    int64_t n = (int64_t)r;
    return x < 0 ? -n : n;
}

/* A weight drawn around mean is kept when it has mean's strict sign (any sign for mean 0). */
static int weight_kept(double w, double mean)
{
    return mean > 0.0 ? w > 0.0 : mean < 0.0 ? w < 0.0 : 1;
}

double snn_draw_weight(uint32_t seed, uint32_t proj, uint64_t key, double mean, double std)
{
    if (std == 0.0)
        return mean;
    snn_rng r;
    snn_rng_init(&r, seed, SNN_RNG_WEIGHT | proj, key, 0);
    for (;;) {
        double w = mean + std * snn_rng_normal(&r);
        if (weight_kept(w, mean))
            return w;
    }
}

/* Upper tail of the standard normal, P(Z > x). */
static double normal_q(double x)
{
    return 0.5 * erfc(x * SQRT1_2);
}

double snn_delay_window_mass(double mean, double std, double dt, double dmax)
{
    if (std == 0.0)
        return mean >= dt && mean <= dmax ? 1.0 : 0.0;
    if (!(dmax >= dt))
        return 0.0;
    double a = (dt - mean) / std, b = (dmax - mean) / std;
    if (a >= 0.0)
        return normal_q(a) - normal_q(b);
    if (b <= 0.0)
        return normal_q(-b) - normal_q(-a);
    return 1.0 - normal_q(-a) - normal_q(b);
}

/* snn_draw_delay_ms's checks: finite parameters, std >= 0, a non-empty window [dt, dmax] and,
 * for std > 0, at least SNN_DRAW_MIN_MASS of the normal inside it. */
static int delay_window_ok(double mean, double std, double dt, double dmax)
{
    if (!isfinite(mean) || !isfinite(std) || !isfinite(dt) || !isfinite(dmax) || std < 0.0 ||
        !(dt > 0.0) || dmax < dt)
        return 0;
    if (std == 0.0)
        return 1;
    /* A window reaching one std past the mean on one side and to the mean on the other holds
     * at least 34 % of the mass (no erfc per synapse); otherwise measure it. */
    int wide = (dt <= mean - std && dmax >= mean) || (dt <= mean && dmax >= mean + std);
    return wide || snn_delay_window_mass(mean, std, dt, dmax) >= SNN_DRAW_MIN_MASS;
}

double snn_draw_delay_ms(uint32_t seed, uint32_t proj, uint64_t key, double mean, double std,
                         double dt, double dmax)
{
    if (!delay_window_ok(mean, std, dt, dmax))
        return -1.0;
    if (std == 0.0)
        return mean;
    snn_rng r;
    snn_rng_init(&r, seed, SNN_RNG_DELAY | proj, key, 0);
    for (;;) {
        double d = mean + std * snn_rng_normal(&r);
        if (d >= dt && d <= dmax)
            return d;
    }
}

/* A delay of d ms in steps: at least 1, or -1 when the count does not fit an int. */
static int delay_steps(double d, double dt)
{
    int64_t n = snn_time_to_steps(d, dt);
    if (n > INT_MAX)
        return -1;
    return n < 1 ? 1 : (int)n;
}

int snn_draw_delay_steps(uint32_t seed, uint32_t proj, uint64_t key, double mean, double std,
                         double dt, double dmax)
{
    if (std == 0.0)
        return isfinite(mean) && dt > 0.0 ? delay_steps(mean, dt) : -1;
    double d = snn_draw_delay_ms(seed, proj, key, mean, std, dt, dmax);
    return d < 0.0 ? -1 : delay_steps(d, dt);
}

enum { DRAW_BATCH = 256 };

/* w[k] = mean + std z[k] where z[k] is a normal (ok[k]) and that weight is kept; redo[k] = 1
 * elsewhere (the weight then comes from its stream). Returns whether any redo[k] is 1. */
SNN_VECTOR_CLONES static int weights_from_normals(double mean, double std, const double *restrict z,
                                                  const unsigned char *restrict ok, size_t n,
                                                  snn_real *restrict w,
                                                  unsigned char *restrict redo)
{
    int any = 0;
    for (size_t k = 0; k < n; k++) {
        const double x = mean + std * z[k];
        const int kept = mean > 0.0 ? x > 0.0 : mean < 0.0 ? x < 0.0 : 1;
        w[k] = (snn_real)x;
        redo[k] = (unsigned char)!((ok[k] != 0) & kept);
        any |= redo[k];
    }
    return any;
}

void snn_draw_weights(uint32_t seed, uint32_t proj, const uint64_t *keys, size_t n, double mean,
                      double std, snn_real *w)
{
    if (std == 0.0) {
        for (size_t k = 0; k < n; k++)
            w[k] = (snn_real)mean;
        return;
    }
    uint64_t word[DRAW_BATCH];
    double z[DRAW_BATCH];
    unsigned char ok[DRAW_BATCH], redo[DRAW_BATCH];
    for (size_t b = 0; b < n; b += DRAW_BATCH) {
        size_t len = n - b < DRAW_BATCH ? n - b : DRAW_BATCH;
        snn_rng_first_words(seed, SNN_RNG_WEIGHT | proj, keys + b, 0, len, word);
        snn_normals_from_words(word, len, z, ok);
        if (!weights_from_normals(mean, std, z, ok, len, w + b, redo))
            continue;
        for (size_t k = 0; k < len; k++)
            if (redo[k])
                w[b + k] = (snn_real)snn_draw_weight(seed, proj, keys[b + k], mean, std);
    }
}

/* d[k] = delay_steps(mean + std z[k], dt) where z[k] is a normal (ok[k]) that puts the delay in
 * [dt, dmax] with a step count that fits an int; redo[k] = 1 elsewhere (the delay then comes from
 * its stream). The arithmetic is snn_time_to_steps's for a positive time. Returns whether any
 * redo[k] is 1. */
SNN_VECTOR_CLONES static int delays_from_normals(double mean, double std, double dt, double dmax,
                                                 const double *restrict z,
                                                 const unsigned char *restrict ok, size_t n,
                                                 int *restrict d, unsigned char *restrict redo)
{
    int any = 0;
    for (size_t k = 0; k < n; k++) {
        const double x = mean + std * z[k];
        const double q = x / dt; /* >= 1 where x >= dt */
        const double y = q + 0.5 + 1e-12 * q;
        /* floor(y) <= INT_MAX; then floor is the truncation to int (y > 0), which vectorises
         * (GCC keeps floor itself scalar unless traps are off) */
        const int fits = y < 2147483648.0;
        const int good = (ok[k] != 0) & (x >= dt) & (x <= dmax) & fits;
        const int steps = (int)(good ? y : 1.0);
        d[k] = steps < 1 ? 1 : steps;
        redo[k] = (unsigned char)!good;
        any |= redo[k];
    }
    return any;
}

int snn_draw_delays_steps(uint32_t seed, uint32_t proj, const uint64_t *keys, size_t n, double mean,
                          double std, double dt, double dmax, int *d)
{
    if (std == 0.0 || !delay_window_ok(mean, std, dt, dmax)) { /* no normal draws to batch */
        int status = 0;
        for (size_t k = 0; k < n; k++) {
            d[k] = snn_draw_delay_steps(seed, proj, keys[k], mean, std, dt, dmax);
            status |= d[k] < 0 ? -1 : 0;
        }
        return status;
    }
    uint64_t word[DRAW_BATCH];
    double z[DRAW_BATCH];
    unsigned char ok[DRAW_BATCH], redo[DRAW_BATCH];
    int status = 0;
    for (size_t b = 0; b < n; b += DRAW_BATCH) {
        size_t len = n - b < DRAW_BATCH ? n - b : DRAW_BATCH;
        snn_rng_first_words(seed, SNN_RNG_DELAY | proj, keys + b, 0, len, word);
        snn_normals_from_words(word, len, z, ok);
        if (!delays_from_normals(mean, std, dt, dmax, z, ok, len, d + b, redo))
            continue;
        for (size_t k = 0; k < len; k++)
            if (redo[k]) {
                d[b + k] = snn_draw_delay_steps(seed, proj, keys[b + k], mean, std, dt, dmax);
                status |= d[b + k] < 0 ? -1 : 0;
            }
    }
    return status;
}

uint64_t snn_draw_poisson_count_prepared(uint32_t seed, uint32_t input_index, uint64_t gid,
                                         uint64_t step, const snn_poisson_dist *d)
{
    if (d->method == 0) /* lambda <= 0, NaN or +inf: no stream needed */
        return d->lambda > 0.0 ? UINT64_MAX : 0;
    snn_rng r;
    snn_rng_init(&r, seed, SNN_RNG_POISSON | input_index, gid, (uint32_t)step);
    return snn_rng_poisson_prepared(&r, d);
}

void snn_draw_poisson_counts(uint32_t seed, uint32_t input_index, uint64_t gid0, uint64_t step,
                             const snn_poisson_dist *d, size_t n, uint64_t *restrict count)
{
    if (d->method != 1) {
        for (size_t i = 0; i < n; i++)
            count[i] = snn_draw_poisson_count_prepared(seed, input_index, gid0 + i, step, d);
        return;
    }
    /* Inversion: the streams' first uniforms several at a time, then the table lookup; the
     * rare failed first try (x beyond the bound) goes through the stream as before. */
    enum { CHUNK = 256 };
    uint64_t m[CHUNK];
    for (size_t b = 0; b < n; b += CHUNK) {
        size_t len = n - b < CHUNK ? n - b : CHUNK;
        snn_rng_first_bits(seed, SNN_RNG_POISSON | input_index, gid0 + b, (uint32_t)step, len, m);
        if (!snn_poisson_from_bits_n(d, m, len, count + b))
            continue;
        for (size_t i = 0; i < len; i++)
            if (count[b + i] == UINT64_MAX)
                count[b + i] =
                    snn_draw_poisson_count_prepared(seed, input_index, gid0 + b + i, step, d);
    }
}

uint64_t snn_draw_poisson_count(uint32_t seed, uint32_t input_index, uint64_t gid, uint64_t step,
                                double lambda)
{
    if (!(lambda > 0.0) || isinf(lambda)) /* as method 0: no stream needed */
        return lambda > 0.0 ? UINT64_MAX : 0;
    snn_rng r;
    snn_rng_init(&r, seed, SNN_RNG_POISSON | input_index, gid, (uint32_t)step);
    return snn_rng_poisson(&r, lambda);
}
