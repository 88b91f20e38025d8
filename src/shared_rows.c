/*
 * shared_rows.c — grouping a thread's projections into shared rows (see include/snn/shared_rows.h).
 */
#include "snn/shared_rows.h"

#include <stdlib.h>
#include <string.h>

/* One group while the projections are assigned: its members and its target range so far. */
typedef struct {
    int members[SNN_SYNAPSES_MERGE_MAX];
    int n;
    uint32_t lo, hi; /* targets of its synapses (lo > hi: none yet) */
    int next;        /* the next group from the same first presynaptic population, or -1 */
} group;

/* Per projection, what the grouping reads. */
typedef struct {
    uint64_t n;      /* synapses on this thread */
    uint32_t lo, hi; /* their target range (lo > hi when n is 0) */
} proj_info;

static int same_pre(const snn_projection *a, const snn_projection *b)
{
    if (a->n_pre != b->n_pre)
        return 0;
    for (int i = 0; i < a->n_pre; i++)
        if (a->pre[i] != b->pre[i])
            return 0;
    return 1;
}

/* The same presynaptic index space, channel, layout, and what the layout leaves per projection. */
static int same_store_kind(const snn_network *net, const snn_thread_state *ts, int p, int q)
{
    const snn_projection *a = &net->model->projs[p], *b = &net->model->projs[q];
    const snn_synapses *sa = &ts->syn[p], *sb = &ts->syn[q];
    if (!same_pre(a, b) || net->channels.proj_channel[p] != net->channels.proj_channel[q] ||
        !snn_synapses_same_layout(sa, sb))
        return 0;
    if (!sa->weight && (snn_real)a->weight != (snn_real)b->weight)
        return 0;
    return snn_syn_has_delays(sa) || a->delay_steps == b->delay_steps;
}

/* Whether projection q may join group G: its store kind, room, and 2-byte targets' span. The
 * order rule is assign_groups'. */
static int may_join(const snn_network *net, const snn_thread_state *ts, const proj_info *info,
                    const group *G, int q)
{
    if (G->n == SNN_SYNAPSES_MERGE_MAX || !same_store_kind(net, ts, G->members[0], q))
        return 0;
    if (ts->syn[q].target16 && info[q].n > 0 && G->lo <= G->hi) {
        uint32_t lo = info[q].lo < G->lo ? info[q].lo : G->lo;
        uint32_t hi = info[q].hi > G->hi ? info[q].hi : G->hi;
        if (hi - lo >= SNN_SYNAPSES_TARGET16_SPAN)
            return 0;
    }
    return 1;
}

static void join(group *G, const proj_info *info, int q)
{
    G->members[G->n++] = q;
    if (info[q].n > 0) {
        G->lo = info[q].lo < G->lo ? info[q].lo : G->lo;
        G->hi = info[q].hi > G->hi ? info[q].hi : G->hi;
    }
}

/* Assigns every projection a group, in projection order; returns the number of groups.
 * reached[pop * n_channels + c]: the last group so far with a projection onto pop through
 * channel c (-1: none). q may only join a group after every such group of its populations and
 * channel (the order rule; a group that reaches one of them already is among those, which keeps
 * a group's populations disjoint). Candidates are the groups from q's first presynaptic
 * population (head, linked by next), in the order they were made. */
