/*
 * config_recorders.c — the `recorders` section of net.cfg: state recorders (record_spec.h).
 *
 *   recorders = (
 *     { name = "E_V"; population = "E"; variables = ["V", "g"];
 *       neurons = { first = 10; };      # or "all", [0, 5, 7], { random = 10; }
 *       every = "1 ms"; }               # or a whole number of steps, e.g. 10
 *   );
 *
 * Variables: "V" (membrane potential) and the synapse states of the population. Synapse states
 * are per channel (channel.h: projections with identical synapse and output share one state).
 * A population whose stateful channels (expon, alpha, dual_expon; delta has no state) are all
 * one calls it "g"; with several, each is "g_<name of the first projection through it onto the
 * population>" ("g_input<i>" when only Poisson input i uses it), and "g" means all of them.
 * "g_<projection>" also names the channel of any other projection merged into it.
 * Every value is checked here, with file:line:key messages, so the run never meets a bad one.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn/channel.h"
#include "snn/record_spec.h"

#include "config_internal.h"

#define WHAT_EVERY                                                                                 \
    "a whole number of steps >= 1 or a time that is a multiple of dt (e.g. 10 or \"1 ms\")"
#define MAX_RANDOM (1 << 24) /* neurons per { random = n; } selection */
#define EVERY_TOL 1e-6       /* every / dt must be this close (relative) to a whole number */

static const char *const rec_keys[] = {"name", "population", "variables", "neurons", "every", NULL};
static const char *const sel_keys[] = {"first", "random", NULL};

/* The stateful channels that reach population pop, in order of first use, with their names. */
typedef struct {
    int n;
    int *channel;               /* [n] */
    char (*name)[SNN_NAME_LEN]; /* [n] */
} pop_channels;

static void pop_channels_free(pop_channels *pc)
{
    free(pc->channel);
    free(pc->name);
    memset(pc, 0, sizeof *pc);
}

static int targets(const snn_projection *pr, int pop)
{
    for (int j = 0; j < pr->n_post; j++)
        if (pr->post[j] == pop)
            return 1;
    return 0;
}

static int find_channel(const pop_channels *pc, int channel)
{
    for (int k = 0; k < pc->n; k++)
        if (pc->channel[k] == channel)
            return k;
    return -1;
}

static int list_channels(const snn_model *m, const snn_channels *ch, int pop, pop_channels *pc)
{
    int n_max = m->n_projs + m->n_inputs + 1;
    memset(pc, 0, sizeof *pc);
    pc->channel = malloc((size_t)n_max * sizeof *pc->channel);
    pc->name = malloc((size_t)n_max * sizeof *pc->name);
    if (!pc->channel || !pc->name)
        return -1;
    for (int p = 0; p < m->n_projs; p++) {
        int c = ch->proj_channel[p];
        if (!targets(&m->projs[p], pop) || ch->ch[c].kind == SNN_SYN_DELTA ||
            find_channel(pc, c) >= 0)
            continue;
        pc->channel[pc->n] = c;
        snprintf(pc->name[pc->n++], SNN_NAME_LEN, "g_%.*s", SNN_NAME_LEN - 3, m->projs[p].name);
    }
    for (int i = 0; i < m->n_inputs; i++) {
        int c = ch->input_channel[i];
        if (m->inputs[i].pop != pop || c < 0 || ch->ch[c].kind == SNN_SYN_DELTA ||
            find_channel(pc, c) >= 0)
            continue;
        pc->channel[pc->n] = c;
        snprintf(pc->name[pc->n++], SNN_NAME_LEN, "g_input%d", i);
    }
    if (pc->n == 1)
        snprintf(pc->name[0], SNN_NAME_LEN, "g");
    return 0;
}

/* The channel named var for population pop (canonical or "g_<projection>"), or -1. */
static int channel_named(const snn_model *m, const snn_channels *ch, const pop_channels *pc,
                         int pop, const char *var)
{
    for (int k = 0; k < pc->n; k++)
        if (strcmp(pc->name[k], var) == 0)
            return pc->channel[k];
    if (strncmp(var, "g_", 2) != 0)
        return -1;
    for (int p = 0; p < m->n_projs; p++)
        if (targets(&m->projs[p], pop) && strcmp(m->projs[p].name, var + 2) == 0 &&
            find_channel(pc, ch->proj_channel[p]) >= 0)
            return ch->proj_channel[p];
    return -1;
}

