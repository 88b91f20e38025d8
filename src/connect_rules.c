/*
 * connect_rules.c — every connectivity rule, generated only where its synapses are stored.
 *
 * DESIGN.md section 3, "Local generation of every rule": rules drawn per post neuron (fixed_prob,
 * fixed_indegree) use one stream keyed by the post index, so each owned post is generated alone;
 * rules drawn per pre neuron or in total (fixed_outdegree, fixed_total_number) split their draws
 * down the fixed binary tree of post-index ranges of connect.c, with Binomial splits (draws with
 * replacement) or Hypergeometric splits (without), one stream per (projection, pre or "total",
 * tree node); a caller descends only into the nodes that meet the ranges it owns. all_to_all and
 * one_to_one draw nothing. The result is the same multiset of (pre, post, key) for any partition
 * of the post index space; the stream and key layout of each rule is documented in
 * include/snn/connect.h, above snn_connect_generate.
 *
 * Autapses (pre and post the same neuron, by global id) are recognised through the projection's
 * gid ranges: for a post index the pre index with the same gid (at most one, since the ranges
 * are checked not to overlap), and for a pre index the post index. Excluding it never depends on
 * the owned set: allowed indices are numbered 0 .. m-1 skipping it, and a draw q maps back to
 * q + (q >= excluded).
 *
 * Costs: fixed_prob O(owned posts + edges) with geometric gaps; fixed_indegree O(edges);
 * fixed_outdegree and fixed_total_number O(edges + visited tree nodes), where visited nodes are
 * the ones with a nonzero count meeting the owned ranges (O(log n_post) per pre and range, plus
 * the leaves). Nothing is allocated per edge: the edge list grows by doubling, and the scratch
 * for distinct draws (fixed_indegree and fixed_total_number without multapses) is allocated once
 * per call and grown when needed.
 */
#include "snn/connect.h"

#include "bits.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snn/pages.h"
#include "snn/rng.h"

#define NONE UINT64_MAX
/* Leaves with more draws than this sort them by counting instead of by insertion. */
#define FEW 32
/* fixed_prob uses one Bernoulli per pair at or above this probability, geometric gaps below. */
#define PROB_DENSE 0.25

/* ---- index spaces -------------------------------------------------------------------------- */

uint64_t snn_index_to_gid(const snn_range *gids, int n_ranges, uint64_t i)
{
    for (int k = 0; k < n_ranges; k++) {
        uint64_t len = gids[k].end - gids[k].begin;
        if (i < len)
            return gids[k].begin + i;
        i -= len;
    }
    return NONE;
}

uint64_t snn_gid_to_index(const snn_range *gids, int n_ranges, uint64_t gid)
{
    uint64_t base = 0;
    for (int k = 0; k < n_ranges; k++) {
        if (gid >= gids[k].begin && gid < gids[k].end)
            return base + (gid - gids[k].begin);
        base += gids[k].end - gids[k].begin;
    }
    return NONE;
}

/* ---- generation context -------------------------------------------------------------------- */

typedef struct {
    const snn_rule *r;
    uint32_t seed, purpose;
    const snn_range *owned;
    int n_owned;
    snn_edge_list *list;
    uint64_t *count; /* snn_connect_count: count[pre] += 1 per edge instead of the list, where a
                        rule can (the fixed_total_number leaf with multapses) */
    const snn_csr_sink *sink; /* snn_connect_place: the edges into CSR rows, where a rule can */
    snn_error *err;
    int no_autapses; /* autapses excluded (and gid ranges given) */
    snn_range *diag; /* post index intervals whose gids are also pre gids, ascending */
    int n_diag;
    uint64_t *out; /* scratch: distinct draws */
    size_t out_cap;
    uint64_t *set; /* scratch: Floyd's hash set (value + 1, 0 = empty) */
    size_t set_cap;
} gen;

static int grow(snn_edge_list *l, size_t need, snn_error *err)
{
    if (need <= l->cap)
        return SNN_OK;
    size_t cap = l->cap ? l->cap : 1024;
    while (cap < need) {
        if (cap > SIZE_MAX / 2 / sizeof *l->e)
            return snn_fail(err, SNN_ERR_NOMEM, "connect: %zu synapses overflow the edge list",
                            need);
        cap *= 2;
    }
    snn_edge *e = snn_pages_realloc(l->e, cap * sizeof *e, l->cap * sizeof *e);
    if (!e)
        return snn_fail(err, SNN_ERR_NOMEM,
                        "connect: cannot grow the edge list to %zu synapses (%.1f MiB)", cap,
                        (double)cap * sizeof *e / 1048576.0);
    l->e = e;
    l->cap = cap;
    return SNN_OK;
}

static inline int push(gen *g, uint64_t pre, uint64_t post, uint64_t key)
{
    snn_edge_list *l = g->list;
    if (l->n == l->cap) {
        int rc = grow(l, l->n + 1, g->err);
        if (rc != SNN_OK)
            return rc;
    }
    l->e[l->n].pre = pre;
    l->e[l->n].post = post;
    l->e[l->n].key = key;
    l->n++;
    return SNN_OK;
}

/* The pre index with the global id of post index j, or NONE (also when autapses are allowed). */
static inline uint64_t self_pre(const gen *g, uint64_t j)
{
    if (!g->no_autapses)
        return NONE;
    uint64_t gid = snn_index_to_gid(g->r->post_gids, g->r->n_post_ranges, j);
    return snn_gid_to_index(g->r->pre_gids, g->r->n_pre_ranges, gid);
}