static int assign_groups(const snn_network *net, const snn_thread_state *ts, proj_info *info,
                         group *groups, int *head, int *tail, int *reached)
{
    const snn_model *m = net->model;
    const int nc = net->channels.n > 0 ? net->channels.n : 1;
    int n_groups = 0;
    for (int q = 0; q < m->n_projs; q++) {
        const snn_projection *pr = &m->projs[q];
        const int ch = net->channels.proj_channel[q], first = pr->n_pre > 0 ? pr->pre[0] : -1;
        int after = -1;
        for (int j = 0; j < pr->n_post && ch >= 0; j++) {
            const int r = reached[(size_t)pr->post[j] * (size_t)nc + (size_t)ch];
            after = r > after ? r : after;
        }
        int g = -1;
        if (net->shared_rows && ch >= 0 && first >= 0)
            for (int c = head[first]; c >= 0 && g < 0; c = groups[c].next)
                if (c > after && may_join(net, ts, info, &groups[c], q))
                    g = c;
        if (g < 0) {
            g = n_groups++;
            groups[g] = (group){.n = 0, .lo = UINT32_MAX, .hi = 0, .next = -1};
            if (first >= 0) {
                if (tail[first] >= 0)
                    groups[tail[first]].next = g;
                else
                    head[first] = g;
                tail[first] = g;
            }
        }
        join(&groups[g], info, q);
        for (int j = 0; j < pr->n_post && ch >= 0; j++)
            reached[(size_t)pr->post[j] * (size_t)nc + (size_t)ch] = g; /* g > after */
    }
    return n_groups;
}

/* Merges group G's stores into its first member's entry; the others point at it. */
static int merge_group(const snn_network *net, snn_thread_state *ts, const group *G,
                       const proj_info *info, snn_error *err)
{
    /* members by their lowest target, so that a merged row ascends through the thread */
    int order[SNN_SYNAPSES_MERGE_MAX];
    memcpy(order, G->members, (size_t)G->n * sizeof *order);
    for (int i = 1; i < G->n; i++)
        for (int j = i; j > 0 && info[order[j]].lo < info[order[j - 1]].lo; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    snn_synapses *in[SNN_SYNAPSES_MERGE_MAX];
    for (int j = 0; j < G->n; j++)
        in[j] = &ts->syn[order[j]];
    const int owner = G->members[0];
    snn_synapses merged;
    int status = snn_synapses_merge(in, G->n, net->model->projs[owner].pre_size, &merged, err);
    if (status != SNN_OK)
        return status;
    for (int j = 0; j < G->n; j++) {
        ts->syn[G->members[j]] = merged;
        ts->syn_owner[G->members[j]] = owner;
    }
    return SNN_OK;
}

int snn_shared_rows_build(const snn_network *net, snn_thread_state *ts, snn_error *err)
{
    const snn_model *m = net->model;
    const int P = m->n_projs;
    const size_t np = P > 0 ? (size_t)P : 1, npop = m->n_pops > 0 ? (size_t)m->n_pops : 1;
    const size_t nreach = npop * (size_t)(net->channels.n > 0 ? net->channels.n : 1);
    int *owner = malloc(np * sizeof *owner), *stores = malloc(np * sizeof *stores);
    proj_info *info = malloc(np * sizeof *info);
    group *groups = malloc(np * sizeof *groups);
    int *head = malloc(npop * sizeof *head), *tail = malloc(npop * sizeof *tail);
    int *reached = malloc(nreach * sizeof *reached);
    int status = SNN_OK;
    if (!owner || !stores || !info || !groups || !head || !tail || !reached) {
        free(owner);
        free(stores);
        status = snn_fail(err, SNN_ERR_NOMEM, "cannot allocate the groups of %d projections", P);
    } else {
        for (size_t i = 0; i < npop; i++)
            head[i] = tail[i] = -1;
        for (size_t i = 0; i < nreach; i++)
            reached[i] = -1;
        for (int p = 0; p < P; p++) {
            owner[p] = p;
            const snn_synapses *sy = &ts->syn[p];
            info[p].n = sy->row[m->projs[p].pre_size];
            snn_synapses_target_range(sy, info[p].n, &info[p].lo, &info[p].hi);
        }
        ts->syn_owner = owner; /* from here on every store is freed once, merged or not */
        ts->store_proj = stores;
        const int n_groups = assign_groups(net, ts, info, groups, head, tail, reached);
        for (int g = 0; g < n_groups && status == SNN_OK; g++)
            if (groups[g].n > 1)
                status = merge_group(net, ts, &groups[g], info, err);
        for (int g = 0; g < n_groups; g++)
            stores[g] = groups[g].members[0];
        ts->n_stores = n_groups;
    }
    free(info);
    free(groups);
    free(head);
    free(tail);
    free(reached);
    return status;
}
