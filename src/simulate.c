/*
 * simulate.c — the step loop (see include/snn/simulate.h for the order within a step).
 *
 * One OpenMP parallel region spans the whole run. Each thread updates its own neurons for one
 * exchange interval and delivers into its own ring buffers; the master thread alone talks to MPI
 * between two barriers (MPI_THREAD_FUNNELED). Nothing is allocated inside the loop except when a
 * burst of spikes outgrows every interval before it.
 */
#include "snn/simulate.h"

#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn/draw.h"
#include "snn/fault.h"
#include "snn/output.h"
#include "snn/recorder.h"
#include "snn/ticks.h"
#include "vector_clones.h"

/* The neuron updates and the Poisson input are vectorised loops (vector_clones.h). */

/* A spike of thread-local neuron i in step n (offset k in the interval): queue it, count it. */
static inline void record_spike(snn_thread_state *ts, const snn_segment *sg, uint32_t i, uint64_t n,
                                uint32_t k)
{
    ts->spikes[ts->n_spikes++] = snn_spike_pack(k, (uint32_t)(sg->gid_begin + (i - sg->begin)));
    if (ts->spike_count[i] > 0) {
        double isi = (double)((int64_t)n - ts->last_spike[i]);
        ts->isi_sum[i] += isi;
        ts->isi_sq[i] += isi * isi;
    }
    ts->spike_count[i]++;
    ts->last_spike[i] = (int64_t)n;
}

/* The first neuron of this thread whose V stopped being a finite number. */
static inline void note_bad(snn_thread_state *ts, uint32_t i, uint64_t n)
{
    if (ts->bad_step == 0) {
        ts->bad_step = n;
        ts->bad_i = i;
    }
}

/* Poisson inputs of this segment's population: this step's counts times the weight, added to
 * the arrivals of their channel (after the spikes, in input order: a fixed order). */
SNN_VECTOR_CLONES static void add_poisson(const snn_network *net, snn_thread_state *ts,
                                          const snn_segment *sg, uint64_t n, size_t slot)
{
    const snn_model *m = net->model;
    const size_t N = ts->n, L = (size_t)net->ring_len;
    for (int j = 0; j < m->n_inputs; j++) {
        const snn_net_input *in = &net->inputs[j];
        if (in->kind != SNN_INPUT_POISSON || in->channel < 0 || in->pop != sg->pop ||
            n < in->first_step || n > in->last_step)
            continue;
        snn_real *restrict x = ts->ring + ((size_t)in->channel * L + slot) * N;
        /* Only the population's first n_targets neurons, if so configured. */
        uint64_t gid_end = in->gid_end < sg->gid_begin + (sg->end - sg->begin)
                               ? in->gid_end
                               : sg->gid_begin + (sg->end - sg->begin);
        uint32_t end =
            gid_end > sg->gid_begin ? sg->begin + (uint32_t)(gid_end - sg->gid_begin) : sg->begin;
        enum { CHUNK = 256 };
        uint64_t count[CHUNK];
        /* Inversion counts are at most 54, and a finite weight times a zero count adds a zero
         * that changes nothing (x is never -0: it starts at +0 and only sums nonzero weights),
         * so that case adds without a branch and converts through int32 (vectorisable: int64
         * to float needs AVX-512DQ). */
        const snn_real w = in->weight;
        const int small = in->dist.method == 1 && w - w == 0;
        for (uint32_t i0 = sg->begin; i0 < end; i0 += CHUNK) {
            uint32_t len = end - i0 < CHUNK ? end - i0 : CHUNK;
            snn_draw_poisson_counts(m->run.seed, (uint32_t)j, sg->gid_begin + (i0 - sg->begin), n,
                                    &in->dist, len, count);
            snn_real *restrict xc = x + i0;
            if (small)
                for (uint32_t k = 0; k < len; k++)
                    xc[k] += (snn_real)(int32_t)count[k] * w;
            else
                for (uint32_t k = 0; k < len; k++)
                    if (count[k])
                        xc[k] += (snn_real)count[k] * w;
        }
    }
}

/* The step current of population p in step n (0 before the first step). */
static snn_real step_current(const snn_network *net, int p, uint64_t n)
{
    double I = 0;
    for (int j = 0; j < net->model->n_inputs; j++)
        if (net->inputs[j].kind == SNN_INPUT_STEP && net->inputs[j].pop == p)
            I += snn_step_schedule_at(&net->inputs[j].schedule, n);
    return (snn_real)I;
}

/* Neurons are updated in chunks of this many, each pass over a chunk a simple loop over
 * contiguous arrays (vectorisable); the per-neuron arithmetic is exactly that of the
 * one-neuron-at-a-time formulation, in the same order. */
enum { UPDATE_CHUNK = 256 };

/* 1 where a new V is one a neuron's update must look at: at or above V_th (a spike), or NaN or
 * inf (an error). */
static inline int is_rare(snn_real Vn, snn_real V_th)
{
    return (Vn >= V_th) | (Vn - Vn != 0);
}

/* The neurons j < len whose v[j] reached V_th or is NaN or inf (the rare cases a neuron's
 * update must look at), ascending, into idx; returns how many. One vectorisable pass flags them
 * (bytes of 0 or 1) and counts them; if there are any (most chunks of a large network have
 * none), the flags are read 8 at a time, each set one found by its bit position. */
