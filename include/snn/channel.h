/*
 * channel.h — synapse channels: projections that share one synapse state.
 *
 * BrainState merges the synapses of projections onto the same post population when their
 * synapse and output parameters are identical (AlignPostProj with a shared Expon.desc); the
 * state then receives the sum of both projections' arrivals. snn_mpi does the same: every
 * projection, and every Poisson input, maps to a channel keyed by (synapse kind, tau, tau_rise,
 * output kind, E for coba). Each local neuron has one state g (two for alpha and dual_expon) and
 * one ring buffer per channel; a channel that does not reach a neuron's population just stays
 * at zero there. A delta channel has no state: its arrivals are jumps of V.
 */
#ifndef SNN_CHANNEL_H
#define SNN_CHANNEL_H

#include "snn/error.h"
#include "snn/expon.h"
#include "snn/synapse.h"
#include "snn/model.h"
#include "snn/real.h"

typedef struct {
    snn_synapse_kind kind;
    double tau, tau_rise; /* ms, as configured */
    snn_expon expon;      /* kind expon */
    snn_alpha alpha;      /* kind alpha */
    snn_dual_expon dual;  /* kind dual_expon */
    snn_output_kind output;
    snn_real E; /* mV, coba only */
} snn_channel;

/* The value a channel passes to its output, from its two states (g; h for alpha and the rise
 * component of dual_expon). */
static inline snn_real snn_channel_value(const snn_channel *ch, snn_real g, snn_real h)
{
    return ch->kind == SNN_SYN_DUAL_EXPON ? snn_dual_expon_value(&ch->dual, h, g) : g;
}

/* Decay then arrivals x for one neuron's states (not for delta, which has none). */
static inline void snn_channel_step(const snn_channel *ch, snn_real *g, snn_real *h, snn_real x)
{
    switch (ch->kind) {
    case SNN_SYN_ALPHA:
        snn_alpha_step(&ch->alpha, g, h, x);
        break;
    case SNN_SYN_DUAL_EXPON:
        (void)snn_dual_expon_step(&ch->dual, h, g, x);
        break;
    default:
        *g = snn_expon_step(&ch->expon, *g, x);
        break;
    }
}

typedef struct {
    int n;              /* number of distinct channels */
    snn_channel *ch;    /* [n] */
    int *proj_channel;  /* [n_projs]: the channel of each projection */
    int *input_channel; /* [n_inputs]: the channel of each Poisson input, -1 for others */
} snn_channels;

int snn_channels_build(snn_channels *c, const snn_model *m, snn_error *err);
void snn_channels_free(snn_channels *c);

#endif