static int add_var(const snn_cfg_ctx *c, const snn_cfg_field *f, snn_recorder_spec *r,
                   const snn_channels *ch, const pop_channels *pc, int channel)
{
    for (int v = 0; v < r->n_vars; v++)
        if (r->vars[v].channel == channel) {
            const char *name = config_setting_get_string(f->s);
            if (channel >= 0 && strcmp(name, r->vars[v].name) != 0)
                return snn_cfg_fail(c, f->s, f->key,
                                    "expected each variable once, got \"%s\", the same synapse "
                                    "state as \"%s\"",
                                    name, r->vars[v].name);
            return snn_cfg_fail(c, f->s, f->key, "expected each variable once, got \"%s\" again",
                                r->vars[v].name);
        }
    snn_record_var *v = &r->vars[r->n_vars++];
    v->channel = channel;
    if (channel < 0) {
        snprintf(v->name, sizeof v->name, "V");
        snprintf(v->units, sizeof v->units, "mV");
    } else {
        snprintf(v->name, sizeof v->name, "%s", pc->name[find_channel(pc, channel)]);
        snprintf(v->units, sizeof v->units, "%s",
                 ch->ch[channel].output == SNN_OUTPUT_COBA ? "mS" : "mA");
    }
    return SNN_OK;
}

