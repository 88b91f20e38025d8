/*
 * test_connect_rules.c — snn_connect_generate for every rule (DESIGN.md section 3, "Local
 * generation of every rule"; layout in include/snn/connect.h):
 * - partition independence: for every rule, autapse/multapse combination and several pre/post
 *   index spaces (overlapping, reordered, disjoint), the outputs over 1..8 contiguous pieces,
 *   random cut points, and non-contiguous owned sets, sorted by (pre, post, key), equal the
 *   whole-space output; keys are unique within a projection;
 * - degrees: fixed_outdegree K per pre, fixed_indegree K per post, fixed_total_number the exact
 *   total, all_to_all and one_to_one exact; no repeated pair without multapses; no pre == post
 *   (same global id) without autapses;
 * - distributions: fixed_prob total (z-test) and per-post in-degree (chi-square vs Binomial);
 *   fixed_total_number in-degree chi-square vs Binomial(total, 1/n_post) and uniform pre
 *   marginal; uniform marginals without multapses; the split weights without autapses (a
 *   targeted z-test that a split ignoring the excluded pair fails); the hypergeometric sampler
 *   against its exact pmf;
 * - snn_connect_count counts per pre exactly the edges generated for the same owned set, and
 *   snn_connect_place fills CSR rows exactly as the generated list placed in order;
 * - fixed_outdegree with autapses and multapses has exactly the targets of
 *   snn_connect_fixed_outdegree_row;
 * - error cases.
 * Seeds are fixed; bounds are 4-5 standard errors and chi-square quantiles at z = 4 (p ~ 3e-5).
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

#include "snn/connect.h"
#include "snn/rng.h"

/* Upper chi-square quantile for df degrees of freedom at normal quantile z (Wilson-Hilferty). */
static double chi2_crit(double df, double z)
{
    double h = 2.0 / (9.0 * df);
    double t = 1.0 - h + z * sqrt(h);
    return df * t * t * t;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts edges by (pre, post, key): packed into one word (pre and post below 2^21, keys below
 * 2^22 in these tests, asserted) and radix-sorted, 16 bits a pass; qsort of a million edges for
 * every partition would dominate the test's time. */
static void sort_edges(snn_edge_list *l)
{
    size_t n = l->n;
    if (n < 2)
        return;
    uint64_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    size_t *cnt = malloc(65536 * sizeof *cnt);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(cnt);
    for (size_t k = 0; k < n; k++) {
        assert_true(l->e[k].pre < (1u << 21) && l->e[k].post < (1u << 21) &&
                    l->e[k].key < (1u << 22));
        a[k] = l->e[k].pre << 43 | l->e[k].post << 22 | l->e[k].key;
    }
    for (int shift = 0; shift < 64; shift += 16) {
        memset(cnt, 0, 65536 * sizeof *cnt);
        for (size_t k = 0; k < n; k++)
            cnt[(a[k] >> shift) & 0xFFFF]++;
        size_t sum = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t c = cnt[d];
            cnt[d] = sum;
            sum += c;
        }
        for (size_t k = 0; k < n; k++)
            b[cnt[(a[k] >> shift) & 0xFFFF]++] = a[k];
        uint64_t *t = a;
        a = b;
        b = t;
    }
    for (size_t k = 0; k < n; k++) {
        l->e[k].pre = a[k] >> 43;
        l->e[k].post = (a[k] >> 22) & ((1u << 21) - 1);
        l->e[k].key = a[k] & ((1u << 22) - 1);
    }
    free(a);
    free(b);
    free(cnt);
}

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return *s >> 33;
}

/* Appends the edges of the owned ranges to l, asserting success. */
static void gen_into(const snn_rule *r, uint32_t seed, uint32_t proj, const snn_range *own,
                     int n_own, snn_edge_list *l)
{
    snn_error err;
    snn_error_clear(&err);
    int rc = snn_connect_generate(r, seed, proj, own, n_own, l, &err);
    if (rc != SNN_OK)
        print_message("unexpected failure: %s\n", err.msg);
    assert_int_equal(rc, SNN_OK);
}

/* The whole projection, sorted by (pre, post, key). */
static snn_edge_list gen_whole(const snn_rule *r, uint32_t seed, uint32_t proj)
{
    snn_edge_list l = {0};
    snn_range all = {0, r->n_post};
    gen_into(r, seed, proj, &all, 1, &l);
    sort_edges(&l);
    return l;
}

static int gen_status(const snn_rule *r, snn_error *err)
{
    snn_edge_list l = {0};
    snn_range all = {0, r->n_post};
    snn_error_clear(err);
    int rc = snn_connect_generate(r, 1, 0, &all, 1, &l, err);
    free(l.e);
    return rc;
}

/* ---- index spaces: populations A [0,700), B [700,1000), C [1000,1300) ------------------------ */

static const snn_range A = {0, 700}, B = {700, 1000}, C = {1000, 1300};

typedef struct {
    const char *name;
    snn_range pre[3], post[3];
    int n_pre, n_post;
} space;

static const space spaces[] = {
    {"[A,B]->[B,A]", {{0, 700}, {700, 1000}}, {{700, 1000}, {0, 700}}, 2, 2},  /* all shared */
    {"[C]->[A,B]", {{1000, 1300}}, {{0, 700}, {700, 1000}}, 1, 2},             /* none shared */
    {"[A,B]->[A,C]", {{0, 700}, {700, 1000}}, {{0, 700}, {1000, 1300}}, 2, 2}, /* some */
    {"[B]->[B]", {{700, 1000}}, {{700, 1000}}, 1, 1},                          /* diagonal */
    {"[B,C]->[C,A,B]", {{700, 1000}, {1000, 1300}}, {{1000, 1300}, {0, 700}, {700, 1000}}, 2, 3},
};
#define N_SPACES ((int)(sizeof spaces / sizeof spaces[0]))

static uint64_t space_size(const snn_range *r, int n)
{
    uint64_t s = 0;
    for (int k = 0; k < n; k++)
        s += r[k].end - r[k].begin;
    return s;
}

static snn_rule make_rule(snn_conn_rule rule, const space *sp, int autapses, int multapses)
{
    snn_rule r = {0};
    r.rule = rule;
    r.pre_gids = sp->pre;
    r.post_gids = sp->post;
    r.n_pre_ranges = sp->n_pre;
    r.n_post_ranges = sp->n_post;
    r.n_pre = space_size(sp->pre, sp->n_pre);
    r.n_post = space_size(sp->post, sp->n_post);
    r.autapses = autapses;
    r.multapses = multapses;
    r.prob = -1;
    return r;
}

