/*
 * model.h — the network description: plain structs that config.c fills and build.c reads.
 *
 * All quantities are stored in snn_mpi's internal units, which are the reference's units:
 *   time ms, voltage mV, current mA, conductance mS, resistance ohm (ohm * mA = mV),
 *   capacitance pF, rate Hz.
 * A description holds no state; it is identical on every rank.
 */
#ifndef SNN_MODEL_H
#define SNN_MODEL_H

#include <stdint.h>

#define SNN_NAME_LEN 64
#define SNN_PATH_LEN 4096

typedef enum { SNN_INIT_CONSTANT, SNN_INIT_NORMAL, SNN_INIT_UNIFORM } snn_init_kind;

/* An initial-value distribution: constant a; normal mean a, std b; uniform [a, b). */
typedef struct {
    snn_init_kind kind;
    double a, b;
} snn_init_dist;

typedef enum { SNN_RESET_SOFT, SNN_RESET_HARD } snn_reset_mode;

/* Parameters of model "lif" (brainpy.state.LIF; LIFRef when tau_ref > 0). */
typedef struct {
    double V_rest;  /* mV */
    double V_th;    /* mV */
    double V_reset; /* mV */
    double tau;     /* ms, > 0 */
    double R;       /* ohm, default 1 */
    double tau_ref; /* ms, >= 0, default 0 (no refractory period) */
    snn_reset_mode reset;
} snn_lif_params;

/* Parameters of model "iaf_psc_exp" (NEST iaf_psc_exp: exact integration, currents in pA in
 * the config, stored in mA like every current). */
typedef struct {
    double C_m;     /* pF, > 0, default 250 */
    double tau_m;   /* ms, > 0, default 10 */
    double E_L;     /* mV, default -70 */
    double V_th;    /* mV, default -55 */
    double V_reset; /* mV, default -70 */
    double t_ref;   /* ms, >= 0, default 2 */
} snn_iaf_params;

typedef enum { SNN_NEURON_LIF, SNN_NEURON_IAF_PSC_EXP } snn_neuron_kind;

typedef struct {
    char name[SNN_NAME_LEN];
    uint64_t size;   /* > 0, after run.scale */
    uint64_t offset; /* first global id: sum of the sizes of the populations before it */
    snn_neuron_kind model;
    snn_lif_params lif;   /* model "lif" */
    snn_iaf_params iaf;   /* model "iaf_psc_exp" */
    snn_init_dist V_init; /* mV */
    double I_ext;         /* constant external current, mA (iaf_psc_exp: I_e) */
    int line;             /* line in the config file, for messages */
} snn_population;

typedef enum { SNN_OUTPUT_CUBA, SNN_OUTPUT_COBA } snn_output_kind;

/* delta: the weight is a jump in V (mV), no state. expon: tau. alpha: tau (peak at t = tau,
 * normalised so a weight w gives a peak of w). dual_expon: tau_rise < tau (decay), normalised to
 * a peak of w. */
typedef enum { SNN_SYN_EXPON, SNN_SYN_ALPHA, SNN_SYN_DUAL_EXPON, SNN_SYN_DELTA } snn_synapse_kind;

typedef enum {
    SNN_RULE_FIXED_OUTDEGREE,    /* each pre draws `outdegree` posts (EventFixedProb) */
    SNN_RULE_FIXED_PROB,         /* Bernoulli(prob) per (pre, post) pair */
    SNN_RULE_FIXED_INDEGREE,     /* each post draws `indegree` pres */
    SNN_RULE_FIXED_TOTAL_NUMBER, /* `total_number` pairs, pre and post uniform */
    SNN_RULE_ALL_TO_ALL,
    SNN_RULE_ONE_TO_ONE, /* pre i -> post i; needs pre_size == post_size */
    SNN_RULE_FROM_FILE   /* the edges of a SONATA edge population (src/edges_file.c) */
} snn_conn_rule;