static int parse_variables(const snn_cfg_ctx *c, const config_setting_t *g, const char *pkey,
                           const snn_model *m, const snn_channels *ch, snn_recorder_spec *r)
{
    static const char *const what = "a variable name or a list of them (e.g. [\"V\", \"g\"])";
    snn_cfg_field f;
    int rc;
    if ((rc = snn_cfg_lookup(c, g, pkey, "variables", what, 0, &f)))
        return rc;
    int type = f.s ? config_setting_type(f.s) : CONFIG_TYPE_STRING;
    int count = 1;
    if (type == CONFIG_TYPE_ARRAY || type == CONFIG_TYPE_LIST)
        count = config_setting_length(f.s);
    else if (type != CONFIG_TYPE_STRING)
        return snn_cfg_fail_got(c, &f, what);
    if (count == 0)
        return snn_cfg_fail_got(c, &f, "at least one variable (e.g. [\"V\"])");

    pop_channels pc;
    if (list_channels(m, ch, r->pop, &pc) != 0) {
        pop_channels_free(&pc);
        return snn_fail(snn_cfg_err(c), SNN_ERR_NOMEM, "%s: out of memory", snn_cfg_name(c));
    }
    /* Room for V and every channel: "g" may expand to all of them. */
    r->vars = calloc((size_t)(count + pc.n + 1), sizeof *r->vars);
    if (!r->vars) {
        pop_channels_free(&pc);
        return snn_fail(snn_cfg_err(c), SNN_ERR_NOMEM, "%s: out of memory", snn_cfg_name(c));
    }
    const char *pop = m->pops[r->pop].name;
    rc = SNN_OK;
    for (int i = 0; rc == SNN_OK && i < count; i++) {
        snn_cfg_field e = f;
        const char *var = "V";
        if (type != CONFIG_TYPE_STRING || f.s) {
            if (type != CONFIG_TYPE_STRING) {
                e.s = config_setting_get_elem(f.s, (unsigned)i);
                snn_cfg_index_key(e.key, f.key, i);
            }
            if (config_setting_type(e.s) != CONFIG_TYPE_STRING) {
                rc = snn_cfg_fail_got(c, &e, "a variable name (e.g. \"V\")");
                break;
            }
            var = config_setting_get_string(e.s);
        }
        if (strcmp(var, "V") == 0) {
            rc = e.s ? add_var(c, &e, r, ch, &pc, -1) : add_var(c, &f, r, ch, &pc, -1);
        } else if (strcmp(var, "g") == 0 && pc.n > 1) {
            for (int k = 0; rc == SNN_OK && k < pc.n; k++)
                rc = add_var(c, &e, r, ch, &pc, pc.channel[k]);
        } else {
            int channel = channel_named(m, ch, &pc, r->pop, var);
            if (channel >= 0) {
                rc = add_var(c, &e, r, ch, &pc, channel);
            } else if (pc.n == 0 && var[0] == 'g') {
                rc = snn_cfg_fail(c, e.s, e.key,
                                  "population \"%s\" has no synapse state to record (no "
                                  "projection or Poisson input with an expon, alpha or "
                                  "dual_expon synapse reaches it); known variables: \"V\"",
                                  pop);
            } else {
                char known[400] = "\"V\"";
                for (int k = 0; k < pc.n; k++) {
                    size_t len = strlen(known);
                    snprintf(known + len, sizeof known - len, ", \"%s\"", pc.name[k]);
                }
                if (pc.n > 1)
                    strncat(known, ", \"g\" (all of them)", sizeof known - strlen(known) - 1);
                rc = snn_cfg_fail(c, e.s, e.key,
                                  "unknown variable \"%.60s\" of population \"%s\" (known: %s)",
                                  var, pop, known);
            }
        }
    }
    pop_channels_free(&pc);
    return rc;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* neurons = [0, 5, 7]: ids in range, each once; stored sorted. */
static int parse_id_list(const snn_cfg_ctx *c, const snn_cfg_field *f, uint64_t size,
                         snn_selection *sel)
{
    int n = config_setting_length(f->s);
    char what[160];
    snprintf(what, sizeof what, "a population-local id in 0..%llu", (unsigned long long)(size - 1));
    if (n == 0)
        return snn_cfg_fail_got(c, f, "at least one id (e.g. [0, 5, 7]) or \"all\"");
    sel->ids = malloc((size_t)n * sizeof *sel->ids);
    if (!sel->ids)
        return snn_fail(snn_cfg_err(c), SNN_ERR_NOMEM, "%s: out of memory", snn_cfg_name(c));
    for (int i = 0; i < n; i++) {
        snn_cfg_field e;
        e.s = config_setting_get_elem(f->s, (unsigned)i);
        snn_cfg_index_key(e.key, f->key, i);
        int t = config_setting_type(e.s);
        if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
            return snn_cfg_fail_got(c, &e, what);
        long long id = config_setting_get_int64(e.s);
        if (id < 0 || (unsigned long long)id >= size)
            return snn_cfg_fail_got(c, &e, what);
        sel->ids[i] = (uint64_t)id;
    }
    qsort(sel->ids, (size_t)n, sizeof *sel->ids, cmp_u64);
    for (int k = 1; k < n; k++)
        if (sel->ids[k] == sel->ids[k - 1]) {
            uint64_t dup = sel->ids[k];
            int first = -1, again = -1;
            for (int i = 0; i < n && again < 0; i++)
                if ((uint64_t)config_setting_get_int64(
                        config_setting_get_elem(f->s, (unsigned)i)) == dup) {
                    if (first < 0)
                        first = i;
                    else
                        again = i;
                }
            snn_cfg_field e;
            e.s = config_setting_get_elem(f->s, (unsigned)again);
            snn_cfg_index_key(e.key, f->key, again);
            return snn_cfg_fail(c, e.s, e.key,
                                "expected each id once, got %llu again (also at %s[%d])",
                                (unsigned long long)dup, f->key, first);
        }
    sel->kind = SNN_SELECT_LIST;
    sel->n = (uint64_t)n;
    return SNN_OK;
}

static int parse_neurons(const snn_cfg_ctx *c, const config_setting_t *g, const char *pkey,
                         const snn_model *m, int index, snn_recorder_spec *r)
{
    static const char *const what =
        "\"all\", a list of ids (e.g. [0, 5, 7]), { first = n; } or { random = n; }";
    snn_cfg_field f;
    int rc;
    uint64_t size = m->pops[r->pop].size;
    r->sel.kind = SNN_SELECT_ALL;
    r->sel.n = size;
    if ((rc = snn_cfg_lookup(c, g, pkey, "neurons", what, 0, &f)) || !f.s)
        return rc;
    int t = config_setting_type(f.s);
    if (t == CONFIG_TYPE_STRING) {
        if (strcmp(config_setting_get_string(f.s), "all") != 0)
            return snn_cfg_fail_got(c, &f, what);
        return SNN_OK;
    }
    if (t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST)
        return parse_id_list(c, &f, size, &r->sel);
    if (t != CONFIG_TYPE_GROUP)
        return snn_cfg_fail_got(c, &f, what);
    if ((rc = snn_cfg_check_keys(c, f.s, f.key, sel_keys)))
        return rc;
    if (config_setting_length(f.s) != 1)
        return snn_cfg_fail(c, f.s, f.key,
                            "expected exactly one of \"first\" or \"random\" (e.g. { first = 10; "
                            "}), got %d keys",
                            config_setting_length(f.s));
    const config_setting_t *e = config_setting_get_elem(f.s, 0);
    const char *kind = config_setting_name(e);
    snn_cfg_field fe;
    if ((rc = snn_cfg_lookup(c, f.s, f.key, kind, "", 1, &fe)))
        return rc;
    char what_n[160];
    snprintf(what_n, sizeof what_n, "a number of neurons in 1..%llu (the size of population %s)",
             (unsigned long long)size, m->pops[r->pop].name);
    int te = config_setting_type(e);
    if (te != CONFIG_TYPE_INT && te != CONFIG_TYPE_INT64)
        return snn_cfg_fail_got(c, &fe, what_n);
    long long n = config_setting_get_int64(e);
    if (n < 1 || (unsigned long long)n > size)
        return snn_cfg_fail_got(c, &fe, what_n);
    r->sel.n = (uint64_t)n;
    if (strcmp(kind, "first") == 0) {
        r->sel.kind = SNN_SELECT_FIRST;
        return SNN_OK;
    }
    r->sel.kind = SNN_SELECT_RANDOM;
    /* Every rank keeps the drawn ids (8 bytes each) and draws them while parsing. */
    if (n > MAX_RANDOM) {
        char what_r[160];
        snprintf(what_r, sizeof what_r,
                 "at most %d neurons drawn at random (use \"all\" or { first = n; } for more)",
                 MAX_RANDOM);
        return snn_cfg_fail_got(c, &fe, what_r);
    }
    r->sel.ids = malloc((size_t)n * sizeof *r->sel.ids);
    if (!r->sel.ids ||
        snn_selection_random(m->run.seed, (uint32_t)index, size, (uint64_t)n, r->sel.ids) != 0)
        return snn_fail(snn_cfg_err(c), SNN_ERR_NOMEM, "%s: out of memory for %lld ids",
                        snn_cfg_name(c), n);
    return SNN_OK;
}

static int parse_every(const snn_cfg_ctx *c, const config_setting_t *g, const char *pkey,
                       const snn_model *m, snn_recorder_spec *r)
{
    snn_cfg_field f;
    int rc;
    r->every = 1;
    if ((rc = snn_cfg_lookup(c, g, pkey, "every", WHAT_EVERY, 0, &f)) || !f.s)
        return rc;
    int t = config_setting_type(f.s);
    double steps;
    if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) {
        steps = (double)config_setting_get_int64(f.s);
        if (steps < 1)
            return snn_cfg_fail_got(c, &f, WHAT_EVERY);
    } else if (t == CONFIG_TYPE_STRING) {
        double every;
        if ((rc = snn_cfg_read_quantity(c, &f, SNN_DIM_TIME, WHAT_EVERY, &every)))
            return rc;
        double ratio = every / m->run.dt;
        steps = nearbyint(ratio);
        if (!(steps >= 1) || fabs(ratio - steps) > EVERY_TOL * steps) {
            char dt[48], got[160];
            snn_cfg_fmt_double(m->run.dt, dt, sizeof dt);
            snn_cfg_describe(f.s, got, sizeof got);
            return snn_cfg_fail(c, f.s, f.key,
                                "expected a sampling interval that is a whole multiple (>= 1) of "
                                "dt = %s ms, got %s (%.10g steps)",
                                dt, got, ratio);
        }
    } else {
        return snn_cfg_fail_got(c, &f, WHAT_EVERY);
    }
    if (steps > (double)m->run.n_steps) {
        char got[160];
        snn_cfg_describe(f.s, got, sizeof got);
        return snn_cfg_fail(c, f.s, f.key,
                            "expected a sampling interval of at most the run's %llu steps, got "
                            "%s (%.0f steps): no sample would be taken",
                            (unsigned long long)m->run.n_steps, got, steps);
    }
    r->every = (uint64_t)steps;
    return SNN_OK;
}