/* The post index with the global id of pre index i, or NONE. */
static inline uint64_t self_post(const gen *g, uint64_t i)
{
    if (!g->no_autapses)
        return NONE;
    uint64_t gid = snn_index_to_gid(g->r->pre_gids, g->r->n_pre_ranges, i);
    return snn_gid_to_index(g->r->post_gids, g->r->n_post_ranges, gid);
}

/* Number of post indices in [lo, hi) that have a pre index with the same gid. */
static uint64_t diag_count(const gen *g, uint64_t lo, uint64_t hi)
{
    uint64_t n = 0;
    for (int k = 0; k < g->n_diag; k++) {
        uint64_t a = g->diag[k].begin > lo ? g->diag[k].begin : lo;
        uint64_t b = g->diag[k].end < hi ? g->diag[k].end : hi;
        if (a < b)
            n += b - a;
    }
    return n;
}

/* ---- distinct draws ------------------------------------------------------------------------ */

/* At least `need` draws in *p. Grown to twice the need: the leaves' needs vary a little from
 * leaf to leaf, and each growth by the exact need moved megabytes into fresh pages. */
static int scratch(uint64_t **p, size_t *cap, size_t need, snn_error *err)
{
    if (need <= *cap)
        return SNN_OK;
    if (need > SIZE_MAX / 2 / sizeof **p)
        return snn_fail(err, SNN_ERR_NOMEM, "connect: %zu scratch draws overflow", need);
    uint64_t *q = snn_pages_realloc(*p, 2 * need * sizeof *q, *cap * sizeof *q);
    if (!q)
        return snn_fail(err, SNN_ERR_NOMEM, "connect: cannot allocate %zu scratch draws", need);
    *p = q;
    *cap = 2 * need;
    return SNN_OK;
}

/* Writes c distinct values of [0, m) into g->out, uniform over c-subsets, in an order that
 * depends on the stream alone: selection sampling (ascending, m draws) when 4c > m, else
 * Floyd's algorithm (c draws) with an open-addressing hash set. */
static int distinct(gen *g, snn_rng *s, uint64_t m, uint64_t c)
{
    int rc = scratch(&g->out, &g->out_cap, c ? c : 1, g->err);
    if (rc != SNN_OK)
        return rc;
    uint64_t *out = g->out;
    if (c > m / 4) {
        uint64_t sel = 0;
        for (uint64_t t = 0; sel < c; t++)
            if (snn_rng_below(s, m - t) < c - sel)
                out[sel++] = t;
        return SNN_OK;
    }
    int bits = 4;
    while (((size_t)1 << bits) < 2 * c)
        bits++;
    size_t cap = (size_t)1 << bits, mask = cap - 1;
    rc = scratch(&g->set, &g->set_cap, cap, g->err);
    if (rc != SNN_OK)
        return rc;
    uint64_t *set = g->set;
    memset(set, 0, cap * sizeof *set);
    uint64_t n = 0;
    for (uint64_t j = m - c; j < m; j++) {
        uint64_t t = snn_rng_below(s, j + 1);
        size_t h = (size_t)((t * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - bits));
        while (set[h] && set[h] != t + 1)
            h = (h + 1) & mask;
        if (set[h]) { /* t already chosen: take j, which cannot be */
            t = j;
            h = (size_t)((t * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - bits));
            while (set[h])
                h = (h + 1) & mask;
        }
        set[h] = t + 1;
        out[n++] = t;
    }
    return SNN_OK;
}

/* ---- owned-range cursor for tree walks ------------------------------------------------------ */

/* Advances *cur past owned ranges that end at or before lo, and empty ones; the walks visit nodes
 * in ascending order of lo. Returns 1 if an owned range meets [lo, hi). */
static inline int owns_any(const gen *g, int *cur, uint64_t lo, uint64_t hi)
{
    while (*cur < g->n_owned &&
           (g->owned[*cur].end <= lo || g->owned[*cur].begin >= g->owned[*cur].end))
        (*cur)++;
    return *cur < g->n_owned && g->owned[*cur].begin < hi;
}

/* Bitmap of the owned indices of the leaf [lo, hi) (hi - lo <= SNN_CONNECT_LEAF). */
static void leaf_mask(const gen *g, int cur, uint64_t lo, uint64_t hi,
                      uint64_t mask[SNN_CONNECT_LEAF / 64])
{
    memset(mask, 0, SNN_CONNECT_LEAF / 8);
    for (int k = cur; k < g->n_owned && g->owned[k].begin < hi; k++) {
        uint64_t a = g->owned[k].begin > lo ? g->owned[k].begin : lo;
        uint64_t b = g->owned[k].end < hi ? g->owned[k].end : hi;
        for (uint64_t t = a; t < b; t++)
            mask[(t - lo) >> 6] |= UINT64_C(1) << ((t - lo) & 63);
    }
}

static inline int in_mask(const uint64_t *mask, uint64_t off)
{
    return (int)((mask[off >> 6] >> (off & 63)) & 1);
}

/* ---- fixed_outdegree ------------------------------------------------------------------------ */

typedef struct {
    gen *g;
    uint64_t pre, excl, key0;
    int cur;
} od_walk;

/* Emits the leaf's sorted allowed offsets (offsets among allowed indices, excl skipped) with
 * ranks base, base + 1, ... */
static int od_emit(od_walk *w, const uint64_t *mask, int whole, uint64_t lo, uint64_t off,
                   uint64_t rank)
{
    uint64_t t = lo + off;
    if (t >= w->excl && w->excl >= lo) /* the excluded index lies in this leaf, at or below t */
        t++;
    if (!whole && !in_mask(mask, t - lo))
        return SNN_OK;
    return push(w->g, w->pre, t, w->key0 + rank);
}

