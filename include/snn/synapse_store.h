/*
 * synapse_store.h — one thread's incoming synapses of one projection, in compact form.
 *
 * CSR by presynaptic index (the position in the projection's pre index space). Within a row,
 * synapses are in (post index, key) order, the same for any partition. A synapse costs
 *   target: 2 bytes when the thread's targets of the projection span fewer than 65,536 local
 *           indices (stored as the offset from target_base), else 4 bytes;
 *   weight: 0 bytes when the projection's weight is constant, else sizeof(snn_real);
 *   delay:  0 bytes when the projection's delay is constant, 1 byte when every drawn delay is
 *           below 256 steps, else 2 bytes.
 * The cortical microcircuit (normal weights and delays) thus needs 2 + 4 + 1 = 7 bytes per
 * synapse instead of 4 + 4 + 2 (DESIGN.md section 3: "8 bytes per synapse or less ... delays per
 * projection or packed"). The build fills the wide arrays (target, delay), then
 * snn_synapses_compact narrows them; everything after the build reads through the accessors or
 * the width flags.
 */
#ifndef SNN_SYNAPSE_STORE_H
#define SNN_SYNAPSE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "snn/error.h"
#include "snn/real.h"

typedef struct {
    uint64_t *row;        /* [pre_size + 1] */
    uint32_t *target;     /* [n] thread-local neuron indices, or NULL when target16 is used */
    uint16_t *target16;   /* [n] thread-local index - target_base, or NULL */
    uint32_t target_base; /* added to target16 */
    snn_real *weight;     /* [n] or NULL: the projection's constant weight */
    uint16_t *delay;      /* [n] delay in steps, or NULL */
    uint8_t *delay8;      /* [n] delay in steps (< 256), or NULL */
} snn_synapses;

/* Synapse k's thread-local target index. */
static inline uint32_t snn_syn_target(const snn_synapses *sy, uint64_t k)
{
    return sy->target16 ? sy->target_base + sy->target16[k] : sy->target[k];
}

/* Synapse k's delay in steps, or `constant` when the projection stores none. */
static inline uint32_t snn_syn_delay(const snn_synapses *sy, uint64_t k, uint32_t constant)
{
    return sy->delay8 ? sy->delay8[k] : sy->delay ? sy->delay[k] : constant;
}

/* Whether the synapses store a delay per synapse (of either width). */
static inline int snn_syn_has_delays(const snn_synapses *sy)
{
    return sy->delay8 || sy->delay;
}

/* Narrows the wide arrays of n synapses where the values allow (see above): a new array is
 * filled and the wide one freed, so the peak is the wide arrays plus the narrow ones. Fails only
 * when the narrow array cannot be allocated (the wide one is then kept; nothing is lost). */
int snn_synapses_compact(snn_synapses *sy, uint64_t n, snn_error *err);

/* Bytes held by n synapses and pre_size + 1 row offsets. */
size_t snn_synapses_bytes(const snn_synapses *sy, uint64_t n, uint64_t pre_size);

/* Bytes per synapse a projection will be stored in, from what is known before the build:
 * target span (thread-local indices the owned post neurons cover), whether weights are drawn,
 * and the largest delay a drawn delay can take (0: delays constant; >= 256 or unknown: 2 bytes). */
double snn_synapses_bytes_per_synapse(uint64_t target_span, int per_weight, int per_delay,
                                      uint64_t max_delay_steps);

/* Targets are stored in 2 bytes when they span fewer local indices than this. */
#define SNN_SYNAPSES_TARGET16_SPAN 65536u

/* The local target range [*lo, *hi] of n synapses (*lo > *hi when n is 0). */
void snn_synapses_target_range(const snn_synapses *sy, uint64_t n, uint32_t *lo, uint32_t *hi);

/* Whether two stores hold the same arrays (target width, weights, delay width), so that their
 * synapses can share rows (snn_synapses_merge). */
int snn_synapses_same_layout(const snn_synapses *a, const snn_synapses *b);

/* Merges the stores of k projections that share one presynaptic index space (pre_size rows)
 * into *out: row r of *out holds row r of *in[0], then row r of *in[1], and so on. The inputs
 * have the same layout (snn_synapses_same_layout), which *out keeps; 2-byte targets are
 * re-based on the smallest target of all inputs, and the caller has checked that every target
 * stays below it + 65,536 (snn_synapses_target_range). The output is allocated first: out of
 * memory leaves the inputs as they were. Then the inputs' arrays are copied front to back,
 * their pages given back to the kernel as they are consumed (the peak stays near the inputs'
 * size), and freed; the inputs are left zeroed. */
enum { SNN_SYNAPSES_MERGE_MAX = 64 };
int snn_synapses_merge(snn_synapses *const *in, int k, uint64_t pre_size, snn_synapses *out,
                       snn_error *err);

void snn_synapses_free(snn_synapses *sy);

#endif
