/*
 * rng.h — counter-based random numbers (Philox-4x32-10, Salmon et al., SC'11).
 *
 * A stream is named by (seed, purpose, id, sub): the key is (seed, purpose) and the counter is
 * (block, sub, id_lo, id_hi). No stream depends on the rank or thread that draws it, which is what
 * makes connectivity and initial values identical for any partition.
 */
#ifndef SNN_RNG_H
#define SNN_RNG_H

#include <stddef.h>
#include <stdint.h>

/* Purpose words: the high byte says what the stream is for, the low 24 bits say which one
 * (for example the projection index). */
enum snn_rng_purpose {
    SNN_RNG_V_INIT = 1u << 24,  /* initial membrane potentials, id = global neuron id */
    SNN_RNG_CONNECT = 2u << 24, /* connectivity, | projection index, id = pre index, sub = node */
    SNN_RNG_WEIGHT = 3u << 24,  /* synapse weights, | projection index, id = synapse key */
    SNN_RNG_DELAY = 4u << 24,   /* synapse delays, | projection index, id = synapse key */
    SNN_RNG_POISSON = 5u << 24, /* Poisson input, | input index, id = neuron gid, sub = step */
    SNN_RNG_RECORD = 6u << 24,  /* random recorder selection, | recorder index, id = 0 */
    SNN_RNG_STATS_SAMPLE = 16u << 24, /* summary statistics' sample, | population index */
};

/* The raw Philox-4x32-10 bijection. */
void snn_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

typedef struct {
    uint32_t key[2];
    uint32_t ctr[4];
    uint32_t buf[4];
    int used; /* words of buf already returned */
} snn_rng;

void snn_rng_init(snn_rng *r, uint32_t seed, uint32_t purpose, uint64_t id, uint32_t sub);

uint32_t snn_rng_u32(snn_rng *r);

/* Lemire's multiply-and-reject for a draw below n (1 <= n <= 2^32 - 1) from 32-bit words: a word
 * u gives m = u * n, kept (the draw is m >> 32) unless its low half l = (uint32_t)m falls below
 * 2^32 mod n. Whether m is kept; 2^32 mod n (a division) is needed only when l < n. */
static inline int snn_lemire_keep(uint64_t m, uint32_t n)
{
    uint32_t l = (uint32_t)m;
    return l >= n || l >= (uint32_t)(-n) % n;
}

/* The stream's next n words, as n calls of snn_rng_u32 would return them, leaving r as they
 * would; whole blocks are computed several at a time (AVX-512 where the CPU has it). */
void snn_rng_fill(snn_rng *r, uint32_t *restrict out, size_t n);

uint64_t snn_rng_u64(snn_rng *r);
/* Uniform double in [0, 1) with 53 random bits. */
double snn_rng_uniform(snn_rng *r);
/* Uniform integer in [0, n), n >= 1, without modulo bias. */
uint64_t snn_rng_below(snn_rng *r, uint64_t n);
/* Standard normal deviate. */
double snn_rng_normal(snn_rng *r);
/* Binomial(n, p) deviate, exact in distribution for any n and p in [0, 1]. */
uint64_t snn_rng_binomial(snn_rng *r, uint64_t n, double p);
/* Hypergeometric deviate: the number of `good` items among `sample` items drawn without
 * replacement from good + bad items (sample <= good + bad, good + bad < 2^53). */
uint64_t snn_rng_hypergeometric(snn_rng *r, uint64_t good, uint64_t bad, uint64_t sample);

/* Poisson(lambda) deviate, exact in distribution for lambda in [0, 1e9] (and accurate well
 * beyond): inversion by sequential search from 0 for lambda < 10 (one uniform per draw, retried
 * in the negligible case x > lambda + 10 sqrt(lambda + 1) + 10), Hormann's PTRS transformed
 * rejection for lambda >= 10 (two uniforms per try, about 1.1 tries). lambda <= 0 or NaN gives 0
 * and draws nothing; lambda = +inf gives UINT64_MAX. */