static inline uint32_t rare_neurons(const snn_real *restrict v, snn_real V_th, uint32_t len,
                                    uint32_t *restrict idx)
{
    unsigned char flag[UPDATE_CHUNK + 8];
    uint32_t n_flagged = 0;
    for (uint32_t j = 0; j < len; j++) {
        const unsigned char f = (unsigned char)is_rare(v[j], V_th);
        flag[j] = f;
        n_flagged += f;
    }
    if (!n_flagged)
        return 0;
    for (uint32_t j = len; j % 8 != 0; j++)
        flag[j] = 0;
    uint32_t n = 0;
    for (uint32_t j8 = 0; j8 < len; j8 += 8) {
        uint64_t any;
        memcpy(&any, flag + j8, sizeof any);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        while (any) { /* flag[j8 + b] is byte b of the word: bits 8b .. 8b + 7 */
            idx[n++] = j8 + (uint32_t)(__builtin_ctzll(any) / 8);
            any &= any - 1;
        }
#else
        for (uint32_t j = j8; any && j < j8 + 8; j++)
            if (flag[j])
                idx[n++] = j;
#endif
    }
    return n;
}

/* 1 if every channel with a state is an exponential synapse with current output (the tutorial's
 * case): update_lif then decays each channel and sums its current in one pass per chunk. */
static int all_expon_cuba(const snn_network *net)
{
    for (int c = 0; c < net->channels.n; c++) {
        const snn_channel *ch = &net->channels.ch[c];
        if (ch->kind != SNN_SYN_DELTA &&
            (ch->kind != SNN_SYN_EXPON || ch->output != SNN_OUTPUT_CUBA))
            return 0;
    }
    return 1;
}

/* One expon channel over a chunk: decay and arrivals (snn_expon_step, or its bit-identical
 * multiplication by 1/tau), then the current added to I (CUBA: g itself). by_inv is a
 * constant at each call. */
static inline __attribute__((always_inline)) void
expon_cuba_chunk(const snn_expon *e, int by_inv, snn_real *restrict g, snn_real *restrict x,
                 snn_real *restrict I, uint32_t len)
{
    const snn_expon ec = *e;
    for (uint32_t j = 0; j < len; j++) {
        const snn_real gj =
            by_inv ? snn_expon_step_inv(&ec, g[j], x[j]) : snn_expon_step(&ec, g[j], x[j]);
        g[j] = gj;
        x[j] = 0;
        I[j] = I[j] + gj;
    }
}

/* snn_lif_reset of vj without a branch: the reset value, computed everywhere, then a select
 * without arithmetic in it (vectorisable). */
static inline snn_real lif_reset_select(const snn_lif *c, int hard, snn_real vj)
{
    const snn_real reset = hard ? vj - (vj - c->V_reset) : vj - (c->V_th - c->V_reset);
    return vj >= c->V_th ? reset : vj;
}

/* snn_lif_reset (lif_reset_select) then snn_lif_integrate over a chunk, in one pass; Vr keeps
 * the reset potentials for the refractory select. hard and by_inv are constants at each call. */
static inline __attribute__((always_inline)) void
lif_reset_integrate_chunk(const snn_lif *lif, int hard, int by_inv, snn_real *restrict v,
                          snn_real *restrict Vr, const snn_real *restrict I, uint32_t len)
{
    const snn_lif c = *lif;
    for (uint32_t j = 0; j < len; j++) {
        const snn_real vr = lif_reset_select(&c, hard, v[j]);
        Vr[j] = vr;
        v[j] = by_inv ? snn_lif_integrate_inv(&c, vr, I[j]) : snn_lif_integrate(&c, vr, I[j]);
    }
}

/* Model lif (brainpy.state order): synapses decay and take their arrivals, then V integrates
 * I = I_ext + sum of outputs at the reset potential; delta jumps land after the integration. */
