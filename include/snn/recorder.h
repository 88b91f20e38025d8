/*
 * recorder.h — state traces of selected neurons (V, synapse states), in the SONATA report
 * layout, written by all ranks with parallel HDF5 (DESIGN.md section 4).
 *
 * One file per recorder and variable, <output_dir>/<recorder name>_<variable>.h5:
 *
 *   /report/<population>/data                  float32 [n_times x n_selected], attribute
 *                                              units = "mV" (V), "mS" (coba g), "mA" (cuba g)
 *   /report/<population>/mapping/node_ids       uint64 [n_selected] population-local, ascending;
 *                                              attribute sorted = 1 (uint8, as libsonata reads it)
 *   /report/<population>/mapping/index_pointers uint64 [n_selected + 1] = 0, 1, ..., n_selected
 *   /report/<population>/mapping/element_ids    uint32 [n_selected] zeros (point neurons)
 *   /report/<population>/mapping/time           float64 [start, stop, dt], attribute units = "ms"
 *
 * Row k of data is the state after step (k+1)*every, at time start + k*dt, with
 * start = dt = every * run.dt and stop = start + n_times * dt (exclusive, as in SONATA);
 * n_times = n_steps / every.
 *
 * Life cycle: open (collective; creates every <file>.partial) -> the step loop calls
 * snn_recorders_sample from each thread after each step's neuron update, and
 * snn_recorders_end_interval from the master thread after each exchange (collective: writes the
 * buffered window when the next interval might not fit) -> close (collective: writes the rest,
 * renames each <file>.partial to <file>). abort discards the partial files.
 *
 * Each thread copies its own selected neurons' values into its columns of the rank's buffer (a
 * rank holds a contiguous slice of each population, so its selected neurons are a contiguous
 * column range, and each thread's a sub-range of it). Memory stays bounded: a buffer holds
 * about SNN_RECORDER_WINDOW_BYTES for all columns of a report (at least one exchange interval).
 * The file bytes do not depend on the number of ranks or threads: the datasets have fixed
 * shapes, their space is allocated when they are created, no object carries a time stamp, and
 * every rank makes the same HDF5 calls.
 */
#ifndef SNN_RECORDER_H
#define SNN_RECORDER_H

#include <stdint.h>

#include "snn/comm.h"
#include "snn/error.h"
#include "snn/network.h"

#define SNN_RECORDER_WINDOW_BYTES ((size_t)4 << 20)

typedef struct snn_recorders snn_recorders;

/* Collective. Creates the report files of net->model's recorders in dir; *r is NULL when the
 * model has none. */
int snn_recorders_open(snn_recorders **r, snn_comm *comm, const snn_network *net, const char *dir,
                       snn_error *err);

/* Collective. Continues the reports of an interrupted run: reopens every <file>.partial (which
 * must have this config's shape) and keeps the samples up to and including step `step` (later
 * rows are overwritten as the run continues from step + 1). */
int snn_recorders_resume(snn_recorders **r, snn_comm *comm, const snn_network *net, const char *dir,
                         uint64_t step, snn_error *err);

/* Collective. For a checkpoint: writes the samples up to the last completed step and closes
 * every file, keeping each <file>.partial for snn_recorders_resume; frees r (may be NULL). */
int snn_recorders_suspend(snn_recorders *r, snn_error *err);

/* Thread ts of the network, after the neuron update of step n: copies the values of its
 * selected neurons (for every report sampled in step n). No allocation, no communication. */
void snn_recorders_sample(snn_recorders *r, const snn_thread_state *ts, uint64_t n);

/* Collective, master thread, after the exchange that ends with step `last`: writes every report
 * whose buffer could not hold the next exchange interval. */
int snn_recorders_end_interval(snn_recorders *r, uint64_t last, snn_error *err);

/* Collective. Writes what is buffered, closes, renames every <file>.partial; frees r (may be
 * NULL). On failure the partial files are deleted and r is freed. */
int snn_recorders_close(snn_recorders *r, snn_error *err);

/* close in two halves, so that a run can commit all its files together: finish writes and
 * closes every file (r stays valid; abort still deletes the partial files), commit (finishing
 * first if needed) renames them and frees r, also on failure. */
int snn_recorders_finish(snn_recorders *r, snn_error *err);
int snn_recorders_commit(snn_recorders *r, snn_error *err);

/* Collective. Closes and deletes the partial files, frees r; r may be NULL. */
void snn_recorders_abort(snn_recorders *r);

/* Rows buffered per report before a write (at least one exchange interval; at most the run).
 * Every rank must set the same value. For tests. */
void snn_recorders_set_window(snn_recorders *r, uint64_t rows);

/* Number of collective window writes so far, over all reports (for tests). */
uint64_t snn_recorders_writes(const snn_recorders *r);

#endif
