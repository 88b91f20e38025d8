/*
 * stats.c — per-population spike counts, rates and ISI CVs, reduced over ranks
 * (see include/snn/stats.h).
 */
#include "snn/stats.h"

#include <math.h>
#include <stdlib.h>

double snn_stats_cv(double n_isi, double sum, double sum_sq)
{
    if (n_isi < 2)
        return NAN;
    double mean = sum / n_isi;
    double var = sum_sq / n_isi - mean * mean;
    return sqrt(var > 0 ? var : 0) / mean;
}

int snn_stats_collect(const snn_network *net, snn_comm *c, double duration_ms, snn_pop_stats *out,
                      snn_error *err)
{
    const snn_model *m = net->model;
    int np = m->n_pops;
    /* Per population: spikes, sum of CVs, neurons with a CV. */
    double *acc = calloc((size_t)np * 3, sizeof *acc);
    if (!acc)
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate statistics");
    for (int t = 0; t < net->n_threads; t++) {
        const snn_thread_state *ts = &net->thr[t];
        for (int p = 0; p < np; p++) {
            const snn_segment *sg = &ts->segs[p];
            for (uint32_t i = sg->begin; i < sg->end; i++) {
                double k = ts->spike_count[i];
                acc[3 * p] += k;
                double cv = snn_stats_cv(k - 1, ts->isi_sum[i], ts->isi_sq[i]);
                if (!isnan(cv)) {
                    acc[3 * p + 1] += cv;
                    acc[3 * p + 2] += 1;
                }
            }
        }
    }
    if (snn_comm_sum(c, acc, np * 3) != SNN_OK) {
        free(acc);
        return snn_fail(err, SNN_ERR_MPI, "cannot reduce statistics");
    }
    for (int p = 0; p < np; p++) {
        out[p].neurons = m->pops[p].size;
        out[p].spikes = (uint64_t)acc[3 * p];
        out[p].rate_hz = acc[3 * p] / ((double)m->pops[p].size * duration_ms * 1e-3);
        out[p].n_cv = (uint64_t)acc[3 * p + 2];
        out[p].cv_isi = out[p].n_cv ? acc[3 * p + 1] / acc[3 * p + 2] : NAN;
    }
    free(acc);
    return SNN_OK;
}
