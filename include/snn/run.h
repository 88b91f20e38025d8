/*
 * run.h — one run from a config file to a spike file and a summary.
 *
 * load config -> create the output directory -> build -> simulate (spikes to
 * <output_dir>/spikes.h5) -> statistics -> summary on rank 0. Every stage ends with all ranks
 * agreeing on its status, so an error on any rank stops every rank with the same message, and
 * the spike file is renamed into place only after a complete run.
 */
#ifndef SNN_RUN_H
#define SNN_RUN_H

#include <mpi.h>
#include <stdio.h>

#include "snn/error.h"

typedef struct {
    const char *config_path;
    const char *output_dir;    /* overrides run.output_dir when not NULL */
    int quiet;                 /* no progress line and no summary */
    int n_threads;             /* 0: OpenMP's default (OMP_NUM_THREADS) */
    int exchange_every_step;   /* exchange spikes every step instead of every min_delay steps */
    const char *summary_json;  /* rank 0 writes the summary as JSON here when not NULL */
    const char *export_dir;    /* --export-network: the built network as SONATA files here */
    FILE *out;                 /* where rank 0 prints; stdout when NULL */
    const char *restart_path;  /* continue from this checkpoint when not NULL (checkpoint.h) */
    const char *mpi_transport; /* what snn_launch_prefer_shared_memory chose, or NULL */

    /* --set KEY=VALUE, applied in order (config_override.h), and --validate. */
    const char *const *overrides;
    int n_overrides;
    int validate; /* check the config and print its sizes; build and write nothing */
} snn_run_options;

/* Collective over comm. Returns SNN_STOPPED after a signal-triggered checkpoint (rank 0 has
 * printed where it is and how to restart). */
int snn_run(const snn_run_options *o, MPI_Comm comm, snn_error *err);

#endif