static int od_leaf(od_walk *w, snn_rng *s, uint64_t lo, uint64_t hi, uint64_t m, uint64_t c,
                   uint64_t base)
{
    const gen *g = w->g;
    const snn_range *cover = &g->owned[w->cur];
    int whole = cover->begin <= lo && cover->end >= hi;
    uint64_t mask[SNN_CONNECT_LEAF / 64];
    if (!whole)
        leaf_mask(g, w->cur, lo, hi, mask);
    int rc = SNN_OK;
    if (!g->r->multapses) {
        /* Floyd's algorithm on a bitmap: c distinct allowed offsets, read back in order */
        uint64_t bits[SNN_CONNECT_LEAF / 64] = {0};
        for (uint64_t j = m - c; j < m; j++) {
            uint64_t t = snn_rng_below(s, j + 1);
            if ((bits[t >> 6] >> (t & 63)) & 1)
                t = j;
            bits[t >> 6] |= UINT64_C(1) << (t & 63);
        }
        uint64_t rank = base;
        for (uint64_t k = 0; k < SNN_CONNECT_LEAF / 64 && rc == SNN_OK; k++)
            for (uint64_t b = bits[k]; b && rc == SNN_OK; b &= b - 1)
                rc = od_emit(w, mask, whole, lo, 64 * k + (uint64_t)snn_ctz64(b), rank++);
        return rc;
    }
    if (c <= FEW) {
        uint64_t d[FEW];
        for (uint64_t i = 0; i < c; i++) {
            uint64_t t = snn_rng_below(s, m), j = i;
            for (; j > 0 && d[j - 1] > t; j--)
                d[j] = d[j - 1];
            d[j] = t;
        }
        for (uint64_t i = 0; i < c && rc == SNN_OK; i++)
            rc = od_emit(w, mask, whole, lo, d[i], base + i);
        return rc;
    }
    uint64_t count[SNN_CONNECT_LEAF] = {0};
    for (uint64_t i = 0; i < c; i++)
        count[snn_rng_below(s, m)]++;
    uint64_t rank = base;
    for (uint64_t off = 0; off < m && rc == SNN_OK; off++)
        for (uint64_t j = 0; j < count[off] && rc == SNN_OK; j++)
            rc = od_emit(w, mask, whole, lo, off, rank++);
    return rc;
}

static int od_visit(od_walk *w, uint32_t node, uint64_t lo, uint64_t hi, uint64_t c, uint64_t base)
{
    if (c == 0 || !owns_any(w->g, &w->cur, lo, hi))
        return SNN_OK;
    const gen *g = w->g;
    int has_x = w->excl >= lo && w->excl < hi; /* NONE is never < hi */
    uint64_t m = hi - lo - (uint64_t)has_x;
    snn_rng s;
    snn_rng_init(&s, g->seed, g->purpose, w->pre, node);
    if (hi - lo <= SNN_CONNECT_LEAF)
        return od_leaf(w, &s, lo, hi, m, c, base);
    uint64_t mid = lo + (hi - lo) / 2;
    uint64_t ml = mid - lo - (uint64_t)(w->excl >= lo && w->excl < mid);
    uint64_t left;
    if (!g->r->multapses)
        left = snn_rng_hypergeometric(&s, ml, m - ml, c);
    else if (has_x)
        left = snn_rng_binomial(&s, c, (double)ml / (double)m);
    else /* exactly snn_connect_fixed_outdegree_row's split */
        left = snn_rng_binomial(&s, c, (double)(mid - lo) / (double)(hi - lo));
    int rc = od_visit(w, 2 * node, lo, mid, left, base);
    if (rc != SNN_OK)
        return rc;
    return od_visit(w, 2 * node + 1, mid, hi, c - left, base + left);
}

static int rule_outdegree(gen *g)
{
    const snn_rule *r = g->r;
    uint64_t K = r->outdegree;
    if (K == 0 || r->n_post == 0)
        return SNN_OK;
    for (uint64_t pre = 0; pre < r->n_pre; pre++) {
        od_walk w = {g, pre, self_post(g, pre), pre * K, 0};
        int rc = od_visit(&w, 1, 0, r->n_post, K, 0);
        if (rc != SNN_OK)
            return rc;
    }
    return SNN_OK;
}

/* ---- fixed_total_number --------------------------------------------------------------------- */

typedef struct {
    gen *g;
    int cur;
} tn_walk;

/* Allowed (pre, post) pairs with post in [lo, hi). */
static inline uint64_t tn_weight(const gen *g, uint64_t lo, uint64_t hi)
{
    return (hi - lo) * g->r->n_pre - (g->no_autapses ? diag_count(g, lo, hi) : 0);
}

/* A stream read many words at a time (snn_rng_fill), for draws of one word each. Words filled
 * but not drawn are lost, so the stream must not be used after the reader. */
typedef struct {
    snn_rng *s;
    int bulk;      /* 0: every draw goes to the stream itself */
    uint64_t left; /* words still expected: the next fill takes no more than this */
    size_t i, n;
    uint32_t w[1024];
} word_reader;

static inline uint32_t reader_u32(word_reader *rd)
{
    if (rd->i == rd->n) {
        size_t want = rd->left < 1024 ? (size_t)rd->left : 1024;
        rd->n = want > 0 ? want : 64; /* more words than expected (rejections) */
        rd->i = 0;
        rd->left -= want;
        snn_rng_fill(rd->s, rd->w, rd->n);
    }
    return rd->w[rd->i++];
}

/* snn_rng_below(s, n) on the reader's words: Lemire's multiply-and-reject on one 32-bit word,
 * exactly as rng.c does for n <= 2^32 - 1 (larger n: the stream's own function). */