static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= SNN_NAME_LEN)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_'))
            return 0;
    }
    return 1;
}

static int parse_recorder(const snn_cfg_ctx *c, const config_setting_t *g, const char *pkey,
                          const snn_model *m, const snn_channels *ch, int index,
                          snn_recorder_spec *r)
{
    snn_cfg_field f;
    int rc;
    r->line = config_setting_source_line(g);
    if ((rc = snn_cfg_check_keys(c, g, pkey, rec_keys)))
        return rc;
    if ((rc = snn_cfg_lookup(c, g, pkey, "population", "a population name (e.g. \"E\")", 1, &f)) ||
        (rc = snn_cfg_resolve_pop(c, m, &f, &r->pop)))
        return rc;
    const char *name = m->pops[r->pop].name;
    static const char *const what_name =
        "a recorder name of letters, digits and '_' (at most 63 characters)";
    if ((rc = snn_cfg_string_member(c, g, pkey, "name", what_name, 0, &name, &f)))
        return rc;
    if (!valid_name(name))
        return snn_cfg_fail_got(c, &f, what_name);
    snprintf(r->name, sizeof r->name, "%s", name);
    if ((rc = parse_every(c, g, pkey, m, r)) || (rc = parse_neurons(c, g, pkey, m, index, r)))
        return rc;
    return parse_variables(c, g, pkey, m, ch, r);
}

