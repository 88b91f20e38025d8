/*
 * spike_sort.h — the receive side of the spike exchange: all spikes of an interval into
 * ascending order of their packed value (step offset << 32 | global id, comm.h).
 *
 * After MPI_Allgatherv every rank holds P x T runs (one per rank and thread), each sorted, and
 * must put them in (step, global id) order: the delivery order and the spike file depend on it.
 * qsort costs about 75 ns per spike at 2,500 spikes (bench/sort_probe.c), which docs/scaling.md
 * found to be the part of the exchange that does not shrink with P. This is a least-significant-
 * digit radix sort by bytes instead, linear in n: only the bytes in which the values differ are
 * sorted by (one pass each: the id's two or three low bytes and the step offset's), the others
 * are skipped; below SNN_SPIKE_SORT_SMALL values an insertion sort, which is faster there.
 * The result is the one ascending order of the values, the same as any correct sort's.
 */
#ifndef SNN_SPIKE_SORT_H
#define SNN_SPIKE_SORT_H

#include <stddef.h>
#include <stdint.h>

enum { SNN_SPIKE_SORT_SMALL = 48 };

/* Sorts a[0..n) ascending; tmp is scratch room for n values (unused below the small size). */
void snn_spike_sort(uint64_t *a, uint64_t *tmp, size_t n);

#endif
