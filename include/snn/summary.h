/*
 * summary.h — the end-of-run summary: a table for people (rank 0's stdout) and the same numbers
 * as JSON for scripts (`--summary-json FILE`, read by bench/ and jobs/).
 *
 * Times are maxima over ranks (the slowest rank sets the pace); memory is per rank (maximum) and
 * bytes per synapse is the sum of every rank's peak resident memory over the synapse count, so it
 * includes everything (neurons, buffers, MPI, HDF5, the program itself).
 */
#ifndef SNN_SUMMARY_H
#define SNN_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include "snn/error.h"
#include "snn/model.h"
#include "snn/spike_stats.h"
#include "snn/stats.h"

typedef struct {
    const snn_model *model;
    const snn_pop_stats *pops; /* [model->n_pops] */
    int ranks, threads;
    double synapses;       /* all ranks */
    double synapse_events; /* synapses reached by delivered spikes, all ranks */
    /* seconds, max over ranks */
    double build, update, exchange, deliver, output;
    double output_close; /* the part of output spent finishing and closing the files */
    /* minor page faults (max over ranks) in the step loop and in closing the files: the loop
     * allocates nothing, so these stay near 0 (first touches of memory, and a fault costs
     * 10-14 us on some virtual machines) */
    double loop_faults, close_faults;
    double estimate_mb;   /* memory estimate per rank, max */
    double peak_mb;       /* peak resident memory per rank, max */
    double peak_mb_total; /* sum over ranks */
    const char *spike_path;
    const snn_spike_stats *spike_stats; /* Fano factor and correlation (rank 0); may be NULL */
    const char *const *overrides;       /* --set KEY=VALUE, reported in the JSON */
    int n_overrides;
    const char *mpi_transport; /* snn_mpi's choice of MPI transport (launch.h), or NULL */
    uint64_t first_step; /* a restart's first step: the time split covers the steps after it */
} snn_summary;

double snn_summary_simulate_s(const snn_summary *s);
double snn_summary_rtf(const snn_summary *s);
uint64_t snn_summary_total_spikes(const snn_summary *s);

/* The human-readable table. */
void snn_summary_print(const snn_summary *s, FILE *out);

/* Writes the JSON document to path (via path.partial and a rename). */
int snn_summary_write_json(const snn_summary *s, const char *path, snn_error *err);

#endif