SNN_VECTOR_CLONES static void update_lif(const snn_network *net, snn_thread_state *ts,
                                         const snn_segment *sg, uint64_t n, uint32_t k, size_t slot)
{
    const size_t N = ts->n, L = (size_t)net->ring_len;
    const int nc = net->channels.n;
    const snn_channel *ch = net->channels.ch;
    /* With expon-cuba channels only, each channel's decay and current are one pass per chunk
     * below; otherwise every channel decays here and its output is summed per chunk. */
    const int fused = all_expon_cuba(net);
    for (int c = 0; c < nc && !fused; c++) {
        if (ch[c].kind == SNN_SYN_DELTA)
            continue;
        snn_real *restrict g = ts->g + (size_t)c * N, *restrict h = ts->h + (size_t)c * N;
        snn_real *restrict x = ts->ring + ((size_t)c * L + slot) * N;
        if (ch[c].kind == SNN_SYN_EXPON) {
            const snn_expon e = ch[c].expon;
            if (e.inv_exact)
                for (uint32_t i = sg->begin; i < sg->end; i++) {
                    g[i] = snn_expon_step_inv(&e, g[i], x[i]);
                    x[i] = 0;
                }
            else
                for (uint32_t i = sg->begin; i < sg->end; i++) {
                    g[i] = snn_expon_step(&e, g[i], x[i]);
                    x[i] = 0;
                }
            continue;
        }
        for (uint32_t i = sg->begin; i < sg->end; i++) {
            snn_channel_step(&ch[c], &g[i], &h[i], x[i]);
            x[i] = 0;
        }
    }
    const snn_lif lif = net->lif[sg->pop];
    snn_real I0 = net->I_ext[sg->pop];
    if (net->has_step_input)
        I0 = I0 + step_current(net, sg->pop, n);
    snn_real *restrict V = ts->V;
    const int64_t *restrict last = ts->last_spike;
    const int64_t now = (int64_t)n;
    snn_real Vr[UPDATE_CHUNK], I[UPDATE_CHUNK];
    for (uint32_t i0 = sg->begin; i0 < sg->end; i0 += UPDATE_CHUNK) {
        const uint32_t len = sg->end - i0 < UPDATE_CHUNK ? sg->end - i0 : UPDATE_CHUNK;
        snn_real *restrict v = V + i0;
        for (uint32_t j = 0; j < len; j++)
            I[j] = I0;
        if (fused) {
            for (int c = 0; c < nc; c++) {
                if (ch[c].kind == SNN_SYN_DELTA)
                    continue;
                snn_real *g = ts->g + (size_t)c * N + i0;
                snn_real *x = ts->ring + ((size_t)c * L + slot) * N + i0;
                if (ch[c].expon.inv_exact)
                    expon_cuba_chunk(&ch[c].expon, 1, g, x, I, len);
                else
                    expon_cuba_chunk(&ch[c].expon, 0, g, x, I, len);
            }
        } else {
            /* snn_lif_reset first: a COBA output depends on the reset potential */
            for (uint32_t j = 0; j < len; j++)
                Vr[j] = lif_reset_select(&lif, lif.hard_reset, v[j]);
            for (int c = 0; c < nc; c++) {
                if (ch[c].kind == SNN_SYN_DELTA)
                    continue;
                const snn_real *restrict g = ts->g + (size_t)c * N + i0;
                const snn_real *restrict h = ts->h + (size_t)c * N + i0;
                if (ch[c].kind != SNN_SYN_DUAL_EXPON && ch[c].output == SNN_OUTPUT_CUBA)
                    for (uint32_t j = 0; j < len; j++)
                        I[j] = I[j] + g[j]; /* snn_output_current of CUBA: g itself */
                else
                    for (uint32_t j = 0; j < len; j++)
                        I[j] =
                            I[j] + snn_output_current(ch[c].output, ch[c].E,
                                                      snn_channel_value(&ch[c], g[j], h[j]), Vr[j]);
            }
        }
        /* The reset and integration everywhere (recomputing the same Vr in the unfused case),
         * then (with a refractory period) a select that holds the refractory neurons at their
         * reset value; never refractory without one (last <= n - 1). */
        if (lif.hard_reset)
            if (lif.inv_exact)
                lif_reset_integrate_chunk(&lif, 1, 1, v, Vr, I, len);
            else
                lif_reset_integrate_chunk(&lif, 1, 0, v, Vr, I, len);
        else if (lif.inv_exact)
            lif_reset_integrate_chunk(&lif, 0, 1, v, Vr, I, len);
        else
            lif_reset_integrate_chunk(&lif, 0, 0, v, Vr, I, len);
        const int has_ref = lif.ref_steps > 0;
        if (has_ref)
            for (uint32_t j = 0; j < len; j++) {
                const int refractory = now - last[i0 + j] < lif.ref_steps;
                const snn_real held = Vr[j], Vn = v[j];
                v[j] = refractory ? held : Vn;
            }
        /* Delta jumps after the integration, dropped while refractory (I is free now: the
         * jumped values go there first, then a select). */
        for (int c = 0; c < nc; c++) {
            if (ch[c].kind != SNN_SYN_DELTA)
                continue;
            snn_real *restrict x = ts->ring + ((size_t)c * L + slot) * N + i0;
            for (uint32_t j = 0; j < len; j++) {
                I[j] = snn_delta_apply(v[j], x[j]);
                x[j] = 0;
            }
            if (has_ref)
                for (uint32_t j = 0; j < len; j++) {
                    const int refractory = now - last[i0 + j] < lif.ref_steps;
                    const snn_real kept = v[j], jumped = I[j];
                    v[j] = refractory ? kept : jumped;
                }
            else
                for (uint32_t j = 0; j < len; j++)
                    v[j] = I[j];
        }
        /* Spikes and NaN/inf are rare: only the neurons holding one, in ascending order. */
        uint32_t idx[UPDATE_CHUNK];
        const uint32_t n_rare = rare_neurons(v, lif.V_th, len, idx);
        for (uint32_t f = 0; f < n_rare; f++) {
            const uint32_t j = idx[f];
            const snn_real Vn = v[j];
            if (Vn - Vn != 0) /* NaN or inf: reported after the interval */
                note_bad(ts, i0 + j, n);
            if (Vn >= lif.V_th)
                record_spike(ts, sg, i0 + j, n, k);
        }
    }
}

/* Model iaf_psc_exp (NEST's order, see iaf_psc_exp.h): V from the currents of the previous
 * step, then the currents decay and take this step's arrivals, then threshold and reset. The
 * step current acts one step late, as NEST's step_current_generator does. */
