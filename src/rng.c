/*
 * rng.c — counter-based random numbers for every stochastic choice of the simulator.
 *
 * The generator is Philox-4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as
 * easy as 1, 2, 3", SC'11), written from the published algorithm: ten rounds of two 32x32->64
 * multiplications (0xD2511F53, 0xCD9E8D57) mixed into a 4-word counter under a 2-word key that
 * is bumped by the Weyl constants 0x9E3779B9 and 0xBB67AE85 between rounds. A stream named
 * (seed, purpose, id, sub) has key (seed, purpose) and counter (block, sub, id_lo, id_hi); block
 * counts 4-word output blocks, so every stream is a pure function of its name and of how many
 * words were drawn from it, never of the rank or thread drawing it.
 *
 * Derived distributions:
 * - uniform: the top 53 bits of a 64-bit word, times 2^-53, in [0, 1);
 * - below(n): Lemire's multiply-and-reject ("Fast random integer generation in an interval",
 *   ACM TOMACS 2019), on one 32-bit word when n <= 2^32 - 1 and on a 64-bit word otherwise;
 * - normal: Marsaglia and Tsang's ziggurat ("The ziggurat method for generating random
 *   variables", J. Stat. Softw. 5(8), 2000) with 256 layers from rng_ziggurat_table.h (exact
 *   hexadecimal literals, the same on every machine): one 64-bit word gives the layer (bits 0-7),
 *   the sign (bit 8) and a 53-bit uniform (bits 11-63); ~98.8 % of draws are accepted with one
 *   multiplication and one comparison, the wedges use exp and the tail Marsaglia's exponential
 *   rejection. Exact sampling (not an approximation); 3-4x faster than Box-Muller's log and cos;
 * - binomial: p = 0 / p = 1 / n = 0 handled directly, p > 1/2 by symmetry, p = 1/2 with n <= 128
 *   as the number of ones among n random bits (the tree splits of connect.c); for n*p < 10
 * inversion by sequential search from 0; otherwise Hormann's BTRS transformed rejection with
 * squeeze
 *   ("The generation of binomial random variates", J. Stat. Comput. Simul. 46, 1993), whose
 *   acceptance test uses the Stirling series for log k! with a tabulated correction for k < 16.
 *   The acceptance bound is evaluated as differences (log1p) so it stays accurate for n up to
 *   2^53, far beyond the 2^40 needed.
 * - poisson: for lambda < 10 inversion by sequential search from 0 (p(0) = e^-lambda, then
 *   p(x) = p(x-1) lambda / x); otherwise Hormann's PTRS transformed rejection with squeeze ("The
 *   transformed rejection method for generating Poisson random variables", Insurance:
 *   Mathematics and Economics 12, 1993), whose acceptance test log f(k) uses the same Stirling
 *   remainder, written as k log(lambda/(k+1)) + (k+1-lambda) - log(k+1)/2 - log sqrt(2 pi) -
 *   tail(k) so that no term of size lambda cancels: accurate to ~1e-11 for lambda up to 1e9.
 */
#include "snn/rng.h"

#include "rng_internal.h"
#include "rng_ziggurat_table.h"
#include "vector_clones.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

/* One round: two 32x32->64 products, their halves mixed with the other words and the key. */
#define PHILOX_ROUND(c0, c1, c2, c3, k0, k1)                                                       \
    do {                                                                                           \
        uint64_t p0_ = (uint64_t)PHILOX_M0 * (c0);                                                 \
        uint64_t p1_ = (uint64_t)PHILOX_M1 * (c2);                                                 \
        (c0) = (uint32_t)(p1_ >> 32) ^ (c1) ^ (k0);                                                \
        (c1) = (uint32_t)p1_;                                                                      \
        (c2) = (uint32_t)(p0_ >> 32) ^ (c3) ^ (k1);                                                \
        (c3) = (uint32_t)p0_;                                                                      \
    } while (0)

