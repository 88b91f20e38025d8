/*
 * network.c — building one rank's part of the network (see include/snn/network.h).
 *
 * Each thread builds its own neurons and its own incoming synapses, in parallel and in its own
 * memory (first touch). Initial values and connectivity come from counter-based streams keyed
 * by global ids, so the network is the same for any number of ranks and threads; each rank
 * generates only the synapses it stores, so build time falls as ranks are added.
 */
#include "snn/network.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "snn/build_pieces.h"
#include "snn/connect.h"
#include "snn/draw.h"
#include "snn/edges_file.h"
#include "snn/fault.h"
#include "snn/pages.h"
#include "snn/rng.h"
#include "snn/shared_rows.h"

snn_range snn_network_slice(const snn_model *m, int pop, int rank, int n_ranks, int n_threads,
                            int t)
{
    snn_range rs = snn_split(m->pops[pop].size, (uint64_t)n_ranks, (uint64_t)rank);
    snn_range ts = snn_split(rs.end - rs.begin, (uint64_t)n_threads, (uint64_t)t);
    snn_range r = {rs.begin + ts.begin, rs.begin + ts.end};
    return r;
}

static double initial_value(const snn_init_dist *d, uint32_t seed, uint64_t gid)
{
    snn_rng r;
    switch (d->kind) {
    case SNN_INIT_NORMAL:
        snn_rng_init(&r, seed, SNN_RNG_V_INIT, gid, 0);
        return d->a + d->b * snn_rng_normal(&r);
    case SNN_INIT_UNIFORM:
        snn_rng_init(&r, seed, SNN_RNG_V_INIT, gid, 0);
        return d->a + (d->b - d->a) * snn_rng_uniform(&r);
    case SNN_INIT_CONSTANT:
    default:
        return d->a;
    }
}

static int alloc_neurons(snn_network *net, snn_thread_state *ts, int t, snn_error *err)
{
    const snn_model *m = net->model;
    ts->segs = calloc((size_t)m->n_pops, sizeof *ts->segs);
    if (!ts->segs)
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate thread segments");
    uint32_t n = 0;
    for (int p = 0; p < m->n_pops; p++) {
        snn_range s = snn_network_slice(m, p, net->rank, net->n_ranks, net->n_threads, t);
        ts->segs[p].pop = p;
        ts->segs[p].begin = n;
        n += (uint32_t)(s.end - s.begin);
        ts->segs[p].end = n;
        ts->segs[p].gid_begin = m->pops[p].offset + s.begin;
    }
    ts->n = n;
    size_t nn = n > 0 ? n : 1, nc = (size_t)net->channels.n;
    ts->V = malloc(nn * sizeof *ts->V);
    ts->last_spike = malloc(nn * sizeof *ts->last_spike);
    ts->g = calloc(nn * (nc > 0 ? nc : 1), sizeof *ts->g);
    ts->h = calloc(nn * (nc > 0 ? nc : 1), sizeof *ts->h);
    ts->refr = calloc(nn, sizeof *ts->refr);
    ts->ring = snn_pages_calloc(nn * (nc > 0 ? nc : 1) * (size_t)net->ring_len, sizeof *ts->ring);
    ts->spikes = malloc(nn * (size_t)net->min_delay * sizeof *ts->spikes);
    ts->spike_count = calloc(nn, sizeof *ts->spike_count);
    ts->isi_sum = calloc(nn, sizeof *ts->isi_sum);
    ts->isi_sq = calloc(nn, sizeof *ts->isi_sq);
    ts->syn = calloc(m->n_projs > 0 ? (size_t)m->n_projs : 1, sizeof *ts->syn);
    if (!ts->V || !ts->last_spike || !ts->g || !ts->h || !ts->refr || !ts->ring || !ts->spikes ||
        !ts->spike_count || !ts->isi_sum || !ts->isi_sq || !ts->syn)
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate the state of %u neurons", n);
    for (int p = 0; p < m->n_pops; p++) {
        const snn_segment *sg = &ts->segs[p];
        for (uint32_t i = sg->begin; i < sg->end; i++) {
            uint64_t gid = sg->gid_begin + (i - sg->begin);
            ts->V[i] = (snn_real)initial_value(&m->pops[p].V_init, m->run.seed, gid);
            /* No spike yet: far enough back that no refractory period can cover step 1. */
            ts->last_spike[i] = INT64_MIN / 2;
        }
    }
    return SNN_OK;
}

