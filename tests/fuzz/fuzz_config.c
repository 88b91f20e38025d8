/*
 * fuzz_config.c — libFuzzer harness for config parsing, validation and the network description.
 *
 * Each input is read as the text of a net.cfg (up to its first NUL byte) by
 * snn_config_load_string. On success the description is walked and checked for the invariants
 * that later stages rely on (offsets, sizes, indices, delays, step counts); a broken invariant
 * aborts, so the fuzzer reports it as a crash. The model is always freed, so LeakSanitizer sees
 * any allocation the parser loses. No MPI: config.c, units.c, model.c and error.c make no MPI
 * call. Built and run by tools/fuzz.sh.
 *
 * Speed: units.c loads the UDUNITS-2 XML database on every parse (about 150 ms under ASan),
 * which would limit fuzzing to a few inputs a second. tools/fuzz.sh links with
 * -Wl,--wrap=ut_read_xml,--wrap=ut_free_system so that the wrappers below load it once and keep
 * it; ut_parse and the converters do not change a unit system, so parses stay independent. With
 * SNN_FUZZ_FRESH_UNITS=1 in the environment (replay mode) the wrappers pass every call through,
 * so the real load/free path is exercised too.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <udunits2.h>

#include "snn/config.h"
#include "snn/error.h"
#include "snn/model.h"

/* A broken invariant: print it and abort, which libFuzzer reports with the input. */
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_config: invariant failed at %s:%d: %s\n", __FILE__, __LINE__,    \
                    #cond);                                                                        \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

ut_system *__real_ut_read_xml(const char *path);
void __real_ut_free_system(ut_system *sys);
ut_system *__wrap_ut_read_xml(const char *path);
void __wrap_ut_free_system(ut_system *sys);

static ut_system *cached_units;

static int fresh_units(void)
{
    static int fresh = -1;
    if (fresh < 0) {
        const char *e = getenv("SNN_FUZZ_FRESH_UNITS");
        fresh = e && *e && strcmp(e, "0") != 0;
    }
    return fresh;
}

ut_system *__wrap_ut_read_xml(const char *path)
{
    if (fresh_units() || path)
        return __real_ut_read_xml(path);
    if (!cached_units)
        cached_units = __real_ut_read_xml(NULL);
    return cached_units;
}

void __wrap_ut_free_system(ut_system *sys)
{
    if (sys && sys == cached_units)
        return;
    __real_ut_free_system(sys);
}

/* Reads every byte of a NUL-terminated name of a fixed-size field. */
static size_t name_len(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    CHECK(n < cap);
    return n;
}

static void check_pop_list(const snn_model *m, int n, const int *idx, uint64_t size)
{
    CHECK(n >= 1 && idx);
    uint64_t sum = 0;
    for (int k = 0; k < n; k++) {
        CHECK(idx[k] >= 0 && idx[k] < m->n_pops);
        sum += m->pops[idx[k]].size;
    }
    CHECK(sum == size);
}

