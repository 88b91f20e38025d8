/*
 * test_build_pieces.c — the pieces a projection's build generates in (include/snn/build_pieces.h):
 * piece sizes per rule, the walk over owned ranges, and that the pieces' edges together are the
 * whole owned set's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snn/build_pieces.h"
#include "snn/connect.h"

static snn_projection proj(snn_conn_rule rule, uint64_t n_pre, uint64_t n_post)
{
    snn_projection pr;
    memset(&pr, 0, sizeof pr);
    pr.rule = rule;
    pr.pre_size = n_pre;
    pr.post_size = n_post;
    return pr;
}

static void test_piece_posts(void **state)
{
    (void)state;
    snn_projection pr = proj(SNN_RULE_FIXED_INDEGREE, 10000, 10000);
    pr.indegree = 1000;
    assert_true(snn_build_edges_per_post(&pr) == 1000);
    assert_int_equal(snn_build_piece_posts(&pr), SNN_BUILD_PIECE_EDGES / 1000);
    /* A post neuron with more expected edges than a piece is a piece of its own. */
    pr.indegree = 3 * SNN_BUILD_PIECE_EDGES;
    assert_int_equal(snn_build_piece_posts(&pr), 1);
    pr = proj(SNN_RULE_FIXED_PROB, 1000, 50);
    pr.prob = 0.5;
    assert_true(snn_build_edges_per_post(&pr) == 500);
    assert_int_equal(snn_build_piece_posts(&pr), SNN_BUILD_PIECE_EDGES / 500);
    pr = proj(SNN_RULE_FIXED_OUTDEGREE, 400, 100);
    pr.outdegree = 50;
    assert_true(snn_build_edges_per_post(&pr) == 200);
    pr = proj(SNN_RULE_FIXED_TOTAL_NUMBER, 400, 100);
    pr.total_number = 3000;
    assert_true(snn_build_edges_per_post(&pr) == 30);
    pr = proj(SNN_RULE_ALL_TO_ALL, 123, 100);
    assert_true(snn_build_edges_per_post(&pr) == 123);
    pr = proj(SNN_RULE_ONE_TO_ONE, 100, 100);
    assert_int_equal(snn_build_piece_posts(&pr), SNN_BUILD_PIECE_EDGES);
    /* No expected edges: one piece. */
    pr = proj(SNN_RULE_FIXED_PROB, 100, 100);
    assert_int_equal(snn_build_piece_posts(&pr), UINT64_MAX);
    /* The reserved buffer covers the largest piece, not more than the owned set needs. */
    pr = proj(SNN_RULE_FIXED_INDEGREE, 10000, 10000);
    pr.indegree = 1000;
    size_t big = snn_build_piece_capacity(&pr, 100000), small = snn_build_piece_capacity(&pr, 3);
    assert_true(big >= SNN_BUILD_PIECE_EDGES / 1000 * 1000 && big < 2 * SNN_BUILD_PIECE_EDGES);
    assert_true(small >= 3000 && small < 3000 + 8192);
}

/* The iterator's next n_pieces pieces are want[k][0 .. want_n[k]), then none. */
static void expect_pieces(snn_piece_iter *it, const snn_range (*want)[3], const int *want_n,
                          int n_pieces)
{
    snn_range out[4];
    for (int k = 0; k < n_pieces; k++) {
        int n = snn_piece_iter_next(it, out);
        assert_int_equal(n, want_n[k]);
        for (int j = 0; j < n; j++) {
            assert_int_equal(out[j].begin, want[k][j].begin);
            assert_int_equal(out[j].end, want[k][j].end);
        }
    }
    assert_int_equal(snn_piece_iter_next(it, out), 0);
}

static void test_iter(void **state)
{
    (void)state;
    const snn_range own[] = {{0, 5}, {10, 12}, {20, 30}};
    snn_range out[3];
    snn_piece_iter it;
    snn_piece_iter_init(&it, own, 3, 4);
    const snn_range want[][3] = {
        {{0, 4}}, {{4, 5}, {10, 12}, {20, 21}}, {{21, 25}}, {{25, 29}}, {{29, 30}}};
    const int want_n[] = {1, 3, 1, 1, 1};
    expect_pieces(&it, want, want_n, 5);
    assert_int_equal(snn_piece_iter_next(&it, out), 0);
    /* Nothing owned: no piece. Pieces of 0 posts are pieces of 1. */
    snn_piece_iter_init(&it, own, 0, 4);
    assert_int_equal(snn_piece_iter_next(&it, out), 0);
    snn_piece_iter_init(&it, own + 1, 1, 0);
    assert_int_equal(snn_piece_iter_next(&it, out), 1);
    assert_int_equal(out[0].end - out[0].begin, 1);
    /* One piece for everything. */
    snn_piece_iter_init(&it, own, 3, UINT64_MAX);
    assert_int_equal(snn_piece_iter_next(&it, out), 3);
    assert_int_equal(out[2].end, 30);
    assert_int_equal(snn_piece_iter_next(&it, out), 0);
}

/* The leaves of the tree over [lo, hi) (connect.h: split at lo + (hi - lo) / 2 while larger
 * than a leaf), their ends in order into ends. */
static void tree_leaf_ends(uint64_t lo, uint64_t hi, uint64_t *ends, size_t *n)
{
    if (hi - lo <= SNN_CONNECT_LEAF) {
        ends[(*n)++] = hi;
        return;
    }
    tree_leaf_ends(lo, lo + (hi - lo) / 2, ends, n);
    tree_leaf_ends(lo + (hi - lo) / 2, hi, ends, n);
}