SNN_VECTOR_CLONES static void update_iaf(const snn_network *net, snn_thread_state *ts,
                                         const snn_segment *sg, uint64_t n, uint32_t k, size_t slot)
{
    const size_t N = ts->n, L = (size_t)net->ring_len;
    const int nc = net->channels.n, p = sg->pop;
    const snn_channel *ch = net->channels.ch;
    const snn_iaf iaf = net->iaf[p];
    const snn_iaf_syn *syn = net->iaf_syn + (size_t)p * (size_t)nc;
    snn_real I = net->I_ext[p];
    if (net->has_step_input)
        I = I + step_current(net, p, n - 1);
    snn_real drive[UPDATE_CHUNK];
    for (uint32_t i0 = sg->begin; i0 < sg->end; i0 += UPDATE_CHUNK) {
        const uint32_t len = sg->end - i0 < UPDATE_CHUNK ? sg->end - i0 : UPDATE_CHUNK;
        snn_real *restrict v = ts->V + i0;
        int32_t *restrict r = ts->refr + i0;
        /* (1) the drive, summed in channel order from 0 (the first channel's pass writes
         * 0 + its term, the same sum without a pass that zeroes drive) */
        int first = 1;
        for (int c = 0; c < nc; c++, first = 0) {
            snn_real *restrict x = ts->ring + ((size_t)c * L + slot) * N + i0;
            if (ch[c].kind == SNN_SYN_DELTA) {
                if (first)
                    for (uint32_t j = 0; j < len; j++) {
                        drive[j] = (snn_real)0 + x[j];
                        x[j] = 0;
                    }
                else
                    for (uint32_t j = 0; j < len; j++) {
                        drive[j] += x[j];
                        x[j] = 0;
                    }
            } else {
                const snn_real P21 = syn[c].P21;
                const snn_real *restrict g = ts->g + (size_t)c * N + i0;
                if (first)
                    for (uint32_t j = 0; j < len; j++)
                        drive[j] = (snn_real)0 + P21 * g[j];
                else
                    for (uint32_t j = 0; j < len; j++)
                        drive[j] += P21 * g[j];
            }
        }
        if (first)
            for (uint32_t j = 0; j < len; j++)
                drive[j] = 0;
        /* snn_iaf_update_v: the integration everywhere, then a select without arithmetic in it
         * that holds the refractory neurons, in one vectorisable pass */
        for (uint32_t j = 0; j < len; j++) {
            const int32_t rj = r[j];
            const snn_real vj = v[j];
            const snn_real Vn = iaf.E_L + (iaf.P22 * (vj - iaf.E_L) + drive[j] + iaf.P20 * I);
            const int held = rj > 0;
            v[j] = held ? vj : Vn;
            r[j] = rj - held;
        }
        /* (2), (3) the currents decay and take the arrivals */
        for (int c = 0; c < nc; c++) {
            if (ch[c].kind == SNN_SYN_DELTA)
                continue;
            const snn_iaf_syn sc = syn[c];
            snn_real *restrict x = ts->ring + ((size_t)c * L + slot) * N + i0;
            snn_real *restrict g = ts->g + (size_t)c * N + i0;
            for (uint32_t j = 0; j < len; j++) {
                g[j] = snn_iaf_syn_step(&sc, g[j], x[j]);
                x[j] = 0;
            }
        }
        /* (4) threshold and reset, for the rare neurons (spikes, NaN/inf) in ascending order */
        uint32_t idx[UPDATE_CHUNK];
        const uint32_t n_rare = rare_neurons(v, iaf.V_th, len, idx);
        for (uint32_t f = 0; f < n_rare; f++) {
            const uint32_t j = idx[f];
            snn_real Vn = v[j];
            if (Vn - Vn != 0) /* NaN or inf: reported after the interval */
                note_bad(ts, i0 + j, n);
            if (snn_iaf_spike(&iaf, &Vn, &r[j])) {
                v[j] = Vn;
                record_spike(ts, sg, i0 + j, n, k);
            }
        }
    }
}

/* Steps 1 and 2 for one thread: synapses take their arrivals, neurons integrate and spike.
 * Spikes are appended to ts->spikes with their step offset k within the interval. */
static void update_thread(const snn_network *net, snn_thread_state *ts, uint64_t n, uint32_t k)
{
    const size_t slot = (size_t)(n % (uint64_t)net->ring_len);
    for (int p = 0; p < net->model->n_pops; p++) {
        const snn_segment *sg = &ts->segs[p];
        if (sg->end == sg->begin)
            continue;
        if (net->has_poisson_input)
            add_poisson(net, ts, sg, n, slot);
        if (net->model->pops[p].model == SNN_NEURON_IAF_PSC_EXP)
            update_iaf(net, ts, sg, n, k, slot);
        else
            update_lif(net, ts, sg, n, k, slot);
    }
}

/* One row's synapses k..end into the ring. TGT and W are expressions of k; with DLY (an
 * expression of k) the arrival goes to slot + delay, else to buf. slot + d < 2 L (d <= max_delay
 * < L): one conditional subtraction, no modulo. */
#define DELIVER_ROW(TGT, W)                                                                        \
    do {                                                                                           \
        for (; k < end; k++)                                                                       \
            buf[TGT] += (W);                                                                       \
    } while (0)
#define DELIVER_ROW_DELAYED(TGT, DLY, W)                                                           \
    do {                                                                                           \
        for (; k < end; k++) {                                                                     \
            size_t r_ = slot + (DLY);                                                              \
            r_ = r_ >= L ? r_ - L : r_;                                                            \
            ring[r_ * N + (TGT)] += (W);                                                           \
        }                                                                                          \
    } while (0)

