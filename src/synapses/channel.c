/*
 * channel.c — merging projections with identical synapse and output into one channel
 * (see include/snn/channel.h).
 */
#include "snn/channel.h"

#include <stdlib.h>
#include <string.h>

static int same_channel(const snn_projection *a, const snn_projection *b)
{
    if (a->syn_tau != b->syn_tau || a->output != b->output)
        return 0;
    return a->output != SNN_OUTPUT_COBA || a->E == b->E;
}

int snn_channels_build(snn_channels *c, const snn_model *m, snn_error *err)
{
    memset(c, 0, sizeof *c);
    int n_projs = m->n_projs;
    c->ch = calloc(n_projs > 0 ? (size_t)n_projs : 1, sizeof *c->ch);
    c->proj_channel = calloc(n_projs > 0 ? (size_t)n_projs : 1, sizeof *c->proj_channel);
    int *first_proj = calloc(n_projs > 0 ? (size_t)n_projs : 1, sizeof *first_proj);
    if (!c->ch || !c->proj_channel || !first_proj) {
        free(first_proj);
        snn_channels_free(c);
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate %d synapse channels", n_projs);
    }
    for (int p = 0; p < n_projs; p++) {
        const snn_projection *pr = &m->projs[p];
        int k = 0;
        while (k < c->n && !same_channel(&m->projs[first_proj[k]], pr))
            k++;
        if (k == c->n) {
            first_proj[k] = p;
            snn_expon_init(&c->ch[k].expon, pr->syn_tau, m->run.dt);
            c->ch[k].output = pr->output;
            c->ch[k].E = (snn_real)pr->E;
            c->n++;
        }
        c->proj_channel[p] = k;
    }
    free(first_proj);
    return SNN_OK;
}

void snn_channels_free(snn_channels *c)
{
    free(c->ch);
    free(c->proj_channel);
    memset(c, 0, sizeof *c);
}