static void test_leaf_end(void **state)
{
    (void)state;
    const uint64_t sizes[] = {1, 255, 256, 257, 1000, 20683, 65536, 100001};
    static uint64_t ends[1024];
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t n = 0;
        tree_leaf_ends(0, sizes[k], ends, &n);
        uint64_t post = 0;
        for (size_t j = 0; j < n; j++)
            for (; post < ends[j]; post++)
                assert_int_equal(snn_connect_leaf_end(sizes[k], post), ends[j]);
        assert_int_equal(post, sizes[k]);
    }
}

/* Pieces of a tree rule end where leaves end, or where an owned range ends. */
static void test_iter_aligned(void **state)
{
    (void)state;
    /* n_post 1000: leaves [0, 250), [250, 500), [500, 750), [750, 1000) */
    const snn_range own[] = {{10, 620}, {700, 720}, {740, 760}, {800, 1000}};
    snn_piece_iter it;
    snn_piece_iter_init(&it, own, 4, 100);
    snn_piece_iter_align(&it, 1000);
    /* 110 extends to its leaf's end 250, 350 to 500; 600 to 620, where its range ends (its
     * leaf ends at 750); the last stops inside [800, 1000) and extends to 1000. */
    const snn_range want[][3] = {
        {{10, 250}}, {{250, 500}}, {{500, 620}}, {{700, 720}, {740, 760}, {800, 1000}}};
    const int want_n[] = {1, 1, 1, 3};
    expect_pieces(&it, want, want_n, 4);
    snn_projection pr = {.rule = SNN_RULE_FIXED_TOTAL_NUMBER, .post_size = 1000};
    assert_int_equal(snn_build_piece_tree(&pr), 1000);
    pr.rule = SNN_RULE_FIXED_PROB;
    assert_int_equal(snn_build_piece_tree(&pr), 0);
}

static int cmp_edge(const void *a, const void *b)
{
    const snn_edge *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->pre != y->pre)
        return x->pre < y->pre ? -1 : 1;
    return (x->post > y->post) - (x->post < y->post);
}

/* Every rule: the edges of all pieces (of 7 posts, spanning ranges) are those of the whole
 * owned set. */
static void test_pieces_make_the_whole(void **state)
{
    (void)state;
    const snn_range gids = {0, 300};
    const snn_range own[] = {{3, 40}, {41, 42}, {100, 180}, {290, 300}};
    const snn_conn_rule rules[] = {SNN_RULE_FIXED_OUTDEGREE, SNN_RULE_FIXED_PROB,
                                   SNN_RULE_FIXED_INDEGREE,  SNN_RULE_FIXED_TOTAL_NUMBER,
                                   SNN_RULE_ALL_TO_ALL,      SNN_RULE_ONE_TO_ONE};
    for (size_t ri = 0; ri < sizeof rules / sizeof *rules; ri++)
        for (int aut = 0; aut < 2; aut++) {
            snn_rule r = {.rule = rules[ri],
                          .n_pre = 300,
                          .n_post = 300,
                          .prob = 0.3,
                          .outdegree = 40,
                          .indegree = 30,
                          .total_number = 5000,
                          .autapses = aut,
                          .multapses = aut,
                          .n_pre_ranges = 1,
                          .n_post_ranges = 1,
                          .pre_gids = &gids,
                          .post_gids = &gids};
            snn_error err;
            snn_edge_list whole = {0};
            assert_int_equal(snn_connect_generate(&r, 7, 3, own, 4, &whole, &err), SNN_OK);
            /* one_to_one without autapses on one population leaves nothing. */
            assert_true(whole.n > 0 || (rules[ri] == SNN_RULE_ONE_TO_ONE && !aut));
            if (whole.n > 0) /* qsort and memcmp take no NULL, even for 0 elements */
                qsort(whole.e, whole.n, sizeof *whole.e, cmp_edge);
            /* pieces anywhere, then pieces ending at the ends of the tree's leaves (n_post 300:
             * [0, 150) and [150, 300)) */
            for (int aligned = 0; aligned < 2; aligned++) {
                snn_edge_list parts = {0};
                snn_piece_iter it;
                snn_range piece[4];
                snn_piece_iter_init(&it, own, 4, 7);
                snn_piece_iter_align(&it, aligned ? 300 : 0);
                int n_pieces = 0;
                for (int np; (np = snn_piece_iter_next(&it, piece)) > 0; n_pieces++)
                    assert_int_equal(snn_connect_generate(&r, 7, 3, piece, np, &parts, &err),
                                     SNN_OK);
                assert_int_equal(n_pieces, aligned ? 4 : (37 + 1 + 80 + 10 + 6) / 7);
                assert_int_equal(parts.n, whole.n);
                if (whole.n > 0) {
                    qsort(parts.e, parts.n, sizeof *parts.e, cmp_edge);
                    assert_memory_equal(whole.e, parts.e, whole.n * sizeof *whole.e);
                }
                free(parts.e);
            }
            free(whole.e);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_piece_posts),
        cmocka_unit_test(test_iter),
        cmocka_unit_test(test_leaf_end),
        cmocka_unit_test(test_iter_aligned),
        cmocka_unit_test(test_pieces_make_the_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
