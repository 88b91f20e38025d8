/*
 * input.c — step-current schedules in steps, and the DC equivalent of a Poisson input.
 *
 * A schedule is the input's (time, amplitude) points turned into (first step, amplitude) once,
 * before the run: first_step = max(1, snn_time_to_steps(time, dt) + 1), points that land on the
 * same step collapsed to the last one. In the loop the current of step n is the amplitude of the
 * last point with first_step <= n (0 if none), found by moving a caller-owned cursor forward.
 * See input.h for the semantics and draw.h for the rounding.
 */
#include "snn/input.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "snn/draw.h"

/* First step at which a point at time t (ms) is in force. */
static uint64_t first_step_of(double t, double dt)
{
    int64_t b = snn_time_to_steps(t, dt);
    return b < 0 ? 1 : (uint64_t)b + 1;
}

int snn_step_schedule_init(snn_step_schedule *s, const snn_input *in, double dt, snn_error *err)
{
    s->n = 0;
    s->pts = NULL;
    if (in->kind != SNN_INPUT_STEP)
        return snn_fail(err, SNN_ERR_CONFIG, "input at line %d: not a step input", in->line);
    if (!(dt > 0.0) || !isfinite(dt))
        return snn_fail(err, SNN_ERR_CONFIG, "input at line %d: dt must be > 0, got %g", in->line,
                        dt);
    if (in->n_points < 0)
        return snn_fail(err, SNN_ERR_CONFIG, "input at line %d: negative number of points %d",
                        in->line, in->n_points);
    for (int k = 0; k < in->n_points; k++) {
        if (!isfinite(in->times[k]) || !isfinite(in->amplitudes[k]))
            return snn_fail(err, SNN_ERR_CONFIG,
                            "input at line %d: point %d: time and amplitude must be finite",
                            in->line, k);
        if (k > 0 && !(in->times[k] > in->times[k - 1]))
            return snn_fail(err, SNN_ERR_CONFIG,
                            "input at line %d: times must be strictly increasing, but times[%d] "
                            "= %g ms follows %g ms",
                            in->line, k, in->times[k], in->times[k - 1]);
    }
    if (in->n_points == 0)
        return SNN_OK;
    snn_step_point *pts = malloc((size_t)in->n_points * sizeof *pts);
    if (!pts)
        return snn_fail(err, SNN_ERR_NOMEM, "input at line %d: out of memory for %d points",
                        in->line, in->n_points);
    size_t n = 0;
    for (int k = 0; k < in->n_points; k++) {
        uint64_t f = first_step_of(in->times[k], dt);
        if (n > 0 && pts[n - 1].first_step == f)
            n--; /* the later point on the same step wins */
        pts[n].first_step = f;
        pts[n].amplitude = in->amplitudes[k];
        n++;
    }
    s->n = n;
    s->pts = pts;
    return SNN_OK;
}

void snn_step_schedule_free(snn_step_schedule *s)
{
    free(s->pts);
    s->pts = NULL;
    s->n = 0;
}

/* Number of points with first_step <= n (first_step is strictly increasing). */
static size_t points_in_force(const snn_step_schedule *s, uint64_t n)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->pts[mid].first_step <= n)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

double snn_step_schedule_at(const snn_step_schedule *s, uint64_t n)
{
    size_t c = points_in_force(s, n);
    return c ? s->pts[c - 1].amplitude : 0.0;
}

double snn_step_schedule_next(const snn_step_schedule *s, uint64_t n, size_t *cursor)
{
    size_t c = *cursor;
    if (c > s->n || (c > 0 && s->pts[c - 1].first_step > n)) {
        c = points_in_force(s, n); /* n went backwards, or a foreign cursor */
    } else {
        while (c < s->n && s->pts[c].first_step <= n)
            c++;
    }
    *cursor = c;
    return c ? s->pts[c - 1].amplitude : 0.0;
}

double snn_input_step_current(const snn_input *in, double dt, uint64_t n)
{
    if (in->kind != SNN_INPUT_STEP || in->n_points <= 0)
        return 0.0;
    /* first_step_of is non-decreasing in k: find the last k with first_step_of(times[k]) <= n */
    int lo = 0, hi = in->n_points;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (first_step_of(in->times[mid], dt) <= n)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? in->amplitudes[lo - 1] : 0.0;
}

double snn_input_dc_equivalent(const snn_input *in)
{
    if (in->kind != SNN_INPUT_POISSON || in->synapse != SNN_SYN_EXPON ||
        in->output != SNN_OUTPUT_CUBA)
        return NAN;
    return in->rate_hz * (double)in->n_sources * in->weight * in->syn_tau * 1e-3;
}
