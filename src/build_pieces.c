/*
 * build_pieces.c — generating a projection's synapses in bounded pieces (see
 * include/snn/build_pieces.h).
 */
#include "snn/build_pieces.h"

#include "snn/connect.h"

#include <math.h>

double snn_build_edges_per_post(const snn_projection *pr)
{
    double n_pre = (double)pr->pre_size, n_post = (double)pr->post_size;
    switch (pr->rule) {
    case SNN_RULE_FIXED_INDEGREE:
        return (double)pr->indegree;
    case SNN_RULE_FIXED_PROB:
        return pr->prob * n_pre;
    case SNN_RULE_FIXED_OUTDEGREE:
        return n_post > 0 ? n_pre * (double)pr->outdegree / n_post : 0;
    case SNN_RULE_FIXED_TOTAL_NUMBER:
    case SNN_RULE_FROM_FILE:
        return n_post > 0 ? (double)pr->total_number / n_post : 0;
    case SNN_RULE_ALL_TO_ALL:
        return n_pre;
    case SNN_RULE_ONE_TO_ONE:
    default:
        return 1;
    }
}

uint64_t snn_build_piece_posts(const snn_projection *pr)
{
    double e = snn_build_edges_per_post(pr);
    if (!(e > 0))
        return UINT64_MAX;
    double n = floor((double)SNN_BUILD_PIECE_EDGES / e);
    if (n < 1)
        return 1;
    if (n >= 1.8e19)
        return UINT64_MAX;
    return (uint64_t)n;
}

size_t snn_build_piece_capacity(const snn_projection *pr, uint64_t owned_posts)
{
    uint64_t posts = snn_build_piece_posts(pr);
    if (snn_build_piece_tree(pr) > 0) /* a piece may extend to its last leaf's end */
        posts = posts > UINT64_MAX - SNN_CONNECT_LEAF ? UINT64_MAX : posts + SNN_CONNECT_LEAF;
    if (posts > owned_posts)
        posts = owned_posts;
    double e = snn_build_edges_per_post(pr) * (double)posts;
    /* Binomial and hypergeometric counts stay within a few standard deviations of the mean. */
    e += e / 16 + 4096;
    return e < 1e15 ? (size_t)e : (size_t)1e15;
}

void snn_piece_iter_init(snn_piece_iter *it, const snn_range *owned, int n_owned, uint64_t posts)
{
    it->owned = owned;
    it->n_owned = n_owned;
    it->posts = posts > 0 ? posts : 1;
    it->tree_n_post = 0;
    it->r = 0;
    it->pos = n_owned > 0 ? owned[0].begin : 0;
}

int snn_piece_iter_next(snn_piece_iter *it, snn_range *out)
{
    int n = 0;
    uint64_t left = it->posts;
    while (left > 0 && it->r < it->n_owned) {
        const snn_range *o = &it->owned[it->r];
        if (it->pos >= o->end) {
            if (++it->r < it->n_owned)
                it->pos = it->owned[it->r].begin;
            continue;
        }
        uint64_t take = o->end - it->pos;
        if (take > left) { /* the piece stops inside this range: at a leaf's end, if aligned */
            take = left;
            if (it->tree_n_post > 0) {
                uint64_t end = snn_connect_leaf_end(it->tree_n_post, it->pos + take - 1);
                take = (end < o->end ? end : o->end) - it->pos;
            }
        }
        out[n].begin = it->pos;
        out[n].end = it->pos + take;
        n++;
        it->pos += take;
        left = take < left ? left - take : 0;
    }
    return n;
}

void snn_piece_iter_align(snn_piece_iter *it, uint64_t tree_n_post)
{
    it->tree_n_post = tree_n_post;
}

uint64_t snn_build_piece_tree(const snn_projection *pr)
{
    int tree = pr->rule == SNN_RULE_FIXED_OUTDEGREE || pr->rule == SNN_RULE_FIXED_TOTAL_NUMBER;
    return tree ? pr->post_size : 0;
}