/* Every report file name once: "a_g" recording V and "a" recording "g_V" (a projection named
 * V) would both write a_g_V.h5. */
static int check_file_names(const snn_cfg_ctx *c, const config_setting_t *list, const snn_model *m)
{
    char fa[2 * SNN_NAME_LEN + 8], fb[2 * SNN_NAME_LEN + 8];
    for (int i = 0; i < m->n_recorders; i++)
        for (int v = 0; v < m->recorders[i].n_vars; v++) {
            snn_record_file_name(&m->recorders[i], &m->recorders[i].vars[v], fa, sizeof fa);
            for (int j = 0; j <= i; j++)
                for (int w = 0; w < (j < i ? m->recorders[j].n_vars : v); w++) {
                    snn_record_file_name(&m->recorders[j], &m->recorders[j].vars[w], fb, sizeof fb);
                    if (strcmp(fa, fb) != 0)
                        continue;
                    char key[SNN_CFG_KEY_LEN];
                    snn_cfg_index_key(key, "recorders", i);
                    return snn_cfg_fail(c, config_setting_get_elem(list, (unsigned)i), key,
                                        "variable \"%s\" would be written to %s, which "
                                        "recorders[%d] (variable \"%s\") writes too: rename one "
                                        "of the recorders",
                                        m->recorders[i].vars[v].name, fa, j,
                                        m->recorders[j].vars[w].name);
                }
        }
    return SNN_OK;
}

int snn_cfg_parse_recorders(const snn_cfg_ctx *c, const config_setting_t *root, snn_model *m)
{
    static const char *const what =
        "a list ( { population = \"E\"; variables = [\"V\"]; neurons = ...; every = ...; }, ... )";
    snn_cfg_field l;
    int rc;
    if ((rc = snn_cfg_lookup(c, root, "", "recorders", what, 0, &l)) || !l.s)
        return rc;
    if (config_setting_type(l.s) != CONFIG_TYPE_LIST)
        return snn_cfg_fail_got(c, &l, what);
    int n = config_setting_length(l.s);
    if (n == 0)
        return SNN_OK;
    m->recorders = calloc((size_t)n, sizeof *m->recorders);
    if (!m->recorders)
        return snn_fail(snn_cfg_err(c), SNN_ERR_NOMEM, "%s: out of memory for %d recorders",
                        snn_cfg_name(c), n);
    m->n_recorders = n;
    snn_channels ch;
    if ((rc = snn_channels_build(&ch, m, snn_cfg_err(c))))
        return rc;
    for (int i = 0; rc == SNN_OK && i < n; i++) {
        snn_cfg_field e;
        e.s = config_setting_get_elem(l.s, (unsigned)i);
        snn_cfg_index_key(e.key, "recorders", i);
        if (config_setting_type(e.s) != CONFIG_TYPE_GROUP) {
            rc = snn_cfg_fail_got(c, &e, "a group { population = \"E\"; variables = ...; }");
            break;
        }
        rc = parse_recorder(c, e.s, e.key, m, &ch, i, &m->recorders[i]);
        /* Report files are named <name>_<variable>.h5: two recorders may not share a name. */
        for (int j = 0; rc == SNN_OK && j < i; j++)
            if (strcmp(m->recorders[j].name, m->recorders[i].name) == 0) {
                const config_setting_t *s = config_setting_get_member(e.s, "name");
                char key[SNN_CFG_KEY_LEN + 8];
                snprintf(key, sizeof key, "%s%s", e.key, s ? ".name" : "");
                rc = snn_cfg_fail(c, s ? s : e.s, key,
                                  "expected a unique recorder name, got \"%s\" again (first used "
                                  "at line %d; the name defaults to the population's): give each "
                                  "recorder its own name",
                                  m->recorders[i].name, m->recorders[j].line);
            }
    }
    snn_channels_free(&ch);
    if (rc == SNN_OK)
        rc = check_file_names(c, l.s, m);
    return rc;
}
