/*
 * connect.h — connectivity rules, generated only where the synapses are stored.
 *
 * fixed_outdegree (EventFixedProb): each pre neuron draws K targets uniformly with replacement
 * from the post index space [0, n_post). The K draws are split over a fixed binary tree of post
 * index ranges by binomial draws keyed by (seed, projection, pre, tree node); a caller descends
 * only into the ranges it owns, and leaves place their draws uniformly. The multiset of targets
 * of a pre neuron is therefore the same whatever ranges the caller owns.
 *
 * The tree depends only on n_post: node 1 covers [0, n_post); node k covering [lo, hi) with
 * hi - lo > SNN_CONNECT_LEAF has children 2k = [lo, mid) and 2k+1 = [mid, hi), mid = lo +
 * (hi-lo)/2, and is a leaf otherwise. Every node owns one stream, snn_rng_init(&r, seed,
 * SNN_RNG_CONNECT | proj_index, pre, node)   (sub = node number), used for one thing only: a split
 * node draws left ~ Binomial(c, (mid-lo)/(hi-lo)) from it (c is its count; right = c - left), a
 * leaf draws its c targets as lo + snn_rng_below(&r, hi - lo). The root count is K. Nodes with
 * count 0 or outside the owned ranges are never visited. A node at depth d has a number below
 * 2^(d+1), and leaves are reached by depth 31 whenever n_post <= SNN_CONNECT_LEAF * 2^31, so node
 * numbers fit in 32 bits up to SNN_CONNECT_MAX_N_POST (2^39 with leaves of 256).
 */
#ifndef SNN_CONNECT_H
#define SNN_CONNECT_H

#include <stddef.h>
#include <stdint.h>

#include "snn/error.h"
#include "snn/model.h"
#include "snn/partition.h"

/* Largest post range a leaf places its draws in directly (a power of two, at least 64). Fewer,
 * larger leaves mean fewer binomial splits: 256 generates rows about 1.6x faster than 64. */
#define SNN_CONNECT_LEAF 256
/* Largest n_post for which tree node numbers fit in 32 bits. */
#define SNN_CONNECT_MAX_N_POST ((uint64_t)SNN_CONNECT_LEAF << 31)

/* The end of the tree leaf above that holds post index `post` (< n_post): the tree depends on
 * n_post alone. A caller that generates a tree rule in pieces ends them where leaves end, since a
 * leaf met by two pieces is drawn whole for each. */
uint64_t snn_connect_leaf_end(uint64_t n_post, uint64_t post);

/* Writes into targets (capacity >= K) the targets of pre neuron `pre` that lie in the owned ranges
 * (sorted ascending, disjoint), in ascending order, and returns how many there are.
 * Requires n_post <= SNN_CONNECT_MAX_N_POST and proj_index < 2^24. Allocates nothing. */
uint64_t snn_connect_fixed_outdegree_row(uint32_t seed, uint32_t proj_index, uint64_t pre,
                                         uint64_t n_post, uint64_t K, const snn_range *owned,
                                         int n_owned, uint64_t *targets);

/* ---- every rule, through one interface ------------------------------------------------------
 *
 * A rule generates the synapses of one projection whose post index lies in the caller's owned
 * ranges. Each synapse comes with a `key`: a 64-bit identity that is the same for that synapse
 * whatever the partition, unique within the projection, used to key its weight and delay draws
 * (SNN_RNG_WEIGHT / SNN_RNG_DELAY). For any partition of the post index space, the union of the
 * parts' outputs is the same multiset of (pre, post, key) triples.
 */
typedef struct {
    uint64_t pre, post, key;
} snn_edge;

/* A growable edge list, freed by the caller with free(list->e). */
typedef struct {
    snn_edge *e;
    size_t n, cap;
} snn_edge_list;

/* Everything a rule needs about one projection. The pre and post index spaces are each a list of
 * global-id ranges in index order (pre index i is the i-th global id of pre_gids), so autapses
 * (pre and post the same neuron) can be recognised. */
typedef struct {
    snn_conn_rule rule;
    uint64_t n_pre, n_post;
    double prob;
    uint64_t outdegree, indegree, total_number;
    int autapses, multapses;
    int n_pre_ranges, n_post_ranges;
    const snn_range *pre_gids, *post_gids;
} snn_rule;