/* gid of a pre / post index, by a plain walk written here (not the library's helper) */
static uint64_t gid_at(const snn_range *r, int n, uint64_t i)
{
    for (int k = 0; k < n; k++) {
        if (i < r[k].end - r[k].begin)
            return r[k].begin + i;
        i -= r[k].end - r[k].begin;
    }
    fail_msg("index %llu beyond the space", (unsigned long long)i);
    return 0;
}

/* ---- structural checks ------------------------------------------------------------------- */

/* Edges in range, keys unique, and the rule's own invariants when autapses / multapses are off. */
static void check_whole(const snn_rule *r, const snn_edge_list *l)
{
    uint64_t *keys = malloc((l->n ? l->n : 1) * sizeof *keys);
    assert_non_null(keys);
    for (size_t k = 0; k < l->n; k++) {
        const snn_edge *e = &l->e[k];
        assert_true(e->pre < r->n_pre && e->post < r->n_post);
        keys[k] = e->key;
        if (!r->autapses)
            assert_true(gid_at(r->pre_gids, r->n_pre_ranges, e->pre) !=
                        gid_at(r->post_gids, r->n_post_ranges, e->post));
        /* list is sorted: a repeated pair is adjacent */
        if (!r->multapses && k > 0)
            assert_false(e->pre == l->e[k - 1].pre && e->post == l->e[k - 1].post);
    }
    qsort(keys, l->n, sizeof *keys, cmp_u64);
    for (size_t k = 1; k < l->n; k++)
        assert_true(keys[k] != keys[k - 1]);
    free(keys);
}

/* snn_connect_count over `own` counts per pre exactly the edges of l (generated over own). */
static void check_counts(const snn_rule *r, uint32_t seed, uint32_t proj, const snn_range *own,
                         int n_own, const snn_edge_list *l, size_t from)
{
    uint64_t *want = calloc(r->n_pre + 1, sizeof *want), *got = calloc(r->n_pre + 1, sizeof *got);
    assert_non_null(want);
    assert_non_null(got);
    for (size_t k = from; k < l->n; k++)
        want[l->e[k].pre]++;
    snn_edge_list scratch = {0};
    snn_error err;
    assert_int_equal(snn_connect_count(r, seed, proj, own, n_own, got, &scratch, &err), SNN_OK);
    assert_true(scratch.n == 0);
    assert_memory_equal(want, got, (r->n_pre + 1) * sizeof *got);
    free(scratch.e);
    free(want);
    free(got);
}

/* snn_connect_place over `own` fills CSR rows exactly as placing l (generated over own) edge by
 * edge in list order: the same targets (posts numbered through own's ranges), keys and cursors. */
static void check_place(const snn_rule *r, uint32_t seed, uint32_t proj, const snn_range *own,
                        int n_own, const snn_edge_list *l)
{
    uint32_t local_begin[64];
    assert_true(n_own <= 64);
    uint32_t local = 0;
    for (int k = 0; k < n_own; k++) {
        local_begin[k] = local;
        local += (uint32_t)(own[k].end - own[k].begin);
    }
    size_t n = l->n ? l->n : 1, rows = r->n_pre + 1;
    uint64_t *next_w = calloc(rows, sizeof *next_w), *next_g = calloc(rows, sizeof *next_g);
    uint64_t *key_w = calloc(n, sizeof *key_w), *key_g = calloc(n, sizeof *key_g);
    uint32_t *tgt_w = calloc(n, sizeof *tgt_w), *tgt_g = calloc(n, sizeof *tgt_g);
    assert_true(next_w && next_g && key_w && key_g && tgt_w && tgt_g);
    for (size_t k = 0; k < l->n; k++) /* row starts: counts, then prefix sums */
        next_w[l->e[k].pre + 1]++;
    for (size_t i = 0; i + 1 < rows; i++)
        next_w[i + 1] += next_w[i];
    memcpy(next_g, next_w, rows * sizeof *next_g);
    for (size_t k = 0; k < l->n; k++) {
        int j = 0;
        while (l->e[k].post >= own[j].end)
            j++;
        uint64_t slot = next_w[l->e[k].pre]++;
        tgt_w[slot] = local_begin[j] + (uint32_t)(l->e[k].post - own[j].begin);
        key_w[slot] = l->e[k].key;
    }
    snn_csr_sink sink = {.next = next_g,
                         .target = tgt_g,
                         .key = key_g,
                         .ranges = own,
                         .local_begin = local_begin,
                         .n_ranges = n_own};
    snn_edge_list scratch = {0};
    snn_error err;
    assert_int_equal(snn_connect_place(r, seed, proj, own, n_own, &sink, &scratch, &err), SNN_OK);
    assert_true(scratch.n == 0);
    assert_memory_equal(next_w, next_g, rows * sizeof *next_g);
    assert_memory_equal(tgt_w, tgt_g, n * sizeof *tgt_g);
    assert_memory_equal(key_w, key_g, n * sizeof *key_g);
    free(scratch.e);
    free(next_w);
    free(next_g);
    free(key_w);
    free(key_g);
    free(tgt_w);
    free(tgt_g);
}

/* The pieces, generated one call each into one list and sorted, equal the whole output. */
static void check_pieces(const snn_rule *r, uint32_t seed, uint32_t proj, const snn_range *pieces,
                         int n_pieces, const snn_edge_list *whole)
{
    snn_edge_list l = {0};
    for (int k = 0; k < n_pieces; k++) {
        size_t before = l.n;
        gen_into(r, seed, proj, &pieces[k], 1, &l);
        for (size_t i = before; i < l.n; i++)
            assert_true(l.e[i].post >= pieces[k].begin && l.e[i].post < pieces[k].end);
    }
    sort_edges(&l);
    assert_true(l.n == whole->n);
    if (l.n)
        assert_memory_equal(l.e, whole->e, l.n * sizeof *l.e);
    free(l.e);
}