/* Ten rounds, the key bumped by the Weyl increments between rounds. */
static inline void philox(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1);
    k0 += PHILOX_W0, k1 += PHILOX_W1;
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1);
    k0 += PHILOX_W0, k1 += PHILOX_W1;
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1);
    k0 += PHILOX_W0, k1 += PHILOX_W1;
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1);
    k0 += PHILOX_W0, k1 += PHILOX_W1;
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1);
    k0 += PHILOX_W0, k1 += PHILOX_W1;
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1);
    k0 += PHILOX_W0, k1 += PHILOX_W1;
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1);
    k0 += PHILOX_W0, k1 += PHILOX_W1;
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1);
    k0 += PHILOX_W0, k1 += PHILOX_W1;
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1);
    k0 += PHILOX_W0, k1 += PHILOX_W1;
    PHILOX_ROUND(c0, c1, c2, c3, k0, k1);
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

void snn_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    philox(ctr, key, out);
}

/* ---- many streams' first block at once ------------------------------------------------------
 *
 * first_words runs philox() on counters (0, sub, id_lo, id_hi) for the ids id0 + i (ids NULL) or
 * ids[i], and returns each block's first 64-bit word (word0 << 32 | word1, what snn_rng_u64
 * draws first). On x86-64 it uses AVX-512F (8 streams per instruction) or AVX2 (4), chosen at run
 * time: each 32-bit word sits in a 64-bit lane, so the round's products are one _mm*_mul_epu32
 * each (which reads the low halves only: the upper halves may hold garbage until the final mask).
 * Integer arithmetic, so every path gives the same bits as philox(). */

static inline uint64_t first_word_scalar(const uint32_t key[2], uint32_t sub, uint64_t id)
{
    const uint32_t ctr[4] = {0, sub, (uint32_t)id, (uint32_t)(id >> 32)};
    uint32_t out[4];
    philox(ctr, key, out);
    return ((uint64_t)out[0] << 32) | out[1];
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SNN_HAVE_X86_PHILOX 1

/* The ten rounds on 8 lanes (AVX-512): the key schedule once, then the rounds in place. */
__attribute__((target("avx512f"))) static inline void keys_x8(const uint32_t key[2], __m512i K0[10],
                                                              __m512i K1[10])
{
    uint32_t k0 = key[0], k1 = key[1];
    for (int r = 0; r < 10; r++, k0 += PHILOX_W0, k1 += PHILOX_W1) {
        K0[r] = _mm512_set1_epi64(k0);
        K1[r] = _mm512_set1_epi64(k1);
    }
}

__attribute__((target("avx512f"))) static inline void rounds_x8(__m512i *c0, __m512i *c1,
                                                                __m512i *c2, __m512i *c3,
                                                                const __m512i K0[10],
                                                                const __m512i K1[10])
{
    const __m512i M0 = _mm512_set1_epi64(PHILOX_M0), M1 = _mm512_set1_epi64(PHILOX_M1);
    for (int r = 0; r < 10; r++) {
        __m512i p0 = _mm512_mul_epu32(*c0, M0), p1 = _mm512_mul_epu32(*c2, M1);
        *c0 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p1, 32), *c1), K0[r]);
        *c1 = p1;
        *c2 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p0, 32), *c3), K1[r]);
        *c3 = p0;
    }
}

__attribute__((target("avx512f"))) static size_t first_words_avx512(const uint32_t key[2],
                                                                    uint32_t sub, uint64_t id0,
                                                                    const uint64_t *ids, size_t n,
                                                                    uint64_t *m)
{
    const __m512i lo = _mm512_set1_epi64(0xFFFFFFFF),
                  lane = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    __m512i K0[10], K1[10];
    keys_x8(key, K0, K1);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m512i id = ids ? _mm512_loadu_si512((const void *)(ids + i))
                         : _mm512_add_epi64(_mm512_set1_epi64((long long)(id0 + i)), lane);
        __m512i c0 = _mm512_setzero_si512(), c1 = _mm512_set1_epi64(sub);
        __m512i c2 = _mm512_and_si512(id, lo), c3 = _mm512_srli_epi64(id, 32);
        rounds_x8(&c0, &c1, &c2, &c3, K0, K1);
        __m512i w = _mm512_or_si512(_mm512_slli_epi64(c0, 32), _mm512_and_si512(c1, lo));
        _mm512_storeu_si512((void *)(m + i), w);
    }
    return i;
}