typedef struct {
    char name[SNN_NAME_LEN]; /* "pre->post" unless given */
    int n_pre, *pre;         /* population indices: one index space in the listed order */
    int n_post, *post;
    uint64_t pre_size, post_size; /* sums of the listed populations' sizes */
    snn_conn_rule rule;
    double prob;           /* fixed_outdegree given as prob (conn_num), or fixed_prob; else -1 */
    uint64_t outdegree;    /* fixed_outdegree: int(post_size * prob), or n (times scale_k) */
    uint64_t indegree;     /* fixed_indegree: n (times scale_k) */
    uint64_t total_number; /* fixed_total_number: n, or from prob (see docs/config.md) */
    int autapses;          /* allow pre == post (same global id); default 1 */
    int multapses;         /* allow repeated (pre, post) pairs; default 1 */
    /* Weight: constant (weight_std == 0) or normal(weight, weight_std), redrawn until it has the
     * sign of `weight`. Unit: cuba a conductance (times 1 V) or a current, both stored as mA;
     * coba mS; delta mV. */
    double weight;
    double weight_std;
    snn_synapse_kind synapse;
    double syn_tau;      /* expon/alpha tau, dual_expon decay; ms > 0 (unused for delta) */
    double syn_tau_rise; /* dual_expon rise, ms, 0 < tau_rise < syn_tau */
    snn_output_kind output;
    double E; /* coba reversal potential, mV */
    /* Delay: constant (delay_std == 0) or normal(delay, delay_std) redrawn while outside
     * [dt, delay_max]; stored per synapse in whole steps round(d / dt). */
    double delay;        /* ms; default dt */
    double delay_std;    /* ms, >= 0 */
    double delay_max;    /* ms; default delay + 10 * delay_std */
    int delay_steps;     /* round(delay / dt) >= 1 (the constant case) */
    int delay_min_steps; /* smallest possible per-synapse delay, steps */
    int delay_max_steps; /* largest possible per-synapse delay, steps */
    int line;
    /* from_file: the SONATA edge file (path resolved against the config's directory) and edge
     * population; the file's syn_weight and delay, when present, replace weight and delay
     * (snn_edges_prepare sets file_weights, file_delays, total_number = the edge count and the
     * delay range). has_weight: the weight key was given. */
    char *file, *file_population;
    int rule_line, has_weight, file_weights, file_delays;
} snn_projection;

typedef enum { SNN_INPUT_POISSON, SNN_INPUT_STEP } snn_input_kind;

/* External input to every neuron of one population.
 * poisson: each neuron receives n_sources independent Poisson trains of rate_hz, drawn as one
 *   count per neuron and step ~ Poisson(rate_hz * n_sources * dt) keyed by (seed, input, neuron
 *   global id, step); count * weight arrives in that step through the given synapse and output.
 *   With dc_equivalent the input is replaced by its mean current
 *   rate_hz * n_sources * weight * syn_tau * 1e-3 (expon + cuba only).
 * step: a piecewise-constant current: amplitudes[k] (mA) from times[k] (ms) until times[k+1]. */
typedef struct {
    snn_input_kind kind;
    int pop;
    int line;
    double rate_hz;
    uint64_t n_sources;
    double weight;
    snn_synapse_kind synapse;
    double syn_tau, syn_tau_rise;
    snn_output_kind output;
    double E;
    int dc_equivalent;
    double start, stop; /* poisson: active in steps n with start < n * dt <= stop (ms; NEST's
                           (start, stop]); stop = INFINITY for the whole run */
    uint64_t n_targets; /* poisson: only the first n_targets neurons of pop receive it; 0: all */
    int n_points;
    double *times;      /* [n_points], ms, strictly increasing */
    double *amplitudes; /* [n_points], mA */
} snn_input;

typedef struct {
    double dt;       /* ms, > 0 */
    double duration; /* ms, > 0, a whole number of steps */
    uint64_t n_steps;
    uint32_t seed;
    uint64_t checkpoint_every; /* steps between periodic checkpoints; 0: none */
    char output_dir[SNN_PATH_LEN];
    double scale;   /* multiplies population sizes (rounded, at least 1); default 1 */
    double scale_k; /* multiplies in-/out-degrees and, with scale, total numbers; default 1 */

    /* The summary's Fano factor and correlation (spike_stats.h). */
    int stats_sample; /* neurons sampled per population; default 100 */
    double stats_bin; /* spike-count bin, ms, a whole number of steps; default 10 */
} snn_run_params;

struct snn_recorder_spec; /* state recorders: record_spec.h */

typedef struct snn_model {
    char source[SNN_PATH_LEN]; /* config path, for messages */
    int n_pops;
    snn_population *pops;
    int n_projs;
    snn_projection *projs;
    int n_inputs;
    snn_input *inputs;
    int n_recorders;
    struct snn_recorder_spec *recorders; /* [n_recorders] */
    snn_run_params run;
    uint64_t n_neurons; /* total over populations */
} snn_model;

/* Frees everything a model owns (not the struct itself); safe on a zeroed model. */
void snn_model_free(snn_model *m);

/* Index of the population holding global id gid (binary search over offsets). */
int snn_model_pop_of(const snn_model *m, uint64_t gid);

#endif
