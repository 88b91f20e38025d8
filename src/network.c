/*
 * network.c — building one rank's part of the network (see include/snn/network.h).
 *
 * Each thread builds its own neurons and its own incoming synapses, in parallel and in its own
 * memory (first touch). Initial values and connectivity come from counter-based streams keyed
 * by global ids, so the network is the same for any number of ranks and threads; each rank
 * generates only the synapses it stores, so build time falls as ranks are added.
 */
#include "snn/network.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "snn/connect.h"
#include "snn/rng.h"

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
    ts->ring = calloc(nn * (nc > 0 ? nc : 1) * (size_t)net->ring_len, sizeof *ts->ring);
    ts->spikes = malloc(nn * sizeof *ts->spikes);
    ts->spike_count = calloc(nn, sizeof *ts->spike_count);
    ts->isi_sum = calloc(nn, sizeof *ts->isi_sum);
    ts->isi_sq = calloc(nn, sizeof *ts->isi_sq);
    ts->syn = calloc(m->n_projs > 0 ? (size_t)m->n_projs : 1, sizeof *ts->syn);
    if (!ts->V || !ts->last_spike || !ts->g || !ts->ring || !ts->spikes || !ts->spike_count ||
        !ts->isi_sum || !ts->isi_sq || !ts->syn)
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
    sy->target = malloc(cap * sizeof *sy->target);
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
            uint32_t *nt = realloc(sy->target, ncap * sizeof *nt);
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

static int build_thread(snn_network *net, int t, snn_error *err)
{
    snn_thread_state *ts = &net->thr[t];
    int status = alloc_neurons(net, ts, t, err);
    for (int p = 0; status == SNN_OK && p < net->model->n_projs; p++)
        status = build_projection(net, ts, p, t, err);
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
    for (int p = 0; p < m->n_pops; p++) {
        snn_lif_init(&net->lif[p], &m->pops[p].lif, m->run.dt);
        net->I_ext[p] = (snn_real)m->pops[p].I_ext;
    }
    int max_delay = 1;
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
        if (pr->delay_steps > max_delay)
            max_delay = pr->delay_steps;
    }
    net->ring_len = max_delay + 1;
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
    int status = setup_shared(net, m, err);
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
    if (status != SNN_OK)
        snn_network_free(net);
    return status;
}

void snn_network_free(snn_network *net)
{
    if (net->thr) {
        for (int t = 0; t < net->n_threads; t++) {
            snn_thread_state *ts = &net->thr[t];
            if (ts->syn)
                for (int p = 0; p < net->model->n_projs; p++) {
                    free(ts->syn[p].row);
                    free(ts->syn[p].target);
                }
            free(ts->syn);
            free(ts->segs);
            free(ts->V);
            free(ts->last_spike);
            free(ts->g);
            free(ts->ring);
            free(ts->spikes);
            free(ts->spike_count);
            free(ts->isi_sum);
            free(ts->isi_sq);
        }
    }
    free(net->thr);
    free(net->lif);
    free(net->I_ext);
    free(net->pre_base);
    snn_channels_free(&net->channels);
    memset(net, 0, sizeof *net);
}