__attribute__((target("avx2"))) static size_t first_words_avx2(const uint32_t key[2], uint32_t sub,
                                                               uint64_t id0, const uint64_t *ids,
                                                               size_t n, uint64_t *m)
{
    const __m256i M0 = _mm256_set1_epi64x(PHILOX_M0), M1 = _mm256_set1_epi64x(PHILOX_M1);
    const __m256i lo = _mm256_set1_epi64x(0xFFFFFFFF), lane = _mm256_set_epi64x(3, 2, 1, 0);
    __m256i K0[10], K1[10];
    uint32_t k0 = key[0], k1 = key[1];
    for (int r = 0; r < 10; r++, k0 += PHILOX_W0, k1 += PHILOX_W1) {
        K0[r] = _mm256_set1_epi64x(k0);
        K1[r] = _mm256_set1_epi64x(k1);
    }
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        __m256i id = ids ? _mm256_loadu_si256((const __m256i *)(ids + i))
                         : _mm256_add_epi64(_mm256_set1_epi64x((long long)(id0 + i)), lane);
        __m256i c0 = _mm256_setzero_si256(), c1 = _mm256_set1_epi64x(sub);
        __m256i c2 = _mm256_and_si256(id, lo), c3 = _mm256_srli_epi64(id, 32);
        for (int r = 0; r < 10; r++) {
            __m256i p0 = _mm256_mul_epu32(c0, M0), p1 = _mm256_mul_epu32(c2, M1);
            c0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), c1), K0[r]);
            c1 = p1;
            c2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), c3), K1[r]);
            c3 = p0;
        }
        __m256i w = _mm256_or_si256(_mm256_slli_epi64(c0, 32), _mm256_and_si256(c1, lo));
        _mm256_storeu_si256((__m256i *)(m + i), w);
    }
    return i;
}

/* Blocks ctr[0] + j (j < nb) of one stream, all four words each, into out[4 j .. 4 j + 3]. */
__attribute__((target("avx512f"))) static size_t
blocks_avx512(const uint32_t key[2], const uint32_t ctr[4], size_t nb, uint32_t *out)
{
    const __m512i lane = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    __m512i K0[10], K1[10];
    keys_x8(key, K0, K1);
    size_t j = 0;
    for (; j + 8 <= nb; j += 8) {
        /* ctr[0] + j + lane, wrapped to 32 bits as the scalar counter is */
        __m512i c0 = _mm512_and_si512(
            _mm512_add_epi64(_mm512_set1_epi64((long long)ctr[0] + (long long)j), lane),
            _mm512_set1_epi64(0xFFFFFFFF));
        __m512i c1 = _mm512_set1_epi64(ctr[1]), c2 = _mm512_set1_epi64(ctr[2]),
                c3 = _mm512_set1_epi64(ctr[3]);
        rounds_x8(&c0, &c1, &c2, &c3, K0, K1);
        uint64_t w0[8], w1[8], w2[8], w3[8];
        _mm512_storeu_si512((void *)w0, c0);
        _mm512_storeu_si512((void *)w1, c1);
        _mm512_storeu_si512((void *)w2, c2);
        _mm512_storeu_si512((void *)w3, c3);
        for (int l = 0; l < 8; l++) {
            uint32_t *o = out + 4 * (j + (size_t)l);
            o[0] = (uint32_t)w0[l];
            o[1] = (uint32_t)w1[l];
            o[2] = (uint32_t)w2[l];
            o[3] = (uint32_t)w3[l];
        }
    }
    return j;
}
#endif

static void first_words(uint32_t seed, uint32_t purpose, uint64_t id0, const uint64_t *ids,
                        uint32_t sub, size_t n, uint64_t *restrict m)
{
    const uint32_t key[2] = {seed, purpose};
    size_t i = 0;
#ifdef SNN_HAVE_X86_PHILOX
    if (__builtin_cpu_supports("avx512f"))
        i = first_words_avx512(key, sub, id0, ids, n, m);
    else if (__builtin_cpu_supports("avx2"))
        i = first_words_avx2(key, sub, id0, ids, n, m);
#endif
    for (; i < n; i++)
        m[i] = first_word_scalar(key, sub, ids ? ids[i] : id0 + i);
}

void snn_rng_first_bits(uint32_t seed, uint32_t purpose, uint64_t id0, uint32_t sub, size_t n,
                        uint64_t *restrict m)
{
    first_words(seed, purpose, id0, NULL, sub, n, m);
    for (size_t i = 0; i < n; i++)
        m[i] >>= 11;
}

void snn_rng_first_words(uint32_t seed, uint32_t purpose, const uint64_t *ids, uint32_t sub,
                         size_t n, uint64_t *restrict m)
{
    first_words(seed, purpose, 0, ids, sub, n, m);
}

