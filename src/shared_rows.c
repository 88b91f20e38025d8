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
} group;

/* Per projection, what the grouping reads. */
typedef struct {
    uint64_t n;      /* synapses on this thread */
    uint32_t lo, hi; /* their target range (lo > hi when n is 0) */
    int group;       /* its group, -1 until assigned */
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

static int posts_overlap(const snn_projection *a, const snn_projection *b)
{
    for (int i = 0; i < a->n_post; i++)
        for (int j = 0; j < b->n_post; j++)
            if (a->post[i] == b->post[j])
                return 1;
    return 0;
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

/* Whether projection q may join group g (see the header). */
static int may_join(const snn_network *net, const snn_thread_state *ts, const proj_info *info,
                    const group *groups, int g, int q)
{
    const snn_model *m = net->model;
    const group *G = &groups[g];
    if (G->n == SNN_SYNAPSES_MERGE_MAX || !same_store_kind(net, ts, G->members[0], q))
        return 0;
    if (ts->syn[q].target16 && info[q].n > 0 && G->lo <= G->hi) {
        uint32_t lo = info[q].lo < G->lo ? info[q].lo : G->lo;
        uint32_t hi = info[q].hi > G->hi ? info[q].hi : G->hi;
        if (hi - lo >= 65536u)
            return 0;
    }
    /* Every earlier projection onto one of q's populations through q's channel delivers first:
     * one in G itself does not, so this also keeps a group's populations disjoint. */
    for (int r = 0; r < q; r++)
        if (net->channels.proj_channel[r] == net->channels.proj_channel[q] &&
            posts_overlap(&m->projs[r], &m->projs[q]) && info[r].group >= g)
            return 0;
    return 1;
}

static void join(group *G, proj_info *info, int g, int q)
{
    G->members[G->n++] = q;
    info[q].group = g;
    if (info[q].n > 0) {
        G->lo = info[q].lo < G->lo ? info[q].lo : G->lo;
        G->hi = info[q].hi > G->hi ? info[q].hi : G->hi;
    }
}

/* Assigns every projection a group, in projection order; returns the number of groups. */
static int assign_groups(const snn_network *net, const snn_thread_state *ts, proj_info *info,
                         group *groups)
{
    const int P = net->model->n_projs;
    int n_groups = 0;
    for (int q = 0; q < P; q++) {
        int g = 0;
        while (g < n_groups && !(net->shared_rows && may_join(net, ts, info, groups, g, q)))
            g++;
        if (g == n_groups)
            groups[n_groups++] = (group){.n = 0, .lo = UINT32_MAX, .hi = 0};
        join(&groups[g], info, g, q);
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
    const int P = net->model->n_projs;
    const size_t np = P > 0 ? (size_t)P : 1;
    ts->syn_owner = malloc(np * sizeof *ts->syn_owner);
    ts->store_proj = malloc(np * sizeof *ts->store_proj);
    proj_info *info = malloc(np * sizeof *info);
    group *groups = malloc(np * sizeof *groups);
    if (!ts->syn_owner || !ts->store_proj || !info || !groups) {
        free(info);
        free(groups);
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate the groups of %d projections", P);
    }
    for (int p = 0; p < P; p++) {
        ts->syn_owner[p] = p;
        const snn_synapses *sy = &ts->syn[p];
        info[p].n = sy->row[net->model->projs[p].pre_size];
        info[p].group = -1;
        snn_synapses_target_range(sy, info[p].n, &info[p].lo, &info[p].hi);
    }
    const int n_groups = assign_groups(net, ts, info, groups);
    int status = SNN_OK;
    for (int g = 0; g < n_groups && status == SNN_OK; g++)
        if (groups[g].n > 1)
            status = merge_group(net, ts, &groups[g], info, err);
    for (int g = 0; g < n_groups; g++)
        ts->store_proj[g] = groups[g].members[0];
    ts->n_stores = n_groups;
    free(info);
    free(groups);
    return status;
}
