/*
 * model.h — the network description: plain structs that config.c fills and build.c reads.
 *
 * All quantities are stored in snn_mpi's internal units, which are the reference's units:
 *   time ms, voltage mV, current mA, conductance mS, resistance ohm (ohm * mA = mV).
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

typedef struct {
    char name[SNN_NAME_LEN];
    uint64_t size;        /* > 0 */
    uint64_t offset;      /* first global id: sum of the sizes of the populations before it */
    snn_lif_params lif;   /* model "lif" is the only model so far */
    snn_init_dist V_init; /* mV */
    double I_ext;         /* constant external current, mA */
    int line;             /* line in the config file, for messages */
} snn_population;

typedef enum { SNN_OUTPUT_CUBA, SNN_OUTPUT_COBA } snn_output_kind;
typedef enum { SNN_RULE_FIXED_OUTDEGREE } snn_conn_rule;

typedef struct {
    char name[SNN_NAME_LEN]; /* "pre->post" unless given */
    int n_pre, *pre;         /* population indices: one index space in the listed order */
    int n_post, *post;
    uint64_t pre_size, post_size; /* sums of the listed populations' sizes */
    snn_conn_rule rule;
    double prob;        /* fixed_outdegree given as prob (EventFixedProb conn_num); -1 if n */
    uint64_t outdegree; /* targets per pre neuron: int(post_size * prob), or n */
    double weight;      /* mS, homogeneous */
    double syn_tau;     /* expon synapse time constant, ms, > 0 */
    snn_output_kind output;
    double E;        /* coba reversal potential, mV */
    double delay;    /* ms; default dt */
    int delay_steps; /* round(delay / dt) >= 1 */
    int line;
} snn_projection;

typedef struct {
    double dt;       /* ms, > 0 */
    double duration; /* ms, > 0, a whole number of steps */
    uint64_t n_steps;
    uint32_t seed;
    char output_dir[SNN_PATH_LEN];
} snn_run_params;

typedef struct snn_model {
    char source[SNN_PATH_LEN]; /* config path, for messages */
    int n_pops;
    snn_population *pops;
    int n_projs;
    snn_projection *projs;
    snn_run_params run;
    uint64_t n_neurons; /* total over populations */
} snn_model;

/* Frees everything a model owns (not the struct itself); safe on a zeroed model. */
void snn_model_free(snn_model *m);

/* Index of the population holding global id gid (binary search over offsets). */
int snn_model_pop_of(const snn_model *m, uint64_t gid);

#endif