void snn_rng_fill(snn_rng *r, uint32_t *restrict out, size_t n)
{
    size_t i = 0;
    while (i < n && r->used < 4)
        out[i++] = r->buf[r->used++];
    size_t nb = (n - i) / 4, j = 0;
#ifdef SNN_HAVE_X86_PHILOX
    if (nb >= 8 && __builtin_cpu_supports("avx512f"))
        j = blocks_avx512(r->key, r->ctr, nb, out + i);
#endif
    for (; j < nb; j++) {
        const uint32_t c[4] = {r->ctr[0] + (uint32_t)j, r->ctr[1], r->ctr[2], r->ctr[3]};
        philox(c, r->key, out + i + 4 * j);
    }
    r->ctr[0] += (uint32_t)nb;
    i += 4 * nb;
    while (i < n)
        out[i++] = snn_rng_u32(r);
}

void snn_rng_init(snn_rng *r, uint32_t seed, uint32_t purpose, uint64_t id, uint32_t sub)
{
    r->key[0] = seed;
    r->key[1] = purpose;
    r->ctr[0] = 0;
    r->ctr[1] = sub;
    r->ctr[2] = (uint32_t)id;
    r->ctr[3] = (uint32_t)(id >> 32);
    r->buf[0] = r->buf[1] = r->buf[2] = r->buf[3] = 0;
    r->used = 4;
}

uint32_t snn_rng_u32(snn_rng *r)
{
    if (r->used >= 4) {
        philox(r->ctr, r->key, r->buf);
        r->ctr[0]++;
        r->used = 0;
    }
    return r->buf[r->used++];
}

uint64_t snn_rng_u64(snn_rng *r)
{
    uint64_t hi = snn_rng_u32(r);
    uint64_t lo = snn_rng_u32(r);
    return (hi << 32) | lo;
}

double snn_rng_uniform(snn_rng *r)
{
    return (double)(snn_rng_u64(r) >> 11) * 0x1.0p-53;
}

/* High and low 64-bit halves of a 64x64 product. */
static inline uint64_t mul64(uint64_t a, uint64_t b, uint64_t *lo)
{
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128;
    u128 m = (u128)a * b;
    *lo = (uint64_t)m;
    return (uint64_t)(m >> 64);
#else
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *lo = (mid << 32) | (uint32_t)p00;
    return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
#endif
}

uint64_t snn_rng_below(snn_rng *r, uint64_t n)
{
    if (n <= UINT32_MAX) {
        uint32_t n32 = (uint32_t)n;
        uint64_t m;
        do
            m = (uint64_t)snn_rng_u32(r) * n32;
        while (!snn_lemire_keep(m, n32));
        return m >> 32;
    }
    uint64_t l;
    uint64_t h = mul64(snn_rng_u64(r), n, &l);
    if (l < n) {
        uint64_t t = (0 - n) % n; /* 2^64 mod n */
        while (l < t)
            h = mul64(snn_rng_u64(r), n, &l);
    }
    return h;
}

/* The tail x > R of the normal: Marsaglia's exponential rejection (1964), exact. */
static double normal_tail(snn_rng *r)
{
    for (;;) {
        double x = -log(1.0 - snn_rng_uniform(r)) / SNN_ZIG_R; /* u in (0, 1] */
        double y = -log(1.0 - snn_rng_uniform(r));
        if (y + y >= x * x)
            return SNN_ZIG_R + x;
    }
}

/* A word's point in its layer: the layer (bits 0-7), the abscissa from a 53-bit uniform (bits
 * 11-63) times the layer's width, and the sign (bit 8). */
static inline unsigned zig_layer(uint64_t b)
{
    return (unsigned)(b & 0xFF);
}

static inline double zig_abscissa(uint64_t b)
{
    return (double)(b >> 11) * 0x1.0p-53 * snn_zig_x[zig_layer(b)];
}

static inline double zig_signed(uint64_t b, double x)
{
    return (b >> 8) & 1 ? -x : x;
}

int snn_normal_from_word(uint64_t b, double *z)
{
    double x = zig_abscissa(b);
    if (!(x < snn_zig_x[zig_layer(b) + 1]))
        return 0;
    *z = zig_signed(b, x);
    return 1;
}

