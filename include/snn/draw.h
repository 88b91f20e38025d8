/*
 * draw.h — per-synapse and per-step random draws that do not depend on the partition.
 *
 * Every draw here is a pure function of (seed, what it is for, which synapse or neuron, which
 * step): it opens its own Philox stream (rng.h), so the value is the same on whatever rank or
 * thread computes it and in whatever order. A synapse is named by its projection index (< 2^24,
 * the low bits of the purpose word) and its `key` from connect.h; a Poisson count by its input
 * index (< 2^24), the post neuron's global id and the step number.
 *
 * Rounding of times to steps (delays and step-current times): steps = round(t / dt) with halves
 * rounded away from zero, where a quotient within a relative 1e-12 of a half-integer counts as
 * that half-integer. So 0.15 ms at dt = 0.1 ms is 2 steps, as NEST's t * (1/dt) = 1.5 gives,
 * although the double quotient 0.15 / 0.1 is 1.4999999999999998.
 */
#ifndef SNN_DRAW_H
#define SNN_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include "snn/real.h"
#include "snn/rng.h"

/* A delay window [dt, dmax] holding less of the normal's mass than this is refused
 * (snn_draw_delay_* return an error) instead of redrawn for ever. */
#define SNN_DRAW_MIN_MASS 1e-3

/* round(t / dt), halves away from zero, with the tolerance above. dt > 0. */
int64_t snn_time_to_steps(double t, double dt);

/* Synapse weight: `mean` when std == 0; otherwise mean + std * N(0, 1) from the stream
 * snn_rng_init(&r, seed, SNN_RNG_WEIGHT | proj, key, 0), redrawn from the same stream
 * (continuing) until the value has the strict sign of mean (> 0 for mean > 0, < 0 for mean < 0;
 * for mean == 0 the first draw is kept). This is NEST's "normal, redrawn to keep the sign" (the
 * cortical microcircuit's weights): the result is the normal truncated to mean's half-line. Since
 * at least half of the mass lies on mean's side, the expected number of draws is at most 2.
 * Requires proj < 2^24 and std >= 0. */
double snn_draw_weight(uint32_t seed, uint32_t proj, uint64_t key, double mean, double std);

/* Synapse delay in ms before rounding: `mean` when std == 0; otherwise mean + std * N(0, 1)
 * from the stream snn_rng_init(&r, seed, SNN_RNG_DELAY | proj, key, 0), redrawn (continuing the
 * stream) while d < dt or d > dmax: the normal truncated to [dt, dmax]. Returns a negative value
 * (-1) when the window is empty (dmax < dt), a parameter is not finite, std < 0, or the window
 * holds less than SNN_DRAW_MIN_MASS of the normal (see snn_delay_window_mass). Requires
 * proj < 2^24. */
double snn_draw_delay_ms(uint32_t seed, uint32_t proj, uint64_t key, double mean, double std,
                         double dt, double dmax);

/* Synapse delay in steps: for std == 0, snn_time_to_steps(mean, dt), at least 1; otherwise
 * snn_time_to_steps(snn_draw_delay_ms(...), dt), which lies in [1, snn_time_to_steps(dmax, dt)]
 * since dt <= d <= dmax. Returns -1 on the errors of snn_draw_delay_ms, or when the step count
 * would not fit an int. */
int snn_draw_delay_steps(uint32_t seed, uint32_t proj, uint64_t key, double mean, double std,
                         double dt, double dmax);

/* Batched forms for the build, equal value for value to the scalar ones: w[k] =
 * (snn_real)snn_draw_weight(seed, proj, keys[k], mean, std) and d[k] =
 * snn_draw_delay_steps(seed, proj, keys[k], mean, std, dt, dmax) for k < n. The streams' first
 * words are computed several at a time (snn_rng_first_words); a draw outside the ziggurat's core
 * or the accepted range continues through the scalar function, which starts from the same word.
 * snn_draw_delays_steps returns 0, or -1 when any d[k] is -1 (the errors above). */
void snn_draw_weights(uint32_t seed, uint32_t proj, const uint64_t *keys, size_t n, double mean,
                      double std, snn_real *w);
int snn_draw_delays_steps(uint32_t seed, uint32_t proj, const uint64_t *keys, size_t n, double mean,
                          double std, double dt, double dmax, int *d);

/* Probability that N(mean, std^2) lies in [dt, dmax] (1 or 0 for std == 0), for validating a
 * delay distribution before building (the refusal threshold is SNN_DRAW_MIN_MASS). */
double snn_delay_window_mass(double mean, double std, double dt, double dmax);

/* Number of Poisson input events for neuron `gid` in step `step` of input `input_index`:
 * Poisson(lambda), lambda = rate_hz * n_sources * dt * 1e-3, from the stream
 * snn_rng_init(&r, seed, SNN_RNG_POISSON | input_index, gid, (uint32_t)step). Requires
 * input_index < 2^24 and step < 2^32 (4.3e9 steps: 5 days of model time at dt = 0.1 ms; a run
 * must be validated against this, larger steps would repeat streams). */
uint64_t snn_draw_poisson_count(uint32_t seed, uint32_t input_index, uint64_t gid, uint64_t step,
                                double lambda);

/* The same with lambda's constants prepared once (snn_poisson_prepare): identical values. */
uint64_t snn_draw_poisson_count_prepared(uint32_t seed, uint32_t input_index, uint64_t gid,
                                         uint64_t step, const snn_poisson_dist *d);

/* The counts of n consecutive neurons gid0 .. gid0 + n - 1 in one step: count[i] is exactly
 * snn_draw_poisson_count_prepared(seed, input_index, gid0 + i, step, d), computed several
 * streams at a time with the inversion table for lambda < 10. */
void snn_draw_poisson_counts(uint32_t seed, uint32_t input_index, uint64_t gid0, uint64_t step,
                             const snn_poisson_dist *d, size_t n, uint64_t *restrict count);

#endif