/* Through the slot table `at` (deliver_row): each ring cell is prefetched for writing
 * RING_AHEAD synapses before it is added to, so the row's scattered cells are fetched together
 * rather than as the loop reaches them. */
#define DELIVER_ROW_AT(T, W)                                                                       \
    do {                                                                                           \
        for (; k + RING_AHEAD < end; k++) {                                                        \
            __builtin_prefetch(at[d[k + RING_AHEAD]] + T[k + RING_AHEAD], 1, 3);                   \
            at[d[k]][T[k]] += (W);                                                                 \
        }                                                                                          \
        for (; k < end; k++)                                                                       \
            at[d[k]][T[k]] += (W);                                                                 \
    } while (0)

/* Every delay and weight width for the target array T (one of the store's two widths). */
#define DELIVER_ANY_DELAY(T)                                                                       \
    do {                                                                                           \
        if (sy->delay8 && at) { /* at[d]: the row of slot + d, target base included */             \
            const uint8_t *restrict d = sy->delay8;                                                \
            if (wk)                                                                                \
                DELIVER_ROW_AT(T, wk[k]);                                                          \
            else                                                                                   \
                DELIVER_ROW_AT(T, w);                                                              \
        } else if (sy->delay8) {                                                                   \
            const uint8_t *restrict d = sy->delay8;                                                \
            if (wk)                                                                                \
                DELIVER_ROW_DELAYED(T[k], d[k], wk[k]);                                            \
            else                                                                                   \
                DELIVER_ROW_DELAYED(T[k], d[k], w);                                                \
        } else if (sy->delay) {                                                                    \
            const uint16_t *restrict d = sy->delay;                                                \
            if (wk)                                                                                \
                DELIVER_ROW_DELAYED(T[k], d[k], wk[k]);                                            \
            else                                                                                   \
                DELIVER_ROW_DELAYED(T[k], d[k], w);                                                \
        } else if (wk) {                                                                           \
            DELIVER_ROW(T[k], wk[k]);                                                              \
        } else {                                                                                   \
            DELIVER_ROW(T[k], w);                                                                  \
        }                                                                                          \
    } while (0)

enum { RING_AHEAD = 16 };

/* The row's synapses [k, end) into buf (constant delay) or into the ring at slot + delay, in row
 * order, dispatched once per row on the store's widths (synapse_store.h). With 1-byte delays
 * and `at` given (L <= 256), at[d] is where slot + d's row (plus the store's target base)
 * starts: one table load per synapse instead of a wrap-around and a multiplication. */
static void deliver_row(const snn_synapses *sy, uint64_t k, uint64_t end, snn_real w,
                        snn_real *restrict buf, snn_real *restrict ring, size_t slot, size_t L,
                        size_t N, snn_real *const *at)
{
    const snn_real *restrict wk = sy->weight;
    if (sy->target16) {
        const uint16_t *restrict t16 = sy->target16;
        buf += sy->target_base;
        ring += sy->target_base;
        DELIVER_ANY_DELAY(t16);
    } else {
        const uint32_t *restrict t32 = sy->target;
        DELIVER_ANY_DELAY(t32);
    }
}

#undef DELIVER_ANY_DELAY
#undef DELIVER_ROW
#undef DELIVER_ROW_DELAYED
#undef DELIVER_ROW_AT

/* A row to deliver: projection p's synapses [k, end). */
typedef struct {
    int p;
    uint64_t k, end;
} row_job;

/* Rows gathered before delivering them (a stack array): while one is delivered the next one's
 * synapses are being fetched. */
enum { ROW_BATCH = 32, PREFETCH_LINES = 16 };

/* Asks for the first cache lines of synapses [k, end) of every array the delivery reads: rows
 * are short (a few hundred synapses per thread and projection) and scattered over gigabytes, so
 * without this every row starts with a wait on memory. */
static void prefetch_row(const snn_synapses *sy, uint64_t k, uint64_t end)
{
    const char *arr[3] = {sy->target16 ? (const char *)(sy->target16 + k)
                                       : (const char *)(sy->target + k),
                          sy->weight ? (const char *)(sy->weight + k) : NULL,
                          sy->delay8  ? (const char *)(sy->delay8 + k)
                          : sy->delay ? (const char *)(sy->delay + k)
                                      : NULL};
    const size_t width[3] = {sy->target16 ? 2 : 4, sizeof(snn_real), sy->delay8 ? 1 : 2};
    for (int j = 0; j < 3; j++) {
        if (!arr[j])
            continue;
        size_t bytes = (size_t)(end - k) * width[j], lim = (size_t)PREFETCH_LINES * 64;
        for (size_t o = 0; o < (bytes < lim ? bytes : lim); o += 64)
            __builtin_prefetch(arr[j] + o, 0, 0);
    }
}