/* One call owning several ranges equals the whole output restricted to them. */
static void check_owned_set(const snn_rule *r, uint32_t seed, uint32_t proj, const snn_range *own,
                            int n_own, const snn_edge_list *whole)
{
    snn_edge_list l = {0};
    gen_into(r, seed, proj, own, n_own, &l);
    check_counts(r, seed, proj, own, n_own, &l, 0);
    check_place(r, seed, proj, own, n_own, &l);
    sort_edges(&l);
    size_t m = 0;
    for (size_t k = 0; k < whole->n; k++) {
        uint64_t t = whole->e[k].post;
        int in = 0;
        for (int i = 0; i < n_own; i++)
            in |= t >= own[i].begin && t < own[i].end;
        if (!in)
            continue;
        assert_true(m < l.n);
        assert_memory_equal(&l.e[m], &whole->e[k], sizeof(snn_edge));
        m++;
    }
    assert_true(m == l.n);
    free(l.e);
}

/* light: fewer partitions, for outputs of ~1e6 edges whose sorting dominates the test's time */
static void check_partition_independence(const snn_rule *r, uint32_t seed, uint32_t proj,
                                         uint64_t *rs, int light)
{
    snn_edge_list whole = gen_whole(r, seed, proj);
    check_whole(r, &whole);
    const uint64_t n = r->n_post;
    for (uint64_t P = 1; P <= 8; P += light ? 3 : 1) {
        snn_range pieces[8];
        for (uint64_t k = 0; k < P; k++)
            pieces[k] = snn_split(n, P, k);
        check_pieces(r, seed, proj, pieces, (int)P, &whole);
    }
    for (int trial = 0; trial < (light ? 1 : 4); trial++) {
        int P = 1 + (int)(lcg(rs) % 8);
        uint64_t cuts[9];
        cuts[0] = 0;
        cuts[P] = n;
        for (int k = 1; k < P; k++)
            cuts[k] = lcg(rs) % (n + 1);
        qsort(cuts + 1, (size_t)(P > 1 ? P - 1 : 0), sizeof *cuts, cmp_u64);
        snn_range pieces[8];
        for (int k = 0; k < P; k++)
            pieces[k] = (snn_range){cuts[k], cuts[k + 1]};
        check_pieces(r, seed, proj, pieces, P, &whole);
    }
    /* non-contiguous: two ranges with an empty one between, as a rank owning two populations */
    uint64_t a = n / 5, b = n / 3, c = n / 2, d = n - n / 7;
    snn_range two[3] = {{a, b}, {b + 1, b + 1}, {c, d}};
    check_owned_set(r, seed, proj, two, 3, &whole);
    /* many small ranges, as threads' slices of several populations */
    snn_range many[40];
    int nm = 0;
    for (uint64_t lo = 3; lo < n && nm < 40; lo += 53)
        many[nm++] = (snn_range){lo, lo + 29 < n ? lo + 29 : n};
    check_owned_set(r, seed, proj, many, nm, &whole);
    free(whole.e);
}

static void set_params(snn_rule *r, double prob)
{
    r->outdegree = r->multapses ? 40 : 60;
    r->indegree = r->multapses ? 30 : 60;
    r->total_number = r->multapses ? 20000 : 60000;
    r->prob = prob;
}

static void test_partition_independence(void **state)
{
    (void)state;
    static const snn_conn_rule rules[] = {SNN_RULE_FIXED_OUTDEGREE, SNN_RULE_FIXED_PROB,
                                          SNN_RULE_FIXED_INDEGREE,  SNN_RULE_FIXED_TOTAL_NUMBER,
                                          SNN_RULE_ALL_TO_ALL,      SNN_RULE_ONE_TO_ONE};
    uint64_t rs = 99;
    for (size_t ru = 0; ru < sizeof rules / sizeof rules[0]; ru++)
        for (int s = 0; s < N_SPACES; s++)
            for (int combo = 0; combo < 4; combo++) {
                snn_rule r = make_rule(rules[ru], &spaces[s], combo & 1, combo >> 1);
                if (r.rule == SNN_RULE_ONE_TO_ONE && r.n_pre != r.n_post)
                    continue;
                set_params(&r, 0.04);
                if (!r.multapses &&
                    (r.rule == SNN_RULE_FIXED_PROB || r.rule == SNN_RULE_ALL_TO_ALL ||
                     r.rule == SNN_RULE_ONE_TO_ONE)) {
                    /* multapses cannot occur: the flag changes nothing */
                    snn_rule m = r;
                    m.multapses = 1;
                    snn_edge_list a = gen_whole(&r, 17, 1), b = gen_whole(&m, 17, 1);
                    assert_true(a.n == b.n);
                    assert_memory_equal(a.e, b.e, a.n * sizeof *a.e);
                    free(a.e);
                    free(b.e);
                    continue;
                }
                check_partition_independence(&r, 17 + (uint32_t)s, (uint32_t)ru, &rs,
                                             r.rule == SNN_RULE_ALL_TO_ALL);
                if (r.rule == SNN_RULE_FIXED_PROB) {
                    r.prob = 0.4; /* the per-pair Bernoulli path */
                    check_partition_independence(&r, 5, 3, &rs, 1);
                }
                if (r.rule == SNN_RULE_FIXED_INDEGREE && !r.multapses) {
                    r.indegree = 290; /* selection sampling (4 K > allowed) */
                    check_partition_independence(&r, 6, 3, &rs, 1);
                }
            }
}

/* fixed_total_number with multapses places its leaves through buckets of the pre's top bits when
 * n_pre needs more than 10 bits: rows as the list placed in order, with and without autapses,
 * owning whole and partial leaves. */
static void test_place_many_pre(void **state)
{
    (void)state;
    static const snn_range pre = {0, 5000}, post = {2000, 2600}; /* overlapping gids */
    const snn_range own[] = {{0, 150}, {170, 420}, {500, 600}};
    for (int aut = 0; aut < 2; aut++) {
        snn_rule r = {.rule = SNN_RULE_FIXED_TOTAL_NUMBER,
                      .n_pre = 5000,
                      .n_post = 600,
                      .total_number = 300000,
                      .autapses = aut,
                      .multapses = 1,
                      .n_pre_ranges = 1,
                      .n_post_ranges = 1,
                      .pre_gids = &pre,
                      .post_gids = &post};
        snn_edge_list l = {0};
        gen_into(&r, 31, 4, own, 3, &l);
        check_place(&r, 31, 4, own, 3, &l);
        free(l.e);
    }
}

/* ---- degrees --------------------------------------------------------------------------------- */