static inline uint64_t reader_below(word_reader *rd, uint64_t n)
{
    if (!rd->bulk || n > UINT32_MAX)
        return snn_rng_below(rd->s, n);
    uint32_t n32 = (uint32_t)n;
    uint64_t m;
    do
        m = (uint64_t)reader_u32(rd) * n32;
    while (!snn_lemire_keep(m, n32));
    return m >> 32;
}

/* The sink's local target of post index `post` (one of its ranges holds it). */
static uint32_t sink_target(const snn_csr_sink *k, uint64_t post)
{
    int r = 0;
    while (r < k->n_ranges - 1 && post >= k->ranges[r].end)
        r++;
    return k->local_begin[r] + (uint32_t)(post - k->ranges[r].begin);
}

/* The slot of the next synapse of `pre` in the sink's rows, its target and key written. */
static inline void sink_put(const snn_csr_sink *k, uint64_t pre, uint32_t target, uint64_t key)
{
    uint64_t slot = k->next[pre]++;
    k->target[slot] = target;
    if (k->key)
        k->key[slot] = key;
}

/* Bits needed for the values 0 .. x. */
static unsigned bit_width(uint64_t x)
{
    unsigned n = 0;
    for (; x; x >>= 1)
        n++;
    return n;
}

/* One draw of a fixed_total_number leaf: a (post, pre) pair uniform over the leaf's allowed
 * pairs, post in [lo, lo + size) (autapses rejected where excluded). */
static inline void tn_draw(const gen *g, word_reader *rd, uint64_t lo, uint64_t size,
                           uint64_t *post, uint64_t *pre)
{
    do {
        *post = lo + reader_below(rd, size);
        *pre = reader_below(rd, g->r->n_pre);
    } while (g->no_autapses && *pre == self_pre(g, *post));
}

enum { PRE_BUCKETS_LOG2 = 10 };

/* A fixed_total_number leaf with multapses into the sink, in the list's order without forming
 * edges. The c draws (post in [lo, lo + size), pre) are packed as pre << 8 | post offset
 * (offsets < SNN_CONNECT_LEAF = 256); the owned ones are sorted stably by post, as
 * pre << (8 + ib) | offset << ib | draw number (pb + 8 + ib <= 64 bits), then stably by the
 * pre's top PRE_BUCKETS_LOG2 bits, so each row's synapses stay in (post, draw) order and
 * consecutive writes go to a few neighbouring rows instead of one cache line per synapse. */
static void tn_leaf_place(gen *g, word_reader *rd, uint64_t lo, uint64_t size, uint64_t c,
                          uint64_t base, int whole, const uint64_t *mask, unsigned pb, unsigned ib)
{
    uint64_t at[SNN_CONNECT_LEAF + 1] = {0};
    for (uint64_t i = 0; i < c; i++) {
        uint64_t post, pre;
        tn_draw(g, rd, lo, size, &post, &pre);
        g->set[i] = pre << 8 | (post - lo);
        if (whole || in_mask(mask, post - lo))
            at[post - lo + 1]++;
    }
    for (uint64_t j = 0; j < size; j++)
        at[j + 1] += at[j];
    const uint64_t n_own = at[size];
    for (uint64_t i = 0; i < c; i++) {
        uint64_t off = g->set[i] & 0xFF;
        if (whole || in_mask(mask, off))
            g->out[at[off]++] = (g->set[i] >> 8) << (8 + ib) | off << ib | i;
    }
    const unsigned ps = pb > PRE_BUCKETS_LOG2 ? pb - PRE_BUCKETS_LOG2 : 0, shift = 8 + ib + ps;
    uint64_t bucket[(1u << PRE_BUCKETS_LOG2) + 1] = {0};
    for (uint64_t k = 0; k < n_own; k++)
        bucket[(g->out[k] >> shift) + 1]++;
    for (unsigned j = 0; j < 1u << PRE_BUCKETS_LOG2; j++)
        bucket[j + 1] += bucket[j];
    for (uint64_t k = 0; k < n_own; k++)
        g->set[bucket[g->out[k] >> shift]++] = g->out[k];
    uint32_t target[SNN_CONNECT_LEAF];
    for (uint64_t j = 0; j < size; j++)
        target[j] = whole || in_mask(mask, j) ? sink_target(g->sink, lo + j) : 0;
    const uint64_t low = (UINT64_C(1) << ib) - 1;
    for (uint64_t k = 0; k < n_own; k++) {
        uint64_t v = g->set[k];
        sink_put(g->sink, v >> (8 + ib), target[(v >> ib) & 0xFF], base + (v & low));
    }
}