uint64_t snn_rng_poisson(snn_rng *r, double lambda);

/* The same sampler with its per-lambda constants computed once (exp(-lambda) and the search
 * bound, or PTRS's hat constants), for a loop that draws many deviates of one lambda:
 * snn_rng_poisson_prepared(r, &d) returns exactly what snn_rng_poisson(r, d.lambda) returns. */
#define SNN_POISSON_TABLE 64 /* inversion thresholds: bound + 2 <= 55 of them are used */
#define SNN_POISSON_GUIDE 256
typedef struct {
    double lambda;
    int method; /* 0: constant 0 (or UINT64_MAX for +inf), 1: inversion, 2: PTRS */
    double c[8];
    /* Inversion (method 1) as a table, for snn_poisson_from_bits: thr[x] is the largest 53-bit
     * integer m whose uniform m 2^-53 makes the sequential search return at most x (the search
     * is monotone in u: every step subtracts a constant with monotone rounding), UINT64_MAX
     * beyond the bound; guide[j] is the search's result at m = j 2^45, a starting point. */
    uint64_t thr[SNN_POISSON_TABLE];
    uint8_t guide[SNN_POISSON_GUIDE];
} snn_poisson_dist;

void snn_poisson_prepare(snn_poisson_dist *d, double lambda);
uint64_t snn_rng_poisson_prepared(snn_rng *r, const snn_poisson_dist *d);

/* The inversion of a prepared method-1 distribution for the stream's first uniform, given as
 * its 53 bits m (the top 53 bits of the stream's first two words, word 0 high): exactly what
 * snn_rng_poisson_prepared returns when its first try succeeds, by table lookup instead of the
 * sequential search. Returns UINT64_MAX when that try fails (x beyond the bound, probability
 * below 1e-23): the caller then draws from the stream itself. */
static inline uint64_t snn_poisson_from_bits(const snn_poisson_dist *d, uint64_t m)
{
    unsigned x = d->guide[m >> 45];
    while (m > d->thr[x])
        x++;
    return x <= (unsigned)d->c[1] ? x : UINT64_MAX;
}

/* x[i] = snn_poisson_from_bits(d, m[i]) for i < n (a prepared method-1 distribution), computed
 * several at a time; returns whether any x[i] is UINT64_MAX (a failed first try). */
int snn_poisson_from_bits_n(const snn_poisson_dist *d, const uint64_t *restrict m, size_t n,
                            uint64_t *restrict x);

/* The first two words of the Philox blocks of n streams (seed, purpose, id0 + i, sub), i < n,
 * block 0, as the 53-bit uniforms' integers m[i] = (word0 << 32 | word1) >> 11 that
 * snn_rng_uniform would draw first from each (computed several streams at a time). */
void snn_rng_first_bits(uint32_t seed, uint32_t purpose, uint64_t id0, uint32_t sub, size_t n,
                        uint64_t *restrict m);

/* The first 64-bit word (what snn_rng_u64 draws first) of the streams (seed, purpose, ids[i],
 * sub), i < n, computed several streams at a time. */
void snn_rng_first_words(uint32_t seed, uint32_t purpose, const uint64_t *ids, uint32_t sub,
                         size_t n, uint64_t *restrict m);

/* The ziggurat's common case (snn_rng_normal): when the 64-bit word b falls inside its layer's
 * core, stores the normal deviate snn_rng_normal would return for a stream whose next word is b
 * in *z and returns 1; otherwise returns 0 (snn_rng_normal then needs more of the stream). */
int snn_normal_from_word(uint64_t b, double *z);

/* The same for n words at once (vectorised): ok[i] = snn_normal_from_word(b[i], &z[i]); z[i] is
 * unspecified where ok[i] is 0. */
void snn_normals_from_words(const uint64_t *restrict b, size_t n, double *restrict z,
                            unsigned char *restrict ok);

#endif