/* (double)m for m < 2^53, exactly, without a 64-bit integer conversion (AVX-512F and AVX2 have
 * none): m >> 1 < 2^52 as the mantissa of 2^52 + (m >> 1), then twice that plus the low bit. */
static inline double u53_to_double(uint64_t m)
{
    uint64_t bits = UINT64_C(0x4330000000000000) | (m >> 1);
    double d;
    memcpy(&d, &bits, sizeof d);
    return (d - 0x1.0p52) * 2.0 + ((m & 1) ? 1.0 : 0.0);
}

/* Cloned functions stay static: clang resolves a clone set only where it is defined. */
SNN_VECTOR_CLONES static void normals_from_words(const uint64_t *restrict b, size_t n,
                                                 double *restrict z, unsigned char *restrict ok)
{
    for (size_t i = 0; i < n; i++) {
        const uint64_t w = b[i];
        const uint64_t layer = w & 0xFF; /* 64-bit: GCC 12 vectorises the gathers then */
        const double x = u53_to_double(w >> 11) * 0x1.0p-53 * snn_zig_x[layer];
        ok[i] = x < snn_zig_x[layer + 1];
        z[i] = (w >> 8) & 1 ? -x : x;
    }
}

void snn_normals_from_words(const uint64_t *restrict b, size_t n, double *restrict z,
                            unsigned char *restrict ok)
{
    normals_from_words(b, n, z, ok);
}

double snn_rng_normal(snn_rng *r)
{
    for (;;) {
        uint64_t b = snn_rng_u64(r);
        double z;
        if (snn_normal_from_word(b, &z)) /* inside the layer's core: ~98.8 % of draws */
            return z;
        unsigned i = zig_layer(b);
        if (i == 0)
            return zig_signed(b, normal_tail(r));
        /* The wedge between X[i + 1] and X[i]: a uniform height in the layer, under the curve? */
        double x = zig_abscissa(b);
        double y = snn_zig_f[i] + snn_rng_uniform(r) * (snn_zig_f[i + 1] - snn_zig_f[i]);
        if (y < exp(-0.5 * x * x))
            return zig_signed(b, x);
    }
}

/* ---- binomial ------------------------------------------------------------------------------ */

static inline uint64_t popcount32(uint32_t x)
{
#if defined(__GNUC__)
    return (uint64_t)__builtin_popcount(x);
#else
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0Fu;
    return (x * 0x01010101u) >> 24;
#endif
}

/* log k! - [log sqrt(2 pi) + (k + 1/2) log(k + 1) - (k + 1)], the Stirling-series remainder. */
double snn_stirling_tail(double k)
{
    static const double table[16] = {
        0.081061466795327261,  0.041340695955409297,  0.027677925684998338,  0.020790672103765093,
        0.016644691189821193,  0.013876128823070748,  0.01189670994589177,   0.010411265261972096,
        0.0092554621827127329, 0.0083305634333628708, 0.0075736754879518406, 0.0069428401072095299,
        0.0064089941880042071, 0.0059513701127588475, 0.0055547335519628011, 0.0052076559196096404,
    };
    if (k < 16)
        return table[(int)k];
    double x = k + 1, x2 = x * x;
    return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - 1.0 / (1680 * x2)) / x2) / x2) / x;
}

/* 1/x for the small x of the sequential search (a multiplication instead of a division). */
static const double recip[65] = {
    0.0,      1.0 / 1,  1.0 / 2,  1.0 / 3,  1.0 / 4,  1.0 / 5,  1.0 / 6,  1.0 / 7,  1.0 / 8,
    1.0 / 9,  1.0 / 10, 1.0 / 11, 1.0 / 12, 1.0 / 13, 1.0 / 14, 1.0 / 15, 1.0 / 16, 1.0 / 17,
    1.0 / 18, 1.0 / 19, 1.0 / 20, 1.0 / 21, 1.0 / 22, 1.0 / 23, 1.0 / 24, 1.0 / 25, 1.0 / 26,
    1.0 / 27, 1.0 / 28, 1.0 / 29, 1.0 / 30, 1.0 / 31, 1.0 / 32, 1.0 / 33, 1.0 / 34, 1.0 / 35,
    1.0 / 36, 1.0 / 37, 1.0 / 38, 1.0 / 39, 1.0 / 40, 1.0 / 41, 1.0 / 42, 1.0 / 43, 1.0 / 44,
    1.0 / 45, 1.0 / 46, 1.0 / 47, 1.0 / 48, 1.0 / 49, 1.0 / 50, 1.0 / 51, 1.0 / 52, 1.0 / 53,
    1.0 / 54, 1.0 / 55, 1.0 / 56, 1.0 / 57, 1.0 / 58, 1.0 / 59, 1.0 / 60, 1.0 / 61, 1.0 / 62,
    1.0 / 63, 1.0 / 64};