static void test_fixed_outdegree_degrees(void **state)
{
    (void)state;
    for (int s = 0; s < N_SPACES; s++)
        for (int combo = 0; combo < 4; combo++) {
            snn_rule r = make_rule(SNN_RULE_FIXED_OUTDEGREE, &spaces[s], combo & 1, combo >> 1);
            /* without multapses up to every allowed post */
            static const uint64_t Ks[] = {1, 7, 299};
            for (size_t k = 0; k < 3; k++) {
                r.outdegree = Ks[k];
                snn_edge_list l = gen_whole(&r, 3, 1);
                check_whole(&r, &l);
                assert_true(l.n == r.n_pre * r.outdegree);
                uint64_t *deg = calloc(r.n_pre, sizeof *deg);
                assert_non_null(deg);
                for (size_t e = 0; e < l.n; e++) {
                    deg[l.e[e].pre]++;
                    /* keys pre * K + rank, rank < K */
                    assert_true(l.e[e].key / r.outdegree == l.e[e].pre);
                }
                for (uint64_t i = 0; i < r.n_pre; i++)
                    assert_true(deg[i] == r.outdegree);
                free(deg);
                free(l.e);
            }
        }
}

static void test_fixed_indegree_degrees(void **state)
{
    (void)state;
    for (int s = 0; s < N_SPACES; s++)
        for (int combo = 0; combo < 4; combo++) {
            snn_rule r = make_rule(SNN_RULE_FIXED_INDEGREE, &spaces[s], combo & 1, combo >> 1);
            static const uint64_t Ks[] = {1, 13, 150, 299}; /* sparse (Floyd) and dense */
            for (size_t k = 0; k < 4; k++) {
                r.indegree = Ks[k];
                snn_edge_list l = gen_whole(&r, 4, 2);
                check_whole(&r, &l);
                assert_true(l.n == r.n_post * r.indegree);
                uint64_t *deg = calloc(r.n_post, sizeof *deg);
                assert_non_null(deg);
                for (size_t e = 0; e < l.n; e++) {
                    deg[l.e[e].post]++;
                    assert_true(l.e[e].key / r.indegree == l.e[e].post);
                }
                for (uint64_t j = 0; j < r.n_post; j++)
                    assert_true(deg[j] == r.indegree);
                free(deg);
                free(l.e);
            }
        }
}

static void test_all_to_all_one_to_one(void **state)
{
    (void)state;
    for (int s = 0; s < N_SPACES; s++)
        for (int aut = 0; aut < 2; aut++) {
            snn_rule r = make_rule(SNN_RULE_ALL_TO_ALL, &spaces[s], aut, 1);
            /* shared neurons: how many post indices have a pre index with the same gid */
            uint64_t shared = 0;
            for (uint64_t j = 0; j < r.n_post; j++) {
                uint64_t g = gid_at(r.post_gids, r.n_post_ranges, j);
                for (int k = 0; k < r.n_pre_ranges; k++)
                    shared += g >= r.pre_gids[k].begin && g < r.pre_gids[k].end;
            }
            snn_edge_list l = gen_whole(&r, 1, 1);
            check_whole(&r, &l);
            assert_true(l.n == r.n_pre * r.n_post - (aut ? 0 : shared));
            /* every allowed pair once, with key post * n_pre + pre */
            for (size_t e = 0; e < l.n; e++)
                assert_true(l.e[e].key == l.e[e].post * r.n_pre + l.e[e].pre);
            free(l.e);

            r.rule = SNN_RULE_ONE_TO_ONE;
            if (r.n_pre != r.n_post)
                continue;
            uint64_t same = 0; /* pairs i -> i with the same gid */
            for (uint64_t i = 0; i < r.n_pre; i++)
                same += gid_at(r.pre_gids, r.n_pre_ranges, i) ==
                        gid_at(r.post_gids, r.n_post_ranges, i);
            l = gen_whole(&r, 1, 1);
            check_whole(&r, &l);
            assert_true(l.n == r.n_pre - (aut ? 0 : same));
            for (size_t e = 0; e < l.n; e++)
                assert_true(l.e[e].pre == l.e[e].post && l.e[e].key == l.e[e].pre);
            free(l.e);
        }
    /* [A,B] -> [A,C]: 700 of the 1000 diagonal pairs are the same neuron */
    snn_rule r = make_rule(SNN_RULE_ONE_TO_ONE, &spaces[2], 0, 1);
    snn_edge_list l = gen_whole(&r, 1, 1);
    assert_true(l.n == 300);
    free(l.e);
}

/* ---- fixed_outdegree equals the row function --------------------------------------------------
 */

static void test_outdegree_matches_row(void **state)
{
    (void)state;
    static const uint64_t n_posts[] = {1, 100, 256, 257, 1000, 77000};
    static const uint64_t Ks[] = {1, 20, 33, 500, 4000};
    uint64_t *row = malloc(4000 * sizeof *row), *got = malloc(4000 * sizeof *got);
    assert_non_null(row);
    assert_non_null(got);
    for (size_t i = 0; i < sizeof n_posts / sizeof n_posts[0]; i++)
        for (size_t j = 0; j < sizeof Ks / sizeof Ks[0]; j++) {
            snn_range pre = {0, 20}, post = {5000, 5000 + n_posts[i]};
            snn_rule r = {.rule = SNN_RULE_FIXED_OUTDEGREE,
                          .n_pre = 20,
                          .n_post = n_posts[i],
                          .outdegree = Ks[j],
                          .autapses = 1,
                          .multapses = 1,
                          .n_pre_ranges = 1,
                          .n_post_ranges = 1,
                          .pre_gids = &pre,
                          .post_gids = &post};
            /* owned: the middle half, so partial leaves and skipped subtrees occur */
            snn_range own = {n_posts[i] / 4, n_posts[i] - n_posts[i] / 4};
            snn_edge_list l = {0};
            gen_into(&r, 77, 3, &own, 1, &l);
            sort_edges(&l);
            size_t e = 0;
            for (uint64_t p = 0; p < 20; p++) {
                uint64_t n =
                    snn_connect_fixed_outdegree_row(77, 3, p, n_posts[i], Ks[j], &own, 1, row);
                uint64_t m = 0;
                for (; e < l.n && l.e[e].pre == p; e++)
                    got[m++] = l.e[e].post;
                assert_true(m == n);
                assert_memory_equal(got, row, n * sizeof *row);
            }
            assert_true(e == l.n);
            free(l.e);
        }
    free(row);
    free(got);
}

/* ---- distributions ------------------------------------------------------------------------- */

