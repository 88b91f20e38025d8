/*
 * test_spike_stats.c — the summary's Fano factor and pairwise correlation (spike_stats.c) on a
 * spike pattern small enough to compute by hand, and the sample's properties (distinct, sorted,
 * inside its population, the same for the same seed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "snn/spike_stats.h"

/* Populations A (3 neurons, gids 0-2), B (200, gids 3-202) and C (2, gids 203-204); dt 1 ms,
 * 7 steps. */
static void make_model(snn_model *m, snn_population *pops, uint32_t seed)
{
    memset(m, 0, sizeof *m);
    memset(pops, 0, 3 * sizeof *pops);
    pops[0].size = 3;
    pops[1].size = 200;
    pops[1].offset = 3;
    pops[2].size = 2;
    pops[2].offset = 203;
    m->pops = pops;
    m->n_pops = 3;
    m->n_neurons = 205;
    m->run.dt = 1.0;
    m->run.n_steps = 7;
    m->run.seed = seed;
}

static void test_hand_computed(void **state)
{
    (void)state;
    snn_model m;
    snn_population pops[3];
    make_model(&m, pops, 1);
    snn_spike_stats *s;
    snn_error err;
    /* Bins of 2 steps: steps 1-2, 3-4, 5-6 (step 7 is a partial bin and is ignored). */
    assert_int_equal(snn_spike_stats_create(&s, &m, 100, 2, &err), SNN_OK);
    assert_int_equal(snn_spike_stats_n_bins(s), 3);
    assert_true(snn_spike_stats_bin_ms(s) == 2.0);
    /* Neuron 0: steps 1, 2, 3 -> counts [2, 1, 0]. Neuron 1: step 1 -> [1, 0, 0]. Neuron 2:
     * silent. Neuron 204 (C): step 7 only, outside the whole bins. */
    const uint32_t s1[] = {1, 0}, s2[] = {0}, s3[] = {0}, s7[] = {0, 204};
    snn_spike_stats_add(s, 1, s1, 2);
    snn_spike_stats_add(s, 2, s2, 1);
    snn_spike_stats_add(s, 3, s3, 1);
    snn_spike_stats_add(s, 7, s7, 2);
    snn_spike_stats_finish(s);

    const snn_spike_stats_pop *a = snn_spike_stats_get(s, 0);
    assert_int_equal(a->n_sample, 3);
    assert_int_equal(a->gids[0], 0);
    assert_int_equal(a->gids[2], 2);
    /* Neuron 0: mean 1, var 2/3, Fano 2/3. Neuron 1: mean 1/3, var 2/9, Fano 2/3. Mean 2/3. */
    assert_int_equal(a->n_fano, 2);
    assert_true(fabs(a->fano - 2.0 / 3.0) < 1e-15);
    /* cov = E[xy] - E[x]E[y] = 2/3 - 1/3 = 1/3; corr = (1/3) / sqrt(2/3 * 2/9) = sqrt(3) / 2. */
    assert_int_equal(a->n_pairs, 1);
    assert_true(fabs(a->correlation - sqrt(3.0) / 2.0) < 1e-15);

    const snn_spike_stats_pop *b = snn_spike_stats_get(s, 1);
    assert_int_equal(b->n_sample, 100);
    assert_true(isnan(b->fano));
    assert_true(isnan(b->correlation));
    assert_int_equal(b->n_fano, 0);
    const snn_spike_stats_pop *c = snn_spike_stats_get(s, 2);
    assert_int_equal(c->n_sample, 2);
    assert_true(isnan(c->fano)); /* its only spike was in the partial bin */
    snn_spike_stats_free(s);
}

static void test_anticorrelated(void **state)
{
    (void)state;
    snn_model m;
    snn_population pops[3];
    make_model(&m, pops, 1);
    snn_spike_stats *s;
    snn_error err;
    assert_int_equal(snn_spike_stats_create(&s, &m, 100, 1, &err), SNN_OK);
    /* Neurons 0 and 1 alternate (counts [1,0,1,0,1,0,1] and [0,1,0,1,0,1,0]): correlation -1;
     * neuron 2 fires every step (no variance: left out of the correlation, Fano 0). */
    for (uint64_t step = 1; step <= 7; step++) {
        uint32_t g[2] = {step % 2 ? 0u : 1u, 2};
        snn_spike_stats_add(s, step, g, 2);
    }
    snn_spike_stats_finish(s);
    const snn_spike_stats_pop *a = snn_spike_stats_get(s, 0);
    assert_int_equal(a->n_pairs, 1);
    assert_true(fabs(a->correlation + 1.0) < 1e-15);
    /* Fano: neuron 0 mean 4/7, var 12/49 -> 3/7; neuron 1 mean 3/7, var 12/49 -> 4/7; neuron 2
     * mean 1, var 0 -> 0. Mean (3/7 + 4/7 + 0) / 3 = 1/3. */
    assert_int_equal(a->n_fano, 3);
    assert_true(fabs(a->fano - 1.0 / 3.0) < 1e-15);
    snn_spike_stats_free(s);
}

/* Every neuron's counts, found by the sample lookup among all the network's spikes of a step
 * (ascending ids, most of them outside the sample): the statistics of population B's sample
 * against the same formulas evaluated here from the pattern that made the spikes. */