/* Inversion by sequential search, p <= 1/2 and n*p < 10 (so q^n >= e^-14, no underflow). */
static uint64_t binomial_inversion(snn_rng *r, uint64_t n, double p)
{
    double q = 1.0 - p;
    double s = p / q;
    double qn;
    uint64_t bound;
    if (n <= 64) {
        /* q^n by repeated squaring (a few ulps, as exp/log1p), and no truncation: the search
         * stops at x = n + 1, where the pmf vanishes. */
        qn = 1.0;
        double b = q;
        for (uint64_t e = n; e; e >>= 1) {
            if (e & 1)
                qn *= b;
            b *= b;
        }
        bound = n;
    } else {
        qn = exp((double)n * log1p(-p));
        /* Beyond this the tail is below 1e-20: restarting there conditions on X <= bound, a
         * change smaller than the rounding of the probabilities themselves. */
        double np = (double)n * p;
        double bound_d = np + 10.0 * sqrt(np * q + 1.0) + 10.0;
        bound = bound_d < (double)n ? (uint64_t)bound_d : n;
    }
    for (;;) {
        double u = snn_rng_uniform(r);
        double px = qn;
        uint64_t x = 0;
        while (u > px) {
            u -= px;
            x++;
            if (x > bound)
                break;
            px *= s * (double)(n - x + 1) * (x <= 64 ? recip[x] : 1.0 / (double)x);
        }
        if (x <= bound)
            return x;
    }
}

/* Hormann's BTRS, p <= 1/2 and n*p >= 10. */
static uint64_t binomial_btrs(snn_rng *r, uint64_t n, double p)
{
    double nd = (double)n;
    double q = 1.0 - p;
    double spq = sqrt(nd * p * q);
    double b = 1.15 + 2.53 * spq;
    double a = -0.0873 + 0.0248 * b + 0.01 * p;
    double c = nd * p + 0.5;
    double vr = 0.92 - 4.2 / b;
    double alpha = (2.83 + 5.1 / b) * spq;
    double lpq = log(p / q);
    double m = floor((nd + 1.0) * p); /* the mode */
    double tm = snn_stirling_tail(m) + snn_stirling_tail(nd - m);
    for (;;) {
        double u = snn_rng_uniform(r) - 0.5;
        double v = snn_rng_uniform(r);
        double us = 0.5 - fabs(u);
        double kd = floor((2.0 * a / us + b) * u + c);
        if (!(kd >= 0.0 && kd <= nd)) /* also rejects us == 0 (inf, nan) */
            continue;
        if (us >= 0.07 && v <= vr)
            return (uint64_t)kd;
        /* log f(k)/f(m) for the binomial pmf f, accurate for large n: with d = k - m,
         * log(m!/k!) + log((n-m)!/(n-k)!) + d log(p/q)
         * = -(m+1/2) log1p(d/(m+1)) - (n-m+1/2) log1p(-d/(n-m+1))
         *   + d log((n-k+1)/(k+1)) + d log(p/q) + tails. */
        double d = kd - m;
        double h = -(m + 0.5) * log1p(d / (m + 1.0)) - (nd - m + 0.5) * log1p(-d / (nd - m + 1.0)) +
                   d * (log((nd - kd + 1.0) / (kd + 1.0)) + lpq) + tm - snn_stirling_tail(kd) -
                   snn_stirling_tail(nd - kd);
        double lv = log(v * alpha / (a / (us * us) + b));
        if (lv <= h)
            return (uint64_t)kd;
    }
}