/* Appends to list the synapses of rule r (projection proj_index, seed) whose post index lies in
 * the owned ranges (sorted ascending, disjoint). Edges come in an order that is deterministic for
 * a given owned set; the caller sorts them. Returns SNN_OK, SNN_ERR_NOMEM, or SNN_ERR_CONFIG
 * when the rule cannot be satisfied (e.g. indegree > n_pre without multapses), with a message.
 * Every check that can fail with SNN_ERR_CONFIG depends on r alone, never on the owned set, so
 * all callers of one projection fail alike (also with n_owned == 0). On failure the list stays
 * valid (it may hold some of the edges).
 *
 * Streams and keys (all streams are snn_rng_init(&s, seed, SNN_RNG_CONNECT | proj_index, id,
 * sub); "allowed" excludes the pair whose global ids are equal when autapses is 0):
 * - fixed_outdegree: the tree above, id = pre, sub = node. With autapses and multapses exactly
 *   snn_connect_fixed_outdegree_row. Without autapses the post index p* with the pre's global id
 *   is left out: a node containing p* splits with p = m_left / m (m = allowed indices below it)
 *   and its leaf draws below(m) mapped past p*; other nodes draw exactly as the row. Without
 *   multapses the split is Hypergeometric(c; m_left, m - m_left) and a leaf picks c distinct
 *   allowed indices by Floyd's algorithm (c draws below(j + 1), j = m-c .. m-1). K > allowed
 *   targets without multapses, or K > 0 with no allowed target, is SNN_ERR_CONFIG.
 *   key = pre * K + rank, rank = position of the synapse in the pre's whole row sorted by post
 *   index (left counts are known from the splits, so it is computed without the other leaves).
 * - fixed_prob: one stream per post, id = post, sub = 0 (tree nodes are >= 1). Over the allowed
 *   pre indices in ascending order: p >= 1/4 one Bernoulli per pair (exact 64-bit threshold
 *   floor(p 2^64), about one 32-bit word per pair); p < 1/4 geometric gaps
 *   floor(log(1 - U) / log1p(-p)). key = post * n_pre + pre.
 * - fixed_indegree: one stream per post, id = post, sub = 0. With multapses `indegree` draws
 *   below(allowed); without, distinct ones (selection sampling when 4 indegree > allowed, else
 *   Floyd's algorithm with a hash set). key = post * indegree + k, k = draw number.
 * - fixed_total_number: the tree above over posts, with id = UINT64_MAX (no pre index reaches
 *   it) and sub = node; a node's weight is its number of allowed (pre, post) pairs, the root
 *   count is total_number. Multapses: Binomial splits by weight, a leaf draws post = lo +
 *   below(size) then pre = below(n_pre), redrawing both while the pair is an autapse (exactly
 *   uniform over the leaf's allowed pairs). Without multapses: Hypergeometric splits, and a
 *   leaf picks distinct pair indices (as fixed_indegree) numbered post-major. key = the draw's
 *   position in [0, total_number) (left counts before the leaf, plus its draw number).
 * - all_to_all: key = post * n_pre + pre. one_to_one: key = i (n_pre == n_post required).
 * Keys of the form post * n_pre + pre need n_pre * n_post < 2^64 (else SNN_ERR_CONFIG).
 * The pre (and the post) gid ranges must not overlap one another (a population listed twice). */
int snn_connect_generate(const snn_rule *r, uint32_t seed, uint32_t proj_index,
                         const snn_range *owned, int n_owned, snn_edge_list *list, snn_error *err);

/* What snn_connect_generate would append, counted per pre index: count[pre] += 1 for each edge
 * (count has room for n_pre). The same checks and errors; faster where only the counts are
 * needed (no edges are formed, for fixed_total_number with multapses). `scratch` is an edge list
 * for rules that count by generating (left empty, its capacity kept; free(scratch->e)). */
int snn_connect_count(const snn_rule *r, uint32_t seed, uint32_t proj_index, const snn_range *owned,
                      int n_owned, uint64_t *count, snn_edge_list *scratch, snn_error *err);

/* Where snn_connect_place puts a projection's synapses: rows by pre index, each row filled
 * forwards from next[pre]. The post index of each synapse becomes its local target through the
 * caller's post ranges: local_begin[k] + (post - ranges[k].begin) for the range k holding it
 * (every post the rule is given lies in one). */
typedef struct {
    uint64_t *next;              /* per pre: the next free slot of its row (advanced) */
    uint32_t *target;            /* per slot: the local target */
    uint64_t *key;               /* per slot: the synapse's key, or NULL */
    const snn_range *ranges;     /* the caller's post ranges, ascending, disjoint */
    const uint32_t *local_begin; /* local target of each range's first post */
    int n_ranges;
} snn_csr_sink;

/* The list's edges into the sink's rows, in list order. */
void snn_csr_sink_put_list(const snn_csr_sink *sink, const snn_edge_list *list);

/* What snn_connect_generate would append, written into the sink's rows instead, in the list's
 * order (fixed_total_number with multapses: in (post, key) order per leaf, without forming
 * edges). The same checks and errors; `scratch` as for snn_connect_count. */
int snn_connect_place(const snn_rule *r, uint32_t seed, uint32_t proj_index, const snn_range *owned,
                      int n_owned, const snn_csr_sink *sink, snn_edge_list *scratch,
                      snn_error *err);

/* Global id of index i of an index space given as gid ranges in index order, or UINT64_MAX when
 * i is beyond the space. */
uint64_t snn_index_to_gid(const snn_range *gids, int n_ranges, uint64_t i);
/* Index of global id gid in an index space given as gid ranges, or UINT64_MAX if absent. */
uint64_t snn_gid_to_index(const snn_range *gids, int n_ranges, uint64_t gid);

/* The rule's name as the config writes it ("fixed_outdegree", ...). */
const char *snn_connect_rule_name(snn_conn_rule rule);

#endif
