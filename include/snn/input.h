/*
 * input.h — external inputs in the step loop: step-current schedules and the DC equivalent of a
 * Poisson input. (The Poisson counts themselves are drawn by snn_draw_poisson_count, draw.h.)
 *
 * Step currents. An snn_input of kind SNN_INPUT_STEP lists times[k] (ms, strictly increasing)
 * and amplitudes[k] (mA): amplitude k is in force from times[k] until times[k+1], the last one
 * until the end of the run, and the current is 0 before times[0]. Step n (n >= 1) advances the
 * state from (n-1)*dt to n*dt and uses the amplitude in force at its start, (n-1)*dt. Like
 * NEST's step_current_generator the current changes at the given times, which are taken as step
 * boundaries: times[k] is rounded to the boundary b_k = snn_time_to_steps(times[k], dt) (halves
 * away from zero, draw.h), so amplitude k applies from step b_k + 1 on. Points that round to the
 * same boundary leave only the last one in force; times before 0 act from step 1.
 * Worked example, dt = 0.1 ms, times {1.0, 2.0}: steps 1..10 get 0, steps 11..20 get
 * amplitudes[0], steps 21.. get amplitudes[1].
 *
 * All of this is double precision; the caller converts to snn_real where it adds the current.
 */
#ifndef SNN_INPUT_H
#define SNN_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "snn/error.h"
#include "snn/model.h"

/* One change of the current: from step first_step on (until the next point) it is amplitude. */
typedef struct {
    uint64_t first_step;
    double amplitude;
} snn_step_point;

/* A step-current schedule in steps: points with strictly increasing first_step (>= 1). */
typedef struct {
    size_t n;
    snn_step_point *pts;
} snn_step_schedule;

/* Builds the schedule of a step input for time step dt (ms). Returns SNN_OK; SNN_ERR_CONFIG
 * (with a message naming the input's line) when `in` is not a step input, n_points < 0, a time
 * or amplitude is not finite, or the times are not strictly increasing; SNN_ERR_NOMEM. On
 * failure *s is left empty (safe to free). */
int snn_step_schedule_init(snn_step_schedule *s, const snn_input *in, double dt, snn_error *err);

/* Frees the points; safe on an empty or zeroed schedule. */
void snn_step_schedule_free(snn_step_schedule *s);

/* Current (mA) during step n, by binary search: O(log points). n = 0 (before the run) gives 0. */
double snn_step_schedule_at(const snn_step_schedule *s, uint64_t n);

/* The same value, for a loop over increasing n: *cursor (start it at 0, one per loop, owned by
 * the caller so that the schedule stays read-only and shareable between threads) is the number
 * of points already in force; the call is O(1) amortised for non-decreasing n and falls back to
 * a binary search when n goes backwards (a restart). */
double snn_step_schedule_next(const snn_step_schedule *s, uint64_t n, size_t *cursor);

/* Current (mA) during step n straight from the input's points, without a schedule (O(log points),
 * for tests and one-off queries); 0 for inputs that are not step inputs. */
double snn_input_step_current(const snn_input *in, double dt, uint64_t n);

/* The mean current (mA) of a Poisson input with expon synapses and cuba output:
 *   rate_hz * n_sources * weight * syn_tau * 1e-3.
 * Why: n_sources independent trains of rate nu form one Poisson train of rate nu * n_sources;
 * each event adds the kernel w e^{-t/tau} to the current, whose integral is w * tau, so by
 * Campbell's theorem the shot noise has mean rate * w * tau (the 1e-3 turns Hz * ms into a pure
 * number). This is the DC input of NEST's cortical microcircuit (poisson_input = False).
 * In the simulator's discrete time the same input has the slightly larger mean
 * rate * w * dt / (1 - e^{-dt/tau}) (= w tau (1 + dt / (2 tau) + ...), 10% more at dt = 0.1 ms,
 * tau = 0.5 ms), because an event's jump counts in full in its arrival step; the formula above
 * is the continuous-time mean, the one the reference models use.
 * Returns NaN for any other input kind, synapse or output (the mean then depends on the kernel's
 * normalisation or on V). */
double snn_input_dc_equivalent(const snn_input *in);

#endif
