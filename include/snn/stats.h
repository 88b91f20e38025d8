/*
 * stats.h — the summary's numbers: per population neurons, spikes, mean rate and ISI CV.
 *
 * CV of a neuron's inter-spike intervals is std/mean (population std, ddof = 0, as
 * numpy.std and Elephant's cv); it needs at least 3 spikes. A population's CV is the mean over its
 * neurons that have one (NaN if none does).
 */
#ifndef SNN_STATS_H
#define SNN_STATS_H

#include <stdint.h>

#include "snn/comm.h"
#include "snn/error.h"
#include "snn/network.h"

typedef struct {
    uint64_t neurons, spikes;
    double rate_hz; /* spikes / (neurons * duration) */
    double cv_isi;  /* mean ISI CV over neurons with >= 3 spikes */
    uint64_t n_cv;  /* how many neurons that mean is over */
} snn_pop_stats;

/* Collective: fills out[n_pops] on every rank. duration_ms is the simulated time. */
int snn_stats_collect(const snn_network *net, snn_comm *c, double duration_ms, snn_pop_stats *out,
                      snn_error *err);

/* CV of one neuron's ISIs from its count of intervals, their sum and sum of squares; NaN if
 * n_isi < 2. */
double snn_stats_cv(double n_isi, double sum, double sum_sq);

#endif
