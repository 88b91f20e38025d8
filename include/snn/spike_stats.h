/*
 * spike_stats.h — the summary's Fano factor and pairwise spike-count correlation, counted from
 * the spike stream.
 *
 * run.stats_sample (default 100) and run.stats_bin (default 10 ms) set the sample and the bin.
 * Each population contributes a sample of min(sample, size) neurons, drawn without replacement
 * from the run's seed (stream SNN_RNG_STATS_SAMPLE, id = population index): the same neurons for
 * any number of ranks and threads. Their spikes are counted in bins of steps_per_bin steps: the
 * spikes of steps k*B+1 .. (k+1)*B (stamped n*dt in the spike file) fall in bin k, and only
 * whole bins count: n_bins = n_steps / B (spikes of a partial last bin are ignored).
 * For each population, over its sampled neurons' binned counts (population statistics, ddof 0):
 *   fano        = mean over neurons with mean count > 0 of var / mean;
 *   correlation = mean Pearson correlation over all pairs of neurons whose counts vary;
 * NaN when no neuron (pair) qualifies. numpy: np.var(c) / np.mean(c) per row, and the mean of
 * the upper triangle of np.corrcoef over the rows with np.var > 0.
 * Memory: per population the sample, one count per sampled neuron for the current bin, and the
 * sums of counts, squares and pairwise products (sample^2 / 2 integers): nothing grows with the
 * run's length. Counting is local: every rank receives the same spikes, so one rank (rank 0)
 * can keep the statistics without communication.
 */
#ifndef SNN_SPIKE_STATS_H
#define SNN_SPIKE_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "snn/error.h"
#include "snn/model.h"

typedef struct snn_spike_stats snn_spike_stats;

typedef struct {
    int n_sample;         /* neurons in the sample */
    const uint32_t *gids; /* [n_sample], the sampled global ids, increasing */
    double fano;          /* NaN if no sampled neuron fired */
    int n_fano;           /* neurons in the Fano mean */
    double correlation;   /* NaN if no pair qualifies */
    uint64_t n_pairs;     /* pairs in the correlation mean */
} snn_spike_stats_pop;

/* Draws the samples. sample >= 1; steps_per_bin >= 1. */
int snn_spike_stats_create(snn_spike_stats **out, const snn_model *m, int sample,
                           uint64_t steps_per_bin, snn_error *err);

/* The steps of one bin for a width of bin_ms (rounded to whole steps, at least 1). */
uint64_t snn_spike_stats_steps_per_bin(double bin_ms, double dt_ms);

/* Counts one step's spikes (steps increase from call to call; gids in any order). */
void snn_spike_stats_add(snn_spike_stats *s, uint64_t step, const uint32_t *gids, size_t n);

/* Closes the last bin and computes every population's numbers; call once, after the run. */
void snn_spike_stats_finish(snn_spike_stats *s);

/* Population p's numbers (after snn_spike_stats_finish). */
const snn_spike_stats_pop *snn_spike_stats_get(const snn_spike_stats *s, int p);

int snn_spike_stats_sample_size(const snn_spike_stats *s);
double snn_spike_stats_bin_ms(const snn_spike_stats *s);
uint64_t snn_spike_stats_n_bins(const snn_spike_stats *s);

void snn_spike_stats_free(snn_spike_stats *s);

#endif
