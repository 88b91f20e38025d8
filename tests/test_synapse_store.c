/*
 * test_synapse_store.c — narrowing the synapse arrays (include/snn/synapse_store.h): the width
 * chosen at the boundaries (targets spanning 65,535 / 65,536 offsets, delays of 255 / 256 steps),
 * every value read back unchanged through the accessors, the bytes held, an empty projection,
 * the bytes-per-synapse rule the memory estimate uses, and merging stores into shared rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snn/real.h"
#include "snn/synapse_store.h"

/* Wide synapses: n targets lo, lo + 1, ..., with the last one lo + span; delays cycling up to
 * dmax (dmax 0: constant delay, none stored); weights when `weights`. */
static snn_synapses wide(uint64_t n, uint32_t lo, uint32_t span, uint16_t dmax, int weights)
{
    snn_synapses sy;
    memset(&sy, 0, sizeof sy);
    sy.row = calloc(2, sizeof *sy.row);
    sy.target = malloc((n ? n : 1) * sizeof *sy.target);
    assert_non_null(sy.row);
    assert_non_null(sy.target);
    sy.row[1] = n;
    for (uint64_t k = 0; k < n; k++)
        sy.target[k] = lo + (uint32_t)(k * 7919 % (span + 1u));
    if (n > 0)
        sy.target[n - 1] = lo + span;
    if (n > 1)
        sy.target[0] = lo;
    if (dmax) {
        sy.delay = malloc((n ? n : 1) * sizeof *sy.delay);
        assert_non_null(sy.delay);
        for (uint64_t k = 0; k < n; k++)
            sy.delay[k] = (uint16_t)(1 + k % dmax);
        if (n > 0)
            sy.delay[n / 2] = dmax;
    }
    if (weights) {
        sy.weight = malloc((n ? n : 1) * sizeof *sy.weight);
        assert_non_null(sy.weight);
        for (uint64_t k = 0; k < n; k++)
            sy.weight[k] = (snn_real)(0.5 + (double)k);
    }
    return sy;
}

/* Compacts a copy and checks every synapse against the wide original. */
static snn_synapses compact_and_check(uint64_t n, uint32_t lo, uint32_t span, uint16_t dmax)
{
    snn_synapses ref = wide(n, lo, span, dmax, 1);
    snn_synapses sy = wide(n, lo, span, dmax, 1);
    snn_error err;
    assert_int_equal(snn_synapses_compact(&sy, n, &err), SNN_OK);
    for (uint64_t k = 0; k < n; k++) {
        assert_int_equal(snn_syn_target(&sy, k), ref.target[k]);
        assert_int_equal(snn_syn_delay(&sy, k, 77), dmax ? ref.delay[k] : 77);
        assert_true(sy.weight[k] == ref.weight[k]);
    }
    assert_int_equal(snn_syn_has_delays(&sy), dmax != 0);
    snn_synapses_free(&ref);
    return sy;
}

static void test_target_width_boundary(void **state)
{
    (void)state;
    /* Offsets 0..65535 fit two bytes. */
    snn_synapses a = compact_and_check(100000, 1000, 65535, 0);
    assert_non_null(a.target16);
    assert_null(a.target);
    assert_int_equal(a.target_base, 1000);
    snn_synapses_free(&a);
    /* Offset 65536 does not. */
    snn_synapses b = compact_and_check(100000, 1000, 65536, 0);
    assert_null(b.target16);
    assert_non_null(b.target);
    snn_synapses_free(&b);
    /* Large absolute indices with a small span still fit. */
    snn_synapses c = compact_and_check(5000, 4000000000u, 300, 0);
    assert_non_null(c.target16);
    assert_int_equal(c.target_base, 4000000000u);
    snn_synapses_free(&c);
}

static void test_delay_width_boundary(void **state)
{
    (void)state;
    snn_synapses a = compact_and_check(3000, 0, 100, 255);
    assert_non_null(a.delay8);
    assert_null(a.delay);
    snn_synapses_free(&a);
    snn_synapses b = compact_and_check(3000, 0, 100, 256);
    assert_null(b.delay8);
    assert_non_null(b.delay);
    snn_synapses_free(&b);
}