static int tn_leaf(tn_walk *w, snn_rng *s, uint64_t lo, uint64_t hi, uint64_t c, uint64_t base)
{
    gen *g = w->g;
    const uint64_t n_pre = g->r->n_pre, size = hi - lo;
    const snn_range *cover = &g->owned[w->cur];
    int whole = cover->begin <= lo && cover->end >= hi;
    uint64_t mask[SNN_CONNECT_LEAF / 64];
    if (!whole)
        leaf_mask(g, w->cur, lo, hi, mask);
    int rc = SNN_OK;
    if (g->r->multapses) {
        /* The draws first (pre in out, post offset in set), then the owned ones emitted by a
         * stable counting sort on the post: the same edges and keys as in draw order, but each
         * pre's edges leave the leaf in (post, key) order, so the CSR rows built from them need
         * no sort. */
        if (g->count) { /* only how many per pre: the same draws, no sort, no edges */
            word_reader rd = {.s = s, .bulk = n_pre <= UINT32_MAX, .left = 2 * c};
            for (uint64_t i = 0; i < c; i++) {
                uint64_t post, pre;
                tn_draw(g, &rd, lo, size, &post, &pre);
                if (whole || in_mask(mask, post - lo))
                    g->count[pre]++;
            }
            return SNN_OK;
        }
        rc = scratch(&g->out, &g->out_cap, c ? c : 1, g->err);
        if (rc == SNN_OK)
            rc = scratch(&g->set, &g->set_cap, c ? c : 1, g->err);
        if (rc != SNN_OK)
            return rc;
        const unsigned pb = bit_width(n_pre - 1), ib = bit_width(c - 1);
        if (g->sink && n_pre <= UINT32_MAX && pb + 8 + ib <= 64) {
            word_reader rd = {.s = s, .bulk = 1, .left = 2 * c};
            tn_leaf_place(g, &rd, lo, size, c, base, whole, mask, pb, ib);
            return SNN_OK;
        }
        uint64_t at[SNN_CONNECT_LEAF + 1] = {0};
        /* The stream's words in bulk when both bounds take one word per draw; the draws and
         * their order are those of snn_rng_below (the stream ends with the leaf). */
        word_reader rd = {.s = s, .bulk = n_pre <= UINT32_MAX, .left = 2 * c};
        for (uint64_t i = 0; i < c; i++) {
            uint64_t post, pre;
            tn_draw(g, &rd, lo, size, &post, &pre);
            g->out[i] = pre;
            g->set[i] = post - lo;
            if (whole || in_mask(mask, post - lo))
                at[post - lo + 1]++;
        }
        for (uint64_t j = 0; j < size; j++)
            at[j + 1] += at[j];
        const uint64_t n_own = at[size];
        snn_edge_list *l = g->list;
        rc = grow(l, l->n + n_own, g->err);
        if (rc != SNN_OK)
            return rc;
        snn_edge *e = l->e + l->n;
        for (uint64_t i = 0; i < c; i++) {
            uint64_t off = g->set[i];
            if (whole || in_mask(mask, off))
                e[at[off]++] = (snn_edge){.pre = g->out[i], .post = lo + off, .key = base + i};
        }
        l->n += n_own;
        return SNN_OK;
    }
    /* distinct pair indices, numbered post-major over the allowed pairs of the leaf */
    uint64_t self[SNN_CONNECT_LEAF], first[SNN_CONNECT_LEAF + 1];
    first[0] = 0;
    for (uint64_t j = 0; j < size; j++) {
        self[j] = self_pre(g, lo + j);
        first[j + 1] = first[j] + n_pre - (self[j] != NONE);
    }
    rc = distinct(g, s, first[size], c);
    for (uint64_t i = 0; i < c && rc == SNN_OK; i++) {
        uint64_t q = g->out[i], j, pre;
        if (!g->no_autapses) {
            j = q / n_pre;
            pre = q % n_pre;
        } else {
            uint64_t a = 0, b = size; /* the last j with first[j] <= q */
            while (b - a > 1) {
                uint64_t h = a + (b - a) / 2;
                if (first[h] <= q)
                    a = h;
                else
                    b = h;
            }
            j = a;
            pre = q - first[j];
            if (pre >= self[j]) /* NONE: never */
                pre++;
        }
        if (whole || in_mask(mask, j))
            rc = push(g, pre, lo + j, base + i);
    }
    return rc;
}

static int tn_visit(tn_walk *w, uint32_t node, uint64_t lo, uint64_t hi, uint64_t c,
                    uint64_t weight, uint64_t base)
{
    if (c == 0 || !owns_any(w->g, &w->cur, lo, hi))
        return SNN_OK;
    gen *g = w->g;
    snn_rng s;
    snn_rng_init(&s, g->seed, g->purpose, NONE, node);
    if (hi - lo <= SNN_CONNECT_LEAF)
        return tn_leaf(w, &s, lo, hi, c, base);
    uint64_t mid = lo + (hi - lo) / 2;
    uint64_t wl = tn_weight(g, lo, mid);
    uint64_t left;
    if (!g->r->multapses)
        left = snn_rng_hypergeometric(&s, wl, weight - wl, c);
    else if (g->no_autapses)
        left = snn_rng_binomial(&s, c, (double)wl / (double)weight);
    else
        left = snn_rng_binomial(&s, c, (double)(mid - lo) / (double)(hi - lo));
    int rc = tn_visit(w, 2 * node, lo, mid, left, wl, base);
    if (rc != SNN_OK)
        return rc;
    return tn_visit(w, 2 * node + 1, mid, hi, c - left, weight - wl, base + left);
}

/* ---- rules drawn per post ------------------------------------------------------------------ */

/* Bernoulli with probability thr / 2^64, about one 32-bit word per call. */
static inline int bernoulli64(snn_rng *s, uint64_t thr)
{
    uint32_t hi = (uint32_t)(thr >> 32), x = snn_rng_u32(s);
    if (x != hi)
        return x < hi;
    return snn_rng_u32(s) < (uint32_t)thr;
}