/* Owned post ranges of one projection on one thread, in the projection's post index space. */
typedef struct {
    snn_range post;       /* post indices */
    uint32_t local_begin; /* thread-local index of post.begin */
} owned_range;

static int build_projection(snn_network *net, snn_thread_state *ts, int p, int t, snn_error *err)
{
    const snn_model *m = net->model;
    const snn_projection *pr = &m->projs[p];
    owned_range *own = calloc((size_t)pr->n_post, sizeof *own);
    snn_range *ranges = calloc((size_t)pr->n_post, sizeof *ranges);
    uint64_t *scratch = malloc((pr->outdegree > 0 ? pr->outdegree : 1) * sizeof *scratch);
    snn_synapses *sy = &ts->syn[p];
    sy->row = malloc((pr->pre_size + 1) * sizeof *sy->row);
    int status = SNN_OK;
    if (!own || !ranges || !scratch || !sy->row) {
        status = snn_fail(err, SNN_ERR_NOMEM, "projection %s: cannot allocate its rows", pr->name);
        goto done;
    }
    int n_own = 0;
    uint64_t base = 0, n_owned_posts = 0;
    for (int j = 0; j < pr->n_post; j++) {
        int q = pr->post[j];
        snn_range s = snn_network_slice(m, q, net->rank, net->n_ranks, net->n_threads, t);
        if (s.end > s.begin) {
            own[n_own].post.begin = base + s.begin;
            own[n_own].post.end = base + s.end;
            own[n_own].local_begin = ts->segs[q].begin;
            ranges[n_own] = own[n_own].post;
            n_owned_posts += s.end - s.begin;
            n_own++;
        }
        base += m->pops[q].size;
    }
    /* Expected count plus slack; grown if a row pushes past it. */
    uint64_t cap = pr->post_size ? pr->pre_size * pr->outdegree / pr->post_size * n_owned_posts : 0;
    cap = cap + cap / 8 + 64;
    uint64_t n_syn = 0;
    sy->target = snn_pages_malloc(cap * sizeof *sy->target);
    if (!sy->target) {
        status = snn_fail(err, SNN_ERR_NOMEM, "projection %s: cannot allocate %llu synapses",
                          pr->name, (unsigned long long)cap);
        goto done;
    }
    for (uint64_t pre = 0; pre < pr->pre_size; pre++) {
        sy->row[pre] = n_syn;
        if (n_own == 0)
            continue;
        uint64_t k = snn_connect_fixed_outdegree_row(m->run.seed, (uint32_t)p, pre, pr->post_size,
                                                     pr->outdegree, ranges, n_own, scratch);
        if (n_syn + k > cap) {
            uint64_t ncap = (n_syn + k) * 3 / 2;
            uint32_t *nt = snn_pages_realloc(sy->target, ncap * sizeof *nt, cap * sizeof *nt);
            if (!nt) {
                status = snn_fail(err, SNN_ERR_NOMEM, "projection %s: cannot grow to %llu synapses",
                                  pr->name, (unsigned long long)ncap);
                goto done;
            }
            sy->target = nt;
            cap = ncap;
        }
        int r = 0;
        for (uint64_t i = 0; i < k; i++) {
            while (scratch[i] >= own[r].post.end)
                r++;
            sy->target[n_syn++] = own[r].local_begin + (uint32_t)(scratch[i] - own[r].post.begin);
        }
    }
    sy->row[pr->pre_size] = n_syn;
    ts->n_syn += n_syn;
done:
    free(own);
    free(ranges);
    free(scratch);
    return status;
}

/* The projection's index spaces as global-id ranges, for rules that must recognise autapses. */
static int index_ranges(const snn_model *m, const int *pops, int n, snn_range **out, snn_error *err)
{
    *out = malloc((size_t)(n > 0 ? n : 1) * sizeof **out);
    if (!*out)
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate index ranges");
    for (int j = 0; j < n; j++) {
        (*out)[j].begin = m->pops[pops[j]].offset;
        (*out)[j].end = m->pops[pops[j]].offset + m->pops[pops[j]].size;
    }
    return SNN_OK;
}

typedef struct {
    uint32_t target;
    uint64_t key;
} target_key;