/* Delivers the gathered rows of step n in order, each while the next one is prefetched. */
static void deliver_jobs(const snn_network *net, snn_thread_state *ts, uint64_t n,
                         const row_job *job, int n_jobs)
{
    const snn_model *m = net->model;
    const uint32_t N = ts->n;
    const uint64_t L = (uint64_t)net->ring_len;
    const size_t slot = (size_t)(n % L);
    snn_real *at[256]; /* deliver_row's slot table, for the channel and base below */
    snn_real *at_for = NULL;
    size_t at_off[256]; /* (slot + d) % L * N: the table's offsets, without a division each */
    if (L <= 256)
        for (size_t d = 0, r = slot; d < L; d++, r = r + 1 == L ? 0 : r + 1)
            at_off[d] = r * N;
    for (int j = 0; j < n_jobs; j++) {
        if (j + 1 < n_jobs)
            prefetch_row(&ts->syn[job[j + 1].p], job[j + 1].k, job[j + 1].end);
        const int p = job[j].p;
        const snn_projection *pr = &m->projs[p];
        const snn_synapses *sy = &ts->syn[p];
        snn_real *restrict ring_c = ts->ring + (size_t)net->channels.proj_channel[p] * L * N;
        /* the slot of a constant delay: delay_steps <= max_delay < L, one wrap at most */
        const size_t r_c = slot + (size_t)pr->delay_steps;
        snn_real *restrict buf = ring_c + (r_c >= L ? r_c - L : r_c) * N;
        snn_real *base = ring_c + (sy->target16 ? sy->target_base : 0);
        if (L <= 256 && base != at_for) { /* rows of the same channel and base share it */
            for (size_t d = 0; d < L; d++)
                at[d] = base + at_off[d];
            at_for = base;
        }
        deliver_row(sy, job[j].k, job[j].end, (snn_real)pr->weight, buf, ring_c, slot, (size_t)L,
                    (size_t)N, L <= 256 ? at : NULL);
    }
}

/* Step 5 for one thread and the spikes of one step n: the weights of its synapses into slot
 * n + delay, store by store (a store holds one projection or a group sharing rows, in an order
 * that keeps every ring cell's arrivals canonical: projection, then ascending presynaptic
 * global id, then row order; shared_rows.h), in batches of rows (deliver_jobs). */
static void deliver_step(const snn_network *net, snn_thread_state *ts, uint64_t n,
                         const uint32_t *gids, const int *spop, size_t ns)
{
    const snn_model *m = net->model;
    row_job job[ROW_BATCH];
    int n_jobs = 0;
    for (int st = 0; st < ts->n_stores; st++) {
        const int p = ts->store_proj[st]; /* projections sharing its rows: shared_rows.h */
        const int64_t *pb = net->pre_base + (size_t)p * (size_t)m->n_pops;
        const uint64_t *restrict row = ts->syn[p].row;
        for (size_t s = 0; s < ns; s++) {
            int q = spop[s];
            if (pb[q] < 0)
                continue;
            uint64_t pre = (uint64_t)pb[q] + (gids[s] - m->pops[q].offset);
            uint64_t k = row[pre], end = row[pre + 1];
            if (k == end)
                continue;
            ts->n_events += end - k;
            if (n_jobs == ROW_BATCH) {
                deliver_jobs(net, ts, n, job, n_jobs);
                n_jobs = 0;
            }
            if (n_jobs == 0)
                prefetch_row(&ts->syn[p], k, end);
            job[n_jobs++] = (row_job){p, k, end};
        }
    }
    deliver_jobs(net, ts, n, job, n_jobs);
}

/* Grows the per-spike arrays (rare: a burst larger than any before). */
static int grow(snn_sim *s, size_t n, snn_error *err)
{
    size_t cap = n + n / 2;
    int *pop = realloc(s->spike_pop, cap * sizeof *pop);
    if (pop)
        s->spike_pop = pop;
    uint32_t *g = realloc(s->gids, cap * sizeof *g);
    if (g)
        s->gids = g;
    if (!pop || !g)
        return snn_fail(err, SNN_ERR_NOMEM, "cannot grow spike buffers to %zu spikes", cap);
    s->cap = cap;
    return SNN_OK;
}

/* Makes room for n spikes. Every rank has the same n and capacity, so all grow here together
 * and agree on the outcome. */
static int reserve(snn_sim *s, size_t n, snn_error *err)
{
    if (n <= s->cap)
        return SNN_OK;
    return snn_comm_agree(s->comm, grow(s, n, err), err);
}

/* Master thread: gather the threads' spikes of one interval of `steps` steps, exchange them,
 * tag each with its population and find where each step's spikes begin. */
static int exchange(snn_sim *s, int local_status, uint32_t steps, int *stop, const uint64_t **spk,
                    size_t *ns, snn_error *err)
{
    snn_network *net = s->net;
    size_t nl = 0;
    for (int t = 0; t < net->n_threads; t++) {
        memcpy(s->local + nl, net->thr[t].spikes, net->thr[t].n_spikes * sizeof *s->local);
        nl += net->thr[t].n_spikes;
    }
    int status = snn_comm_exchange(s->comm, local_status, s->local, nl, stop, spk, ns, err);
    if (status == SNN_OK)
        status = reserve(s, *ns, err);
    if (status != SNN_OK)
        return status;
    const snn_model *m = net->model;
    uint32_t k = 0;
    int q = 0;
    s->step_begin[0] = 0;
    for (size_t j = 0; j < *ns; j++) {
        uint32_t kj = (uint32_t)((*spk)[j] >> 32), gid = (uint32_t)(*spk)[j];
        while (k < kj) {
            s->step_begin[++k] = j;
            q = 0;
        }
        while (gid >= m->pops[q].offset + m->pops[q].size)
            q++;
        s->spike_pop[j] = q;
        s->gids[j] = gid;
    }
    while (k < steps)
        s->step_begin[++k] = *ns;
    return SNN_OK;
}