uint64_t snn_rng_binomial(snn_rng *r, uint64_t n, double p)
{
    if (n == 0 || !(p > 0.0))
        return 0;
    if (p >= 1.0)
        return n;
    if (p > 0.5)
        return n - snn_rng_binomial(r, n, 1.0 - p);
    if (p == 0.5 && n <= 128) {
        /* A fair coin: the number of ones among n random bits, exact. */
        uint64_t k = 0;
        for (; n >= 32; n -= 32)
            k += popcount32(snn_rng_u32(r));
        if (n)
            k += popcount32(snn_rng_u32(r) >> (32 - n));
        return k;
    }
    if ((double)n * p < 10.0)
        return binomial_inversion(r, n, p);
    return binomial_btrs(r, n, p);
}

/* ---- poisson ------------------------------------------------------------------------------- */

#define LOG_SQRT_2PI 0.91893853320467274178032973640562

/* The per-lambda constants of the sampler (not the inversion table). */
static void poisson_constants(snn_poisson_dist *d, double lambda)
{
    for (int i = 0; i < 8; i++)
        d->c[i] = 0.0;
    d->lambda = lambda;
    if (!(lambda > 0.0) || isinf(lambda)) {
        d->method = 0;
        return;
    }
    if (lambda < 10.0) {
        d->method = 1;
        d->c[0] = exp(-lambda);
        /* Beyond this the tail is below 1e-23 (lambda < 10): restarting there conditions on
         * X <= bound, a change far below the rounding of the probabilities themselves. The bound
         * is at most 53, inside the recip table. */
        d->c[1] = floor(lambda + 10.0 * sqrt(lambda + 1.0) + 10.0);
        return;
    }
    d->method = 2;
    double slam = sqrt(lambda);
    double b = 0.931 + 2.53 * slam;
    d->c[0] = -0.059 + 0.02483 * b;             /* a */
    d->c[1] = b;                                /* b */
    d->c[2] = log(1.1239 + 1.1328 / (b - 3.4)); /* log(1 / alpha) */
    d->c[3] = 0.9277 - 3.6224 / (b - 2.0);      /* v_r */
    d->c[4] = lambda + 0.43;                    /* the shift of the hat */
}

/* log of the Poisson(lambda) pmf at k, without cancellation of terms of size lambda. */
static double poisson_logpmf(double k, double lambda)
{
    double e = k + 1.0 - lambda;
    return k * log1p(-e / (k + 1.0)) + e - 0.5 * log(k + 1.0) - LOG_SQRT_2PI - snn_stirling_tail(k);
}

/* The first try of poisson_inversion for the uniform m 2^-53: x, or bound + 1 if it fails. */
static unsigned inversion_first(const snn_poisson_dist *d, uint64_t m)
{
    const double lambda = d->lambda, bound = d->c[1];
    double u = (double)m * 0x1.0p-53;
    double px = d->c[0];
    int x = 0;
    while (u > px) {
        u -= px;
        x++;
        if (x > bound)
            break;
        px *= lambda * recip[x];
    }
    return (unsigned)x;
}

/* The inversion table of snn_poisson_from_bits (see rng.h): for each x, the largest m with
 * inversion_first(m) <= x, by bisection (inversion_first is monotone in m). */
static void inversion_table(snn_poisson_dist *d)
{
    const uint64_t top = (UINT64_C(1) << 53) - 1;
    const unsigned bound = (unsigned)d->c[1];
    for (unsigned x = 0; x < SNN_POISSON_TABLE; x++) {
        if (x > bound) {
            d->thr[x] = UINT64_MAX;
            continue;
        }
        if (inversion_first(d, top) <= x) {
            d->thr[x] = top;
            continue;
        }
        uint64_t lo = x > 0 ? d->thr[x - 1] : 0, hi = top; /* f(lo) <= x < f(hi) */
        while (hi - lo > 1) {
            uint64_t mid = lo + (hi - lo) / 2;
            if (inversion_first(d, mid) <= x)
                lo = mid;
            else
                hi = mid;
        }
        d->thr[x] = lo;
    }
    for (unsigned j = 0; j < SNN_POISSON_GUIDE; j++)
        d->guide[j] = (uint8_t)inversion_first(d, (uint64_t)j << 45);
}

void snn_poisson_prepare(snn_poisson_dist *d, double lambda)
{
    poisson_constants(d, lambda);
    for (int x = 0; x < SNN_POISSON_TABLE; x++)
        d->thr[x] = UINT64_MAX;
    for (int j = 0; j < SNN_POISSON_GUIDE; j++)
        d->guide[j] = 0;
    if (d->method == 1)
        inversion_table(d);
}

