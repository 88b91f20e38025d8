/*
 * validate.h — `snn_mpi --validate net.cfg`: what a run of the config would build, without
 * building it.
 *
 * Prints the neurons per population, the synapses per projection (exact where the rule fixes the
 * count, the expected value otherwise), the delay range, the number of steps and the memory
 * estimate per rank for the current number of ranks and threads (estimate.h), then returns.
 */
#ifndef SNN_VALIDATE_H
#define SNN_VALIDATE_H

#include <stdio.h>

#include "snn/comm.h"
#include "snn/error.h"
#include "snn/model.h"

/* Projection p's synapse count: exact (*exact = 1) or expected (*exact = 0); NaN for a rule
 * this function does not know. */
double snn_validate_synapses(const snn_model *m, int p, int *exact);

/* Collective over c: every rank estimates its memory; rank 0 prints the report to out (out may be
 * NULL on the other ranks). */
int snn_validate_report(const snn_model *m, snn_comm *c, int n_threads,
                        const char *const *overrides, int n_overrides, FILE *out, snn_error *err);

#endif