/* Step 5 for one thread, for every step of the interval starting at step n0. */
static void deliver_interval(const snn_sim *s, snn_thread_state *ts, uint64_t n0, uint32_t steps)
{
    for (uint32_t k = 0; k < steps; k++) {
        size_t b = s->step_begin[k], e = s->step_begin[k + 1];
        deliver_step(s->net, ts, n0 + k, s->gids + b, s->spike_pop + b, e - b);
    }
}

static int alloc_buffers(snn_sim *s, snn_error *err)
{
    const snn_network *net = s->net;
    size_t interval = (size_t)net->min_delay;
    s->local = malloc((net->n_local > 0 ? net->n_local : 1) * interval * sizeof *s->local);
    s->step_begin = malloc((interval + 1) * sizeof *s->step_begin);
    s->cap = net->model->n_neurons > 0 ? net->model->n_neurons : 1;
    s->spike_pop = malloc(s->cap * sizeof *s->spike_pop);
    s->gids = malloc(s->cap * sizeof *s->gids);
    if (!s->local || !s->step_begin || !s->spike_pop || !s->gids)
        return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate spike buffers");
    return SNN_OK;
}

int snn_sim_start(snn_sim *s, snn_network *net, snn_comm *comm, snn_error *err)
{
    memset(s, 0, sizeof *s);
    s->net = net;
    s->comm = comm;
    s->interval = net->min_delay;
    int status = snn_comm_agree(comm, alloc_buffers(s, err), err);
    if (status != SNN_OK)
        return status;
    /* Step 0: initial potentials at or above threshold act as spikes of step 0. */
    for (int t = 0; t < net->n_threads; t++) {
        snn_thread_state *ts = &net->thr[t];
        ts->n_spikes = 0;
        for (int p = 0; p < net->model->n_pops; p++) {
            /* brainpy.state delivers initial states at or above threshold; NEST does not. */
            if (net->model->pops[p].model != SNN_NEURON_LIF)
                continue;
            const snn_segment sg = ts->segs[p];
            for (uint32_t i = sg.begin; i < sg.end; i++)
                if (ts->V[i] >= net->lif[p].V_th)
                    ts->spikes[ts->n_spikes++] =
                        snn_spike_pack(0, (uint32_t)(sg.gid_begin + (i - sg.begin)));
        }
    }
    const uint64_t *spk;
    size_t ns;
    status = exchange(s, SNN_OK, 1, NULL, &spk, &ns, err);
    if (status != SNN_OK)
        return status;
    for (int t = 0; t < net->n_threads; t++)
        deliver_interval(s, &net->thr[t], 0, 1);
    return SNN_OK;
}

int snn_sim_set_interval(snn_sim *s, int steps, snn_error *err)
{
    if (steps < 1 || steps > s->net->min_delay)
        return snn_fail(err, SNN_ERR_USAGE,
                        "exchange interval: expected 1 to %d steps (the minimum delay), got %d",
                        s->net->min_delay, steps);
    s->interval = steps;
    return SNN_OK;
}

/* Names what went wrong with neuron i of thread ts: population, ids, step, parameters. */
static int bad_state(const snn_sim *s, const snn_thread_state *ts, snn_error *err)
{
    const snn_model *m = s->net->model;
    int p = 0;
    while (ts->bad_i >= ts->segs[p].end)
        p++;
    const snn_population *pop = &m->pops[p];
    uint64_t gid = ts->segs[p].gid_begin + (ts->bad_i - ts->segs[p].begin);
    double V = ts->V[ts->bad_i];
    char params[256];
    if (pop->model == SNN_NEURON_LIF)
        snprintf(params, sizeof params,
                 "lif V_rest %g mV, V_th %g mV, V_reset %g mV, tau %g ms, R %g ohm, tau_ref %g ms",
                 pop->lif.V_rest, pop->lif.V_th, pop->lif.V_reset, pop->lif.tau, pop->lif.R,
                 pop->lif.tau_ref);
    else
        snprintf(params, sizeof params,
                 "iaf_psc_exp C_m %g pF, tau_m %g ms, E_L %g mV, V_th %g mV, V_reset %g mV, "
                 "t_ref %g ms",
                 pop->iaf.C_m, pop->iaf.tau_m, pop->iaf.E_L, pop->iaf.V_th, pop->iaf.V_reset,
                 pop->iaf.t_ref);
    return snn_fail(err, SNN_ERR_NUMERIC,
                    "%s: population %s, neuron %llu (global id %llu): V became %s in step %llu "
                    "(t = %g ms); parameters: %s, I_ext %g mA. Check the weights, inputs and "
                    "time step that reach it",
                    m->source, pop->name, (unsigned long long)(gid - pop->offset),
                    (unsigned long long)gid, V != V ? "NaN" : (V > 0 ? "+inf" : "-inf"),
                    (unsigned long long)ts->bad_step, (double)ts->bad_step * m->run.dt, params,
                    pop->I_ext);
}

/* Master thread: this rank's own state after the interval n0 .. n0+steps-1 (NaN or inf in V,
 * an injected fault), before it is shared with the exchange. */
