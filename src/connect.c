/*
 * connect.c — connectivity rules generated locally, where the synapses are stored.
 *
 * fixed_outdegree: pre neuron `pre` draws K targets uniformly with replacement from [0, n_post).
 * Instead of drawing the K targets one by one (which would force every rank to draw all of
 * them), the K draws are distributed down a fixed binary tree of index ranges that depends on
 * n_post alone: a node covering [lo, hi) sends Binomial(c, (mid-lo)/(hi-lo)) of its c draws to
 * [lo, mid) and the rest to [mid, hi). This is the conditional (multinomial-splitting)
 * decomposition of K uniform draws, so every post index still receives each draw with
 * probability exactly 1/n_post, and draws are independent. Each node draws from its own Philox
 * stream keyed by (seed, projection, pre, node), so a caller may descend only into the nodes that
 * meet the ranges it owns and still obtain exactly the targets a caller owning everything would
 * obtain there. Leaves (at most SNN_CONNECT_LEAF indices) place their draws with
 * snn_rng_below and sort them (a bitmap for a few, counting sort for many). See
 * include/snn/connect.h for the stream layout.
 */
#include "snn/connect.h"

#include "bits.h"

#include <assert.h>
#include <stdint.h>

#include "snn/rng.h"

/* Leaves with more draws than this are sorted by counting instead of by a bitmap. */
#define LEAF_FEW 32

typedef struct {
    uint32_t seed, purpose;
    uint64_t pre;
    const snn_range *owned;
    int n_owned;
    int cur; /* first owned range that may still meet a node not yet visited */
    uint64_t *targets;
    uint64_t n_out;
} walk;

/* Advances the cursor past owned ranges that end at or before lo (and empty ones); nodes are
 * visited in ascending order of lo, so ranges skipped here are never needed again. */
static inline void skip_before(walk *w, uint64_t lo)
{
    while (w->cur < w->n_owned &&
           (w->owned[w->cur].end <= lo || w->owned[w->cur].begin >= w->owned[w->cur].end))
        w->cur++;
}

/* Places the c draws of leaf `node` = [lo, hi) and appends those in the owned ranges, sorted. */
static void leaf(walk *w, uint32_t node, uint64_t lo, uint64_t hi, uint64_t c)
{
    snn_rng r;
    snn_rng_init(&r, w->seed, w->purpose, w->pre, node);
    uint64_t size = hi - lo;
    const snn_range *cover = &w->owned[w->cur];
    int whole = cover->begin <= lo && cover->end >= hi;
    uint64_t *out = w->targets + w->n_out; /* room for c: earlier leaves kept at most their own */

    if (c <= LEAF_FEW) {
        /* Draw into out; a bitmap sorts them unless two coincide (a multapse, rare). */
        uint64_t bits[SNN_CONNECT_LEAF / 64] = {0};
        uint64_t dup = 0;
        for (uint64_t i = 0; i < c; i++) {
            uint64_t off = snn_rng_below(&r, size);
            uint64_t m = UINT64_C(1) << (off & 63);
            out[i] = off;
            dup |= bits[off >> 6] & m;
            bits[off >> 6] |= m;
        }
        if (!dup) {
            uint64_t n = 0;
            for (uint64_t k = 0; k < SNN_CONNECT_LEAF / 64; k++)
                for (uint64_t b = bits[k]; b; b &= b - 1)
                    out[n++] = lo + 64 * k + (uint64_t)snn_ctz64(b);
        } else {
            for (uint64_t i = 1; i < c; i++) {
                uint64_t t = out[i], j = i;
                for (; j > 0 && out[j - 1] > t; j--)
                    out[j] = out[j - 1];
                out[j] = t;
            }
            for (uint64_t i = 0; i < c; i++)
                out[i] += lo;
        }
        if (whole) {
            w->n_out += c;
            return;
        }
        uint64_t kept = 0;
        int k = w->cur;
        for (uint64_t i = 0; i < c; i++) {
            uint64_t t = out[i];
            while (k < w->n_owned && w->owned[k].end <= t)
                k++;
            if (k == w->n_owned)
                break;
            if (w->owned[k].begin <= t)
                out[kept++] = t;
        }
        w->n_out += kept;
        return;
    }

    /* Many draws: counting sort. */
    uint64_t count[SNN_CONNECT_LEAF] = {0};
    for (uint64_t i = 0; i < c; i++)
        count[snn_rng_below(&r, size)]++;
    uint64_t kept = 0;
    int k = w->cur;
    for (uint64_t off = 0; off < size; off++) {
        uint64_t t = lo + off;
        if (!whole) {
            while (k < w->n_owned && w->owned[k].end <= t)
                k++;
            if (k == w->n_owned)
                break;
            if (w->owned[k].begin > t)
                continue;
        }
        for (uint64_t j = 0; j < count[off]; j++)
            out[kept++] = t;
    }
    w->n_out += kept;
}

static void visit(walk *w, uint32_t node, uint64_t lo, uint64_t hi, uint64_t c)
{
    if (c == 0)
        return;
    skip_before(w, lo);
    if (w->cur == w->n_owned || w->owned[w->cur].begin >= hi)
        return; /* no owned index in [lo, hi) */
    if (hi - lo <= SNN_CONNECT_LEAF) {
        leaf(w, node, lo, hi, c);
        return;
    }
    uint64_t mid = lo + (hi - lo) / 2;
    snn_rng r;
    snn_rng_init(&r, w->seed, w->purpose, w->pre, node);
    uint64_t left = snn_rng_binomial(&r, c, (double)(mid - lo) / (double)(hi - lo));
    visit(w, 2 * node, lo, mid, left);
    visit(w, 2 * node + 1, mid, hi, c - left);
}

uint64_t snn_connect_leaf_end(uint64_t n_post, uint64_t post)
{
    uint64_t lo = 0, hi = n_post;
    while (hi - lo > SNN_CONNECT_LEAF) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (post < mid)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

uint64_t snn_connect_fixed_outdegree_row(uint32_t seed, uint32_t proj_index, uint64_t pre,
                                         uint64_t n_post, uint64_t K, const snn_range *owned,
                                         int n_owned, uint64_t *targets)
{
    assert(n_post <= SNN_CONNECT_MAX_N_POST);
    _Static_assert(SNN_CONNECT_LEAF >= 64 && SNN_CONNECT_LEAF % 64 == 0, "leaf size");
    assert(proj_index < (1u << 24));
    if (K == 0 || n_post == 0 || n_owned <= 0)
        return 0;
    walk w = {seed, SNN_RNG_CONNECT | proj_index, pre, owned, n_owned, 0, targets, 0};
    visit(&w, 1, 0, n_post, K);
    return w.n_out;
}
