/*
 * spike_writer.h — the spike file, in the SONATA layout, written by all ranks with parallel HDF5.
 *
 *   /                               attributes magic = 0x0A7A (uint32), version = [0, 1] (uint32)
 *   /spikes/<population>/timestamps float64 [n], attribute units = "ms"
 *   /spikes/<population>/node_ids   uint64 [n], population-local ids
 *   /spikes/<population>            attribute sorting = by_time, a uint8 HDF5 enum
 *                                   {none = 0, by_id = 1, by_time = 2} as libsonata reads it
 *
 * One group per population of the model, in model order, also for populations without spikes.
 * The file is byte-identical whatever the number of ranks (no time stamps in object headers,
 * fixed chunk sizes, the same HDF5 calls on every rank count).
 *
 * Spikes are ordered by (time, node id). Every rank holds the same global spike list (after the
 * exchange), so every rank buffers the same spikes and, at each flush, writes an equal contiguous
 * share of them collectively. The file is written as <path>.partial and renamed to <path> only
 * by snn_spike_writer_close, so a crashed run never leaves a file that looks complete.
 */
#ifndef SNN_SPIKE_WRITER_H
#define SNN_SPIKE_WRITER_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "snn/error.h"
#include "snn/model.h"

typedef struct snn_spike_writer snn_spike_writer;

/* Collective over comm. Creates path.partial. */
int snn_spike_writer_open(snn_spike_writer **w, MPI_Comm comm, const char *path, const snn_model *m,
                          snn_error *err);

/* Called by every rank with the same arguments: the spikes of one step (time stamp step*dt),
 * global ids sorted ascending. May write (collectively) when the buffer is full. */
int snn_spike_writer_add(snn_spike_writer *w, uint64_t step, const uint32_t *gids, size_t n,
                         snn_error *err);

/* Collective: writes what is buffered, closes, renames path.partial to path, frees w. */
int snn_spike_writer_close(snn_spike_writer *w, snn_error *err);

/* Collective: closes and deletes path.partial, frees w. For error exits; w may be NULL. */
void snn_spike_writer_abort(snn_spike_writer *w);

/* ---- checkpoints (see checkpoint.h) ----
 * The file must come out byte-identical to an uninterrupted run's, so the HDF5 calls that make
 * it must be the same: a restarted run does not append to the stopped run's file (its layout
 * depends on when it was flushed and reopened) but rebuilds it, replaying the stopped run's
 * spikes through snn_spike_writer_add step by step and syncing at the same steps as the first
 * run, then continues. */

/* Collective: writes what is buffered and flushes the file (HDF5 metadata included), so that
 * <path>.partial holds every spike added so far even after a crash. Call at the same steps in a
 * run and in its restarts (they shape the file). From now on an error exit keeps .partial. */
int snn_spike_writer_sync(snn_spike_writer *w, snn_error *err);

/* Spikes of each population in the file (call after sync or replay; counts[n_pops]). */
void snn_spike_writer_written(const snn_spike_writer *w, uint64_t *counts);

/* Collective: writes what is buffered, closes the file and keeps it as <path>.partial (not
 * renamed) for a restart; frees w. */
int snn_spike_writer_suspend(snn_spike_writer *w, snn_error *err);

/* Collective: restart. Moves the stopped run's <path>.partial aside to <path>.partial.prev
 * (unless an earlier restart attempt already did: then .prev is the complete copy), checks that
 * it holds at least counts[i] spikes of each population, and creates a fresh <path>.partial.
 * .prev is deleted once the new file holds all of it (at the first sync after the replay). */
int snn_spike_writer_resume(snn_spike_writer **w, MPI_Comm comm, const char *path,
                            const snn_model *m, const uint64_t *counts, snn_error *err);

/* Collective: adds the previous spikes of steps <= until (only the first counts[i] of each
 * population, so spikes a crashed run wrote after its checkpoint are dropped). */
int snn_spike_writer_replay(snn_spike_writer *w, uint64_t until, snn_error *err);

/* Called with every step's spikes as replay re-adds them (e.g. for statistics that must see the
 * whole run after a restart); fn NULL for none. */
typedef void (*snn_spike_replay_fn)(void *ctx, uint64_t step, const uint32_t *gids, size_t n);
void snn_spike_writer_set_replay_observer(snn_spike_writer *w, snn_spike_replay_fn fn, void *ctx);

/* Collective: replays up to step (the checkpoint's) and checks that nothing is left over. */
int snn_spike_writer_replay_finish(snn_spike_writer *w, uint64_t step, snn_error *err);

/* Spikes buffered (over all populations) before add writes them out: the buffer is written when
 * it holds more than this many. Default SNN_SPIKE_WRITER_FLUSH_DEFAULT; 0 writes at every step that
 * has spikes. Every rank must set the same value (the writes are collective). For tests and tuning.
 */
#define SNN_SPIKE_WRITER_FLUSH_DEFAULT ((size_t)1 << 20)

/* Spikes the buffers hold from the start: each population's share by size, rounded up to 1024
 * times a power of two, allocated and touched when the writer opens, so that a run with fewer
 * spikes allocates nothing and takes no page fault in its step loop (16 bytes a spike, so 128
 * to 256 KiB in all; beyond it a population's buffer doubles). */
#define SNN_SPIKE_WRITER_PRESIZE ((size_t)1 << 13)
void snn_spike_writer_set_flush_threshold(snn_spike_writer *w, size_t n_spikes);

#endif
