/*
 * record_spec.h — what a state recorder records: population, variables, neurons, interval.
 *
 * A recorder (config key `recorders`, see docs/config.md) samples variables of selected neurons
 * of one population after the neuron update of every `every`-th step: step n = every, 2 every,
 * ..., i.e. the state at time n*dt, V as stored (un-reset, like brainpy.state). Each variable is
 * one report file (recorder.h). The selection is a sorted set of population-local ids, the same
 * on every rank: "all", an explicit list, the first n, or n distinct ids drawn at random from a
 * Philox stream keyed by (run seed, recorder index), independent of ranks and threads.
 *
 * The helpers here are pure (no MPI, no HDF5): selection, and the window arithmetic that says
 * which sample a step is and how many samples a buffer must hold.
 */
#ifndef SNN_RECORD_SPEC_H
#define SNN_RECORD_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "snn/model.h"
#include "snn/partition.h"

typedef enum {
    SNN_SELECT_ALL,   /* every neuron of the population */
    SNN_SELECT_LIST,  /* the listed ids (stored sorted) */
    SNN_SELECT_FIRST, /* ids 0 .. n-1 */
    SNN_SELECT_RANDOM /* n distinct ids at random (stored sorted) */
} snn_select_kind;

/* A sorted set of n population-local ids: ids[k], or k itself when ids is NULL. */
typedef struct {
    snn_select_kind kind;
    uint64_t n;
    uint64_t *ids;
} snn_selection;

/* One recorded variable: V, or the state of one synapse channel (channel.h). */
typedef struct {
    int channel;             /* -1: membrane potential V; else the channel index */
    char name[SNN_NAME_LEN]; /* "V", "g" or "g_<projection>" (docs/config.md) */
    char units[8];           /* of the stored values: "mV", "mS" (coba) or "mA" (cuba) */
} snn_record_var;

typedef struct snn_recorder_spec {
    char name[SNN_NAME_LEN]; /* file names are <output_dir>/<name>_<variable>.h5 */
    int pop;
    snn_selection sel;
    uint64_t every; /* steps between samples, 1 .. n_steps */
    int n_vars;
    snn_record_var *vars; /* [n_vars] */
    int line;             /* in the config file */
} snn_recorder_spec;

/* The report file name of variable v of recorder r: "<name>_<variable>.h5", with characters
 * other than [A-Za-z0-9_.+-] (possible in projection names) replaced by '_'. */
void snn_record_file_name(const snn_recorder_spec *r, const snn_record_var *v, char *buf, size_t n);

/* Frees what the specs own and the array itself; safe on NULL. */
void snn_recorder_specs_free(snn_recorder_spec *r, int n);

/* The k-th selected id (k < sel->n). */
static inline uint64_t snn_selection_id(const snn_selection *sel, uint64_t k)
{
    return sel->ids ? sel->ids[k] : k;
}

/* The first position k with snn_selection_id(sel, k) >= id (sel->n if none). */
uint64_t snn_selection_lower_bound(const snn_selection *sel, uint64_t id);

/* The positions [begin, end) of the selected ids inside the id range r: contiguous, because the
 * selection is sorted. */
snn_range snn_selection_columns(const snn_selection *sel, snn_range r);

/* n distinct ids of [0, size), sorted ascending, drawn from the Philox stream (seed,
 * SNN_RNG_RECORD | index); the same for any rank count. 1 <= n <= size. Returns 0, or -1 when out
 * of memory. */
int snn_selection_random(uint32_t seed, uint32_t index, uint64_t size, uint64_t n, uint64_t *ids);

/* Samples of a run of n_steps steps: steps every, 2 every, ... <= n_steps. */
static inline uint64_t snn_record_n_samples(uint64_t n_steps, uint64_t every)
{
    return n_steps / every;
}

/* Samples taken in steps 1 .. step (so the sample of step n = k*every has row k-1). */
static inline uint64_t snn_record_samples_upto(uint64_t step, uint64_t every)
{
    return step / every;
}

/* The most samples any `interval` consecutive steps can hold. */
static inline uint64_t snn_record_samples_per_interval(uint64_t interval, uint64_t every)
{
    return interval / every + (interval % every != 0);
}

/* Rows (samples) a report buffers before it is written: about `bytes` for all n_selected
 * columns of 4 bytes, at least one exchange interval's worth (the threads sample a whole
 * interval between two writes), at most the whole run. Depends only on global numbers, so every
 * rank writes the same windows. */
uint64_t snn_record_window_rows(uint64_t n_selected, uint64_t n_samples, uint64_t interval,
                                uint64_t every, size_t bytes);

#endif
