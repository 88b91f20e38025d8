/*
 * test_pages.c — snn_pages_calloc (include/snn/pages.h): zeroed memory of the size asked for,
 * 2 MiB aligned from one huge page up, NULL on overflow, and backed by huge pages where this
 * kernel's transparent_hugepage setting offers them to madvise (read back from
 * /proc/self/smaps); snn_pages_malloc and snn_pages_realloc: memory of the size asked for, the
 * contents kept by realloc, large blocks on huge pages where offered; snn_pages_release:
 * the whole pages (2 MiB ones in a large block) inside the released prefix read as zeros
 * afterwards, everything else keeps its contents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "snn/pages.h"

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static void test_small_and_large_are_zeroed(void **state)
{
    (void)state;
    size_t sizes[] = {1, 4096, (2u << 20) - 4, 2u << 20, (5u << 20) + 12};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        unsigned char *p = snn_pages_calloc(sizes[i] / 4 ? sizes[i] / 4 : 1, 4);
        assert_non_null(p);
        size_t n = (sizes[i] / 4 ? sizes[i] / 4 : 1) * 4;
        assert_true(all_zero(p, n));
        memset(p, 0xab, n); /* the whole size is writable (ASan checks the bounds) */
        if (n >= (2u << 20))
            assert_int_equal((uintptr_t)p % (2u << 20), 0);
        free(p);
    }
}

static void test_overflow_and_zero(void **state)
{
    (void)state;
    assert_null(snn_pages_calloc(SIZE_MAX / 2, 4));
    void *p = snn_pages_calloc(0, 4); /* like calloc: a pointer that free() takes */
    free(p);
}

/* The setting in brackets of /sys/kernel/mm/transparent_hugepage/enabled, or "" if unknown. */
static void thp_setting(char *out, size_t len)
{
    out[0] = 0;
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (!f)
        return;
    char line[128] = "";
    if (fgets(line, sizeof line, f)) {
        char *a = strchr(line, '['), *b = a ? strchr(a, ']') : NULL;
        if (a && b && (size_t)(b - a - 1) < len) {
            memcpy(out, a + 1, (size_t)(b - a - 1));
            out[b - a - 1] = 0;
        }
    }
    fclose(f);
}

/* kB of AnonHugePages in the mapping of this process that holds address p (-1: not found). */
static long huge_kb_at(const void *p)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        return -1;
    char line[512];
    int inside = 0;
    long kb = -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
            inside = (uintptr_t)p >= lo && (uintptr_t)p < hi;
            continue;
        }
        if (inside && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
            break;
    }
    fclose(f);
    return kb;
}

/* 1 if madvise can get huge pages here (setting "madvise" or "always", copied to setting);
 * else says so and returns 0. */
static int thp_offered(char *setting, size_t len)
{
    thp_setting(setting, len);
    if (strcmp(setting, "madvise") == 0 || strcmp(setting, "always") == 0)
        return 1;
    printf("transparent huge pages: setting '%s', nothing to check\n", setting);
    return 0;
}

static void test_huge_pages_where_offered(void **state)
{
    (void)state;
    char setting[32];
    if (!thp_offered(setting, sizeof setting))
        return;
    size_t bytes = (size_t)16 << 20;
    float *p = snn_pages_calloc(bytes / sizeof *p, sizeof *p);
    assert_non_null(p);
    long kb = huge_kb_at(p);
    printf("transparent huge pages '%s': %ld kB of 16384 kB on huge pages\n", setting, kb);
    assert_true(kb >= 8192); /* most of it: the kernel may lack a free 2 MiB block or two */
    free(p);
}

static void test_malloc_and_realloc_keep_sizes_and_contents(void **state)
{
    (void)state;
    size_t sizes[] = {1, 4096, SNN_PAGES_ADVISE_MIN - 8, SNN_PAGES_ADVISE_MIN,
                      (size_t)SNN_PAGES_ADVISE_MIN * 3 + 12};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        unsigned char *p = snn_pages_malloc(sizes[i]);
        assert_non_null(p);
        for (size_t k = 0; k < sizes[i]; k++)
            p[k] = (unsigned char)(k * 7 + i);
        unsigned char *q = snn_pages_realloc(p, 2 * sizes[i] + 100, sizes[i]);
        assert_non_null(q);
        size_t bad = 0;
        for (size_t k = 0; k < sizes[i]; k++)
            bad += q[k] != (unsigned char)(k * 7 + i);
        assert_int_equal(bad, 0);
        memset(q, 0xcd, 2 * sizes[i] + 100); /* the whole new size is writable (ASan) */
        free(q);
    }
    free(snn_pages_malloc(0)); /* like malloc(1): a pointer that free() takes */
}

static void test_malloc_huge_pages_where_offered(void **state)
{
    (void)state;
    char setting[32];
    if (!thp_offered(setting, sizeof setting))
        return;
    size_t bytes = (size_t)32 << 20;
    unsigned char *p = snn_pages_malloc(bytes);
    assert_non_null(p);
    memset(p, 1, bytes);                 /* the first touch, after the advice */
    long kb = huge_kb_at(p + bytes / 2); /* the advised middle is a mapping of its own */
    printf("snn_pages_malloc, '%s': %ld kB of 32768 kB on huge pages\n", setting, kb);
    /* The whole 2 MiB pages inside the block (at least 14 of its 16), less a few that the
     * kernel may lack; 4 KiB pages only without the advice under "madvise". */
    assert_true(kb >= 16384);
    free(p);
}

/* Fills `bytes` of a block with 0xA5, releases its first `done` bytes (block_bytes as given)
 * and checks that exactly the whole pages of `page` bytes inside the prefix read as zeros. */
static void check_release(unsigned char *b, size_t bytes, size_t done, size_t block_bytes,
                          size_t page)
{
    memset(b, 0xA5, bytes);
    snn_pages_release(b, done, block_bytes);
    const uintptr_t first = ((uintptr_t)b + page - 1) / page * page;
    const uintptr_t end = ((uintptr_t)b + done) / page * page;
    assert_true(end > first); /* the case releases something */
    for (size_t i = 0; i < bytes; i++) {
        const uintptr_t a = (uintptr_t)b + i;
        assert_int_equal(b[i], a >= first && a < end ? 0 : 0xA5);
    }
}

static void test_release(void **state)
{
    (void)state;
    const size_t big = 10u << 20, small = 256u << 10, page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char *b = snn_pages_malloc(big);
    assert_non_null(b);
    check_release(b, big, (7u << 20) + 5, big, 2u << 20); /* a large block: whole 2 MiB pages */
    free(b);
    unsigned char *s = malloc(small);
    assert_non_null(s);
    check_release(s, small, 100000, small, page); /* a small one: the system's pages */
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_and_large_are_zeroed),
        cmocka_unit_test(test_overflow_and_zero),
        cmocka_unit_test(test_huge_pages_where_offered),
        cmocka_unit_test(test_malloc_and_realloc_keep_sizes_and_contents),
        cmocka_unit_test(test_release),
        cmocka_unit_test(test_malloc_huge_pages_where_offered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
