/*
 * ticks.h — a cheap monotonic counter for the step loop's time split.
 *
 * The step loop reads the clock four times per exchange interval; for a small network such as
 * the tutorial's that is every 0.1 ms of model time, and omp_get_wtime costs 35 ns a read on
 * the development machine against 12 ns for the x86-64 time-stamp counter. Ticks have no fixed
 * unit: the loop converts them to seconds with the ratio of wall time (omp_get_wtime, read at
 * the start and the end of a run) to ticks over the same run, so the phases add up to the
 * run's wall time. Elsewhere the counter is clock_gettime(CLOCK_MONOTONIC) in nanoseconds.
 */
#ifndef SNN_TICKS_H
#define SNN_TICKS_H

#include <stdint.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <x86intrin.h>
#else
#include <time.h>
#endif

static inline uint64_t snn_ticks(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    return __rdtsc();
#else
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
#endif
}

/* Ticks from `from` to `to`, 0 if the counter went back (a thread moved to a core whose counter
 * is behind: possible on old multi-socket machines whose counters are not synchronised). */
static inline uint64_t snn_ticks_between(uint64_t from, uint64_t to)
{
    return to > from ? to - from : 0;
}

#endif