/* Binomial(n, p) pmf for k in [0, kmax], normalised including the tail beyond kmax. */
static void binomial_pmf(uint64_t n, double p, double *pmf, int kmax)
{
    for (int k = 0; k <= kmax; k++)
        pmf[k] = (uint64_t)k > n ? 0.0
                                 : exp(lgamma((double)n + 1) - lgamma(k + 1.0) -
                                       lgamma((double)(n - (uint64_t)k) + 1) + k * log(p) +
                                       (double)(n - (uint64_t)k) * log1p(-p));
}

/* Chi-square of a histogram against pmf * M, bins merged until each expects >= 5; returns the
 * statistic and sets *df. The last bin takes the whole upper tail. */
static double chi2_hist(const double *hist, const double *pmf, int kmax, double M, int *df)
{
    double chi = 0, e = 0, o = 0, tail = 1.0;
    int bins = 0;
    for (int k = 0; k <= kmax; k++)
        tail -= pmf[k];
    for (int k = 0; k <= kmax; k++) {
        e += pmf[k] * M;
        o += hist[k];
        double rest = tail * M;
        for (int j = k + 1; j <= kmax; j++)
            rest += pmf[j] * M;
        if ((e >= 5 && rest >= 5) || k == kmax) {
            if (k == kmax)
                e += tail * M;
            chi += (o - e) * (o - e) / e;
            bins++;
            e = o = 0;
        }
    }
    *df = bins - 1;
    return chi;
}

static void test_fixed_prob_statistics(void **state)
{
    (void)state;
    enum { KMAX = 1000 };
    static double hist[KMAX + 1], pmf[KMAX + 1];
    static const double probs[] = {0.003, 0.05, 0.249, 0.25, 0.4, 0.9};
    for (size_t pi = 0; pi < sizeof probs / sizeof probs[0]; pi++)
        for (int aut = 0; aut < 2; aut++) {
            /* [A,B] -> [B,A] (every post loses one pre without autapses), 4 seeds */
            snn_rule r = make_rule(SNN_RULE_FIXED_PROB, &spaces[0], aut, 1);
            r.prob = probs[pi];
            uint64_t m = r.n_pre - (aut ? 0 : 1);
            memset(hist, 0, sizeof hist);
            double total = 0;
            int seeds = probs[pi] < 0.01 ? 12 : 4;
            for (int s = 0; s < seeds; s++) {
                snn_edge_list l = gen_whole(&r, 100 + (uint32_t)s, 4);
                check_whole(&r, &l);
                uint64_t *deg = calloc(r.n_post, sizeof *deg);
                assert_non_null(deg);
                for (size_t e = 0; e < l.n; e++) {
                    deg[l.e[e].post]++;
                    assert_true(l.e[e].key == l.e[e].post * r.n_pre + l.e[e].pre);
                    if (e) /* Bernoulli: at most one synapse per pair */
                        assert_false(l.e[e].pre == l.e[e - 1].pre &&
                                     l.e[e].post == l.e[e - 1].post);
                }
                for (uint64_t j = 0; j < r.n_post; j++) {
                    int k = deg[j] > KMAX ? KMAX : (int)deg[j];
                    hist[k] += 1;
                }
                total += (double)l.n;
                free(deg);
                free(l.e);
            }
            double N = (double)seeds * (double)m * (double)r.n_post, p = probs[pi];
            double z = (total - N * p) / sqrt(N * p * (1 - p));
            /* per-post in-degree ~ Binomial(m, p) (pmf up to KMAX: the rest is in the tail) */
            binomial_pmf(m, p, pmf, KMAX);
            int df;
            double chi = chi2_hist(hist, pmf, KMAX, (double)seeds * (double)r.n_post, &df);
            print_message("fixed_prob p %.3f autapses %d: total z %+.2f, in-degree chi2 %.1f "
                          "df %d crit %.1f\n",
                          p, aut, z, chi, df, chi2_crit(df, 4.0));
            assert_true(fabs(z) < 4.5);
            assert_true(df >= 5);
            assert_true(chi < chi2_crit(df, 4.0));
        }
}

/* Per-index chi-square of counts against expectations e[i] (scaled by var_factor, the ratio of
 * the variance to the mean of each count). */
static double chi2_counts(const double *obs, const double *e, uint64_t n, double var_factor)
{
    double chi = 0;
    for (uint64_t i = 0; i < n; i++)
        if (e[i] > 0)
            chi += (obs[i] - e[i]) * (obs[i] - e[i]) / (e[i] * var_factor);
        else
            assert_true(obs[i] == 0);
    return chi;
}

static void test_fixed_total_number_statistics(void **state)
{
    (void)state;
    enum { KMAX = 300, SEEDS = 6 };
    static double hist[KMAX + 1], pmf[KMAX + 1];
    /* autapses and multapses: in-degree ~ Binomial(total, 1/n_post), pre uniform */
    snn_rule r = make_rule(SNN_RULE_FIXED_TOTAL_NUMBER, &spaces[4], 1, 1);
    r.total_number = 100000; /* n_post = 1300: mean in-degree 77 */
    double *pre_obs = calloc(r.n_pre, sizeof *pre_obs), *pre_e = calloc(r.n_pre, sizeof *pre_e);
    assert_non_null(pre_obs);
    assert_non_null(pre_e);
    for (int s = 0; s < SEEDS; s++) {
        snn_edge_list l = gen_whole(&r, 200 + (uint32_t)s, 5);
        check_whole(&r, &l);
        assert_true(l.n == r.total_number);
        uint64_t *deg = calloc(r.n_post, sizeof *deg);
        assert_non_null(deg);
        for (size_t e = 0; e < l.n; e++) {
            deg[l.e[e].post]++;
            pre_obs[l.e[e].pre] += 1;
            assert_true(l.e[e].key < r.total_number);
        }
        for (uint64_t j = 0; j < r.n_post; j++)
            hist[deg[j] > KMAX ? KMAX : deg[j]] += 1;
        free(deg);
        free(l.e);
    }
    binomial_pmf(r.total_number, 1.0 / (double)r.n_post, pmf, KMAX);
    int df;
    double chi = chi2_hist(hist, pmf, KMAX, (double)SEEDS * (double)r.n_post, &df);
    print_message("fixed_total_number in-degree chi2 %.1f df %d crit %.1f\n", chi, df,
                  chi2_crit(df, 4.0));
    assert_true(df >= 10);
    assert_true(chi < chi2_crit(df, 4.0));
    for (uint64_t i = 0; i < r.n_pre; i++)
        pre_e[i] = (double)SEEDS * (double)r.total_number / (double)r.n_pre;
    chi = chi2_counts(pre_obs, pre_e, r.n_pre, 1.0);
    print_message("fixed_total_number pre marginal chi2 %.1f crit %.1f\n", chi,
                  chi2_crit((double)r.n_pre - 1, 4.0));
    assert_true(chi < chi2_crit((double)r.n_pre - 1, 4.0));
    free(pre_obs);
    free(pre_e);
}

