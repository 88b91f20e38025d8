/*
 * pages.h — memory for the buffers that each thread reads and writes at random positions.
 *
 * Delivery adds each synaptic event to a random cell of its thread's ring of arrivals (several
 * MB at full scale: ring_len x channels x neurons floats). With 4 KiB pages nearly every event
 * also misses the TLB; on 2 MiB pages the whole ring needs a few TLB entries. Linux gives
 * anonymous memory transparent huge pages when asked (madvise MADV_HUGEPAGE, the default
 * setting "madvise" of /sys/kernel/mm/transparent_hugepage/enabled) and the range is 2 MiB
 * aligned; elsewhere the request is ignored and the memory is ordinary.
 */
#ifndef SNN_PAGES_H
#define SNN_PAGES_H

#include <stddef.h>

/* Zeroed memory for n elements of `size` bytes, on huge pages where the kernel allows and the
 * buffer is at least one huge page; NULL when out of memory or n * size overflows. The caller
 * touches it first (the zeroing), which places it near the calling thread. Free with free(). */
void *snn_pages_calloc(size_t n, size_t size);

#endif