static int rule_prob(gen *g, uint64_t j)
{
    const snn_rule *r = g->r;
    const double p = r->prob;
    uint64_t self = self_pre(g, j);
    uint64_t m = r->n_pre - (self != NONE);
    uint64_t key0 = j * r->n_pre;
    int rc = SNN_OK;
    snn_rng s;
    snn_rng_init(&s, g->seed, g->purpose, j, 0);
    if (p >= 1.0) {
        for (uint64_t q = 0; q < m && rc == SNN_OK; q++) {
            uint64_t i = q + (q >= self);
            rc = push(g, i, j, key0 + i);
        }
    } else if (p >= PROB_DENSE) {
        /* branch-free: room for every pair, each written and kept with its Bernoulli bit */
        rc = grow(g->list, g->list->n + m, g->err);
        if (rc != SNN_OK)
            return rc;
        uint64_t thr = (uint64_t)ldexp(p, 64); /* exact: p has at most 53 significant bits */
        snn_edge *e = g->list->e;
        size_t n = g->list->n;
        for (uint64_t q = 0; q < m; q++) {
            uint64_t i = q + (q >= self);
            e[n].pre = i;
            e[n].post = j;
            e[n].key = key0 + i;
            n += (size_t)bernoulli64(&s, thr);
        }
        g->list->n = n;
    } else {
        const double inv_lq = 1.0 / log1p(-p);
        uint64_t q = 0;
        while (rc == SNN_OK) {
            double gap = floor(log(1.0 - snn_rng_uniform(&s)) * inv_lq);
            if (!(gap < (double)(m - q)))
                break;
            q += (uint64_t)gap;
            uint64_t i = q + (q >= self);
            rc = push(g, i, j, key0 + i);
            q++;
        }
    }
    return rc;
}

static int rule_indegree(gen *g, uint64_t j)
{
    const snn_rule *r = g->r;
    const uint64_t K = r->indegree;
    uint64_t self = self_pre(g, j);
    uint64_t m = r->n_pre - (self != NONE);
    uint64_t key0 = j * K;
    snn_rng s;
    snn_rng_init(&s, g->seed, g->purpose, j, 0);
    int rc = grow(g->list, g->list->n + K, g->err);
    if (rc != SNN_OK)
        return rc;
    if (r->multapses) {
        for (uint64_t k = 0; k < K; k++) {
            uint64_t q = snn_rng_below(&s, m);
            uint64_t i = q + (q >= self);
            g->list->e[g->list->n++] = (snn_edge){i, j, key0 + k};
        }
        return SNN_OK;
    }
    rc = distinct(g, &s, m, K);
    if (rc != SNN_OK)
        return rc;
    for (uint64_t k = 0; k < K; k++) {
        uint64_t q = g->out[k];
        uint64_t i = q + (q >= self);
        g->list->e[g->list->n++] = (snn_edge){i, j, key0 + k};
    }
    return SNN_OK;
}

static int rule_all_to_all(gen *g, uint64_t j)
{
    const uint64_t n_pre = g->r->n_pre;
    uint64_t self = self_pre(g, j);
    int rc = grow(g->list, g->list->n + n_pre, g->err);
    if (rc != SNN_OK)
        return rc;
    for (uint64_t i = 0; i < n_pre; i++)
        if (i != self)
            g->list->e[g->list->n++] = (snn_edge){i, j, j * n_pre + i};
    return SNN_OK;
}

static int rule_one_to_one(gen *g, uint64_t j)
{
    if (self_pre(g, j) == j)
        return SNN_OK;
    return push(g, j, j, j);
}

/* ---- checks and dispatch -------------------------------------------------------------------- */

const char *snn_connect_rule_name(snn_conn_rule rule)
{
    switch (rule) {
    case SNN_RULE_FIXED_OUTDEGREE:
        return "fixed_outdegree";
    case SNN_RULE_FIXED_PROB:
        return "fixed_prob";
    case SNN_RULE_FIXED_INDEGREE:
        return "fixed_indegree";
    case SNN_RULE_FIXED_TOTAL_NUMBER:
        return "fixed_total_number";
    case SNN_RULE_ALL_TO_ALL:
        return "all_to_all";
    case SNN_RULE_ONE_TO_ONE:
        return "one_to_one";
    case SNN_RULE_FROM_FILE:
        return "from_file";
    }
    return "unknown rule";
}

/* The index space's ranges cover n indices and do not overlap one another. */
static int check_space(const snn_range *gids, int n_ranges, uint64_t n, const char *what,
                       const char *rname, snn_error *err)
{
    uint64_t sum = 0;
    for (int k = 0; k < n_ranges; k++) {
        if (gids[k].end < gids[k].begin)
            return snn_fail(err, SNN_ERR_INTERNAL, "%s: %s gid range %d is reversed", rname, what,
                            k);
        sum += gids[k].end - gids[k].begin;
        for (int l = 0; l < k; l++)
            if (gids[k].begin < gids[l].end && gids[l].begin < gids[k].end &&
                gids[k].begin < gids[k].end)
                return snn_fail(err, SNN_ERR_CONFIG,
                                "%s: the %s populations overlap (a population listed twice?)",
                                rname, what);
    }
    if (sum != n)
        return snn_fail(err, SNN_ERR_INTERNAL,
                        "%s: %s gid ranges hold %llu neurons, the projection says %llu", rname,
                        what, (unsigned long long)sum, (unsigned long long)n);
    return SNN_OK;
}

/* Post index intervals whose gids are also pre gids, ascending. */
static int build_diag(gen *g)
{
    const snn_rule *r = g->r;
    size_t n = (size_t)r->n_pre_ranges * (size_t)r->n_post_ranges;
    g->diag = malloc((n ? n : 1) * sizeof *g->diag);
    if (!g->diag)
        return snn_fail(g->err, SNN_ERR_NOMEM, "connect: cannot allocate %zu ranges", n);
    uint64_t base = 0;
    for (int a = 0; a < r->n_post_ranges; a++) {
        const snn_range *po = &r->post_gids[a];
        for (int b = 0; b < r->n_pre_ranges; b++) {
            const snn_range *pr = &r->pre_gids[b];
            uint64_t lo = po->begin > pr->begin ? po->begin : pr->begin;
            uint64_t hi = po->end < pr->end ? po->end : pr->end;
            if (lo >= hi)
                continue;
            snn_range d = {base + (lo - po->begin), base + (hi - po->begin)};
            int k = g->n_diag++;
            for (; k > 0 && g->diag[k - 1].begin > d.begin; k--)
                g->diag[k] = g->diag[k - 1];
            g->diag[k] = d;
        }
        base += po->end - po->begin;
    }
    return SNN_OK;
}

