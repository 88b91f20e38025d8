/*
 * pages.c — see include/snn/pages.h.
 */
#define _DEFAULT_SOURCE /* MADV_HUGEPAGE in <sys/mman.h> */
#include "snn/pages.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { HUGE_PAGE = 2 << 20 };

/* A 2 MiB-aligned block of `bytes`, its whole huge pages advised (a hint, without effect where
 * the kernel offers none); a last part under 2 MiB stays on 4 KiB pages, so the memory used is
 * what was asked for. */
static void *huge_block(size_t bytes)
{
    void *p = NULL;
    if (posix_memalign(&p, HUGE_PAGE, bytes) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, bytes / HUGE_PAGE * HUGE_PAGE, MADV_HUGEPAGE);
#endif
    return p;
}

void *snn_pages_malloc(size_t bytes)
{
    return bytes < SNN_PAGES_ADVISE_MIN ? malloc(bytes ? bytes : 1) : huge_block(bytes);
}

void *snn_pages_realloc(void *p, size_t bytes, size_t old_bytes)
{
    if (bytes < SNN_PAGES_ADVISE_MIN && old_bytes < SNN_PAGES_ADVISE_MIN)
        return realloc(p, bytes ? bytes : 1);
    if (old_bytes >= SNN_PAGES_ADVISE_MIN && bytes <= old_bytes)
        return p; /* a large block is not shrunk */
    void *q = snn_pages_malloc(bytes);
    if (!q)
        return NULL;
    if (p)
        memcpy(q, p, old_bytes < bytes ? old_bytes : bytes);
    free(p);
    return q;
}

void *snn_pages_calloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    if (bytes < HUGE_PAGE)
        return calloc(n ? n : 1, size ? size : 1);
    size_t rounded = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE; /* all on huge pages */
    void *p = huge_block(rounded);
    if (p)
        memset(p, 0, rounded);
    return p;
}

void snn_pages_release(void *p, size_t bytes, size_t block_bytes)
{
    /* A block of snn_pages_malloc's huge pages by whole huge pages (a part of one would split
     * it: slow where page tables are a hypervisor's), any other by the system's pages. */
    const long page = block_bytes >= SNN_PAGES_ADVISE_MIN ? HUGE_PAGE : sysconf(_SC_PAGESIZE);
    if (page <= 0)
        return;
    const uintptr_t P = (uintptr_t)page;
    const uintptr_t begin = ((uintptr_t)p + P - 1) / P * P, end = ((uintptr_t)p + bytes) / P * P;
#ifdef MADV_DONTNEED
    if (end > begin)
        (void)madvise((void *)begin, end - begin, MADV_DONTNEED);
#else
    (void)begin;
    (void)end;
#endif
}
