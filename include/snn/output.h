/*
 * output.h — how a synapse state becomes a current (brainpy.state.CUBA and COBA).
 *
 *   cuba: I = g * 1 V          mS * V = mA, so I (mA) = g (mS)
 *   coba: I = g * (E - V)      mS * mV = uA, so I (mA) = g * (E - V) * 1e-3
 *
 * V is the membrane potential after the reset of this step (the V the reference passes to its
 * current inputs). Parameter: E, the reversal potential (mV), for coba only.
 * Note: the reference linearises COBA's exponential-Euler step including the conductance; snn_mpi
 * uses the propagator of DESIGN.md section 1 (z = -dt/tau) for every output.
 */
#ifndef SNN_OUTPUT_H
#define SNN_OUTPUT_H

#include "snn/model.h"
#include "snn/real.h"

static inline snn_real snn_output_current(snn_output_kind kind, snn_real E, snn_real g, snn_real V)
{
    if (kind == SNN_OUTPUT_COBA)
        return g * (E - V) * (snn_real)1e-3;
    return g;
}

#endif