static int mul_overflows(uint64_t a, uint64_t b)
{
    return a != 0 && b > UINT64_MAX / a;
}

/* Every check that can fail, from r alone (never from the owned set). */
static int check_rule(gen *g, const char *rname)
{
    const snn_rule *r = g->r;
    snn_error *err = g->err;
    uint64_t n_pre = r->n_pre, n_post = r->n_post;
    /* the fewest pre (post) indices allowed for any post (pre), with autapses excluded */
    uint64_t min_pre = n_pre - (g->n_diag > 0 && n_pre > 0);
    uint64_t min_post = n_post - (g->n_diag > 0 && n_post > 0);
    switch (r->rule) {
    case SNN_RULE_FIXED_OUTDEGREE:
        if (n_post > SNN_CONNECT_MAX_N_POST)
            return snn_fail(err, SNN_ERR_CONFIG, "%s: %llu post neurons exceed the limit %llu",
                            rname, (unsigned long long)n_post,
                            (unsigned long long)SNN_CONNECT_MAX_N_POST);
        if (mul_overflows(n_pre, r->outdegree))
            return snn_fail(err, SNN_ERR_CONFIG, "%s: %llu x %llu synapses overflow 64 bits", rname,
                            (unsigned long long)n_pre, (unsigned long long)r->outdegree);
        if (r->outdegree > 0 && n_pre > 0 && min_post == 0)
            return snn_fail(err, SNN_ERR_CONFIG,
                            "%s: outdegree %llu but a pre neuron has no allowed post neuron", rname,
                            (unsigned long long)r->outdegree);
        if (!r->multapses && r->outdegree > min_post && n_pre > 0)
            return snn_fail(err, SNN_ERR_CONFIG,
                            "%s: outdegree %llu exceeds the %llu distinct post neurons allowed "
                            "without multapses%s",
                            rname, (unsigned long long)r->outdegree, (unsigned long long)min_post,
                            g->n_diag ? " and autapses" : "");
        return SNN_OK;
    case SNN_RULE_FIXED_INDEGREE:
        if (mul_overflows(n_post, r->indegree))
            return snn_fail(err, SNN_ERR_CONFIG, "%s: %llu x %llu synapses overflow 64 bits", rname,
                            (unsigned long long)n_post, (unsigned long long)r->indegree);
        if (r->indegree > 0 && n_post > 0 && min_pre == 0)
            return snn_fail(err, SNN_ERR_CONFIG,
                            "%s: indegree %llu but a post neuron has no allowed pre neuron", rname,
                            (unsigned long long)r->indegree);
        if (!r->multapses && r->indegree > min_pre && n_post > 0)
            return snn_fail(err, SNN_ERR_CONFIG,
                            "%s: indegree %llu exceeds the %llu distinct pre neurons allowed "
                            "without multapses%s",
                            rname, (unsigned long long)r->indegree, (unsigned long long)min_pre,
                            g->n_diag ? " and autapses" : "");
        return SNN_OK;
    case SNN_RULE_FIXED_TOTAL_NUMBER: {
        if (n_post > SNN_CONNECT_MAX_N_POST)
            return snn_fail(err, SNN_ERR_CONFIG, "%s: %llu post neurons exceed the limit %llu",
                            rname, (unsigned long long)n_post,
                            (unsigned long long)SNN_CONNECT_MAX_N_POST);
        if (mul_overflows(n_pre, n_post))
            return snn_fail(err, SNN_ERR_CONFIG, "%s: %llu x %llu pairs overflow 64 bits", rname,
                            (unsigned long long)n_pre, (unsigned long long)n_post);
        uint64_t pairs = n_pre * n_post - (g->no_autapses ? diag_count(g, 0, n_post) : 0);
        if (r->total_number > 0 && pairs == 0)
            return snn_fail(err, SNN_ERR_CONFIG,
                            "%s: total_number %llu but no (pre, post) pair is allowed", rname,
                            (unsigned long long)r->total_number);
        if (!r->multapses && r->total_number > pairs)
            return snn_fail(err, SNN_ERR_CONFIG,
                            "%s: total_number %llu exceeds the %llu distinct pairs allowed "
                            "without multapses",
                            rname, (unsigned long long)r->total_number, (unsigned long long)pairs);
        if (!r->multapses && pairs >= (UINT64_C(1) << 53))
            return snn_fail(err, SNN_ERR_CONFIG,
                            "%s: %llu pairs: without multapses at most 2^53 are supported", rname,
                            (unsigned long long)pairs);
        return SNN_OK;
    }
    case SNN_RULE_FIXED_PROB:
    case SNN_RULE_ALL_TO_ALL:
        if (r->rule == SNN_RULE_FIXED_PROB && !(r->prob >= 0.0 && r->prob <= 1.0))
            return snn_fail(err, SNN_ERR_CONFIG, "%s: prob %g is outside [0, 1]", rname, r->prob);
        if (mul_overflows(n_pre, n_post)) /* keys post * n_pre + pre */
            return snn_fail(err, SNN_ERR_CONFIG,
                            "%s: %llu x %llu pairs overflow the 64-bit synapse keys", rname,
                            (unsigned long long)n_pre, (unsigned long long)n_post);
        return SNN_OK;
    case SNN_RULE_ONE_TO_ONE:
        if (n_pre != n_post)
            return snn_fail(err, SNN_ERR_CONFIG,
                            "%s: needs as many pre as post neurons, got %llu and %llu", rname,
                            (unsigned long long)n_pre, (unsigned long long)n_post);
        return SNN_OK;
    case SNN_RULE_FROM_FILE: /* read from the file (edges_file.c), never generated */
        break;
    }
    return snn_fail(err, SNN_ERR_INTERNAL, "connect: unknown rule %d", (int)r->rule);
}

