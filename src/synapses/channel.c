/*
 * channel.c — merging projections with identical synapse and output into one channel
 * (see include/snn/channel.h).
 */
#include "snn/channel.h"

#include <stdlib.h>
#include <string.h>

/* What makes two synapse channels the same state. */
typedef struct {
    snn_synapse_kind kind;
    double tau, tau_rise;
    snn_output_kind output;
    double E;
} channel_key;

static int same_key(const channel_key *a, const channel_key *b)
{
    if (a->kind != b->kind)
        return 0;
    if (a->kind == SNN_SYN_DELTA) /* no state, no time constant, no output */
        return 1;
    if (a->tau != b->tau || a->output != b->output)
        return 0;
    if (a->kind == SNN_SYN_DUAL_EXPON && a->tau_rise != b->tau_rise)
        return 0;
    return a->output != SNN_OUTPUT_COBA || a->E == b->E;
}

/* The channel of key, added to c if new; keys[] holds the keys of c's channels. */
static int channel_of(snn_channels *c, channel_key *keys, const channel_key *key, double dt)
{
    int k = 0;
    while (k < c->n && !same_key(&keys[k], key))
        k++;
    if (k == c->n) {
        keys[k] = *key;
        snn_channel *ch = &c->ch[k];
        ch->kind = key->kind;
        ch->tau = key->tau;
        ch->tau_rise = key->tau_rise;
        if (key->kind == SNN_SYN_EXPON)
            snn_expon_init(&ch->expon, key->tau, dt);
        else if (key->kind == SNN_SYN_ALPHA)
            snn_alpha_init(&ch->alpha, key->tau, dt);
        else if (key->kind == SNN_SYN_DUAL_EXPON)
            snn_dual_expon_init(&ch->dual, key->tau_rise, key->tau, dt);
        ch->output = key->kind == SNN_SYN_DELTA ? SNN_OUTPUT_CUBA : key->output;
        ch->E = (snn_real)key->E;
        c->n++;
    }
    return k;
}

int snn_channels_build(snn_channels *c, const snn_model *m, snn_error *err)
{
    memset(c, 0, sizeof *c);
    size_t n_max = (size_t)m->n_projs + (size_t)m->n_inputs + 1;
    c->ch = calloc(n_max, sizeof *c->ch);
    c->proj_channel = calloc(n_max, sizeof *c->proj_channel);
    c->input_channel = calloc(n_max, sizeof *c->input_channel);
    channel_key *keys = calloc(n_max, sizeof *keys);
    if (!c->ch || !c->proj_channel || !c->input_channel || !keys) {
        free(keys);
        snn_channels_free(c);
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate %zu synapse channels", n_max);
    }
    for (int p = 0; p < m->n_projs; p++) {
        const snn_projection *pr = &m->projs[p];
        channel_key key = {pr->synapse, pr->syn_tau, pr->syn_tau_rise, pr->output, pr->E};
        c->proj_channel[p] = channel_of(c, keys, &key, m->run.dt);
    }
    for (int i = 0; i < m->n_inputs; i++) {
        const snn_input *in = &m->inputs[i];
        c->input_channel[i] = -1;
        if (in->kind != SNN_INPUT_POISSON || in->dc_equivalent)
            continue;
        channel_key key = {in->synapse, in->syn_tau, in->syn_tau_rise, in->output, in->E};
        c->input_channel[i] = channel_of(c, keys, &key, m->run.dt);
    }
    free(keys);
    return SNN_OK;
}

void snn_channels_free(snn_channels *c)
{
    free(c->ch);
    free(c->proj_channel);
    free(c->input_channel);
    memset(c, 0, sizeof *c);
}