/* Without autapses a node's weight is its number of allowed pairs. Posts 0..299 (gids 0..299) of
 * a 300-post space (two leaves of 150), pre = gids {0, 1}: the left leaf holds 298 allowed pairs,
 * the right 300. A split that ignored the excluded pairs would send half of the draws left
 * (z about -6.7 at 4e6 draws); the exact one sends 298/598. Inside the left leaf, the pairs are
 * uniform over the allowed ones. The same for fixed_outdegree with multapses (split m_l / m). */
static void test_split_weights_without_autapses(void **state)
{
    (void)state;
    snn_range pre = {0, 2}, post = {0, 300};
    snn_rule r = {.rule = SNN_RULE_FIXED_TOTAL_NUMBER,
                  .n_pre = 2,
                  .n_post = 300,
                  .total_number = 4000000,
                  .autapses = 0,
                  .multapses = 1,
                  .n_pre_ranges = 1,
                  .n_post_ranges = 1,
                  .pre_gids = &pre,
                  .post_gids = &post};
    snn_edge_list l = gen_whole(&r, 31, 6);
    assert_true(l.n == r.total_number);
    static double obs[600], e[600];
    memset(obs, 0, sizeof obs);
    double left = 0;
    for (size_t k = 0; k < l.n; k++) {
        assert_true(l.e[k].pre != l.e[k].post); /* same gid here */
        obs[l.e[k].post * 2 + l.e[k].pre] += 1;
        left += l.e[k].post < 150;
    }
    free(l.e);
    double N = (double)r.total_number, pl = 298.0 / 598.0;
    double z = (left - N * pl) / sqrt(N * pl * (1 - pl));
    for (int j = 0; j < 300; j++)
        for (int i = 0; i < 2; i++)
            e[j * 2 + i] = i == j ? 0 : N / 598.0;
    double chi = chi2_counts(obs, e, 600, 1.0);
    print_message("total_number no autapses: left share z %+.2f, pair chi2 %.1f crit %.1f\n", z,
                  chi, chi2_crit(597, 4.0));
    assert_true(fabs(z) < 4);
    assert_true(chi < chi2_crit(597, 4.0));

    /* fixed_outdegree: pres are gids 0..149 (in the left leaf of the same 300 posts) */
    snn_range pre2 = {0, 150};
    r.rule = SNN_RULE_FIXED_OUTDEGREE;
    r.pre_gids = &pre2;
    r.n_pre = 150;
    r.outdegree = 2000;
    left = 0;
    double n_draws = 0;
    memset(obs, 0, sizeof obs);
    for (uint32_t s = 0; s < 14; s++) {
        l = gen_whole(&r, 40 + s, 6);
        for (size_t k = 0; k < l.n; k++) {
            assert_true(l.e[k].pre != l.e[k].post);
            left += l.e[k].post < 150;
            obs[l.e[k].post] += 1;
        }
        n_draws += (double)l.n;
        free(l.e);
    }
    pl = 149.0 / 299.0;
    z = (left - n_draws * pl) / sqrt(n_draws * pl * (1 - pl));
    /* each post: from every pre but its own with probability 1/299 per draw */
    for (int j = 0; j < 300; j++)
        e[j] = 14.0 * 2000.0 * (j < 150 ? 149.0 : 150.0) / 299.0;
    chi = chi2_counts(obs, e, 300, 1.0);
    print_message("outdegree no autapses: left share z %+.2f, post chi2 %.1f crit %.1f\n", z, chi,
                  chi2_crit(299, 4.0));
    assert_true(fabs(z) < 4);
    assert_true(chi < chi2_crit(299, 4.0));
}

/* Without multapses the draws are uniform over the allowed indices: marginal chi-squares with the
 * variance of sampling without replacement (factor 1 - K/m for each pre's or post's draws). */
/* z of the number of sampled items in a part of the population: sum over independent samples
 * (without replacement) of hypergeometric means and variances. */
typedef struct {
    double obs, mean, var;
} share;

static void share_add(share *sh, double n, double good, double total)
{
    double p = good / total;
    sh->mean += n * p;
    sh->var += total > 1 ? n * p * (1 - p) * (total - n) / (total - 1) : 0;
}

static double share_z(const share *sh)
{
    return (sh->obs - sh->mean) / sqrt(sh->var);
}

/* fixed_outdegree over [A,B] -> [B,A] without autapses or multapses: per-post counts uniform,
 * and the shares of the root's left child [0, 500) and of [250, 375) (half of the leaf
 * [250, 500)) are those of sampling K of the 999 allowed posts without replacement. */
static void check_outdegree_without_multapses(uint64_t K, uint32_t seed0)
{
    enum { SEEDS = 4 };
    snn_rule r = make_rule(SNN_RULE_FIXED_OUTDEGREE, &spaces[0], 0, 0);
    r.outdegree = K;
    static double obs[1300], e[1300];
    memset(obs, 0, sizeof obs);
    share half = {0, 0, 0}, leaf = {0, 0, 0};
    for (uint32_t s = 0; s < SEEDS; s++) {
        snn_edge_list l = gen_whole(&r, seed0 + s, 7);
        check_whole(&r, &l);
        for (size_t k = 0; k < l.n; k++) {
            uint64_t t = l.e[k].post;
            obs[t] += 1;
            half.obs += t < 500;
            leaf.obs += t >= 250 && t < 375;
        }
        free(l.e);
    }
    for (uint64_t i = 0; i < r.n_pre; i++) {
        uint64_t g = gid_at(r.pre_gids, r.n_pre_ranges, i), self = 0;
        while (gid_at(r.post_gids, r.n_post_ranges, self) != g)
            self++;
        for (int s = 0; s < SEEDS; s++) {
            share_add(&half, (double)K, 500.0 - (self < 500), 999.0);
            share_add(&leaf, (double)K, 125.0 - (self >= 250 && self < 375), 999.0);
        }
    }
    for (uint64_t j = 0; j < r.n_post; j++)
        e[j] = SEEDS * (double)(r.n_pre - 1) * (double)K / 999.0;
    double chi = chi2_counts(obs, e, r.n_post, 1.0 - (double)K / 999.0);
    print_message("outdegree %llu without multapses: post chi2 %.1f crit %.1f, half z %+.2f, "
                  "leaf z %+.2f\n",
                  (unsigned long long)K, chi, chi2_crit(999, 4.0), share_z(&half), share_z(&leaf));
    assert_true(chi < chi2_crit(999, 4.0));
    assert_true(fabs(share_z(&half)) < 4.5);
    assert_true(fabs(share_z(&leaf)) < 4.5);
}

