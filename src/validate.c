/*
 * validate.c — the `--validate` report: sizes, synapse counts, delays and memory of a config,
 * from the parsed model alone (see include/snn/validate.h).
 */
#include "snn/validate.h"

#include <math.h>
#include <stdint.h>

#include "snn/connect.h"
#include "snn/estimate.h"

/* Neurons that are in both the pre and the post index space (autapse candidates). */
static double overlap(const snn_model *m, const snn_projection *pr)
{
    double n = 0;
    for (int a = 0; a < pr->n_pre; a++)
        for (int b = 0; b < pr->n_post; b++)
            if (pr->pre[a] == pr->post[b])
                n += (double)m->pops[pr->pre[a]].size;
    return n;
}

double snn_validate_synapses(const snn_model *m, int p, int *exact)
{
    const snn_projection *pr = &m->projs[p];
    double n_pre = (double)pr->pre_size, n_post = (double)pr->post_size;
    double self = pr->autapses ? 0 : overlap(m, pr);
    *exact = 1;
    switch (pr->rule) {
    case SNN_RULE_FIXED_OUTDEGREE:
        return n_pre * (double)pr->outdegree;
    case SNN_RULE_FIXED_INDEGREE:
        return n_post * (double)pr->indegree;
    case SNN_RULE_FIXED_TOTAL_NUMBER:
    case SNN_RULE_FROM_FILE: /* the edge count, set by snn_edges_prepare */
        return (double)pr->total_number;
    case SNN_RULE_FIXED_PROB:
        *exact = 0;
        return pr->prob * (n_pre * n_post - self);
    case SNN_RULE_ALL_TO_ALL:
        return n_pre * n_post - self;
    case SNN_RULE_ONE_TO_ONE:
        *exact = self == 0; /* without autapses, pairs of one neuron with itself are left out */
        return n_pre;
    default:
        *exact = 0;
        return NAN;
    }
}

static void print_report(const snn_model *m, int ranks, int n_threads, double estimate,
                         const char *const *overrides, int n_overrides, FILE *out)
{
    fprintf(out, "snn_mpi %s: %s is valid", SNN_VERSION, m->source);
    for (int i = 0; i < n_overrides; i++)
        fprintf(out, "%s--set %s", i ? ", " : " with ", overrides[i]);
    fprintf(out, "\n\n%-24s %14s\n", "population", "neurons");
    for (int p = 0; p < m->n_pops; p++)
        fprintf(out, "%-24s %14llu\n", m->pops[p].name, (unsigned long long)m->pops[p].size);
    fprintf(out, "%-24s %14llu\n\n", "total", (unsigned long long)m->n_neurons);

    fprintf(out, "%-24s %-20s %16s\n", "projection", "rule", "synapses");
    double total = 0;
    int all_exact = 1;
    int dmin = 0, dmax = 0;
    for (int p = 0; p < m->n_projs; p++) {
        const snn_projection *pr = &m->projs[p];
        int exact;
        double n = snn_validate_synapses(m, p, &exact);
        total += n;
        all_exact &= exact;
        fprintf(out, "%-24s %-20s %16.*f%s\n", pr->name, snn_connect_rule_name(pr->rule),
                exact ? 0 : 1, n, exact ? "" : " (expected)");
        int lo = pr->delay_min_steps > 0 ? pr->delay_min_steps : pr->delay_steps;
        int hi = pr->delay_max_steps > pr->delay_steps ? pr->delay_max_steps : pr->delay_steps;
        if (p == 0 || lo < dmin)
            dmin = lo;
        if (p == 0 || hi > dmax)
            dmax = hi;
    }
    fprintf(out, "%-24s %-20s %16.*f%s\n\n", "total", "", all_exact ? 0 : 1, total,
            all_exact ? "" : " (expected)");
    if (m->n_projs)
        fprintf(out, "delays: min %g ms (%d step%s), max %g ms (%d step%s)\n", dmin * m->run.dt,
                dmin, dmin == 1 ? "" : "s", dmax * m->run.dt, dmax, dmax == 1 ? "" : "s");
    else
        fprintf(out, "delays: none (no projections)\n");
    fprintf(out, "inputs: %d\n", m->n_inputs);
    fprintf(out, "steps: %llu (dt %g ms, duration %g ms), seed %u\n",
            (unsigned long long)m->run.n_steps, m->run.dt, m->run.duration, m->run.seed);
    char buf[32];
    fprintf(out, "memory estimate per rank (%d ranks x %d threads, max over ranks): %s\n", ranks,
            n_threads, snn_estimate_format(estimate, buf, sizeof buf));
}

int snn_validate_report(const snn_model *m, snn_comm *c, int n_threads,
                        const char *const *overrides, int n_overrides, FILE *out, snn_error *err)
{
    snn_estimate est;
    int status = snn_estimate_rank(m, c->rank, c->size, n_threads, &est, err);
    if ((status = snn_comm_agree(c, status, err)) != SNN_OK)
        return status;
    double total = est.total;
    if (snn_comm_max(c, &total, 1) != SNN_OK)
        return snn_fail(err, SNN_ERR_MPI, "cannot reduce the memory estimate");
    if (c->rank == 0 && out)
        print_report(m, c->size, n_threads, total, overrides, n_overrides, out);
    return SNN_OK;
}