static void test_bytes_held(void **state)
{
    (void)state;
    size_t r = sizeof(snn_real);
    snn_synapses a = compact_and_check(1000, 10, 500, 200); /* 2 + r + 1 */
    assert_int_equal(snn_synapses_bytes(&a, 1000, 1), 2 * 8 + 1000 * (2 + r + 1));
    snn_synapses_free(&a);
    snn_synapses b = compact_and_check(1000, 10, 70000, 300); /* 4 + r + 2 */
    assert_int_equal(snn_synapses_bytes(&b, 1000, 1), 2 * 8 + 1000 * (4 + r + 2));
    snn_synapses_free(&b);
}

static void test_empty_projection(void **state)
{
    (void)state;
    snn_synapses a = compact_and_check(0, 0, 0, 10);
    assert_non_null(a.target16); /* nothing to read; the narrow form is chosen */
    assert_int_equal(a.target_base, 0);
    assert_int_equal(snn_synapses_bytes(&a, 0, 1), 2 * 8);
    snn_synapses_free(&a);
}

/* The estimate's rule agrees with what compaction chooses. */
static void test_bytes_per_synapse_rule(void **state)
{
    (void)state;
    double r = sizeof(snn_real);
    assert_true(snn_synapses_bytes_per_synapse(65536, 0, 0, 0) == 2);
    assert_true(snn_synapses_bytes_per_synapse(65537, 0, 0, 0) == 4);
    assert_true(snn_synapses_bytes_per_synapse(100, 1, 0, 0) == 2 + r);
    assert_true(snn_synapses_bytes_per_synapse(100, 1, 1, 255) == 2 + r + 1);
    assert_true(snn_synapses_bytes_per_synapse(100, 0, 1, 256) == 2 + 2);
    assert_true(snn_synapses_bytes_per_synapse(100000, 1, 1, 30) == 4 + r + 1);
}

/* A compacted store of 3 rows: row r holds the targets t[off[r] .. off[r + 1]), weight and delay
 * of synapse k are w0 + k and d0 + k. */
static snn_synapses rows3(const uint64_t off[4], const uint32_t *t, float w0, uint16_t d0)
{
    snn_synapses sy;
    memset(&sy, 0, sizeof sy);
    const uint64_t n = off[3];
    sy.row = malloc(4 * sizeof *sy.row);
    sy.target = malloc((n ? n : 1) * sizeof *sy.target);
    sy.weight = malloc((n ? n : 1) * sizeof *sy.weight);
    sy.delay = malloc((n ? n : 1) * sizeof *sy.delay);
    assert_true(sy.row && sy.target && sy.weight && sy.delay);
    memcpy(sy.row, off, 4 * sizeof *sy.row);
    for (uint64_t k = 0; k < n; k++) {
        sy.target[k] = t[k];
        sy.weight[k] = (snn_real)(w0 + (float)k);
        sy.delay[k] = (uint16_t)(d0 + k);
    }
    snn_error err;
    assert_int_equal(snn_synapses_compact(&sy, n, &err), SNN_OK);
    return sy;
}

/* Two stores with 2-byte targets on different bases: row r of the merge is A's row r then B's,
 * the targets re-based and every weight and delay carried along; the inputs are emptied. */