/* Without multapses the draws are uniform over the allowed indices: marginal chi-squares with the
 * variance of sampling without replacement (factor 1 - K/m for each pre's or post's draws), and
 * the shares of tree nodes. */
static void test_uniform_without_multapses(void **state)
{
    (void)state;
    static double obs[1300], e[1300];
    double chi;
    snn_rule r;
    check_outdegree_without_multapses(100, 50); /* sparse leaves */
    check_outdegree_without_multapses(500, 60); /* dense leaves */

    /* fixed_indegree: sparse (Floyd, 40 of 1000) and dense (selection, 400 of 1000), pre
     * marginal over [B,C] -> [C,A,B] without autapses (posts of B and C lose one pre) */
    static const uint64_t Ks[] = {40, 400};
    for (int kk = 0; kk < 2; kk++) {
        r = make_rule(SNN_RULE_FIXED_INDEGREE, &spaces[4], 0, 0);
        r.indegree = Ks[kk];
        memset(obs, 0, sizeof obs);
        memset(e, 0, sizeof e);
        for (uint32_t s = 0; s < 3; s++) {
            snn_edge_list l = gen_whole(&r, 70 + s, 8);
            check_whole(&r, &l);
            for (size_t k = 0; k < l.n; k++)
                obs[l.e[k].pre] += 1;
            free(l.e);
        }
        /* posts of A (indices 300..999) choose among 600 pres, posts of B and C among 599 */
        for (uint64_t i = 0; i < r.n_pre; i++)
            e[i] = 3.0 * (700.0 * (double)Ks[kk] / 600.0 + 599.0 * (double)Ks[kk] / 599.0);
        chi = chi2_counts(obs, e, r.n_pre, 1.0 - (double)Ks[kk] / 600.0);
        print_message("indegree %llu without multapses: pre chi2 %.1f crit %.1f\n",
                      (unsigned long long)Ks[kk], chi, chi2_crit(599, 4.0));
        assert_true(chi < chi2_crit(599, 4.0));
    }

    /* fixed_total_number without multapses: 40% of the pairs of [A,B] -> [B,A] */
    r = make_rule(SNN_RULE_FIXED_TOTAL_NUMBER, &spaces[0], 0, 0);
    r.total_number = 400000;
    memset(obs, 0, sizeof obs);
    snn_edge_list l = gen_whole(&r, 80, 9);
    check_whole(&r, &l);
    assert_true(l.n == r.total_number);
    for (size_t k = 0; k < l.n; k++)
        obs[l.e[k].post] += 1;
    free(l.e);
    share half = {0, 0, 0}, leaf = {0, 0, 0};
    for (uint64_t j = 0; j < r.n_post; j++) {
        e[j] = 400000.0 / 1000.0;
        half.obs += j < 500 ? obs[j] : 0;
        leaf.obs += j >= 250 && j < 375 ? obs[j] : 0;
    }
    /* every post has 999 allowed pairs */
    share_add(&half, 400000.0, 500.0 * 999.0, 999000.0);
    share_add(&leaf, 400000.0, 125.0 * 999.0, 999000.0);
    chi = chi2_counts(obs, e, r.n_post, 1.0 - 0.4);
    print_message("total_number without multapses: post chi2 %.1f crit %.1f, half z %+.2f, "
                  "leaf z %+.2f\n",
                  chi, chi2_crit(999, 4.0), share_z(&half), share_z(&leaf));
    assert_true(chi < chi2_crit(999, 4.0));
    assert_true(fabs(share_z(&half)) < 4.5);
    assert_true(fabs(share_z(&leaf)) < 4.5);
}

/* ---- the hypergeometric sampler ------------------------------------------------------------ */

static double lchoose(double n, double k)
{
    return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
}

static void check_hyper(uint64_t good, uint64_t bad, uint64_t sample, int draws, uint32_t seed)
{
    uint64_t lo = sample > bad ? sample - bad : 0, hi = sample < good ? sample : good;
    /* histogram over [mean - 8 sd, mean + 8 sd] clipped to the support */
    double N = (double)(good + bad), mean = (double)sample * (double)good / N;
    double var = mean * ((double)bad / N) * (N - (double)sample) / (N > 1 ? N - 1 : 1);
    double w = 8 * sqrt(var) + 2;
    uint64_t a = mean - w > (double)lo ? (uint64_t)(mean - w) : lo;
    uint64_t b = mean + w < (double)hi ? (uint64_t)(mean + w) : hi;
    int nb = (int)(b - a + 1);
    double *hist = calloc((size_t)nb, sizeof *hist), *pmf = calloc((size_t)nb, sizeof *pmf);
    assert_non_null(hist);
    assert_non_null(pmf);
    snn_rng s;
    snn_rng_init(&s, seed, 77, 0, 0);
    double sum = 0;
    for (int i = 0; i < draws; i++) {
        uint64_t k = snn_rng_hypergeometric(&s, good, bad, sample);
        assert_true(k >= lo && k <= hi);
        sum += (double)k;
        if (k >= a && k <= b)
            hist[k - a] += 1;
        else
            hist[k < a ? 0 : nb - 1] += 1; /* beyond 8 sd: counted in the end bins */
    }
    for (int i = 0; i < nb; i++) {
        double k = (double)(a + (uint64_t)i);
        pmf[i] = exp(lchoose((double)good, k) + lchoose((double)bad, (double)sample - k) -
                     lchoose(N, (double)sample));
    }
    double z = (sum / draws - mean) / sqrt(var / draws + 1e-300);
    double chi = 0, e = 0, o = 0, rest = 0;
    int bins = 0;
    for (int i = 0; i < nb; i++)
        rest += pmf[i] * draws;
    for (int i = 0; i < nb; i++) {
        e += pmf[i] * draws;
        o += hist[i];
        rest -= pmf[i] * draws;
        if ((e >= 5 && rest >= 5) || i == nb - 1) {
            chi += (o - e) * (o - e) / e;
            bins++;
            e = o = 0;
        }
    }
    print_message("hypergeometric(%llu, %llu, %llu): mean z %+.2f chi2 %.1f df %d crit %.1f\n",
                  (unsigned long long)good, (unsigned long long)bad, (unsigned long long)sample,
                  var > 0 ? z : 0.0, chi, bins - 1, bins > 1 ? chi2_crit(bins - 1, 4.0) : 0.0);
    if (var > 0)
        assert_true(fabs(z) < 4.5);
    if (bins > 1)
        assert_true(chi < chi2_crit(bins - 1, 4.0));
    free(hist);
    free(pmf);
}