static int fires_dense(uint32_t gid, uint64_t step)
{
    return (gid * 7u + (uint32_t)(step * step)) % 5u < 2u;
}

/* About one neuron in 32 per step, scattered: fewer than one in 8 of a bin's counts are
 * non-zero, so close_bin adds only the pairs of neurons with spikes (the other pattern's bins
 * take its dense rows). */
static int fires_sparse(uint32_t gid, uint64_t step)
{
    uint64_t x = (uint64_t)gid * 0x9e3779b97f4a7c15u ^ step * 0xc2b2ae3d27d4eb4fu;
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9u;
    return (x >> 40) % 32u == 0;
}

static void check_lookup(int sample, int (*fires)(uint32_t, uint64_t), uint64_t n_steps)
{
    snn_model m;
    snn_population pops[3];
    make_model(&m, pops, 3);
    m.run.n_steps = n_steps;
    snn_spike_stats *s;
    snn_error err;
    assert_int_equal(snn_spike_stats_create(&s, &m, sample, 1, &err), SNN_OK);
    for (uint64_t step = 1; step <= n_steps; step++) {
        uint32_t g[205];
        size_t n = 0;
        for (uint32_t gid = 0; gid < 205; gid++)
            if (fires(gid, step))
                g[n++] = gid;
        snn_spike_stats_add(s, step, g, n);
    }
    snn_spike_stats_finish(s);
    const snn_spike_stats_pop *b = snn_spike_stats_get(s, 1);
    const int ns = b->n_sample;
    assert_int_equal(ns, sample < 200 ? sample : 200);
    const double nb = (double)n_steps;
    double sx[200], v[200], fano = 0, corr = 0;
    int n_fano = 0, n_pairs = 0;
    for (int i = 0; i < ns; i++) {
        double x = 0, xx = 0;
        for (uint64_t step = 1; step <= n_steps; step++) {
            const int c = fires(b->gids[i], step); /* the neuron's count in this bin */
            x += c;
            xx += c * c;
        }
        sx[i] = x;
        v[i] = nb * xx - x * x;
        if (x > 0) {
            fano += v[i] / (nb * x);
            n_fano++;
        }
    }
    for (int i = 0; i < ns; i++)
        for (int j = i + 1; j < ns; j++) {
            if (!(v[i] > 0 && v[j] > 0))
                continue;
            double xy = 0;
            for (uint64_t step = 1; step <= n_steps; step++)
                xy += fires(b->gids[i], step) * fires(b->gids[j], step);
            corr += (nb * xy - sx[i] * sx[j]) / sqrt(v[i] * v[j]);
            n_pairs++;
        }
    /* the pattern gives most neurons a variance */
    assert_true(n_fano > ns / 2 && n_pairs > ns * (ns - 1) / 10);
    assert_int_equal(b->n_fano, n_fano);
    assert_int_equal((int)b->n_pairs, n_pairs);
    assert_true(fabs(b->fano - fano / n_fano) < 1e-12);
    assert_true(fabs(b->correlation - corr / n_pairs) < 1e-12);
    snn_spike_stats_free(s);
}

/* A sample of 100 of B's 200 neurons, and every neuron of every population (whole 64-bit
 * words of the lookup's bitmap set); dense and sparse bins. */
static void test_lookup_all_spikes(void **state)
{
    (void)state;
    check_lookup(100, fires_dense, 7);
    check_lookup(1000, fires_dense, 7);
    check_lookup(100, fires_sparse, 400);
    check_lookup(1000, fires_sparse, 400);
}

static void test_sample(void **state)
{
    (void)state;
    snn_model m;
    snn_population pops[3];
    make_model(&m, pops, 7);
    snn_spike_stats *s, *t, *u;
    snn_error err;
    assert_int_equal(snn_spike_stats_create(&s, &m, 100, 1, &err), SNN_OK);
    assert_int_equal(snn_spike_stats_create(&t, &m, 100, 1, &err), SNN_OK);
    m.run.seed = 8;
    assert_int_equal(snn_spike_stats_create(&u, &m, 100, 1, &err), SNN_OK);
    const snn_spike_stats_pop *b = snn_spike_stats_get(s, 1);
    assert_int_equal(b->n_sample, 100);
    for (int i = 0; i < 100; i++) {
        assert_true(b->gids[i] >= 3 && b->gids[i] < 203);
        if (i)
            assert_true(b->gids[i] > b->gids[i - 1]); /* increasing, so distinct */
    }
    assert_memory_equal(b->gids, snn_spike_stats_get(t, 1)->gids, 100 * sizeof(uint32_t));
    assert_memory_not_equal(b->gids, snn_spike_stats_get(u, 1)->gids, 100 * sizeof(uint32_t));
    /* Not simply the first 100 neurons. */
    assert_true(b->gids[99] > 102);
    snn_spike_stats_free(s);
    snn_spike_stats_free(t);
    snn_spike_stats_free(u);
    assert_int_equal(snn_spike_stats_steps_per_bin(10.0, 0.1), 100);
    assert_int_equal(snn_spike_stats_steps_per_bin(0.01, 0.1), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed),
        cmocka_unit_test(test_anticorrelated),
        cmocka_unit_test(test_lookup_all_spikes),
        cmocka_unit_test(test_sample),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