static void check_model(const snn_model *m, const snn_error *err)
{
    CHECK(err->code == SNN_OK);
    CHECK(m->n_pops >= 1 && m->pops);
    CHECK(m->run.dt > 0 && isfinite(m->run.dt));
    CHECK(m->run.duration > 0 && isfinite(m->run.duration));
    CHECK(m->run.n_steps >= 1);
    CHECK(m->run.scale > 0 && m->run.scale_k > 0);
    CHECK(name_len(m->run.output_dir, sizeof m->run.output_dir) > 0);

    uint64_t total = 0;
    for (int i = 0; i < m->n_pops; i++) {
        const snn_population *p = &m->pops[i];
        CHECK(name_len(p->name, sizeof p->name) > 0);
        CHECK(p->size >= 1);
        CHECK(p->offset == total);
        total += p->size;
        if (p->model == SNN_NEURON_LIF) {
            CHECK(p->lif.tau > 0 && isfinite(p->lif.tau));
            CHECK(p->lif.R > 0 && p->lif.tau_ref >= 0);
        } else {
            CHECK(p->model == SNN_NEURON_IAF_PSC_EXP);
            CHECK(p->iaf.C_m > 0 && p->iaf.tau_m > 0 && p->iaf.t_ref >= 0);
            CHECK(p->iaf.V_reset < p->iaf.V_th);
        }
        CHECK(isfinite(p->V_init.a) && isfinite(p->V_init.b) && isfinite(p->I_ext));
    }
    CHECK(total == m->n_neurons);
    CHECK(total <= (UINT64_C(1) << 32));

    for (int i = 0; i < m->n_projs; i++) {
        const snn_projection *p = &m->projs[i];
        CHECK(name_len(p->name, sizeof p->name) > 0);
        check_pop_list(m, p->n_pre, p->pre, p->pre_size);
        check_pop_list(m, p->n_post, p->post, p->post_size);
        CHECK(p->rule >= SNN_RULE_FIXED_OUTDEGREE && p->rule <= SNN_RULE_ONE_TO_ONE);
        CHECK(isfinite(p->weight) && isfinite(p->weight_std) && p->weight_std >= 0);
        CHECK(p->delay_steps >= 1 && p->delay_min_steps >= 1);
        CHECK(p->delay_min_steps <= p->delay_steps && p->delay_steps <= p->delay_max_steps);
        CHECK(isfinite(p->delay) && isfinite(p->delay_max) && isfinite(p->delay_std));
        if (p->synapse != SNN_SYN_DELTA)
            CHECK(p->syn_tau > 0 && isfinite(p->syn_tau));
    }

    for (int i = 0; i < m->n_inputs; i++) {
        const snn_input *in = &m->inputs[i];
        CHECK(in->pop >= 0 && in->pop < m->n_pops);
        if (in->kind == SNN_INPUT_POISSON) {
            CHECK(in->rate_hz >= 0 && isfinite(in->rate_hz) && in->n_sources >= 1);
            CHECK(in->n_targets <= m->pops[in->pop].size);
            CHECK(in->stop > in->start);
        } else {
            CHECK(in->kind == SNN_INPUT_STEP);
            CHECK(in->n_points >= 1 && in->times && in->amplitudes);
            for (int k = 0; k < in->n_points; k++) {
                CHECK(isfinite(in->times[k]) && isfinite(in->amplitudes[k]));
                CHECK(k == 0 ? in->times[k] >= 0 : in->times[k] > in->times[k - 1]);
            }
        }
    }

    /* snn_model_pop_of: the first, last and one interior id of each population (at most a few
     * thousand calls, so that huge descriptions stay fast). */
    int stride = m->n_pops / 1000 + 1;
    for (int i = 0; i < m->n_pops; i += stride) {
        const snn_population *p = &m->pops[i];
        CHECK(snn_model_pop_of(m, p->offset) == i);
        CHECK(snn_model_pop_of(m, p->offset + p->size / 2) == i);
        CHECK(snn_model_pop_of(m, p->offset + p->size - 1) == i);
    }
    CHECK(snn_model_pop_of(m, m->n_neurons - 1) == m->n_pops - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';

    snn_model m;
    snn_error err;
    int rc = snn_config_load_string(text, "fuzz.cfg", &m, &err);
    if (rc == SNN_OK) {
        check_model(&m, &err);
    } else {
        /* An error is one non-empty line (DESIGN.md section 6: "file:line: key: expected ...,
         * got ...") and its code is the return value. */
        CHECK(err.code == rc);
        CHECK(strnlen(err.msg, sizeof err.msg) < sizeof err.msg);
        CHECK(err.msg[0] != '\0');
        CHECK(strpbrk(err.msg, "\n\r") == NULL);
        CHECK(m.n_pops == 0 && m.pops == NULL && m.projs == NULL && m.inputs == NULL);
    }
    snn_model_free(&m);
    free(text);
    return 0;
}
