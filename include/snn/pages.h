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

/* Large arrays that the build writes at once (synapse targets, weights, delays, keys, edge
 * lists, scratch draws): below SNN_PAGES_ADVISE_MIN bytes plain malloc/realloc; from it up a
 * 2 MiB-aligned block whose whole huge pages are advised (madvise MADV_HUGEPAGE) before its first
 * touch, so that first writing it takes one page fault per 2 MiB instead of one per 4 KiB. Where
 * a fault is a trip to the hypervisor (10-14 us on the development VM of 2026-12-08) the full
 * microcircuit's build took 1.2 million of them. Not zeroed and not rounded up (the last part,
 * under 2 MiB, stays on 4 KiB pages). realloc takes the block's current size (old_bytes): a
 * large block is moved when it grows, never shrunk. NULL when out of memory (realloc then
 * leaves p as it was); free with free(). */
enum { SNN_PAGES_ADVISE_MIN = 4 << 20 };
void *snn_pages_malloc(size_t bytes);
void *snn_pages_realloc(void *p, size_t bytes, size_t old_bytes);

/* Gives the kernel back the pages inside [p, p + bytes) of a block of block_bytes that is
 * still allocated but whose first `bytes` will not be read again (madvise MADV_DONTNEED: they
 * read as zeros if touched). A block copied elsewhere front to back can so shrink while it is
 * copied. Blocks of SNN_PAGES_ADVISE_MIN bytes and more (snn_pages_malloc's huge pages) give
 * back whole 2 MiB pages only (releasing part of one would split it, which took seconds for the
 * microcircuit on the development VM), smaller ones the system's pages. Where the call is not
 * available or refused, nothing happens. */
void snn_pages_release(void *p, size_t bytes, size_t block_bytes);

#endif