static int check_interval(const snn_sim *s, uint64_t n0, uint32_t steps, snn_error *err)
{
    const snn_thread_state *worst = NULL;
    for (int t = 0; t < s->net->n_threads; t++) {
        const snn_thread_state *ts = &s->net->thr[t];
        if (ts->bad_step && (!worst || ts->bad_step < worst->bad_step))
            worst = ts;
    }
    if (worst)
        return bad_state(s, worst, err);
    for (uint32_t k = 0; k < steps; k++)
        if (snn_fault_here("sigterm", s->net->rank, n0 + k))
            raise(SIGTERM); /* for the checkpoint tests: a signal at a chosen step */
    for (uint32_t k = 0; k < steps; k++)
        if (snn_fault_here("step", s->net->rank, n0 + k))
            return snn_fail(err, SNN_ERR_INTERNAL, "rank %d: injected fault in step %llu",
                            s->net->rank, (unsigned long long)(n0 + k));
    return SNN_OK;
}

/* Ticks (ticks.h) spent in each phase of the step loop by the master thread during one
 * snn_sim_run, converted to seconds at its end. */
typedef struct {
    uint64_t update, exchange, deliver, output;
} phase_ticks;

/* Master thread, between the barriers: exchange, record, report. *t enters as the tick the
 * exchange began and leaves as the tick the output ended (one clock read fewer per phase). */
static int communicate(snn_sim *s, uint64_t n0, uint32_t steps, snn_spike_sink sink, void *ctx,
                       snn_progress *progress, phase_ticks *pt, uint64_t *t, snn_error *err)
{
    const uint64_t *spk;
    size_t ns;
    int status = check_interval(s, n0, steps, err);
    int stop = s->stop_flag && *s->stop_flag;
    status = exchange(s, status, steps, &stop, &spk, &ns, err);
    if (status == SNN_OK && stop)
        s->stopped = 1;
    const uint64_t t1 = snn_ticks();
    pt->exchange += snn_ticks_between(*t, t1);
    for (uint32_t k = 0; status == SNN_OK && sink && k < steps; k++) {
        size_t b = s->step_begin[k], e = s->step_begin[k + 1];
        status = sink(ctx, n0 + k, s->gids + b, e - b, err);
    }
    if (status == SNN_OK && s->rec)
        status = snn_recorders_end_interval(s->rec, n0 + steps - 1, err);
    if (progress)
        snn_progress_update(progress, n0 + steps - 1);
    *t = snn_ticks();
    pt->output += snn_ticks_between(t1, *t);
    return status;
}

/* Adds the run's phases to the timers in seconds: ticks times the run's wall time per tick. */
static void add_phase_seconds(snn_timers *tm, const phase_ticks *pt, double wall, uint64_t ticks)
{
    const double per_tick = ticks > 0 ? wall / (double)ticks : 0;
    tm->update += (double)pt->update * per_tick;
    tm->exchange += (double)pt->exchange * per_tick;
    tm->deliver += (double)pt->deliver * per_tick;
    tm->output += (double)pt->output * per_tick;
}

/* A barrier of the step loop's team. libgomp's barrier makes a futex system call even in a
 * team of one (two per exchange interval: 0.5 us per step of the tutorial network), so a
 * single thread skips it. The condition is the same on every thread of the team. */
static inline void team_barrier(int n_threads)
{
    if (n_threads > 1) {
#pragma omp barrier
    }
}

int snn_sim_run(snn_sim *s, uint64_t n_steps, snn_spike_sink sink, void *sink_ctx,
                snn_progress *progress, snn_error *err)
{
    snn_network *net = s->net;
    const uint64_t first = s->step + 1, last = s->step + n_steps;
    int status = SNN_OK;
    phase_ticks pt = {0, 0, 0, 0};
    s->stopped = 0;
    /* The master's clock: each phase ends where the next begins (4 reads per interval). */
    const double wall0 = omp_get_wtime();
    const uint64_t tick0 = snn_ticks();
    uint64_t t = tick0;
#pragma omp parallel num_threads(net->n_threads)
    {
        snn_thread_state *ts = &net->thr[omp_get_thread_num()];
        for (uint64_t n0 = first; n0 <= last; n0 += (uint64_t)s->interval) {
            uint32_t steps =
                (uint32_t)(last - n0 + 1 < (uint64_t)s->interval ? last - n0 + 1
                                                                 : (uint64_t)s->interval);
            ts->n_spikes = 0;
            for (uint32_t k = 0; k < steps; k++) {
                update_thread(net, ts, n0 + k, k);
                if (s->rec)
                    snn_recorders_sample(s->rec, ts, n0 + k);
            }
            team_barrier(net->n_threads);
#pragma omp master
            {
                const uint64_t t_update = snn_ticks();
                pt.update += snn_ticks_between(t, t_update);
                t = t_update;
                status = communicate(s, n0, steps, sink, sink_ctx, progress, &pt, &t, err);
            }
            team_barrier(net->n_threads);
            if (status != SNN_OK)
                break;
            deliver_interval(s, ts, n0, steps);
#pragma omp master
            {
                const uint64_t t_deliver = snn_ticks();
                pt.deliver += snn_ticks_between(t, t_deliver);
                t = t_deliver;
                s->step = n0 + steps - 1;
            }
            if (s->stopped) /* set before the barrier above: every thread sees it */
                break;
        }
    }
    add_phase_seconds(&s->timers, &pt, omp_get_wtime() - wall0,
                      snn_ticks_between(tick0, snn_ticks()));
    return status;
}

void snn_sim_free(snn_sim *s)
{
    free(s->local);
    free(s->spike_pop);
    free(s->gids);
    free(s->step_begin);
    memset(s, 0, sizeof *s);
}