static void test_hypergeometric(void **state)
{
    (void)state;
    snn_rng s;
    snn_rng_init(&s, 1, 2, 3, 4);
    /* degenerate cases */
    assert_true(snn_rng_hypergeometric(&s, 0, 10, 5) == 0);
    assert_true(snn_rng_hypergeometric(&s, 10, 0, 5) == 5);
    assert_true(snn_rng_hypergeometric(&s, 7, 3, 10) == 7);
    assert_true(snn_rng_hypergeometric(&s, 7, 3, 0) == 0);
    check_hyper(30, 70, 10, 200000, 1);       /* sequential */
    check_hyper(5, 100000, 50000, 200000, 2); /* sequential via symmetry in (M, n) */
    check_hyper(128, 128, 200, 200000, 3);    /* tree split, sample > half */
    check_hyper(500, 1500, 300, 200000, 4);   /* HRUA */
    check_hyper(1500, 500, 300, 200000, 5);   /* good > bad */
    check_hyper(1000000, 3000000, 1000, 200000, 6);
    check_hyper(UINT64_C(1) << 40, (UINT64_C(1) << 40) + 12345, 100000, 100000, 7);
    check_hyper(UINT64_C(3) << 38, (UINT64_C(1) << 40), UINT64_C(1) << 30, 100000, 8);
    check_hyper(20, 1000000, 900000, 200000, 9);
}

/* ---- errors --------------------------------------------------------------------------------- */

static void expect_error(const snn_rule *r, int code, const char *needle)
{
    snn_error err;
    int rc = gen_status(r, &err);
    print_message("expected error: %s\n", err.msg);
    assert_int_equal(rc, code);
    assert_non_null(strstr(err.msg, needle));
    /* the same with nothing owned: the check never depends on the owned set */
    snn_edge_list l = {0};
    snn_error_clear(&err);
    assert_int_equal(snn_connect_generate(r, 1, 0, NULL, 0, &l, &err), code);
    free(l.e);
}

static void test_errors(void **state)
{
    (void)state;
    snn_rule r = make_rule(SNN_RULE_FIXED_INDEGREE, &spaces[1], 1, 0); /* 300 pre */
    r.indegree = 301;
    expect_error(&r, SNN_ERR_CONFIG, "indegree 301");
    r.indegree = 300;
    snn_error err;
    assert_int_equal(gen_status(&r, &err), SNN_OK);
    r = make_rule(SNN_RULE_FIXED_INDEGREE, &spaces[0], 0, 0); /* 1000 pre, each post shared */
    r.indegree = 1000;
    expect_error(&r, SNN_ERR_CONFIG, "indegree 1000");
    r.indegree = 999;
    assert_int_equal(gen_status(&r, &err), SNN_OK);

    r = make_rule(SNN_RULE_FIXED_OUTDEGREE, &spaces[3], 0, 0); /* [B] -> [B] */
    r.outdegree = 300;
    expect_error(&r, SNN_ERR_CONFIG, "outdegree 300");
    r.outdegree = 299;
    assert_int_equal(gen_status(&r, &err), SNN_OK);

    r = make_rule(SNN_RULE_ONE_TO_ONE, &spaces[1], 1, 1); /* 300 -> 1000 */
    expect_error(&r, SNN_ERR_CONFIG, "as many pre as post");

    r = make_rule(SNN_RULE_FIXED_TOTAL_NUMBER, &spaces[3], 0, 0); /* 300 x 300 - 300 pairs */
    r.total_number = 300 * 299 + 1;
    expect_error(&r, SNN_ERR_CONFIG, "total_number");
    r.total_number = 300 * 299;
    assert_int_equal(gen_status(&r, &err), SNN_OK);

    /* one neuron onto itself without autapses: nothing allowed */
    snn_range one = {5, 6};
    snn_rule t = {.rule = SNN_RULE_FIXED_OUTDEGREE,
                  .n_pre = 1,
                  .n_post = 1,
                  .outdegree = 1,
                  .indegree = 1,
                  .total_number = 1,
                  .autapses = 0,
                  .multapses = 1,
                  .n_pre_ranges = 1,
                  .n_post_ranges = 1,
                  .pre_gids = &one,
                  .post_gids = &one};
    expect_error(&t, SNN_ERR_CONFIG, "no allowed");
    t.rule = SNN_RULE_FIXED_INDEGREE;
    expect_error(&t, SNN_ERR_CONFIG, "no allowed");
    t.rule = SNN_RULE_FIXED_TOTAL_NUMBER;
    expect_error(&t, SNN_ERR_CONFIG, "no (pre, post) pair");

    /* a population listed twice */
    snn_range twice[2] = {B, B};
    r = make_rule(SNN_RULE_ALL_TO_ALL, &spaces[1], 0, 1);
    r.pre_gids = twice;
    r.n_pre_ranges = 2;
    r.n_pre = 600;
    expect_error(&r, SNN_ERR_CONFIG, "overlap");

    r = make_rule(SNN_RULE_FIXED_PROB, &spaces[1], 1, 1);
    r.prob = 1.5;
    expect_error(&r, SNN_ERR_CONFIG, "prob");
    (void)A;
    (void)C;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hypergeometric),
        cmocka_unit_test(test_partition_independence),
        cmocka_unit_test(test_place_many_pre),
        cmocka_unit_test(test_fixed_outdegree_degrees),
        cmocka_unit_test(test_fixed_indegree_degrees),
        cmocka_unit_test(test_all_to_all_one_to_one),
        cmocka_unit_test(test_outdegree_matches_row),
        cmocka_unit_test(test_fixed_prob_statistics),
        cmocka_unit_test(test_fixed_total_number_statistics),
        cmocka_unit_test(test_split_weights_without_autapses),
        cmocka_unit_test(test_uniform_without_multapses),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
