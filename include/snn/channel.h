/*
 * channel.h — synapse channels: projections that share one synapse state.
 *
 * BrainState merges the synapses of projections onto the same post population when their
 * synapse and output parameters are identical (AlignPostProj with a shared Expon.desc); the
 * state then receives the sum of both projections' arrivals. snn_mpi does the same: every
 * projection maps to a channel keyed by (synapse tau, output kind, E for coba). Each local
 * neuron has one state g and one ring buffer per channel; a channel that does not reach a
 * neuron's population just stays at zero there.
 */
#ifndef SNN_CHANNEL_H
#define SNN_CHANNEL_H

#include "snn/error.h"
#include "snn/expon.h"
#include "snn/model.h"
#include "snn/real.h"

typedef struct {
    snn_expon expon;
    snn_output_kind output;
    snn_real E; /* mV, coba only */
} snn_channel;

typedef struct {
    int n;             /* number of distinct channels */
    snn_channel *ch;   /* [n] */
    int *proj_channel; /* [n_projs]: the channel of each projection */
} snn_channels;

int snn_channels_build(snn_channels *c, const snn_model *m, snn_error *err);
void snn_channels_free(snn_channels *c);

#endif