/* The table lookup by its first WINDOW thresholds: thr is non-decreasing, so wherever
 * m <= thr[x] the lookup's result x is the number of thresholds below m. Poisson inputs' per-step
 * means are about 2, where 1e-4 of the draws exceed 7, and 8 compares per draw (vectorised) cost
 * less than the guided search's unpredictable branch; the few beyond use the search. */
enum { WINDOW = 8 };

/* A threshold for a signed compare with the 53-bit m: those >= 2^53 (UINT64_MAX beyond the
 * bound) compare as 2^53, which no m exceeds either. */
static int64_t window_threshold(uint64_t t)
{
    const uint64_t top = UINT64_C(1) << 53;
    return (int64_t)(t < top ? t : top);
}

/* x[i] = the number of thr[k] below m[i], k < WINDOW; returns whether any m[i] > limit (whose
 * x[i] is not the lookup's result). */
SNN_VECTOR_CLONES static int window_counts(const int64_t thr[WINDOW], int64_t limit,
                                           const uint64_t *restrict m, size_t n,
                                           uint64_t *restrict x)
{
    int64_t t[WINDOW];
    for (int k = 0; k < WINDOW; k++)
        t[k] = thr[k];
    int beyond = 0;
    for (size_t i = 0; i < n; i++) {
        const int64_t mi = (int64_t)m[i];
        uint64_t c = 0;
        for (int k = 0; k < WINDOW; k++)
            c += mi > t[k];
        x[i] = c;
        beyond |= mi > limit;
    }
    return beyond;
}

int snn_poisson_from_bits_n(const snn_poisson_dist *d, const uint64_t *restrict m, size_t n,
                            uint64_t *restrict x)
{
    const unsigned bound = (unsigned)d->c[1], last = bound < WINDOW - 1 ? bound : WINDOW - 1;
    int64_t thr[WINDOW];
    for (unsigned k = 0; k < WINDOW; k++)
        thr[k] = window_threshold(d->thr[k]);
    const int64_t limit = thr[last];
    if (!window_counts(thr, limit, m, n, x))
        return 0;
    int failed = 0;
    for (size_t i = 0; i < n; i++)
        if ((int64_t)m[i] > limit) {
            x[i] = snn_poisson_from_bits(d, m[i]);
            failed |= x[i] == UINT64_MAX;
        }
    return failed;
}

static uint64_t poisson_inversion(snn_rng *r, double lambda, double p0, double bound)
{
    for (;;) {
        double u = snn_rng_uniform(r);
        double px = p0;
        int x = 0;
        while (u > px) {
            u -= px;
            x++;
            if (x > bound)
                break;
            px *= lambda * recip[x];
        }
        if (x <= bound)
            return (uint64_t)x;
    }
}

static uint64_t poisson_ptrs(snn_rng *r, const snn_poisson_dist *d)
{
    const double a = d->c[0], b = d->c[1], log_inv_alpha = d->c[2], vr = d->c[3], shift = d->c[4];
    for (;;) {
        double u = snn_rng_uniform(r) - 0.5;
        double v = snn_rng_uniform(r);
        double us = 0.5 - fabs(u);
        double kd = floor((2.0 * a / us + b) * u + shift);
        if (us >= 0.07 && v <= vr)
            return (uint64_t)kd; /* kd >= 0 here: the squeeze region lies inside the support */
        /* also rejects us == 0 (inf, nan) and k beyond any uint64 */
        if (!(kd >= 0.0 && kd < 0x1.0p63) || (us < 0.013 && v > us))
            continue;
        if (log(v) + log_inv_alpha - log(a / (us * us) + b) <= poisson_logpmf(kd, d->lambda))
            return (uint64_t)kd;
    }
}

uint64_t snn_rng_poisson_prepared(snn_rng *r, const snn_poisson_dist *d)
{
    switch (d->method) {
    case 1:
        return poisson_inversion(r, d->lambda, d->c[0], d->c[1]);
    case 2:
        return poisson_ptrs(r, d);
    default:
        return d->lambda > 0.0 ? UINT64_MAX : 0; /* +inf, or lambda <= 0 / NaN */
    }
}

uint64_t snn_rng_poisson(snn_rng *r, double lambda)
{
    snn_poisson_dist d; /* the constants only: no inversion table for one draw */
    poisson_constants(&d, lambda);
    return snn_rng_poisson_prepared(r, &d);
}