static int cmp_target_key(const void *a, const void *b)
{
    const target_key *x = a, *y = b;
    if (x->target != y->target)
        return x->target < y->target ? -1 : 1;
    return (x->key > y->key) - (x->key < y->key);
}

static int before(uint32_t ta, uint64_t ka, uint32_t tb, uint64_t kb)
{
    return ta < tb || (ta == tb && ka < kb);
}

/* Sorts one row by (target, key). Thread-local target order is global id order, so the result
 * is the same on any partition. Rows usually arrive sorted; long unsorted ones go through qsort.
 * Returns 0, or -1 if the temporary array cannot be allocated. */
static int sort_row(uint32_t *tgt, uint64_t *key, uint64_t len)
{
    uint64_t i = 1;
    while (i < len && !before(tgt[i], key[i], tgt[i - 1], key[i - 1]))
        i++;
    if (i >= len)
        return 0;
    if (len <= 64) {
        for (; i < len; i++) {
            uint32_t t = tgt[i];
            uint64_t k = key[i], j = i;
            for (; j > 0 && before(t, k, tgt[j - 1], key[j - 1]); j--) {
                tgt[j] = tgt[j - 1];
                key[j] = key[j - 1];
            }
            tgt[j] = t;
            key[j] = k;
        }
        return 0;
    }
    target_key *tk = malloc(len * sizeof *tk);
    if (!tk)
        return -1;
    for (uint64_t j = 0; j < len; j++)
        tk[j] = (target_key){tgt[j], key[j]};
    qsort(tk, len, sizeof *tk, cmp_target_key);
    for (uint64_t j = 0; j < len; j++) {
        tgt[j] = tk[j].target;
        key[j] = tk[j].key;
    }
    free(tk);
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Sorts one row of targets ascending (rows without per-synapse values: synapses with the same
 * pre and target are identical, so the order of their keys does not matter). */
static void sort_targets(uint32_t *tgt, uint64_t len)
{
    uint64_t i = 1;
    while (i < len && tgt[i] >= tgt[i - 1])
        i++;
    if (i >= len)
        return;
    if (len > 64) {
        qsort(tgt, len, sizeof *tgt, cmp_u32);
        return;
    }
    for (; i < len; i++) {
        uint32_t v = tgt[i];
        uint64_t j = i;
        for (; j > 0 && v < tgt[j - 1]; j--)
            tgt[j] = tgt[j - 1];
        tgt[j] = v;
    }
}

/* Any rule, any weight and delay distribution: lay the owned edges out as CSR by pre with each
 * row in (target, key) order, and draw per-synapse weights and delays from streams keyed by
 * each synapse's key, so nothing depends on the partition.
 *
 * Generated rules go in pieces of the owned post ranges (include/snn/build_pieces.h): pass 1
 * counts the synapses per pre (snn_connect_count), pass 2 generates each piece and places it
 * into the CSR slots, so one piece's edge list is alive at a time. Keys are kept only when weights
 * or delays are drawn per synapse; otherwise rows are sorted by target alone, which gives the same
 * targets. from_file edges are in memory already and are placed in one go. */
static int build_projection_generic(snn_network *net, snn_thread_state *ts, int p, int t,
                                    snn_error *err)
{
    const snn_model *m = net->model;
    const snn_projection *pr = &m->projs[p];
    snn_synapses *sy = &ts->syn[p];
    snn_range *pre_gids = NULL, *post_gids = NULL, *ranges = NULL, *piece = NULL;
    uint32_t *local_begin = NULL;
    uint64_t *keys = NULL;
    snn_piece_iter *starts = NULL; /* where each piece starts, for pass 2 */
    snn_edge_list list = {0};
    int status = index_ranges(m, pr->pre, pr->n_pre, &pre_gids, err);
    if (status == SNN_OK)
        status = index_ranges(m, pr->post, pr->n_post, &post_gids, err);
    size_t n_lists = (size_t)(pr->n_post > 0 ? pr->n_post : 1);
    ranges = calloc(n_lists, sizeof *ranges);
    piece = calloc(n_lists, sizeof *piece);
    local_begin = calloc(n_lists, sizeof *local_begin);
    sy->row = calloc(pr->pre_size + 1, sizeof *sy->row);
    if (status == SNN_OK && (!ranges || !piece || !local_begin || !sy->row))
        status = snn_fail(err, SNN_ERR_NOMEM, "projection %s: cannot allocate its rows", pr->name);
    if (status != SNN_OK)
        goto done;
    int n_own = 0;
    uint64_t base = 0, owned_posts = 0;
    for (int j = 0; j < pr->n_post; j++) {
        int q = pr->post[j];
        snn_range s = snn_network_slice(m, q, net->rank, net->n_ranks, net->n_threads, t);
        if (s.end > s.begin) {
            ranges[n_own].begin = base + s.begin;
            ranges[n_own].end = base + s.end;
            owned_posts += s.end - s.begin;
            local_begin[n_own++] = ts->segs[q].begin;
        }
        base += m->pops[q].size;
    }
    snn_rule rule = {.rule = pr->rule,
                     .n_pre = pr->pre_size,
                     .n_post = pr->post_size,
                     .prob = pr->prob,
                     .outdegree = pr->outdegree,
                     .indegree = pr->indegree,
                     .total_number = pr->total_number,
                     .autapses = pr->autapses,
                     .multapses = pr->multapses,
                     .n_pre_ranges = pr->n_pre,
                     .n_post_ranges = pr->n_post,
                     .pre_gids = pre_gids,
                     .post_gids = post_gids};
    /* from_file: the rank's edges read before the build, key = position in file order. */
    const snn_file_edges *fe = pr->rule == SNN_RULE_FROM_FILE ? &net->file_edges[p] : NULL;
    int per_w = pr->weight_std > 0 || (fe && fe->weight),
        per_d = pr->delay_std > 0 || (fe && fe->delay);
    int need_keys = per_w || per_d;
    if (fe && n_own > 0) {
        status = snn_file_edges_select(fe, ranges, n_own, &list, err);
        if (status != SNN_OK)
            goto done;
    }
    if (!fe && n_own > 0) {
        size_t cap = snn_build_piece_capacity(pr, owned_posts);
        list.e = snn_pages_malloc(cap * sizeof *list.e);
        if (!list.e) {
            status = snn_fail(err, SNN_ERR_NOMEM,
                              "projection %s: cannot allocate an edge list of %zu synapses",
                              pr->name, cap);
            goto done;
        }
        list.cap = cap;
    }
    /* The pieces (where each starts, for pass 2). */
    snn_piece_iter it;
    snn_piece_iter_init(&it, ranges, n_own, snn_build_piece_posts(pr));
    snn_piece_iter_align(&it, snn_build_piece_tree(pr));
    int n_pieces = 0, cap_pieces = 0;
    for (; !fe;) {
        snn_piece_iter start = it;
        if (snn_piece_iter_next(&it, piece) == 0)
            break;
        if (n_pieces == cap_pieces) {
            cap_pieces = cap_pieces ? 2 * cap_pieces : 16;
            snn_piece_iter *ns = realloc(starts, (size_t)cap_pieces * sizeof *ns);
            if (!ns) {
                status = snn_fail(err, SNN_ERR_NOMEM, "projection %s: cannot allocate its pieces",
                                  pr->name);
                goto done;
            }
            starts = ns;
        }
        starts[n_pieces++] = start;
    }
    /* Pass 1: synapses per pre (row[pre + 1]), then prefix sums. Several pieces are counted
     * without forming their edges; a single piece is generated and kept for pass 2. */
    const int kept = fe || n_pieces == 1;
    if (fe)
        for (size_t k = 0; k < list.n; k++)
            sy->row[list.e[k].pre + 1]++;
    for (int j = 0; j < n_pieces && status == SNN_OK; j++) {
        snn_piece_iter s = starts[j];
        int np = snn_piece_iter_next(&s, piece);
        if (!kept) {
            status = snn_connect_count(&rule, m->run.seed, (uint32_t)p, piece, np, sy->row + 1,
                                       &list, err);
            continue;
        }
        list.n = 0;
        status = snn_connect_generate(&rule, m->run.seed, (uint32_t)p, piece, np, &list, err);
        for (size_t k = 0; k < list.n && status == SNN_OK; k++)
            sy->row[list.e[k].pre + 1]++;
    }
    if (status != SNN_OK)
        goto done;
    for (uint64_t i = 0; i < pr->pre_size; i++)
        sy->row[i + 1] += sy->row[i];
    uint64_t n = sy->row[pr->pre_size];
    sy->target = snn_pages_malloc((n > 0 ? n : 1) * sizeof *sy->target);
    if (need_keys)
        keys = snn_pages_malloc((n > 0 ? n : 1) * sizeof *keys);
    if (per_w)
        sy->weight = snn_pages_malloc((n > 0 ? n : 1) * sizeof *sy->weight);
    if (per_d)
        sy->delay = snn_pages_malloc((n > 0 ? n : 1) * sizeof *sy->delay);
    if (!sy->target || (need_keys && !keys) || (per_w && !sy->weight) || (per_d && !sy->delay)) {
        status = snn_fail(err, SNN_ERR_NOMEM, "projection %s: cannot allocate %llu synapses",
                          pr->name, (unsigned long long)n);
        goto done;
    }
    /* Pass 2: rows are filled forwards (row[pre] is the cursor meanwhile), pieces in order and
     * each piece's edges in the list's order, so every row ends up in generation order, which
     * the row sort's sorted-row fast path likes. Pieces are placed as they are generated
     * (snn_connect_place: without forming edges where the rule can); a kept list (one piece, or
     * the file's edges) is placed without being regenerated. */
    const snn_csr_sink sink = {.next = sy->row,
                               .target = sy->target,
                               .key = keys,
                               .ranges = ranges,
                               .local_begin = local_begin,
                               .n_ranges = n_own};
    if (kept)
        snn_csr_sink_put_list(&sink, &list);
    for (int j = 0; !kept && j < n_pieces && status == SNN_OK; j++) {
        snn_piece_iter s = starts[j];
        int np = snn_piece_iter_next(&s, piece);
        status = snn_connect_place(&rule, m->run.seed, (uint32_t)p, piece, np, &sink, &list, err);
    }
    if (status != SNN_OK)
        goto done;
    free(list.e);
    list.e = NULL;
    for (uint64_t i = pr->pre_size; i > 0; i--) /* undo the cursors: row[i] = row i's start */
        sy->row[i] = sy->row[i - 1];
    sy->row[0] = 0;
    /* Each row into (target, key) order: canonical whatever order the rule produced. */
    for (uint64_t i = 0; i < pr->pre_size && status == SNN_OK; i++) {
        uint64_t b = sy->row[i], len = sy->row[i + 1] - b;
        if (!keys)
            sort_targets(sy->target + b, len);
        else if (sort_row(sy->target + b, keys + b, len))
            status = snn_fail(err, SNN_ERR_NOMEM, "projection %s: cannot sort a row", pr->name);
    }
    for (uint64_t k = 0; fe && keys && k < n; k++) {
        if (sy->weight)
            sy->weight[k] = fe->weight[keys[k]];
        if (sy->delay)
            sy->delay[k] = fe->delay[keys[k]];
    }
    if (!fe && keys && status == SNN_OK && sy->weight)
        snn_draw_weights(m->run.seed, (uint32_t)p, keys, n, pr->weight, pr->weight_std, sy->weight);
    if (!fe && keys && status == SNN_OK && sy->delay) {
        enum { CHUNK = 4096 };
        int d[CHUNK];
        for (uint64_t b = 0; b < n && status == SNN_OK; b += CHUNK) {
            size_t len = n - b < CHUNK ? (size_t)(n - b) : CHUNK;
            int bad = snn_draw_delays_steps(m->run.seed, (uint32_t)p, keys + b, len, pr->delay,
                                            pr->delay_std, m->run.dt, pr->delay_max, d);
            for (size_t k = 0; k < len && !bad; k++) {
                bad = d[k] < 1 || d[k] > net->max_delay;
                sy->delay[b + k] = (uint16_t)d[k];
            }
            if (bad)
                status = snn_fail(err, SNN_ERR_CONFIG,
                                  "%s:%d: projections[%d].delay: expected a normal(%g ms, %g ms) "
                                  "that can be drawn within [dt, max] = [%g ms, %g ms], got a "
                                  "window holding almost none of it",
                                  m->source, pr->line, p, pr->delay, pr->delay_std, m->run.dt,
                                  pr->delay_max);
        }
    }
    ts->n_syn += n;
done:
    free(keys);
    free(starts);
    free(list.e);
    free(pre_gids);
    free(post_gids);
    free(ranges);
    free(piece);
    free(local_begin);
    return status;
}

/* The tutorial's case (EventFixedProb with constant weight and delay) keeps its direct path:
 * rows come out of the tree already sorted, with no edge list and no keys. */
static int is_plain_outdegree(const snn_projection *pr)
{
    return pr->rule == SNN_RULE_FIXED_OUTDEGREE && pr->autapses && pr->multapses &&
           pr->weight_std == 0 && pr->delay_std == 0;
}

static int build_thread(snn_network *net, int t, snn_error *err)
{
    snn_thread_state *ts = &net->thr[t];
    if (t == 0 && snn_fault_here("alloc", net->rank, 0))
        return snn_fail(err, SNN_ERR_NOMEM, "rank %d: cannot allocate the network (injected fault)",
                        net->rank);
    int status = alloc_neurons(net, ts, t, err);
    for (int p = 0; status == SNN_OK && p < net->model->n_projs; p++) {
        status = is_plain_outdegree(&net->model->projs[p])
                     ? build_projection(net, ts, p, t, err)
                     : build_projection_generic(net, ts, p, t, err);
        if (status == SNN_OK)
            status = snn_synapses_compact(&ts->syn[p],
                                          ts->syn[p].row[net->model->projs[p].pre_size], err);
    }
    if (status == SNN_OK)
        status = snn_shared_rows_build(net, ts, err);
    return status;
}

static int check_index_lists(const snn_model *m, snn_error *err)
{
    for (int p = 0; p < m->n_projs; p++) {
        const snn_projection *pr = &m->projs[p];
        for (int i = 0; i < pr->n_post; i++)
            for (int j = 0; j < i; j++)
                if (pr->post[i] == pr->post[j])
                    return snn_fail(
                        err, SNN_ERR_CONFIG,
                        "%s:%d: projections[%d].post: population \"%s\" is listed twice", m->source,
                        pr->line, p, m->pops[pr->post[i]].name);
        for (int i = 0; i < pr->n_pre; i++)
            for (int j = 0; j < i; j++)
                if (pr->pre[i] == pr->pre[j])
                    return snn_fail(err, SNN_ERR_CONFIG,
                                    "%s:%d: projections[%d].pre: population \"%s\" is listed twice",
                                    m->source, pr->line, p, m->pops[pr->pre[i]].name);
    }
    return SNN_OK;
}

/* Does channel c reach population q (through a projection or a Poisson input)? */
static int channel_reaches(const snn_model *m, const snn_channels *ch, int c, int q)
{
    for (int p = 0; p < m->n_projs; p++)
        if (ch->proj_channel[p] == c)
            for (int j = 0; j < m->projs[p].n_post; j++)
                if (m->projs[p].post[j] == q)
                    return 1;
    for (int i = 0; i < m->n_inputs; i++)
        if (ch->input_channel[i] == c && m->inputs[i].pop == q)
            return 1;
    return 0;
}

/* Neuron propagators; iaf_psc_exp takes current-based expon and delta synapses only. */
static int setup_models(snn_network *net, const snn_model *m, snn_error *err)
{
    int nc = net->channels.n;
    net->iaf = calloc((size_t)m->n_pops, sizeof *net->iaf);
    net->iaf_syn = calloc((size_t)m->n_pops * (size_t)(nc > 0 ? nc : 1), sizeof *net->iaf_syn);
    if (!net->iaf || !net->iaf_syn)
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate neuron propagators");
    for (int p = 0; p < m->n_pops; p++) {
        const snn_population *pop = &m->pops[p];
        net->I_ext[p] = (snn_real)pop->I_ext;
        if (pop->model == SNN_NEURON_LIF) {
            snn_lif_init(&net->lif[p], &pop->lif, m->run.dt);
            continue;
        }
        snn_iaf_init(&net->iaf[p], &pop->iaf, m->run.dt);
        /* The LIF threshold is what step 0 compares initial potentials with. */
        net->lif[p].V_th = (snn_real)pop->iaf.V_th;
        for (int c = 0; c < nc; c++) {
            const snn_channel *ch = &net->channels.ch[c];
            if (!channel_reaches(m, &net->channels, c, p))
                continue;
            if (ch->kind == SNN_SYN_DELTA)
                continue;
            if (ch->kind != SNN_SYN_EXPON || ch->output != SNN_OUTPUT_CUBA)
                return snn_fail(err, SNN_ERR_CONFIG,
                                "%s:%d: populations[%d] (\"%s\", model iaf_psc_exp): receives a "
                                "synapse it cannot take: expected expon with cuba output or "
                                "delta (NEST iaf_psc_exp is current-based), got %s",
                                m->source, pop->line, p, pop->name,
                                ch->kind != SNN_SYN_EXPON ? "another synapse kind" : "coba");
            snn_iaf_syn_init(&net->iaf_syn[(size_t)p * (size_t)nc + (size_t)c], &pop->iaf, ch->tau,
                             m->run.dt);
        }
    }
    return SNN_OK;
}

/* Inputs: DC equivalents join the constant current; Poisson inputs get their distribution;
 * step inputs their schedule in steps. */
static int setup_inputs(snn_network *net, const snn_model *m, snn_error *err)
{
    net->inputs = calloc((size_t)(m->n_inputs > 0 ? m->n_inputs : 1), sizeof *net->inputs);
    if (!net->inputs)
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate inputs");
    for (int i = 0; i < m->n_inputs; i++) {
        const snn_input *in = &m->inputs[i];
        snn_net_input *ni = &net->inputs[i];
        ni->kind = in->kind;
        ni->pop = in->pop;
        ni->channel = net->channels.input_channel[i];
        if (in->kind == SNN_INPUT_STEP) {
            net->has_step_input = 1;
            int status = snn_step_schedule_init(&ni->schedule, in, m->run.dt, err);
            if (status != SNN_OK)
                return status;
        } else if (in->dc_equivalent) {
            net->I_ext[in->pop] =
                (snn_real)((double)net->I_ext[in->pop] + snn_input_dc_equivalent(in));
        } else {
            net->has_poisson_input = 1;
            ni->weight = (snn_real)in->weight;
            ni->first_step = (uint64_t)llround(in->start / m->run.dt) + 1;
            ni->last_step =
                isfinite(in->stop) ? (uint64_t)llround(in->stop / m->run.dt) : UINT64_MAX;
            const snn_population *pop = &m->pops[in->pop];
            ni->gid_end = pop->offset + (in->n_targets ? in->n_targets : pop->size);
            snn_poisson_prepare(&ni->dist, in->rate_hz * (double)in->n_sources * m->run.dt * 1e-3);
        }
    }
    return SNN_OK;
}

static int setup_shared(snn_network *net, const snn_model *m, snn_error *err)
{
    int status = check_index_lists(m, err);
    if (status != SNN_OK)
        return status;
    status = snn_channels_build(&net->channels, m, err);
    if (status != SNN_OK)
        return status;
    net->lif = calloc((size_t)m->n_pops, sizeof *net->lif);
    net->I_ext = calloc((size_t)m->n_pops, sizeof *net->I_ext);
    size_t nb = (size_t)m->n_pops * (size_t)(m->n_projs > 0 ? m->n_projs : 1);
    net->pre_base = malloc(nb * sizeof *net->pre_base);
    net->thr = calloc((size_t)net->n_threads, sizeof *net->thr);
    if (!net->lif || !net->I_ext || !net->pre_base || !net->thr)
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate the network description");
    status = setup_models(net, m, err);
    if (status == SNN_OK)
        status = setup_inputs(net, m, err);
    if (status != SNN_OK)
        return status;
    int max_delay = 1, min_delay = INT32_MAX;
    for (int p = 0; p < m->n_projs; p++) {
        const snn_projection *pr = &m->projs[p];
        int64_t *pb = net->pre_base + (size_t)p * (size_t)m->n_pops;
        for (int q = 0; q < m->n_pops; q++)
            pb[q] = -1;
        int64_t base = 0;
        for (int j = 0; j < pr->n_pre; j++) {
            pb[pr->pre[j]] = base;
            base += (int64_t)m->pops[pr->pre[j]].size;
        }
        int dmax = pr->delay_max_steps > pr->delay_steps ? pr->delay_max_steps : pr->delay_steps;
        int dmin = pr->delay_min_steps > 0 ? pr->delay_min_steps : pr->delay_steps;
        if (dmax > max_delay)
            max_delay = dmax;
        if (dmin < min_delay)
            min_delay = dmin;
    }
    if (min_delay == INT32_MAX || min_delay < 1)
        min_delay = 1;
    net->min_delay = min_delay;
    net->max_delay = max_delay;
    net->ring_len = max_delay + min_delay;
    return SNN_OK;
}

static void free_file_edges(snn_network *net)
{
    for (int p = 0; net->file_edges && p < net->model->n_projs; p++)
        snn_file_edges_free(&net->file_edges[p]);
    free(net->file_edges);
    net->file_edges = NULL;
}

/* from_file projections: this rank's edges (targets in its slice of the post population), read
 * once per rank before the threads split them (HDF5 is not called from threads). */
static int read_file_edges(snn_network *net, const snn_model *m, snn_error *err)
{
    int any = 0;
    for (int p = 0; p < m->n_projs; p++)
        any |= m->projs[p].rule == SNN_RULE_FROM_FILE;
    if (!any)
        return SNN_OK;
    net->file_edges = calloc((size_t)m->n_projs, sizeof *net->file_edges);
    if (!net->file_edges)
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate the file edges");
    for (int p = 0; p < m->n_projs; p++) {
        const snn_projection *pr = &m->projs[p];
        if (pr->rule != SNN_RULE_FROM_FILE)
            continue;
        snn_range own =
            snn_split(m->pops[pr->post[0]].size, (uint64_t)net->n_ranks, (uint64_t)net->rank);
        int status = snn_edges_read(m, p, own, &net->file_edges[p], err);
        if (status != SNN_OK)
            return status;
    }
    return SNN_OK;
}

int snn_network_build(snn_network *net, const snn_model *m, int rank, int n_ranks, int n_threads,
                      snn_error *err)
{
    memset(net, 0, sizeof *net);
    net->model = m;
    net->rank = rank;
    net->n_ranks = n_ranks;
    net->n_threads = n_threads;
    const char *shared = getenv("SNN_SHARED_ROWS");
    net->shared_rows = !(shared && strcmp(shared, "0") == 0);
    int status = setup_shared(net, m, err);
    if (status != SNN_OK) {
        snn_network_free(net);
        return status;
    }
    status = read_file_edges(net, m, err);
    if (status != SNN_OK) {
        snn_network_free(net);
        return status;
    }
    snn_error *terr = calloc((size_t)n_threads, sizeof *terr);
    if (!terr) {
        snn_network_free(net);
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate per-thread errors");
    }
#pragma omp parallel num_threads(n_threads)
    {
        int t = omp_get_thread_num();
        terr[t].code = build_thread(net, t, &terr[t]);
    }
    for (int t = 0; t < n_threads; t++) {
        if (terr[t].code != SNN_OK && status == SNN_OK) {
            status = terr[t].code;
            *err = terr[t];
        }
        net->n_local += net->thr[t].n;
        net->n_syn_local += net->thr[t].n_syn;
    }
    free(terr);
    free_file_edges(net);
    if (status != SNN_OK)
        snn_network_free(net);
    return status;
}

void snn_network_free(snn_network *net)
{
    free_file_edges(net);
    if (net->thr) {
        for (int t = 0; t < net->n_threads; t++) {
            snn_thread_state *ts = &net->thr[t];
            if (ts->syn) /* each store once: shared rows are freed by their owner */
                for (int p = 0; p < net->model->n_projs; p++)
                    if (!ts->syn_owner || ts->syn_owner[p] == p)
                        snn_synapses_free(&ts->syn[p]);
            free(ts->syn);
            free(ts->syn_owner);
            free(ts->store_proj);
            free(ts->segs);
            free(ts->V);
            free(ts->last_spike);
            free(ts->g);
            free(ts->h);
            free(ts->refr);
            free(ts->ring);
            free(ts->spikes);
            free(ts->spike_count);
            free(ts->isi_sum);
            free(ts->isi_sq);
        }
    }
    free(net->thr);
    free(net->lif);
    free(net->iaf);
    free(net->iaf_syn);
    if (net->inputs)
        for (int i = 0; i < net->model->n_inputs; i++)
            snn_step_schedule_free(&net->inputs[i].schedule);
    free(net->inputs);
    free(net->I_ext);
    free(net->pre_base);
    snn_channels_free(&net->channels);
    memset(net, 0, sizeof *net);
}

uint64_t snn_network_events(const snn_network *net)
{
    uint64_t n = 0;
    for (int t = 0; net->thr && t < net->n_threads; t++)
        n += net->thr[t].n_events;
    return n;
}