static void test_merge_rows(void **state)
{
    (void)state;
    const uint64_t oa[4] = {0, 2, 2, 3}, ob[4] = {0, 1, 3, 3};
    const uint32_t ta[3] = {10, 12, 11}, tb[3] = {20, 21, 22};
    snn_synapses a = rows3(oa, ta, 1, 1), b = rows3(ob, tb, 4, 4), m;
    assert_non_null(a.target16);
    assert_int_equal(a.target_base, 10);
    assert_int_equal(b.target_base, 20);
    snn_synapses *in[2] = {&a, &b};
    snn_error err;
    assert_int_equal(snn_synapses_merge(in, 2, 3, &m, &err), SNN_OK);
    const uint64_t row[4] = {0, 3, 5, 6};
    const uint32_t t[6] = {10, 12, 20, 21, 22, 11};
    const float w[6] = {1, 2, 4, 5, 6, 3};
    const uint32_t d[6] = {1, 2, 4, 5, 6, 3};
    for (int r = 0; r < 4; r++)
        assert_int_equal(m.row[r], row[r]);
    assert_non_null(m.target16);
    assert_non_null(m.delay8);
    assert_int_equal(m.target_base, 10);
    for (uint64_t k = 0; k < 6; k++) {
        assert_int_equal(snn_syn_target(&m, k), t[k]);
        assert_true(m.weight[k] == (snn_real)w[k]);
        assert_int_equal(snn_syn_delay(&m, k, 0), d[k]);
    }
    assert_null(a.row);
    assert_null(b.target16);
    snn_synapses_free(&m);
}

/* 4-byte targets stay 4-byte (any span); an empty input adds nothing. */
static void test_merge_wide_and_empty(void **state)
{
    (void)state;
    const uint64_t oa[4] = {0, 1, 1, 2}, ob[4] = {0, 0, 0, 0}, oc[4] = {0, 0, 1, 1};
    const uint32_t ta[2] = {0, 70000}, tc[1] = {5};
    snn_synapses a = rows3(oa, ta, 1, 300), b = rows3(ob, NULL, 0, 300), c = rows3(oc, tc, 9, 300);
    assert_non_null(a.target);
    assert_non_null(a.delay); /* delays of 300 and more: 2 bytes */
    assert_non_null(c.delay);
    assert_non_null(c.target16);
    free(b.target16); /* an empty store narrows: give b and c a's layout */
    b.target16 = NULL;
    b.target = malloc(sizeof *b.target);
    c.target = malloc(sizeof *c.target);
    c.target[0] = 5;
    free(c.target16);
    c.target16 = NULL;
    c.target_base = 0;
    free(b.delay8);
    b.delay8 = NULL;
    b.delay = malloc(sizeof *b.delay);
    assert_true(snn_synapses_same_layout(&a, &b) && snn_synapses_same_layout(&a, &c));
    snn_synapses *in[3] = {&a, &b, &c}, m;
    snn_error err;
    assert_int_equal(snn_synapses_merge(in, 3, 3, &m, &err), SNN_OK);
    const uint64_t row[4] = {0, 1, 2, 3};
    const uint32_t t[3] = {0, 5, 70000};
    for (int r = 0; r < 4; r++)
        assert_int_equal(m.row[r], row[r]);
    for (uint64_t k = 0; k < 3; k++)
        assert_int_equal(snn_syn_target(&m, k), t[k]);
    assert_true(m.weight[1] == 9);
    assert_int_equal(snn_syn_delay(&m, 2, 0), 301);
    snn_synapses_free(&m);
}

/* Stores with and without weights (or of different target widths) cannot share rows. */
static void test_same_layout(void **state)
{
    (void)state;
    const uint64_t off[4] = {0, 1, 1, 1};
    const uint32_t t[1] = {3};
    snn_synapses a = rows3(off, t, 1, 1), b = rows3(off, t, 1, 1);
    assert_true(snn_synapses_same_layout(&a, &b));
    free(b.weight);
    b.weight = NULL;
    assert_false(snn_synapses_same_layout(&a, &b));
    snn_synapses_free(&a);
    snn_synapses_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_width_boundary),
        cmocka_unit_test(test_delay_width_boundary),
        cmocka_unit_test(test_bytes_held),
        cmocka_unit_test(test_empty_projection),
        cmocka_unit_test(test_bytes_per_synapse_rule),
        cmocka_unit_test(test_merge_rows),
        cmocka_unit_test(test_merge_wide_and_empty),
        cmocka_unit_test(test_same_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