static int generate(gen *g)
{
    const snn_rule *r = g->r;
    switch (r->rule) {
    case SNN_RULE_FIXED_OUTDEGREE:
        return rule_outdegree(g);
    case SNN_RULE_FIXED_TOTAL_NUMBER: {
        if (r->total_number == 0 || r->n_post == 0)
            return SNN_OK;
        tn_walk w = {g, 0};
        return tn_visit(&w, 1, 0, r->n_post, r->total_number, tn_weight(g, 0, r->n_post), 0);
    }
    default:
        break;
    }
    int (*per_post)(gen *, uint64_t);
    switch (r->rule) {
    case SNN_RULE_FIXED_PROB:
        if (!(r->prob > 0.0))
            return SNN_OK;
        per_post = rule_prob;
        break;
    case SNN_RULE_FIXED_INDEGREE:
        if (r->indegree == 0)
            return SNN_OK;
        per_post = rule_indegree;
        break;
    case SNN_RULE_ALL_TO_ALL:
        per_post = rule_all_to_all;
        break;
    default:
        per_post = rule_one_to_one;
        break;
    }
    if (r->n_pre == 0)
        return SNN_OK;
    for (int k = 0; k < g->n_owned; k++) {
        uint64_t end = g->owned[k].end < r->n_post ? g->owned[k].end : r->n_post;
        for (uint64_t j = g->owned[k].begin; j < end; j++) {
            int rc = per_post(g, j);
            if (rc != SNN_OK)
                return rc;
        }
    }
    return SNN_OK;
}

/* One rule over the owned ranges: into the list; or counted per pre (count), or placed into the
 * sink's rows (sink), where the rule has that mode, the rest into the list as usual. */
static int run_rule(const snn_rule *r, uint32_t seed, uint32_t proj_index, const snn_range *owned,
                    int n_owned, snn_edge_list *list, uint64_t *count, const snn_csr_sink *sink,
                    snn_error *err)
{
    const char *rname = snn_connect_rule_name(r->rule);
    if (proj_index >= (1u << 24))
        return snn_fail(err, SNN_ERR_INTERNAL, "%s: projection index %u beyond 2^24", rname,
                        proj_index);
    gen g = {0};
    g.r = r;
    g.seed = seed;
    g.purpose = SNN_RNG_CONNECT | proj_index;
    g.owned = owned;
    g.n_owned = owned ? n_owned : 0;
    g.list = list;
    g.count = count;
    g.sink = sink;
    g.err = err;
    int rc = SNN_OK;
    if (!r->autapses) {
        if ((r->n_pre > 0 && (r->n_pre_ranges <= 0 || !r->pre_gids)) ||
            (r->n_post > 0 && (r->n_post_ranges <= 0 || !r->post_gids)))
            return snn_fail(err, SNN_ERR_INTERNAL, "%s: autapses excluded but no gid ranges given",
                            rname);
        rc = check_space(r->pre_gids, r->n_pre_ranges, r->n_pre, "pre", rname, err);
        if (rc == SNN_OK)
            rc = check_space(r->post_gids, r->n_post_ranges, r->n_post, "post", rname, err);
        if (rc == SNN_OK)
            rc = build_diag(&g);
        g.no_autapses = g.n_diag > 0; /* no shared neuron: nothing to exclude */
    }
    if (rc == SNN_OK)
        rc = check_rule(&g, rname);
    if (rc == SNN_OK && g.n_owned > 0)
        rc = generate(&g);
    free(g.diag);
    free(g.out);
    free(g.set);
    return rc;
}

int snn_connect_generate(const snn_rule *r, uint32_t seed, uint32_t proj_index,
                         const snn_range *owned, int n_owned, snn_edge_list *list, snn_error *err)
{
    return run_rule(r, seed, proj_index, owned, n_owned, list, NULL, NULL, err);
}

int snn_connect_count(const snn_rule *r, uint32_t seed, uint32_t proj_index, const snn_range *owned,
                      int n_owned, uint64_t *count, snn_edge_list *scratch, snn_error *err)
{
    scratch->n = 0;
    int rc = run_rule(r, seed, proj_index, owned, n_owned, scratch, count, NULL, err);
    for (size_t k = 0; k < scratch->n; k++) /* rules without a counting mode */
        count[scratch->e[k].pre]++;
    scratch->n = 0;
    return rc;
}

int snn_connect_place(const snn_rule *r, uint32_t seed, uint32_t proj_index, const snn_range *owned,
                      int n_owned, const snn_csr_sink *sink, snn_edge_list *scratch, snn_error *err)
{
    scratch->n = 0;
    int rc = run_rule(r, seed, proj_index, owned, n_owned, scratch, NULL, sink, err);
    snn_csr_sink_put_list(sink, scratch); /* rules without a placing mode */
    scratch->n = 0;
    return rc;
}

void snn_csr_sink_put_list(const snn_csr_sink *sink, const snn_edge_list *list)
{
    for (size_t k = 0; k < list->n; k++)
        sink_put(sink, list->e[k].pre, sink_target(sink, list->e[k].post), list->e[k].key);
}
