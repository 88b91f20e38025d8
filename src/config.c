/*
 * config.c — reads a net.cfg (libconfig syntax) into an snn_model and validates every value.
 *
 * The file is read by libconfig, walked group by group, and every key is checked: unknown keys,
 * types, units (through units.c), ranges and cross-references (population names) are all errors
 * that name the file, the line, the key path and what was expected versus what was found, on one
 * line. Derived quantities (sizes after run.scale, offsets, sizes of index spaces, in- and
 * out-degrees and total numbers of synapses, delay steps and their range, number of steps) are
 * filled here so that later stages read plain numbers. See docs/config.md for the
 * reference of every key. The parser keeps no state outside one call.
 */
#include "snn/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libconfig.h>

#include "snn/config_override.h"
#include "snn/units.h"

#include "config_internal.h"

#define SNN_CONFIG_MAX_BYTES (1 << 30) /* 1 GB: far beyond any network file */
#define KEY_LEN 192                    /* a key path such as "projections[12].synapse.tau" */
#define DESC_LEN 160                   /* a rendered value in a message */
#define LIST_LEN 400                   /* a rendered list of names in a message */
#define MAX_NEURONS (UINT64_C(1) << 32)
#define MAX_SYNAPSES (UINT64_C(1) << 40)
#define MAX_STEPS (UINT64_C(1) << 53)
#define STEP_TOL 1e-9         /* duration / dt must be this close (relative) to a whole number */
#define DELAY_TOL 1e-6        /* delay / dt must be this close (relative) to a whole number */
#define MAX_DELAY_STEPS 32768 /* 2^15: drawn per-synapse delays are stored in 16 bits */

/* What one parse call needs; passed down explicitly (no globals). */
/* A population name and index, for the sorted name index. */
typedef struct {
    const char *name;
    int idx;
} pop_name;

typedef struct snn_cfg_ctx {
    const char *name; /* file name for messages */
    const char *dir;  /* the config's directory (NULL: the working directory), for from_file */
    const snn_units *units;
    snn_error *err;
    pop_name *by_name; /* populations sorted by name (after they are parsed): O(log n) lookups */
    int n_by_name;
} parse_ctx;

/* A setting together with its key path, for messages. s is NULL when an optional key is absent. */
typedef snn_cfg_field field;
_Static_assert(KEY_LEN == SNN_CFG_KEY_LEN, "one key length for all config sections");

/* What each kind of quantity is, in messages ("expected <what>, got ..."). */
#define WHAT_TIME_POS "a time > 0 (e.g. \"10 ms\")"
#define WHAT_TIME_NONNEG "a time >= 0 (e.g. \"2 ms\")"
#define WHAT_VOLTAGE "a voltage (e.g. \"-52 mV\")"
#define WHAT_CURRENT "a current (e.g. \"3 mA\")"
#define WHAT_CONDUCTANCE "a conductance (e.g. \"0.1 mS\")"
#define WHAT_RESISTANCE_POS "a resistance > 0 (e.g. \"1 ohm\")"
#define WHAT_CAPACITANCE_POS "a capacitance > 0 (e.g. \"250 pF\")"
#define WHAT_SCALE "a factor > 0 (e.g. 0.1)"
#define WHAT_BOOL "true or false"

/* ---- messages ------------------------------------------------------------------------------ */

static int fail(const parse_ctx *c, const config_setting_t *s, const char *key, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));

/* One-line error at setting s (or its nearest ancestor with a line): "file:line: key: what". */
static int fail(const parse_ctx *c, const config_setting_t *s, const char *key, const char *fmt,
                ...)
{
    char what[SNN_ERROR_MSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);

    const char *ov = snn_config_override_of(s);
    if (ov) /* the value came from the command line: name the override, not a file line */
        return snn_fail(c->err, SNN_ERR_CONFIG, "--set %s: %s", ov, what);
    const char *file = c->name;
    int line = 0;
    for (const config_setting_t *t = s; t; t = config_setting_parent(t)) {
        if (config_setting_source_line(t) > 0) {
            line = config_setting_source_line(t);
            if (config_setting_source_file(t))
                file = config_setting_source_file(t);
            break;
        }
    }
    const char *sep = (key && *key) ? ": " : "";
    if (!key)
        key = "";
    if (line > 0)
        return snn_fail(c->err, SNN_ERR_CONFIG, "%s:%d: %s%s%s", file, line, key, sep, what);
    return snn_fail(c->err, SNN_ERR_CONFIG, "%s: %s%s%s", file, key, sep, what);
}

/* Shortest "%g" rendering of x that reads back as the same double. */
static void fmt_double(double x, char *buf, size_t n)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

/* The value of a setting as the user wrote it, for "got ..." in messages. */
static void describe(const config_setting_t *s, char *buf, size_t n)
{
    if (!s) {
        snprintf(buf, n, "nothing");
        return;
    }
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_STRING: {
        const char *v = config_setting_get_string(s);
        size_t len = strlen(v);
        if (len > 60)
            snprintf(buf, n, "\"%.60s...\"", v);
        else
            snprintf(buf, n, "\"%s\"", v);
        break;
    }
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        snprintf(buf, n, "%lld", config_setting_get_int64(s));
        break;
    case CONFIG_TYPE_FLOAT:
        fmt_double(config_setting_get_float(s), buf, n);
        break;
    case CONFIG_TYPE_BOOL:
        snprintf(buf, n, "%s", config_setting_get_bool(s) ? "true" : "false");
        break;
    case CONFIG_TYPE_GROUP:
        snprintf(buf, n, "a group { ... }");
        break;
    case CONFIG_TYPE_ARRAY:
        snprintf(buf, n, "%s", config_setting_length(s) ? "an array [ ... ]" : "an empty array []");
        break;
    case CONFIG_TYPE_LIST:
        snprintf(buf, n, "%s", config_setting_length(s) ? "a list ( ... )" : "an empty list ()");
        break;
    default:
        snprintf(buf, n, "an unknown value");
        break;
    }
}

/* "expected <what>, got <value of f>". */
static int fail_got(const parse_ctx *c, const field *f, const char *what)
{
    char got[DESC_LEN];
    describe(f->s, got, sizeof got);
    return fail(c, f->s, f->key, "expected %s, got %s", what, got);
}

/* Appends src to dst (capacity n), truncating; dst stays terminated. */
static void append(char *dst, size_t n, const char *src)
{
    size_t len = strlen(dst);
    if (len + 1 >= n)
        return;
    size_t room = n - 1 - len;
    size_t add = strlen(src);
    if (add > room)
        add = room;
    memcpy(dst + len, src, add);
    dst[len + add] = '\0';
}

/* key = pkey "." name (or name alone at the top level). */
static void join_key(char *key, const char *pkey, const char *name)
{
    key[0] = '\0';
    if (pkey && *pkey) {
        append(key, KEY_LEN, pkey);
        append(key, KEY_LEN, ".");
    }
    append(key, KEY_LEN, name);
}

/* key = pkey "[" i "]". */
static void index_key(char *key, const char *pkey, int i)
{
    char idx[24];
    snprintf(idx, sizeof idx, "[%d]", i);
    key[0] = '\0';
    append(key, KEY_LEN, pkey);
    append(key, KEY_LEN, idx);
}

/* ---- keys ---------------------------------------------------------------------------------- */

/* Edit distance of two short strings, capped: for "did you mean" hints. */
static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    int prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int sub = prev[j - 1] +
                      (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, sizeof(int) * (lb + 1));
    }
    return prev[lb];
}

/* Errors on the first member of group g whose name is not in allowed (NULL-terminated). */
static int check_keys(const parse_ctx *c, const config_setting_t *g, const char *key,
                      const char *const *allowed)
{
    int n = config_setting_length(g);
    for (int i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(s);
        if (!name)
            continue;
        int ok = 0, best = 99;
        const char *guess = NULL;
        for (const char *const *a = allowed; *a; a++) {
            if (strcmp(name, *a) == 0) {
                ok = 1;
                break;
            }
            int d = edit_distance(name, *a);
            if (d < best) {
                best = d;
                guess = *a;
            }
        }
        if (ok)
            continue;
        char known[LIST_LEN] = "";
        for (const char *const *a = allowed; *a; a++) {
            if (a != allowed)
                append(known, sizeof known, ", ");
            append(known, sizeof known, *a);
        }
        if (guess && best <= 2)
            return fail(c, s, key, "unknown key \"%s\" (did you mean \"%s\"? known keys: %s)", name,
                        guess, known);
        return fail(c, s, key, "unknown key \"%s\" (known keys: %s)", name, known);
    }
    return SNN_OK;
}

/* Looks up member name of parent into f. A missing required key is an error at the parent. */
static int lookup(const parse_ctx *c, const config_setting_t *parent, const char *pkey,
                  const char *name, const char *what, int required, field *f)
{
    join_key(f->key, pkey, name);
    f->s = config_setting_get_member(parent, name);
    if (!f->s && required)
        return fail(c, parent, pkey, "missing required key \"%s\": expected %s", name, what);
    return SNN_OK;
}

/* ---- typed values -------------------------------------------------------------------------- */

/* A quantity: a string "value unit" or a bare number in the internal unit of dim. */
static int read_quantity(const parse_ctx *c, const field *f, snn_dim dim, const char *what,
                         double *out)
{
    int t = config_setting_type(f->s);
    double v;
    if (t == CONFIG_TYPE_STRING) {
        char why[SNN_ERROR_MSG_LEN / 2];
        if (snn_units_parse(c->units, config_setting_get_string(f->s), dim, &v, why, sizeof why))
            return fail(c, f->s, f->key, "%s", why);
    } else if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) {
        v = (double)config_setting_get_int64(f->s);
    } else if (t == CONFIG_TYPE_FLOAT) {
        v = config_setting_get_float(f->s);
        if (!isfinite(v))
            return fail_got(c, f, what);
    } else {
        char w[DESC_LEN];
        snprintf(w, sizeof w, "%s or a bare number in %s", what, snn_units_symbol(dim));
        return fail_got(c, f, w);
    }
    *out = v;
    return SNN_OK;
}

/* Member name as a quantity; *out keeps its default when an optional key is absent. */
static int quantity_member(const parse_ctx *c, const config_setting_t *parent, const char *pkey,
                           const char *name, snn_dim dim, const char *what, int required,
                           double *out, field *f)
{
    int rc = lookup(c, parent, pkey, name, what, required, f);
    if (rc || !f->s)
        return rc;
    return read_quantity(c, f, dim, what, out);
}

static int int_member(const parse_ctx *c, const config_setting_t *parent, const char *pkey,
                      const char *name, const char *what, int required, long long *out, field *f)
{
    int rc = lookup(c, parent, pkey, name, what, required, f);
    if (rc || !f->s)
        return rc;
    int t = config_setting_type(f->s);
    if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
        return fail_got(c, f, what);
    *out = config_setting_get_int64(f->s);
    return SNN_OK;
}

static int number_member(const parse_ctx *c, const config_setting_t *parent, const char *pkey,
                         const char *name, const char *what, int required, double *out, field *f)
{
    int rc = lookup(c, parent, pkey, name, what, required, f);
    if (rc || !f->s)
        return rc;
    int t = config_setting_type(f->s);
    if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)
        *out = (double)config_setting_get_int64(f->s);
    else if (t == CONFIG_TYPE_FLOAT && isfinite(config_setting_get_float(f->s)))
        *out = config_setting_get_float(f->s);
    else
        return fail_got(c, f, what);
    return SNN_OK;
}

static int string_member(const parse_ctx *c, const config_setting_t *parent, const char *pkey,
                         const char *name, const char *what, int required, const char **out,
                         field *f)
{
    int rc = lookup(c, parent, pkey, name, what, required, f);
    if (rc || !f->s)
        return rc;
    if (config_setting_type(f->s) != CONFIG_TYPE_STRING)
        return fail_got(c, f, what);
    *out = config_setting_get_string(f->s);
    return SNN_OK;
}

static int group_member(const parse_ctx *c, const config_setting_t *parent, const char *pkey,
                        const char *name, const char *what, int required, field *f)
{
    int rc = lookup(c, parent, pkey, name, what, required, f);
    if (rc || !f->s)
        return rc;
    if (config_setting_type(f->s) != CONFIG_TYPE_GROUP)
        return fail_got(c, f, what);
    return SNN_OK;
}

/* A string member that must be one of choices (NULL-terminated); *index is its position. */
static int choice_member(const parse_ctx *c, const config_setting_t *parent, const char *pkey,
                         const char *name, const char *const *choices, int required, int *index,
                         field *f)
{
    char what[LIST_LEN] = "";
    int n = 0;
    if (choices[0] && choices[1])
        append(what, sizeof what, "one of ");
    for (const char *const *ch = choices; *ch; ch++, n++) {
        if (n > 0)
            append(what, sizeof what, ", ");
        append(what, sizeof what, "\"");
        append(what, sizeof what, *ch);
        append(what, sizeof what, "\"");
    }
    if (n == 1)
        append(what, sizeof what, " (the only one so far)");
    const char *v = NULL;
    int rc = string_member(c, parent, pkey, name, what, required, &v, f);
    if (rc || !f->s)
        return rc;
    for (int i = 0; i < n; i++) {
        if (strcmp(v, choices[i]) == 0) {
            *index = i;
            return SNN_OK;
        }
    }
    return fail_got(c, f, what);
}

static int bool_member(const parse_ctx *c, const config_setting_t *parent, const char *pkey,
                       const char *name, int *out, field *f)
{
    int rc = lookup(c, parent, pkey, name, WHAT_BOOL, 0, f);
    if (rc || !f->s)
        return rc;
    if (config_setting_type(f->s) != CONFIG_TYPE_BOOL)
        return fail_got(c, f, WHAT_BOOL);
    *out = config_setting_get_bool(f->s) ? 1 : 0;
    return SNN_OK;
}

/* A quantity of any of n_dims dimensions (the first that fits). A bare number means the internal
 * unit of dims[0]. On failure the message is "expected <what>, got ..." with units.c's account of
 * what was found, so that `what` can name every accepted dimension and why. */
static int read_quantity_any(const parse_ctx *c, const field *f, const snn_dim *dims, int n_dims,
                             const char *what, double *out)
{
    if (config_setting_type(f->s) != CONFIG_TYPE_STRING)
        return read_quantity(c, f, dims[0], what, out);
    const char *text = config_setting_get_string(f->s);
    char why[SNN_ERROR_MSG_LEN / 2], first[SNN_ERROR_MSG_LEN / 2] = "";
    for (int d = 0; d < n_dims; d++) {
        double v;
        if (snn_units_parse(c->units, text, dims[d], &v, why, sizeof why) == 0) {
            *out = v;
            return SNN_OK;
        }
        if (d == 0)
            snprintf(first, sizeof first, "%s", why);
    }
    const char *got = strstr(first, ", got ");
    if (got)
        return fail(c, f->s, f->key, "expected %s%s", what, got);
    return fail(c, f->s, f->key, "%s", first);
}

/* ---- run ----------------------------------------------------------------------------------- */

static const char *const run_keys[] = {
    "dt",      "duration",     "seed",      "output_dir",       "scale",
    "scale_k", "stats_sample", "stats_bin", "checkpoint_every", NULL};

/* The summary's spike-count statistics (spike_stats.h): sample size and bin width. */
static int parse_run_stats(const parse_ctx *c, const config_setting_t *g, const char *gkey,
                           snn_run_params *r)
{
    static const char *const what_n = "an integer number of neurons in 1..1000 (e.g. 100)";
    field f;
    int rc;
    long long n = 100;
    if ((rc = int_member(c, g, gkey, "stats_sample", what_n, 0, &n, &f)))
        return rc;
    if (n < 1 || n > 1000)
        return fail_got(c, &f, what_n);
    r->stats_sample = (int)n;
    char what[DESC_LEN], dt_text[48];
    fmt_double(r->dt, dt_text, sizeof dt_text);
    snprintf(what, sizeof what, "a time >= dt = %s ms, a whole number of steps (e.g. \"10 ms\")",
             dt_text);
    r->stats_bin = 10.0;
    if ((rc = quantity_member(c, g, gkey, "stats_bin", SNN_DIM_TIME, what, 0, &r->stats_bin, &f)))
        return rc;
    double steps = nearbyint(r->stats_bin / r->dt);
    if (!f.s && steps < 1) /* the default, with dt > 10 ms: one step */
        r->stats_bin = r->dt;
    else if (!(steps >= 1) || fabs(r->stats_bin / r->dt - steps) > DELAY_TOL * steps)
        return fail_got(c, &f, what);
    return SNN_OK;
}

/* run.checkpoint_every: optional, a positive whole number of steps (see checkpoint.h). */
static int parse_checkpoint_every(const parse_ctx *c, const field *g, snn_run_params *r,
                                  const char *dt_text)
{
    const char *what = "a time > 0 that is a whole number of steps (e.g. \"100 ms\")";
    field f;
    double every = 0;
    int rc =
        quantity_member(c, g->s, g->key, "checkpoint_every", SNN_DIM_TIME, what, 0, &every, &f);
    if (rc || !f.s)
        return rc;
    if (!(every > 0))
        return fail_got(c, &f, what);
    double ratio = every / r->dt, steps = nearbyint(ratio);
    if (!(ratio < (double)MAX_STEPS) || steps < 1 || fabs(ratio - steps) > STEP_TOL * steps) {
        char got[DESC_LEN];
        describe(f.s, got, sizeof got);
        return fail(c, f.s, f.key,
                    "expected a whole number (>= 1) of steps of dt = %s ms, got %s (%.10g steps)",
                    dt_text, got, ratio);
    }
    r->checkpoint_every = (uint64_t)steps;
    return SNN_OK;
}

static int parse_run(const parse_ctx *c, const config_setting_t *root, snn_model *m)
{
    field g, f;
    int rc;
    if ((rc = group_member(c, root, "", "run", "a group run = { dt; duration; ... }", 1, &g)))
        return rc;
    if ((rc = check_keys(c, g.s, g.key, run_keys)))
        return rc;
    snn_run_params *r = &m->run;

    if ((rc = quantity_member(c, g.s, g.key, "dt", SNN_DIM_TIME,
                              "a time step > 0 (e.g. \"0.1 ms\")", 1, &r->dt, &f)))
        return rc;
    if (!(r->dt > 0))
        return fail_got(c, &f, "a time step > 0 (e.g. \"0.1 ms\")");
    char dt_text[48];
    fmt_double(r->dt, dt_text, sizeof dt_text);

    if ((rc = quantity_member(c, g.s, g.key, "duration", SNN_DIM_TIME, WHAT_TIME_POS, 1,
                              &r->duration, &f)))
        return rc;
    if (!(r->duration > 0))
        return fail_got(c, &f, WHAT_TIME_POS);
    double ratio = r->duration / r->dt;
    char what[DESC_LEN];
    if (!(ratio < (double)MAX_STEPS)) {
        snprintf(what, sizeof what, "at most 2^53 steps of dt = %s ms", dt_text);
        return fail_got(c, &f, what);
    }
    double steps = nearbyint(ratio);
    if (steps < 1) {
        snprintf(what, sizeof what, "a duration >= dt = %s ms", dt_text);
        return fail_got(c, &f, what);
    }
    if (fabs(ratio - steps) > STEP_TOL * steps) {
        char got[DESC_LEN];
        describe(f.s, got, sizeof got);
        return fail(c, f.s, f.key,
                    "expected a whole number of steps of dt = %s ms, got %s (%.10g steps)", dt_text,
                    got, ratio);
    }
    r->n_steps = (uint64_t)steps;
    if ((rc = parse_checkpoint_every(c, &g, r, dt_text)))
        return rc;

    long long seed = 0;
    if ((rc = int_member(c, g.s, g.key, "seed", "an integer seed in 0..4294967295", 0, &seed, &f)))
        return rc;
    if (seed < 0 || seed > 4294967295LL)
        return fail_got(c, &f, "an integer seed in 0..4294967295");
    r->seed = (uint32_t)seed;

    r->scale = 1.0;
    if ((rc = number_member(c, g.s, g.key, "scale", WHAT_SCALE, 0, &r->scale, &f)))
        return rc;
    if (!(r->scale > 0))
        return fail_got(c, &f, WHAT_SCALE);
    r->scale_k = 1.0;
    if ((rc = number_member(c, g.s, g.key, "scale_k", WHAT_SCALE, 0, &r->scale_k, &f)))
        return rc;
    if (!(r->scale_k > 0))
        return fail_got(c, &f, WHAT_SCALE);

    const char *dir = "out";
    if ((rc = string_member(c, g.s, g.key, "output_dir", "a directory name (e.g. \"out\")", 0, &dir,
                            &f)))
        return rc;
    if (!dir[0] || strlen(dir) >= SNN_PATH_LEN)
        return fail_got(c, &f, "a non-empty directory name shorter than 4096 characters");
    snprintf(r->output_dir, sizeof r->output_dir, "%s", dir);
    return parse_run_stats(c, g.s, g.key, r);
}

/* ---- populations --------------------------------------------------------------------------- */

static const char *const pop_keys[] = {"name", "size", "model", "params", "V_init", "I_ext", NULL};
static const char *const lif_keys[] = {"V_rest", "V_th",    "V_reset", "tau",
                                       "R",      "tau_ref", "reset",   NULL};
static const char *const iaf_keys[] = {"C_m", "tau_m", "E_L", "V_th", "V_reset", "t_ref", NULL};
static const char *const model_choices[] = {"lif", "iaf_psc_exp", NULL};
static const char *const reset_choices[] = {"soft", "hard", NULL};
static const char *const dist_choices[] = {"constant", "normal", "uniform", NULL};
static const char *const dist_constant_keys[] = {"dist", "value", NULL};
static const char *const dist_normal_keys[] = {"dist", "mean", "std", NULL};
static const char *const dist_uniform_keys[] = {"dist", "low", "high", NULL};

static int valid_pop_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= SNN_NAME_LEN)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return 0;
    return 1;
}

static int parse_lif(const parse_ctx *c, const config_setting_t *pop, const char *pkey,
                     snn_lif_params *p)
{
    field g, f;
    int rc;
    if ((rc = group_member(c, pop, pkey, "params",
                           "a group params = { V_rest; V_th; V_reset; tau; ... }", 1, &g)))
        return rc;
    if ((rc = check_keys(c, g.s, g.key, lif_keys)))
        return rc;
    if ((rc = quantity_member(c, g.s, g.key, "V_rest", SNN_DIM_VOLTAGE, WHAT_VOLTAGE, 1, &p->V_rest,
                              &f)) ||
        (rc = quantity_member(c, g.s, g.key, "V_th", SNN_DIM_VOLTAGE, WHAT_VOLTAGE, 1, &p->V_th,
                              &f)) ||
        (rc = quantity_member(c, g.s, g.key, "V_reset", SNN_DIM_VOLTAGE, WHAT_VOLTAGE, 1,
                              &p->V_reset, &f)))
        return rc;
    if ((rc = quantity_member(c, g.s, g.key, "tau", SNN_DIM_TIME, WHAT_TIME_POS, 1, &p->tau, &f)))
        return rc;
    if (!(p->tau > 0))
        return fail_got(c, &f, WHAT_TIME_POS);
    p->R = 1.0;
    if ((rc = quantity_member(c, g.s, g.key, "R", SNN_DIM_RESISTANCE, WHAT_RESISTANCE_POS, 0, &p->R,
                              &f)))
        return rc;
    if (!(p->R > 0))
        return fail_got(c, &f, WHAT_RESISTANCE_POS);
    p->tau_ref = 0.0;
    if ((rc = quantity_member(c, g.s, g.key, "tau_ref", SNN_DIM_TIME, WHAT_TIME_NONNEG, 0,
                              &p->tau_ref, &f)))
        return rc;
    if (!(p->tau_ref >= 0))
        return fail_got(c, &f, WHAT_TIME_NONNEG);
    int reset = SNN_RESET_SOFT;
    if ((rc = choice_member(c, g.s, g.key, "reset", reset_choices, 0, &reset, &f)))
        return rc;
    p->reset = reset == 0 ? SNN_RESET_SOFT : SNN_RESET_HARD;
    return SNN_OK;
}

/* Model "iaf_psc_exp": every parameter optional, with NEST's defaults; params itself optional. */
static int parse_iaf(const parse_ctx *c, const config_setting_t *pop, const char *pkey,
                     snn_iaf_params *p)
{
    field g, f, fth, freset;
    int rc;
    p->C_m = 250.0;
    p->tau_m = 10.0;
    p->E_L = -70.0;
    p->V_th = -55.0;
    p->V_reset = -70.0;
    p->t_ref = 2.0;
    if ((rc = group_member(c, pop, pkey, "params",
                           "a group params = { C_m; tau_m; E_L; V_th; V_reset; t_ref; }", 0, &g)) ||
        !g.s)
        return rc;
    if ((rc = check_keys(c, g.s, g.key, iaf_keys)))
        return rc;
    if ((rc = quantity_member(c, g.s, g.key, "C_m", SNN_DIM_CAPACITANCE, WHAT_CAPACITANCE_POS, 0,
                              &p->C_m, &f)))
        return rc;
    if (!(p->C_m > 0))
        return fail_got(c, &f, WHAT_CAPACITANCE_POS);
    if ((rc = quantity_member(c, g.s, g.key, "tau_m", SNN_DIM_TIME, WHAT_TIME_POS, 0, &p->tau_m,
                              &f)))
        return rc;
    if (!(p->tau_m > 0))
        return fail_got(c, &f, WHAT_TIME_POS);
    if ((rc = quantity_member(c, g.s, g.key, "E_L", SNN_DIM_VOLTAGE, WHAT_VOLTAGE, 0, &p->E_L,
                              &f)) ||
        (rc = quantity_member(c, g.s, g.key, "V_th", SNN_DIM_VOLTAGE, WHAT_VOLTAGE, 0, &p->V_th,
                              &fth)) ||
        (rc = quantity_member(c, g.s, g.key, "V_reset", SNN_DIM_VOLTAGE, WHAT_VOLTAGE, 0,
                              &p->V_reset, &freset)))
        return rc;
    if (!(p->V_reset < p->V_th)) {
        /* NEST rejects V_reset >= V_th; blame whichever of the two was written. */
        char what[DESC_LEN], other[48];
        if (freset.s) {
            fmt_double(p->V_th, other, sizeof other);
            snprintf(what, sizeof what,
                     "a reset potential < V_th = %s mV (NEST requires V_reset < "
                     "V_th)",
                     other);
            return fail_got(c, &freset, what);
        }
        fmt_double(p->V_reset, other, sizeof other);
        snprintf(what, sizeof what, "a threshold > V_reset = %s mV (NEST requires V_reset < V_th)",
                 other);
        return fail_got(c, &fth, what);
    }
    if ((rc = quantity_member(c, g.s, g.key, "t_ref", SNN_DIM_TIME, WHAT_TIME_NONNEG, 0, &p->t_ref,
                              &f)))
        return rc;
    if (!(p->t_ref >= 0))
        return fail_got(c, &f, WHAT_TIME_NONNEG);
    return SNN_OK;
}

static int parse_v_init(const parse_ctx *c, const config_setting_t *pop, const char *pkey,
                        double V_default, snn_init_dist *d)
{
    static const char *const what = "a voltage (e.g. \"-60 mV\") or a group { dist = \"normal\"; "
                                    "mean; std; }";
    field g, f;
    int rc;
    d->kind = SNN_INIT_CONSTANT;
    d->a = V_default;
    d->b = 0;
    if ((rc = lookup(c, pop, pkey, "V_init", what, 0, &g)) || !g.s)
        return rc;
    if (config_setting_type(g.s) != CONFIG_TYPE_GROUP)
        return read_quantity(c, &g, SNN_DIM_VOLTAGE, what, &d->a);

    int kind = 0;
    if ((rc = choice_member(c, g.s, g.key, "dist", dist_choices, 1, &kind, &f)))
        return rc;
    const char *const *keys = kind == 0   ? dist_constant_keys
                              : kind == 1 ? dist_normal_keys
                                          : dist_uniform_keys;
    if ((rc = check_keys(c, g.s, g.key, keys)))
        return rc;
    if (kind == 0) {
        d->kind = SNN_INIT_CONSTANT;
        return quantity_member(c, g.s, g.key, "value", SNN_DIM_VOLTAGE, WHAT_VOLTAGE, 1, &d->a, &f);
    }
    if (kind == 1) {
        d->kind = SNN_INIT_NORMAL;
        if ((rc = quantity_member(c, g.s, g.key, "mean", SNN_DIM_VOLTAGE, WHAT_VOLTAGE, 1, &d->a,
                                  &f)) ||
            (rc = quantity_member(c, g.s, g.key, "std", SNN_DIM_VOLTAGE,
                                  "a voltage >= 0 (e.g. \"10 mV\")", 1, &d->b, &f)))
            return rc;
        if (!(d->b >= 0))
            return fail_got(c, &f, "a voltage >= 0 (e.g. \"10 mV\")");
        return SNN_OK;
    }
    d->kind = SNN_INIT_UNIFORM;
    if ((rc = quantity_member(c, g.s, g.key, "low", SNN_DIM_VOLTAGE, WHAT_VOLTAGE, 1, &d->a, &f)))
        return rc;
    if ((rc = quantity_member(c, g.s, g.key, "high", SNN_DIM_VOLTAGE, "a voltage > low", 1, &d->b,
                              &f)))
        return rc;
    if (!(d->b > d->a)) {
        char what_hi[DESC_LEN], lo[48];
        fmt_double(d->a, lo, sizeof lo);
        snprintf(what_hi, sizeof what_hi, "a voltage > low = %s mV", lo);
        return fail_got(c, &f, what_hi);
    }
    return SNN_OK;
}

static int parse_population(const parse_ctx *c, const config_setting_t *pop, const char *pkey,
                            snn_model *m, int i, uint64_t *total)
{
    snn_population *p = &m->pops[i];
    field f;
    int rc;
    p->line = config_setting_source_line(pop);
    if ((rc = check_keys(c, pop, pkey, pop_keys)))
        return rc;

    const char *name = NULL;
    static const char *const what_name =
        "a population name of 1 to 63 letters, digits or '_' (e.g. \"E\")";
    if ((rc = string_member(c, pop, pkey, "name", what_name, 1, &name, &f)))
        return rc;
    if (!valid_pop_name(name))
        return fail_got(c, &f, what_name);
    snprintf(p->name, sizeof p->name, "%s", name);

    long long size = 0;
    if ((rc = int_member(c, pop, pkey, "size", "an integer size > 0 (e.g. 400)", 1, &size, &f)))
        return rc;
    if (size <= 0)
        return fail_got(c, &f, "an integer size > 0 (e.g. 400)");
    double scale = m->run.scale;
    if (scale == 1.0) {
        if ((uint64_t)size >= MAX_NEURONS - *total)
            return fail(c, f.s, f.key,
                        "expected fewer than 2^32 = 4294967296 neurons in all (global ids are "
                        "32-bit), got %llu with this population's %lld",
                        (unsigned long long)(*total + (uint64_t)size), size);
        p->size = (uint64_t)size;
    } else {
        /* max(1, llround(size * scale)), checked in double before any conversion. */
        double x = round((double)size * scale);
        if (x < 1)
            x = 1;
        if (!(x < (double)(MAX_NEURONS - *total))) {
            char sc[48];
            fmt_double(scale, sc, sizeof sc);
            return fail(c, f.s, f.key,
                        "expected fewer than 2^32 = 4294967296 neurons in all (global ids are "
                        "32-bit), got %.17g with this population's %lld x run.scale %s = %.17g",
                        (double)*total + x, size, sc, x);
        }
        p->size = (uint64_t)x;
    }
    p->offset = *total;
    *total += p->size;

    int model = 0;
    if ((rc = choice_member(c, pop, pkey, "model", model_choices, 0, &model, &f)))
        return rc;
    double V_default;
    if (model == 0) {
        p->model = SNN_NEURON_LIF;
        if ((rc = parse_lif(c, pop, pkey, &p->lif)))
            return rc;
        V_default = p->lif.V_rest;
    } else {
        p->model = SNN_NEURON_IAF_PSC_EXP;
        if ((rc = parse_iaf(c, pop, pkey, &p->iaf)))
            return rc;
        V_default = p->iaf.E_L;
    }
    if ((rc = parse_v_init(c, pop, pkey, V_default, &p->V_init)))
        return rc;
    p->I_ext = 0.0;
    return quantity_member(c, pop, pkey, "I_ext", SNN_DIM_CURRENT, WHAT_CURRENT, 0, &p->I_ext, &f);
}

static int cmp_pop_name(const void *a, const void *b)
{
    const pop_name *x = a, *y = b;
    int d = strcmp(x->name, y->name);
    return d ? d : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Sorts the population names (n log n, so 10^6 populations parse in seconds) and refuses a name
 * defined twice, naming the second definition and the line of the first. */
static int index_names(const parse_ctx *c, const config_setting_t *list, const snn_model *m,
                       pop_name **out)
{
    pop_name *v = malloc((size_t)m->n_pops * sizeof *v);
    if (!v)
        return snn_fail(c->err, SNN_ERR_NOMEM, "%s: out of memory for %d population names", c->name,
                        m->n_pops);
    for (int i = 0; i < m->n_pops; i++)
        v[i] = (pop_name){m->pops[i].name, i};
    qsort(v, (size_t)m->n_pops, sizeof *v, cmp_pop_name);
    for (int k = 1; k < m->n_pops; k++)
        if (strcmp(v[k - 1].name, v[k].name) == 0) {
            int first = v[k - 1].idx, again = v[k].idx;
            field f;
            char pkey[KEY_LEN];
            index_key(pkey, "populations", again);
            f.s = config_setting_get_member(config_setting_get_elem(list, (unsigned)again), "name");
            f.key[0] = '\0';
            append(f.key, sizeof f.key, pkey);
            append(f.key, sizeof f.key, ".name");
            free(v);
            return fail(c, f.s, f.key,
                        "expected a unique population name, got \"%s\" again (first defined at "
                        "line %d)",
                        m->pops[again].name, m->pops[first].line);
        }
    *out = v;
    return SNN_OK;
}

static int parse_populations(const parse_ctx *c, const config_setting_t *root, snn_model *m,
                             pop_name **by_name)
{
    static const char *const what = "a list ( { name = ...; size = ...; params = {...}; }, ... )";
    field l;
    int rc;
    if ((rc = lookup(c, root, "", "populations", what, 1, &l)))
        return rc;
    if (config_setting_type(l.s) != CONFIG_TYPE_LIST)
        return fail_got(c, &l, what);
    int n = config_setting_length(l.s);
    if (n == 0)
        return fail_got(c, &l, "at least one population");
    m->pops = calloc((size_t)n, sizeof *m->pops);
    if (!m->pops)
        return snn_fail(c->err, SNN_ERR_NOMEM, "%s: out of memory for %d populations", c->name, n);
    m->n_pops = n;
    uint64_t total = 0;
    for (int i = 0; i < n; i++) {
        field e;
        e.s = config_setting_get_elem(l.s, (unsigned)i);
        index_key(e.key, "populations", i);
        if (config_setting_type(e.s) != CONFIG_TYPE_GROUP)
            return fail_got(c, &e, "a group { name = ...; size = ...; params = {...}; }");
        if ((rc = parse_population(c, e.s, e.key, m, i, &total)))
            return rc;
    }
    m->n_neurons = total;
    return index_names(c, l.s, m, by_name);
}

/* ---- projections --------------------------------------------------------------------------- */

static const char *const proj_keys[] = {"name",    "pre",    "post",  "rule", "weight",
                                        "synapse", "output", "delay", NULL};
/* In the order of snn_conn_rule. */
static const char *const rule_choices[] = {"fixed_outdegree",    "fixed_prob", "fixed_indegree",
                                           "fixed_total_number", "all_to_all", "one_to_one",
                                           "from_file",          NULL};
static const char *const rule_n_keys[] = {"type", "prob", "n", "autapses", "multapses", NULL};
static const char *const rule_prob_keys[] = {"type", "prob", "autapses", "multapses", NULL};
static const char *const rule_plain_keys[] = {"type", "autapses", "multapses", NULL};
static const char *const rule_file_keys[] = {"type", "file", "population", NULL};
/* In the order of snn_synapse_kind. */
static const char *const synapse_choices[] = {"expon", "alpha", "dual_expon", "delta", NULL};
static const char *const synapse_tau_keys[] = {"type", "tau", NULL};
static const char *const synapse_dual_keys[] = {"type", "tau_rise", "tau_decay", NULL};
static const char *const synapse_delta_keys[] = {"type", NULL};
static const char *const output_choices[] = {"cuba", "coba", NULL};
static const char *const output_cuba_keys[] = {"type", NULL};
static const char *const output_coba_keys[] = {"type", "E", NULL};
static const char *const weight_keys[] = {"mean", "std", "rel_std", NULL};
static const char *const delay_keys[] = {"mean", "std", "rel_std", "max", NULL};

static int cmp_name_key(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const pop_name *)elem)->name);
}

static int find_pop(const parse_ctx *c, const char *name)
{
    const pop_name *hit =
        bsearch(name, c->by_name, (size_t)c->n_by_name, sizeof *c->by_name, cmp_name_key);
    return hit ? hit->idx : -1;
}

/* One name of a pre/post list: resolved to a population index. */
static int resolve_pop(const parse_ctx *c, const snn_model *m, const field *f, int *idx)
{
    if (config_setting_type(f->s) != CONFIG_TYPE_STRING)
        return fail_got(c, f, "a population name (e.g. \"E\")");
    const char *name = config_setting_get_string(f->s);
    *idx = find_pop(c, name);
    if (*idx >= 0)
        return SNN_OK;
    char known[LIST_LEN] = "";
    for (int i = 0; i < m->n_pops; i++) {
        if (i)
            append(known, sizeof known, ", ");
        append(known, sizeof known, m->pops[i].name);
    }
    return fail(c, f->s, f->key, "unknown population \"%.*s\" (known: %s)", 60, name, known);
}

/* pre or post: one population name or an array/list of them, one index space in listed order.
 * label gets the names joined by '+', for the default projection name. */
static int parse_pop_list(const parse_ctx *c, const snn_model *m, const config_setting_t *proj,
                          const char *pkey, const char *name, int **idx, int *n, uint64_t *size,
                          char *label, size_t label_len)
{
    static const char *const what = "a population name or a list of names (e.g. \"E\" or "
                                    "[\"E\", \"I\"])";
    field f;
    int rc;
    if ((rc = lookup(c, proj, pkey, name, what, 1, &f)))
        return rc;
    int t = config_setting_type(f.s);
    int count;
    if (t == CONFIG_TYPE_STRING)
        count = 1;
    else if (t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST)
        count = config_setting_length(f.s);
    else
        return fail_got(c, &f, what);
    if (count == 0)
        return fail_got(c, &f, "at least one population name");
    *idx = malloc(sizeof **idx * (size_t)count);
    if (!*idx)
        return snn_fail(c->err, SNN_ERR_NOMEM, "%s: out of memory", c->name);
    *n = count;
    *size = 0;
    label[0] = '\0';
    for (int i = 0; i < count; i++) {
        field e;
        if (t == CONFIG_TYPE_STRING) {
            e = f;
        } else {
            e.s = config_setting_get_elem(f.s, (unsigned)i);
            index_key(e.key, f.key, i);
        }
        if ((rc = resolve_pop(c, m, &e, &(*idx)[i])))
            return rc;
        for (int j = 0; j < i; j++)
            if ((*idx)[j] == (*idx)[i])
                return fail(c, e.s, e.key,
                            "expected each population at most once, got \"%s\" a second time",
                            m->pops[(*idx)[i]].name);
        *size += m->pops[(*idx)[i]].size;
        if (i)
            append(label, label_len, "+");
        append(label, label_len, m->pops[(*idx)[i]].name);
    }
    return SNN_OK;
}

/* n * factor rounded to the nearest integer (llround); factor 1 keeps n exactly. UINT64_MAX when
 * the result would not fit in 63 bits (it is then far beyond every synapse limit). */
static uint64_t scaled_count(long long n, double factor)
{
    if (factor == 1.0)
        return (uint64_t)n;
    double x = (double)n * factor;
    if (!(x < 9.0e18))
        return UINT64_MAX;
    return (uint64_t)llround(x);
}

/* The synapse count a x b of one projection (a `per` per neuron of b `neurons`) must fit the
 * 40-bit synapse ids. */
static int check_count(const parse_ctx *c, const field *g, uint64_t a, uint64_t b, const char *per,
                       const char *neurons)
{
    if (b && a > UINT64_MAX / b)
        return fail(c, g->s, g->key,
                    "expected at most 2^40 = 1099511627776 synapses per projection, got %llu "
                    "%s x %llu %s, which overflows a 64-bit count",
                    (unsigned long long)a, per, (unsigned long long)b, neurons);
    if (a * b > MAX_SYNAPSES)
        return fail(c, g->s, g->key,
                    "expected at most 2^40 = 1099511627776 synapses per projection (synapse ids "
                    "are 40-bit), got %llu %s x %llu %s = %llu",
                    (unsigned long long)a, per, (unsigned long long)b, neurons,
                    (unsigned long long)(a * b));
    return SNN_OK;
}

/* Without multapses a rule cannot draw more distinct partners than there are. */
static int check_multapses(const parse_ctx *c, const field *g, int multapses, uint64_t count,
                           uint64_t limit, const char *what)
{
    if (multapses || count <= limit)
        return SNN_OK;
    return fail(c, g->s, g->key,
                "expected %s of at most %llu with multapses = false (each pair at most once), "
                "got %llu",
                what, (unsigned long long)limit, (unsigned long long)count);
}

/* fixed_outdegree, fixed_indegree, fixed_total_number: exactly one of prob and n. */
static int prob_or_n(const parse_ctx *c, const field *g, const char *n_what, field *fp, field *fn)
{
    join_key(fp->key, g->key, "prob");
    fp->s = config_setting_get_member(g->s, "prob");
    join_key(fn->key, g->key, "n");
    fn->s = config_setting_get_member(g->s, "n");
    if (fp->s && fn->s)
        return fail(c, g->s, g->key,
                    "expected exactly one of \"prob\" or \"n\", got both (prob at line %d, n at "
                    "line %d)",
                    config_setting_source_line(fp->s), config_setting_source_line(fn->s));
    if (!fp->s && !fn->s)
        return fail(c, g->s, g->key,
                    "missing required key \"prob\" or \"n\": expected a probability in [0, 1] or "
                    "%s",
                    n_what);
    return SNN_OK;
}

/* from_file: { type = "from_file"; file = "net/edges.h5"; population = "E->E"; }. The file and
 * its contents are checked later, by every rank together (snn_edges_prepare). */
static int parse_rule_file(const parse_ctx *c, const field *g, snn_projection *p)
{
    static const char *const what_file = "the path of a SONATA edge file (e.g. \"net/edges.h5\")";
    static const char *const what_pop =
        "the name of an edge population in the file (e.g. \"E->E\")";
    field f;
    const char *file = NULL, *pop = NULL;
    int rc;
    if ((rc = string_member(c, g->s, g->key, "file", what_file, 1, &file, &f)))
        return rc;
    if (!*file)
        return fail_got(c, &f, what_file);
    const char *dir = file[0] == '/' || !c->dir || !strcmp(c->dir, ".") ? "" : c->dir;
    size_t len = strlen(dir) + 1 + strlen(file) + 1;
    if (len > SNN_PATH_LEN)
        return fail_got(c, &f, "a path shorter than 4096 characters");
    if ((rc = string_member(c, g->s, g->key, "population", what_pop, 1, &pop, &f)))
        return rc;
    if (!*pop)
        return fail_got(c, &f, what_pop);
    p->file = malloc(len);
    p->file_population = malloc(strlen(pop) + 1);
    if (!p->file || !p->file_population)
        return snn_fail(c->err, SNN_ERR_NOMEM, "%s: out of memory", c->name);
    snprintf(p->file, len, "%s%s%s", dir, *dir ? "/" : "", file);
    memcpy(p->file_population, pop, strlen(pop) + 1);
    if (p->n_pre != 1 || p->n_post != 1)
        return fail(c, g->s, g->key,
                    "expected one pre and one post population with rule \"from_file\" (an edge "
                    "population joins one source and one target node population), got %d pre and "
                    "%d post populations",
                    p->n_pre, p->n_post);
    return SNN_OK;
}

static int parse_rule(const parse_ctx *c, const config_setting_t *proj, const char *pkey,
                      const snn_run_params *run, snn_projection *p)
{
    static const char *const what_prob = "a probability in [0, 1] (e.g. 0.1)";
    field g, f, fp, fn;
    int rc, type = 0;
    if ((rc = group_member(c, proj, pkey, "rule",
                           "a group rule = { type = \"fixed_outdegree\"; prob = 0.1; }", 1, &g)) ||
        (rc = choice_member(c, g.s, g.key, "type", rule_choices, 1, &type, &f)))
        return rc;
    p->rule = (snn_conn_rule)type;
    const char *const *keys = rule_plain_keys;
    if (p->rule == SNN_RULE_FIXED_OUTDEGREE || p->rule == SNN_RULE_FIXED_INDEGREE ||
        p->rule == SNN_RULE_FIXED_TOTAL_NUMBER)
        keys = rule_n_keys;
    else if (p->rule == SNN_RULE_FIXED_PROB)
        keys = rule_prob_keys;
    else if (p->rule == SNN_RULE_FROM_FILE)
        keys = rule_file_keys;
    if ((rc = check_keys(c, g.s, g.key, keys)))
        return rc;
    p->rule_line = config_setting_source_line(g.s);
    if (p->rule == SNN_RULE_FROM_FILE)
        return parse_rule_file(c, &g, p);
    p->autapses = 1;
    p->multapses = 1;
    if ((rc = bool_member(c, g.s, g.key, "autapses", &p->autapses, &f)) ||
        (rc = bool_member(c, g.s, g.key, "multapses", &p->multapses, &f)))
        return rc;
    p->prob = -1;
    p->outdegree = p->indegree = p->total_number = 0;
    double prob = 0;
    long long n = 0;

    switch (p->rule) {
    case SNN_RULE_FIXED_OUTDEGREE: {
        static const char *const what = "an integer number of targets >= 0 (e.g. 50)";
        if ((rc = prob_or_n(c, &g, what, &fp, &fn)))
            return rc;
        if (fp.s) {
            if ((rc = number_member(c, g.s, g.key, "prob", what_prob, 1, &prob, &fp)))
                return rc;
            if (!(prob >= 0 && prob <= 1))
                return fail_got(c, &fp, what_prob);
            p->prob = prob;
            /* As the reference: int(conn_num * out_size), in double. */
            p->outdegree = (uint64_t)(prob * (double)p->post_size);
        } else {
            if ((rc = int_member(c, g.s, g.key, "n", what, 1, &n, &fn)))
                return rc;
            if (n < 0)
                return fail_got(c, &fn, what);
            p->outdegree = scaled_count(n, run->scale_k);
        }
        if ((rc = check_count(c, &g, p->outdegree, p->pre_size, "targets", "pre neurons")))
            return rc;
        return check_multapses(c, &g, p->multapses, p->outdegree, p->post_size,
                               "an out-degree (the post size)");
    }
    case SNN_RULE_FIXED_INDEGREE: {
        static const char *const what = "an integer number of sources >= 0 (e.g. 100)";
        if ((rc = prob_or_n(c, &g, what, &fp, &fn)))
            return rc;
        if (fp.s) {
            if ((rc = number_member(c, g.s, g.key, "prob", what_prob, 1, &prob, &fp)))
                return rc;
            if (!(prob >= 0 && prob <= 1))
                return fail_got(c, &fp, what_prob);
            p->indegree = (uint64_t)(prob * (double)p->pre_size);
        } else {
            if ((rc = int_member(c, g.s, g.key, "n", what, 1, &n, &fn)))
                return rc;
            if (n < 0)
                return fail_got(c, &fn, what);
            p->indegree = scaled_count(n, run->scale_k);
        }
        if ((rc = check_count(c, &g, p->indegree, p->post_size, "sources", "post neurons")))
            return rc;
        return check_multapses(c, &g, p->multapses, p->indegree, p->pre_size,
                               "an in-degree (the pre size)");
    }
    case SNN_RULE_FIXED_TOTAL_NUMBER: {
        static const char *const what = "an integer number of synapses >= 0 (e.g. 1000)";
        static const char *const what_p = "a probability in [0, 1) (e.g. 0.1; p = 1 would need "
                                          "infinitely many synapses)";
        if ((rc = prob_or_n(c, &g, what, &fp, &fn)))
            return rc;
        if (fp.s) {
            if ((rc = number_member(c, g.s, g.key, "prob", what_p, 1, &prob, &fp)))
                return rc;
            if (!(prob >= 0 && prob < 1))
                return fail_got(c, &fp, what_p);
            /* Potjans & Diesmann (2014): K = ln(1 - p) / ln(1 - 1 / (N_pre N_post)), with log1p
             * for accuracy (1 / (N_pre N_post) is tiny), from the scaled sizes, times scale_k. */
            double pairs = (double)p->pre_size * (double)p->post_size;
            double K = pairs > 1 ? log1p(-prob) / log1p(-1.0 / pairs) : 0.0;
            double x = K * run->scale_k;
            p->total_number = x < 9.0e18 ? (uint64_t)llround(x) : UINT64_MAX;
        } else {
            if ((rc = int_member(c, g.s, g.key, "n", what, 1, &n, &fn)))
                return rc;
            if (n < 0)
                return fail_got(c, &fn, what);
            p->total_number = scaled_count(n, run->scale * run->scale_k);
        }
        if (p->total_number > MAX_SYNAPSES)
            return fail(c, g.s, g.key,
                        "expected at most 2^40 = 1099511627776 synapses per projection (synapse "
                        "ids are 40-bit), got a total number of %llu",
                        (unsigned long long)p->total_number);
        return check_multapses(c, &g, p->multapses, p->total_number, p->pre_size * p->post_size,
                               "a total number (pre size x post size)");
    }
    case SNN_RULE_FIXED_PROB: {
        if ((rc = number_member(c, g.s, g.key, "prob", what_prob, 1, &prob, &fp)))
            return rc;
        if (!(prob >= 0 && prob <= 1))
            return fail_got(c, &fp, what_prob);
        p->prob = prob;
        double expected = prob * (double)p->pre_size * (double)p->post_size;
        if (expected > (double)MAX_SYNAPSES) {
            char pt[48];
            fmt_double(prob, pt, sizeof pt);
            return fail(c, g.s, g.key,
                        "expected at most 2^40 = 1099511627776 synapses per projection (synapse "
                        "ids are 40-bit), got an expected %.6g = prob %s x %llu pre x %llu post "
                        "neurons",
                        expected, pt, (unsigned long long)p->pre_size,
                        (unsigned long long)p->post_size);
        }
        return SNN_OK;
    }
    case SNN_RULE_ALL_TO_ALL:
        return check_count(c, &g, p->pre_size, p->post_size, "pre neurons", "post neurons");
    case SNN_RULE_FROM_FILE:
        return SNN_OK;
    case SNN_RULE_ONE_TO_ONE:
        if (p->pre_size != p->post_size)
            return fail(c, g.s, g.key,
                        "expected pre and post of the same size for \"one_to_one\", got %llu pre "
                        "and %llu post neurons",
                        (unsigned long long)p->pre_size, (unsigned long long)p->post_size);
        return SNN_OK;
    }
    return fail(c, g.s, g.key, "internal error: rule %d", type);
}

/* Synapse dynamics and output, shared by projections and Poisson inputs. */
typedef struct {
    snn_synapse_kind synapse;
    double tau, tau_rise;
    snn_output_kind output;
    double E;
} syn_spec;

static int parse_synapse(const parse_ctx *c, const config_setting_t *parent, const char *pkey,
                         syn_spec *sp)
{
    field g, f, fr;
    int rc, type = 0;
    if ((rc = group_member(c, parent, pkey, "synapse",
                           "a group synapse = { type = \"expon\"; tau = \"2 ms\"; }", 1, &g)) ||
        (rc = choice_member(c, g.s, g.key, "type", synapse_choices, 1, &type, &f)))
        return rc;
    sp->synapse = (snn_synapse_kind)type;
    sp->tau = 0;
    sp->tau_rise = 0;
    switch (sp->synapse) {
    case SNN_SYN_EXPON:
    case SNN_SYN_ALPHA:
        if ((rc = check_keys(c, g.s, g.key, synapse_tau_keys)) ||
            (rc = quantity_member(c, g.s, g.key, "tau", SNN_DIM_TIME, WHAT_TIME_POS, 1, &sp->tau,
                                  &f)))
            return rc;
        if (!(sp->tau > 0))
            return fail_got(c, &f, WHAT_TIME_POS);
        return SNN_OK;
    case SNN_SYN_DUAL_EXPON: {
        if ((rc = check_keys(c, g.s, g.key, synapse_dual_keys)) ||
            (rc = quantity_member(c, g.s, g.key, "tau_rise", SNN_DIM_TIME, WHAT_TIME_POS, 1,
                                  &sp->tau_rise, &fr)))
            return rc;
        if (!(sp->tau_rise > 0))
            return fail_got(c, &fr, WHAT_TIME_POS);
        char what[DESC_LEN], rise[48];
        fmt_double(sp->tau_rise, rise, sizeof rise);
        snprintf(what, sizeof what, "a time > tau_rise = %s ms", rise);
        if ((rc = quantity_member(c, g.s, g.key, "tau_decay", SNN_DIM_TIME, what, 1, &sp->tau, &f)))
            return rc;
        if (!(sp->tau > sp->tau_rise))
            return fail_got(c, &f, what);
        return SNN_OK;
    }
    case SNN_SYN_DELTA:
        return check_keys(c, g.s, g.key, synapse_delta_keys);
    }
    return fail(c, g.s, g.key, "internal error: synapse %d", type);
}

/* output: required, except with a delta synapse, where it may be absent or "cuba". */
static int parse_output(const parse_ctx *c, const config_setting_t *parent, const char *pkey,
                        syn_spec *sp)
{
    field g, f;
    int rc, type = 0;
    int delta = sp->synapse == SNN_SYN_DELTA;
    sp->output = SNN_OUTPUT_CUBA;
    sp->E = 0.0;
    if ((rc = group_member(c, parent, pkey, "output",
                           "a group output = { type = \"cuba\"; } or { type = \"coba\"; E = "
                           "\"0 mV\"; }",
                           !delta, &g)) ||
        !g.s)
        return rc;
    if ((rc = choice_member(c, g.s, g.key, "type", output_choices, 1, &type, &f)))
        return rc;
    if (type == 1 && delta)
        return fail_got(c, &f,
                        "\"cuba\" or no output group with synapse type \"delta\" (its weight "
                        "is a jump in V)");
    if ((rc = check_keys(c, g.s, g.key, type == 0 ? output_cuba_keys : output_coba_keys)))
        return rc;
    if (type == 0)
        return SNN_OK;
    sp->output = SNN_OUTPUT_COBA;
    return quantity_member(c, g.s, g.key, "E", SNN_DIM_VOLTAGE,
                           "a reversal potential (e.g. \"0 mV\")", 1, &sp->E, &f);
}

/* weight: a quantity, or (allow_dist) a group { mean; std or rel_std; }. Its dimension follows the
 * synapse and output: delta a voltage, coba a conductance, cuba a conductance (times 1 V) or a
 * current; both cuba forms give the same number in mA. */
static int parse_weight(const parse_ctx *c, const config_setting_t *parent, const char *pkey,
                        const syn_spec *sp, int allow_dist, double *w, double *w_std)
{
    static const snn_dim dims_delta[] = {SNN_DIM_VOLTAGE};
    static const snn_dim dims_coba[] = {SNN_DIM_CONDUCTANCE};
    static const snn_dim dims_cuba[] = {SNN_DIM_CONDUCTANCE, SNN_DIM_CURRENT};
    const snn_dim *dims = dims_cuba;
    int n_dims = 2;
    const char *what = "a conductance (mS) or a current (mA) for output \"cuba\" (e.g. \"0.1 mS\" "
                       "or \"87.81 pA\")";
    const char *what_std = "a conductance or a current >= 0 (e.g. \"0.01 mS\" or \"8.8 pA\")";
    if (sp->synapse == SNN_SYN_DELTA) {
        dims = dims_delta;
        n_dims = 1;
        what = "a voltage (mV) for synapse \"delta\" (e.g. \"0.1 mV\")";
        what_std = "a voltage >= 0 (e.g. \"0.01 mV\")";
    } else if (sp->output == SNN_OUTPUT_COBA) {
        dims = dims_coba;
        n_dims = 1;
        what = "a conductance (mS) for output \"coba\" (e.g. \"6 nS\")";
        what_std = "a conductance >= 0 (e.g. \"0.6 nS\")";
    }
    field g, f, fs, fr;
    int rc;
    *w_std = 0.0;
    if ((rc = lookup(c, parent, pkey, "weight", what, 1, &g)))
        return rc;
    if (config_setting_type(g.s) != CONFIG_TYPE_GROUP)
        return read_quantity_any(c, &g, dims, n_dims, what, w);
    if (!allow_dist) {
        char w_what[DESC_LEN];
        snprintf(w_what, sizeof w_what, "%s, constant (an input's weight is not drawn)", what);
        return fail_got(c, &g, w_what);
    }
    if ((rc = check_keys(c, g.s, g.key, weight_keys)) ||
        (rc = lookup(c, g.s, g.key, "mean", what, 1, &f)) ||
        (rc = read_quantity_any(c, &f, dims, n_dims, what, w)))
        return rc;
    join_key(fs.key, g.key, "std");
    fs.s = config_setting_get_member(g.s, "std");
    join_key(fr.key, g.key, "rel_std");
    fr.s = config_setting_get_member(g.s, "rel_std");
    if (fs.s && fr.s)
        return fail(c, g.s, g.key,
                    "expected exactly one of \"std\" or \"rel_std\", got both (std at line %d, "
                    "rel_std at line %d)",
                    config_setting_source_line(fs.s), config_setting_source_line(fr.s));
    if (!fs.s && !fr.s)
        return fail(c, g.s, g.key,
                    "missing required key \"std\" or \"rel_std\": expected %s or a number >= 0 "
                    "times |mean|",
                    what_std);
    if (fs.s) {
        if ((rc = read_quantity_any(c, &fs, dims, n_dims, what_std, w_std)))
            return rc;
        if (!(*w_std >= 0))
            return fail_got(c, &fs, what_std);
    } else {
        static const char *const what_rel = "a relative standard deviation >= 0 (e.g. 0.1)";
        double rel = 0;
        if ((rc = number_member(c, g.s, g.key, "rel_std", what_rel, 1, &rel, &fr)))
            return rc;
        if (!(rel >= 0))
            return fail_got(c, &fr, what_rel);
        *w_std = fabs(*w) * rel;
        if (!isfinite(*w_std))
            return fail_got(c, &fr,
                            "a relative standard deviation with a finite std = |mean| x rel_std");
    }
    if (*w_std > 0 && *w == 0)
        return fail_got(c, &f,
                        "a non-zero mean when std > 0 (drawn weights keep the sign of the mean)");
    return SNN_OK;
}

/* A constant delay from field f: >= dt and a whole multiple of dt (the existing rule). */
static int constant_delay(const parse_ctx *c, const field *f, double dt, snn_projection *p)
{
    char dt_text[48], what[DESC_LEN];
    fmt_double(dt, dt_text, sizeof dt_text);
    double ratio = p->delay / dt;
    if (!(ratio >= 1 - DELAY_TOL)) {
        snprintf(what, sizeof what, "a delay >= dt = %s ms", dt_text);
        return fail_got(c, f, what);
    }
    double steps = nearbyint(ratio);
    if (!(steps <= INT_MAX)) {
        snprintf(what, sizeof what, "a delay of at most %d steps of dt = %s ms", INT_MAX, dt_text);
        return fail_got(c, f, what);
    }
    if (fabs(ratio - steps) > DELAY_TOL * steps) {
        char got[DESC_LEN];
        describe(f->s, got, sizeof got);
        return fail(c, f->s, f->key,
                    "expected a whole multiple of dt = %s ms, got %s (%.10g steps)", dt_text, got,
                    ratio);
    }
    p->delay_steps = (int)steps;
    p->delay_std = 0.0;
    p->delay_max = p->delay;
    p->delay_min_steps = p->delay_steps;
    p->delay_max_steps = p->delay_steps;
    return SNN_OK;
}

/* delay: a quantity (constant) or a group { mean; std or rel_std; max; } (normal, redrawn while
 * outside [dt, max]; per-synapse delays in 16 bits). */
static int parse_delay(const parse_ctx *c, const config_setting_t *proj, const char *pkey,
                       double dt, snn_projection *p)
{
    static const char *const what =
        "a time > 0 (e.g. \"1.5 ms\") or a group { mean; std or rel_std; max; }";
    field g, f, fs, fr, fm;
    int rc;
    p->delay = dt;
    p->delay_steps = 1;
    p->delay_std = 0.0;
    p->delay_max = dt;
    p->delay_min_steps = 1;
    p->delay_max_steps = 1;
    if ((rc = lookup(c, proj, pkey, "delay", what, 0, &g)) || !g.s)
        return rc;
    if (config_setting_type(g.s) != CONFIG_TYPE_GROUP) {
        if ((rc = read_quantity(c, &g, SNN_DIM_TIME, WHAT_TIME_POS, &p->delay)))
            return rc;
        return constant_delay(c, &g, dt, p);
    }

    char dt_text[48], buf[DESC_LEN];
    fmt_double(dt, dt_text, sizeof dt_text);
    if ((rc = check_keys(c, g.s, g.key, delay_keys)) ||
        (rc =
             quantity_member(c, g.s, g.key, "mean", SNN_DIM_TIME, WHAT_TIME_POS, 1, &p->delay, &f)))
        return rc;
    if (!(p->delay / dt >= 1 - DELAY_TOL)) {
        snprintf(buf, sizeof buf, "a mean delay >= dt = %s ms", dt_text);
        return fail_got(c, &f, buf);
    }
    join_key(fs.key, g.key, "std");
    fs.s = config_setting_get_member(g.s, "std");
    join_key(fr.key, g.key, "rel_std");
    fr.s = config_setting_get_member(g.s, "rel_std");
    if (fs.s && fr.s)
        return fail(c, g.s, g.key,
                    "expected exactly one of \"std\" or \"rel_std\", got both (std at line %d, "
                    "rel_std at line %d)",
                    config_setting_source_line(fs.s), config_setting_source_line(fr.s));
    if (!fs.s && !fr.s)
        return fail(c, g.s, g.key,
                    "missing required key \"std\" or \"rel_std\": expected %s or a number >= 0 "
                    "times mean",
                    WHAT_TIME_NONNEG);
    double std = 0;
    if (fs.s) {
        if ((rc = read_quantity(c, &fs, SNN_DIM_TIME, WHAT_TIME_NONNEG, &std)))
            return rc;
        if (!(std >= 0))
            return fail_got(c, &fs, WHAT_TIME_NONNEG);
    } else {
        static const char *const what_rel = "a relative standard deviation >= 0 (e.g. 0.5)";
        double rel = 0;
        if ((rc = number_member(c, g.s, g.key, "rel_std", what_rel, 1, &rel, &fr)))
            return rc;
        if (!(rel >= 0))
            return fail_got(c, &fr, what_rel);
        std = p->delay * rel;
    }
    double max = p->delay + 10 * std;
    char mean_text[48];
    fmt_double(p->delay, mean_text, sizeof mean_text);
    snprintf(buf, sizeof buf, "a maximum delay >= mean = %s ms", mean_text);
    if ((rc = quantity_member(c, g.s, g.key, "max", SNN_DIM_TIME, buf, 0, &max, &fm)))
        return rc;
    if (!(max >= p->delay))
        return fail_got(c, &fm, buf);
    if (std == 0) /* not drawn: a constant delay, as the quantity form */
        return constant_delay(c, &f, dt, p);

    double max_steps = nearbyint(max / dt);
    if (!(max_steps <= MAX_DELAY_STEPS)) {
        if (fm.s) {
            char got[DESC_LEN];
            describe(fm.s, got, sizeof got);
            return fail(c, fm.s, fm.key,
                        "expected a maximum delay of at most 2^15 = 32768 steps of dt = %s ms "
                        "(drawn delays are stored in 16 bits), got %s (%.10g steps)",
                        dt_text, got, max / dt);
        }
        return fail(c, g.s, g.key,
                    "expected a delay distribution whose maximum (max, default mean + 10 std) is "
                    "at most 2^15 = 32768 steps of dt = %s ms (drawn delays are stored in 16 "
                    "bits), got mean + 10 std = %.10g ms (%.10g steps)",
                    dt_text, max, max / dt);
    }
    double steps = nearbyint(p->delay / dt);
    p->delay_std = std;
    p->delay_max = max;
    p->delay_steps = steps < 1 ? 1 : (int)steps;
    p->delay_min_steps = 1;
    p->delay_max_steps = (int)max_steps;
    return SNN_OK;
}

static int parse_projection(const parse_ctx *c, const config_setting_t *proj, const char *pkey,
                            snn_model *m, int i)
{
    snn_projection *p = &m->projs[i];
    field f;
    int rc;
    p->line = config_setting_source_line(proj);
    if ((rc = check_keys(c, proj, pkey, proj_keys)))
        return rc;

    char pre_label[SNN_NAME_LEN], post_label[SNN_NAME_LEN];
    if ((rc = parse_pop_list(c, m, proj, pkey, "pre", &p->pre, &p->n_pre, &p->pre_size, pre_label,
                             sizeof pre_label)) ||
        (rc = parse_pop_list(c, m, proj, pkey, "post", &p->post, &p->n_post, &p->post_size,
                             post_label, sizeof post_label)))
        return rc;

    const char *name = NULL;
    static const char *const what_name =
        "a projection name of 1 to 63 printable characters without '/', '\\' or '\"'";
    if ((rc = string_member(c, proj, pkey, "name", what_name, 0, &name, &f)))
        return rc;
    if (f.s) {
        size_t len = strlen(name);
        int ok = len > 0 && len < SNN_NAME_LEN;
        for (size_t k = 0; ok && k < len; k++)
            ok = isprint((unsigned char)name[k]) && name[k] != '/' && name[k] != '\\' &&
                 name[k] != '"';
        if (!ok)
            return fail_got(c, &f, what_name);
        snprintf(p->name, sizeof p->name, "%s", name);
    } else {
        p->name[0] = '\0';
        append(p->name, sizeof p->name, pre_label);
        append(p->name, sizeof p->name, "->");
        append(p->name, sizeof p->name, post_label);
    }

    if ((rc = parse_rule(c, proj, pkey, &m->run, p)))
        return rc;

    syn_spec sp;
    if ((rc = parse_synapse(c, proj, pkey, &sp)) || (rc = parse_output(c, proj, pkey, &sp)))
        return rc;
    p->synapse = sp.synapse;
    p->syn_tau = sp.tau;
    p->syn_tau_rise = sp.tau_rise;
    p->output = sp.output;
    p->E = sp.E;
    /* from_file: the file's syn_weight and delay, when present, replace constant keys. */
    int from_file = p->rule == SNN_RULE_FROM_FILE;
    const config_setting_t *fw = config_setting_get_member(proj, "weight");
    p->has_weight = !from_file || fw != NULL;
    if (from_file && fw && config_setting_type(fw) == CONFIG_TYPE_GROUP) {
        char key[KEY_LEN];
        join_key(key, pkey, "weight");
        return fail(c, fw, key,
                    "expected a constant weight with rule \"from_file\" (used when the file has "
                    "no syn_weight), got a group { ... }");
    }
    if (p->has_weight &&
        (rc = parse_weight(c, proj, pkey, &sp, !from_file, &p->weight, &p->weight_std)))
        return rc;
    if ((rc = parse_delay(c, proj, pkey, m->run.dt, p)))
        return rc;
    if (from_file && p->delay_std > 0) {
        char key[KEY_LEN];
        join_key(key, pkey, "delay");
        return fail(c, config_setting_get_member(proj, "delay"), key,
                    "expected a constant delay with rule \"from_file\" (used when the file has no "
                    "delays), got a distribution");
    }
    return SNN_OK;
}

static int parse_projections(const parse_ctx *c, const config_setting_t *root, snn_model *m)
{
    static const char *const what = "a list ( { pre = ...; post = ...; rule = {...}; ... }, ... )";
    field l;
    int rc;
    if ((rc = lookup(c, root, "", "projections", what, 0, &l)) || !l.s)
        return rc;
    if (config_setting_type(l.s) != CONFIG_TYPE_LIST)
        return fail_got(c, &l, what);
    int n = config_setting_length(l.s);
    if (n == 0)
        return SNN_OK;
    m->projs = calloc((size_t)n, sizeof *m->projs);
    if (!m->projs)
        return snn_fail(c->err, SNN_ERR_NOMEM, "%s: out of memory for %d projections", c->name, n);
    m->n_projs = n;
    for (int i = 0; i < n; i++) {
        field e;
        e.s = config_setting_get_elem(l.s, (unsigned)i);
        index_key(e.key, "projections", i);
        if (config_setting_type(e.s) != CONFIG_TYPE_GROUP)
            return fail_got(c, &e, "a group { pre = ...; post = ...; rule = {...}; ... }");
        if ((rc = parse_projection(c, e.s, e.key, m, i)))
            return rc;
    }
    return SNN_OK;
}

/* ---- inputs -------------------------------------------------------------------------------- */

static const char *const input_choices[] = {"poisson", "step", NULL};
static const char *const input_poisson_keys[] = {"type",   "target",  "rate",          "n",
                                                 "weight", "synapse", "output",        "neurons",
                                                 "start",  "stop",    "dc_equivalent", NULL};
static const char *const input_step_keys[] = {"type", "target", "times", "amplitudes", NULL};

/* name: an array or list of at least one quantity of dimension dim, into a new array *out. */
static int quantity_list(const parse_ctx *c, const config_setting_t *parent, const char *pkey,
                         const char *name, snn_dim dim, const char *what_list,
                         const char *what_elem, double **out, int *n, field *f)
{
    int rc;
    if ((rc = lookup(c, parent, pkey, name, what_list, 1, f)))
        return rc;
    int t = config_setting_type(f->s);
    if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
        return fail_got(c, f, what_list);
    int count = config_setting_length(f->s);
    if (count == 0)
        return fail_got(c, f, what_list);
    *out = malloc(sizeof **out * (size_t)count);
    if (!*out)
        return snn_fail(c->err, SNN_ERR_NOMEM, "%s: out of memory", c->name);
    *n = count;
    for (int i = 0; i < count; i++) {
        field e;
        e.s = config_setting_get_elem(f->s, (unsigned)i);
        index_key(e.key, f->key, i);
        if ((rc = read_quantity(c, &e, dim, what_elem, &(*out)[i])))
            return rc;
    }
    return SNN_OK;
}

static int parse_step(const parse_ctx *c, const config_setting_t *g, const char *pkey,
                      snn_input *in)
{
    field ft, fa;
    int rc, n_amp = 0;
    if ((rc = check_keys(c, g, pkey, input_step_keys)) ||
        (rc = quantity_list(c, g, pkey, "times", SNN_DIM_TIME,
                            "a non-empty array of times (e.g. [\"0 ms\", \"100 ms\"])",
                            WHAT_TIME_NONNEG, &in->times, &in->n_points, &ft)))
        return rc;
    for (int k = 0; k < in->n_points; k++) {
        field e;
        e.s = config_setting_get_elem(ft.s, (unsigned)k);
        index_key(e.key, ft.key, k);
        if (k == 0 && !(in->times[0] >= 0))
            return fail_got(c, &e, WHAT_TIME_NONNEG);
        if (k > 0 && !(in->times[k] > in->times[k - 1])) {
            char what[DESC_LEN], prev[48];
            fmt_double(in->times[k - 1], prev, sizeof prev);
            snprintf(what, sizeof what, "a time > times[%d] = %s ms (times increase strictly)",
                     k - 1, prev);
            return fail_got(c, &e, what);
        }
    }
    if ((rc = quantity_list(c, g, pkey, "amplitudes", SNN_DIM_CURRENT,
                            "a non-empty array of currents (e.g. [\"0 mA\", \"2 pA\"])",
                            WHAT_CURRENT, &in->amplitudes, &n_amp, &fa)))
        return rc;
    if (n_amp != in->n_points)
        return fail(c, fa.s, fa.key, "expected as many amplitudes as times (%d, line %d), got %d",
                    in->n_points, config_setting_source_line(ft.s), n_amp);
    return SNN_OK;
}

static int parse_poisson(const parse_ctx *c, const config_setting_t *g, const char *pkey,
                         uint64_t target_size, snn_input *in)
{
    static const char *const what_rate = "a rate >= 0 (e.g. \"8 Hz\")";
    static const char *const what_n = "an integer number of sources >= 1 (e.g. 1600)";
    field f;
    int rc;
    if ((rc = check_keys(c, g, pkey, input_poisson_keys)) ||
        (rc = quantity_member(c, g, pkey, "rate", SNN_DIM_RATE, what_rate, 1, &in->rate_hz, &f)))
        return rc;
    if (!(in->rate_hz >= 0))
        return fail_got(c, &f, what_rate);
    long long n = 1;
    if ((rc = int_member(c, g, pkey, "n", what_n, 0, &n, &f)))
        return rc;
    if (n < 1)
        return fail_got(c, &f, what_n);
    in->n_sources = (uint64_t)n;

    syn_spec sp;
    double w_std = 0;
    if ((rc = parse_synapse(c, g, pkey, &sp)) || (rc = parse_output(c, g, pkey, &sp)) ||
        (rc = parse_weight(c, g, pkey, &sp, 0, &in->weight, &w_std)))
        return rc;
    in->synapse = sp.synapse;
    in->syn_tau = sp.tau;
    in->syn_tau_rise = sp.tau_rise;
    in->output = sp.output;
    in->E = sp.E;

    static const char *const what_neurons =
        "a number of neurons >= 1, at most the target's size (the first ones receive the input)";
    long long n_targets = 0;
    if ((rc = int_member(c, g, pkey, "neurons", what_neurons, 0, &n_targets, &f)))
        return rc;
    if (f.s && (n_targets < 1 || (uint64_t)n_targets > target_size))
        return fail_got(c, &f, what_neurons);
    in->n_targets = (uint64_t)n_targets;
    int windowed = f.s != NULL;

    static const char *const what_start = "a start time >= 0 (e.g. \"1 ms\")";
    in->start = 0;
    in->stop = INFINITY;
    if ((rc = quantity_member(c, g, pkey, "start", SNN_DIM_TIME, what_start, 0, &in->start, &f)))
        return rc;
    if (f.s && !(in->start >= 0))
        return fail_got(c, &f, what_start);
    windowed |= f.s != NULL;
    char what_stop[DESC_LEN];
    snprintf(what_stop, sizeof what_stop, "a stop time > start = %g ms (e.g. \"51 ms\")",
             in->start);
    if ((rc = quantity_member(c, g, pkey, "stop", SNN_DIM_TIME, what_stop, 0, &in->stop, &f)))
        return rc;
    if (f.s && !(in->stop > in->start))
        return fail_got(c, &f, what_stop);
    windowed |= f.s != NULL;

    in->dc_equivalent = 0;
    if ((rc = bool_member(c, g, pkey, "dc_equivalent", &in->dc_equivalent, &f)))
        return rc;
    if (in->dc_equivalent && windowed)
        return fail(c, f.s, f.key,
                    "expected false with start, stop or neurons (a DC equivalent is constant "
                    "and reaches the whole population), got true");
    if (in->dc_equivalent && !(sp.synapse == SNN_SYN_EXPON && sp.output == SNN_OUTPUT_CUBA)) {
        char got[DESC_LEN];
        snprintf(got, sizeof got, "true with synapse \"%s\" and output \"%s\"",
                 synapse_choices[sp.synapse], output_choices[sp.output]);
        return fail(c, f.s, f.key,
                    "expected false unless synapse is \"expon\" and output \"cuba\" (the DC "
                    "equivalent is rate x n x weight x tau), got %s",
                    got);
    }
    return SNN_OK;
}

static int parse_input(const parse_ctx *c, const config_setting_t *g, const char *pkey,
                       const snn_model *m, snn_input *in)
{
    field f;
    int rc, type = 0;
    in->line = config_setting_source_line(g);
    if ((rc = choice_member(c, g, pkey, "type", input_choices, 1, &type, &f)) ||
        (rc = lookup(c, g, pkey, "target", "a population name (e.g. \"E\")", 1, &f)) ||
        (rc = resolve_pop(c, m, &f, &in->pop)))
        return rc;
    if (type == 0) {
        in->kind = SNN_INPUT_POISSON;
        return parse_poisson(c, g, pkey, m->pops[in->pop].size, in);
    }
    in->kind = SNN_INPUT_STEP;
    return parse_step(c, g, pkey, in);
}

static int parse_inputs(const parse_ctx *c, const config_setting_t *root, snn_model *m)
{
    static const char *const what = "a list ( { type = \"poisson\"; target = ...; ... }, ... )";
    field l;
    int rc;
    if ((rc = lookup(c, root, "", "inputs", what, 0, &l)) || !l.s)
        return rc;
    if (config_setting_type(l.s) != CONFIG_TYPE_LIST)
        return fail_got(c, &l, what);
    int n = config_setting_length(l.s);
    if (n == 0)
        return SNN_OK;
    m->inputs = calloc((size_t)n, sizeof *m->inputs);
    if (!m->inputs)
        return snn_fail(c->err, SNN_ERR_NOMEM, "%s: out of memory for %d inputs", c->name, n);
    m->n_inputs = n;
    for (int i = 0; i < n; i++) {
        field e;
        e.s = config_setting_get_elem(l.s, (unsigned)i);
        index_key(e.key, "inputs", i);
        if (config_setting_type(e.s) != CONFIG_TYPE_GROUP)
            return fail_got(c, &e, "a group { type = \"poisson\"; target = ...; ... }");
        if ((rc = parse_input(c, e.s, e.key, m, &m->inputs[i])))
            return rc;
    }
    return SNN_OK;
}

/* ---- text ---------------------------------------------------------------------------------- */

/*
 * libconfig 1.5 silently wraps integer literals outside the 32-bit range ("size = 5000000000;"
 * becomes 705032704, "seed = 4294967295;" becomes -1). This copy of the text marks such literals
 * as 64-bit ("L" suffix) so they arrive intact, and turns literals beyond 64 bits into floats
 * (".0"), which the integer checks then reject with the value shown. Strings, comments, names
 * and floats are copied unchanged; the line structure is preserved.
 */
static char *widen_int_literals(const char *text, int *include_line)
{
    *include_line = 0;
    size_t len = strlen(text);
    if (len > (SIZE_MAX - 1) / 2)
        return NULL;
    char *out = malloc(2 * len + 1); /* each changed literal has >= 10 digits, grows by <= 2 */
    if (!out)
        return NULL;
    const char *p = text;
    char *o = out;
    while (*p) {
        char ch = *p;
        if (ch == '"') { /* string with escapes */
            *o++ = *p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    *o++ = *p++;
                *o++ = *p++;
            }
            if (*p)
                *o++ = *p++;
        } else if (ch == '#' || (ch == '/' && p[1] == '/')) { /* line comment */
            while (*p && *p != '\n')
                *o++ = *p++;
        } else if (ch == '/' && p[1] == '*') { /* block comment */
            *o++ = *p++;
            *o++ = *p++;
            while (*p && !(p[0] == '*' && p[1] == '/'))
                *o++ = *p++;
            if (*p) {
                *o++ = *p++;
                *o++ = *p++;
            }
        } else if (isalpha((unsigned char)ch) || ch == '*' || ch == '@') { /* name, directive */
            const char *word = p;
            *o++ = *p++;
            while (isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '*')
                *o++ = *p++;
            if (!*include_line && p - word == 8 && strncmp(word, "@include", 8) == 0) {
                int line = 1;
                for (const char *q = text; q < word; q++)
                    line += *q == '\n';
                *include_line = line;
            }
        } else if (isdigit((unsigned char)ch) ||
                   ((ch == '-' || ch == '+') && isdigit((unsigned char)p[1]))) {
            const char *start = p;
            if (*p == '-' || *p == '+')
                p++;
            int hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2]);
            if (hex) {
                p += 2;
                while (isxdigit((unsigned char)*p))
                    p++;
            } else {
                while (isdigit((unsigned char)*p))
                    p++;
            }
            /* A float is one token: its fraction and exponent are not integers of their own. */
            int is_float = 0;
            if (!hex && *p == '.') {
                is_float = 1;
                p++;
                while (isdigit((unsigned char)*p))
                    p++;
            }
            if (!hex && (*p == 'e' || *p == 'E') &&
                (isdigit((unsigned char)p[1]) ||
                 ((p[1] == '-' || p[1] == '+') && isdigit((unsigned char)p[2])))) {
                is_float = 1;
                p += 2;
                while (isdigit((unsigned char)*p))
                    p++;
            }
            int suffixed = *p == 'L';
            memcpy(o, start, (size_t)(p - start));
            o += p - start;
            if (!is_float && !suffixed) {
                errno = 0;
                if (hex) {
                    unsigned long long v = strtoull(start, NULL, 16);
                    if (errno == 0 && v > INT_MAX && v <= (unsigned long long)LLONG_MAX)
                        *o++ = 'L';
                } else {
                    long long v = strtoll(start, NULL, 10);
                    if (errno == ERANGE) {
                        *o++ = '.';
                        *o++ = '0';
                    } else if (v > INT_MAX || v < INT_MIN) {
                        *o++ = 'L';
                    }
                }
            }
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

/* Copies line number `line` (1-based) of text into buf, trimmed and shortened, for messages. */
static void source_line(const char *text, int line, char *buf, size_t n)
{
    const char *p = text;
    for (int l = 1; l < line && p; l++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    buf[0] = '\0';
    if (!p)
        return;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t len = strcspn(p, "\r\n");
    while (len > 0 && isspace((unsigned char)p[len - 1]))
        len--;
    if (len > 80) {
        snprintf(buf, n, "%.77s...", p);
        return;
    }
    snprintf(buf, n, "%.*s", (int)len, p);
}

static const char *const root_keys[] = {"run",    "populations", "projections",
                                        "inputs", "recorders",   NULL};

/* Parses text; name is the file name used in messages, dir (may be NULL) the @include dir. */
static int load_text(const char *text, const char *name, const char *dir,
                     const char *const *overrides, int n_overrides, snn_model *m, snn_error *err)
{
    parse_ctx c = {.name = name, .dir = dir, .units = NULL, .err = err};
    int include_line;
    char *wide = widen_int_literals(text, &include_line);
    if (!wide)
        return snn_fail(err, SNN_ERR_NOMEM, "%s: out of memory while reading", name);
    if (include_line) {
        /* libconfig 1.5 exits the process on an @include of a directory and blocks on a FIFO. */
        free(wide);
        return snn_fail(err, SNN_ERR_CONFIG,
                        "%s:%d: @include: expected the whole network in one file, got an @include "
                        "directive (not supported)",
                        name, include_line);
    }

    config_t cfg;
    config_init(&cfg);
    if (dir)
        config_set_include_dir(&cfg, dir);
    int rc = SNN_OK;
    if (!config_read_string(&cfg, wide)) {
        const char *file = config_error_file(&cfg) ? config_error_file(&cfg) : name;
        const char *msg = config_error_text(&cfg) ? config_error_text(&cfg) : "unknown error";
        if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
            rc = snn_fail(err, SNN_ERR_IO, "%s:%d: cannot read: %s", file, config_error_line(&cfg),
                          msg);
        else if (config_error_file(&cfg))
            rc = snn_fail(err, SNN_ERR_CONFIG, "%s:%d: syntax error: %s", file,
                          config_error_line(&cfg), msg);
        else {
            char src[96];
            source_line(text, config_error_line(&cfg), src, sizeof src);
            rc = snn_fail(err, SNN_ERR_CONFIG, "%s:%d: syntax error: %s, in: %s", file,
                          config_error_line(&cfg), msg, src);
        }
        goto done;
    }
    if ((rc = snn_config_apply_overrides(&cfg, overrides, n_overrides, err)))
        goto done;

    char why[256];
    snn_units *units = snn_units_create(why, sizeof why);
    if (!units) {
        rc = snn_fail(err, SNN_ERR_IO, "%s: %s", name, why);
        goto done;
    }
    c.units = units;

    const config_setting_t *root = config_root_setting(&cfg);
    if (!(rc = check_keys(&c, root, "", root_keys)) && !(rc = parse_run(&c, root, m)) &&
        !(rc = parse_populations(&c, root, m, &c.by_name))) {
        c.n_by_name = m->n_pops;
        if (!(rc = parse_projections(&c, root, m)))
            rc = parse_inputs(&c, root, m);
        if (!rc)
            rc = snn_cfg_parse_recorders(&c, root, m);
    }
    snn_units_destroy(units);

done:
    free(c.by_name);
    config_destroy(&cfg);
    free(wide);
    return rc;
}

int snn_config_load_string(const char *text, const char *name, snn_model *m, snn_error *err)
{
    return snn_config_load_string_with(text, name, NULL, 0, m, err);
}

int snn_config_load_string_with(const char *text, const char *name, const char *const *overrides,
                                int n, snn_model *m, snn_error *err)
{
    if (!m)
        return snn_fail(err, SNN_ERR_INTERNAL, "snn_config_load_string: no model");
    memset(m, 0, sizeof *m);
    snn_error_clear(err);
    if (!name)
        name = "<string>";
    if (!text)
        return snn_fail(err, SNN_ERR_INTERNAL, "%s: no text", name);
    snprintf(m->source, sizeof m->source, "%s", name);
    int rc = load_text(text, name, NULL, overrides, n, m, err);
    if (rc)
        snn_model_free(m);
    return rc;
}

int snn_config_load(const char *path, snn_model *m, snn_error *err)
{
    return snn_config_load_with(path, NULL, 0, m, err);
}

int snn_config_load_with(const char *path, const char *const *overrides, int n, snn_model *m,
                         snn_error *err)
{
    if (!m || !path)
        return snn_fail(err, SNN_ERR_INTERNAL, "snn_config_load: no path or model");
    memset(m, 0, sizeof *m);
    snn_error_clear(err);

    FILE *fp = fopen(path, "rb");
    if (!fp)
        return snn_fail(err, SNN_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    /* Only a regular file of sane size: /dev/zero or a FIFO would be read forever. */
    struct stat st;
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(fp);
        return snn_fail(err, SNN_ERR_IO, "%s: expected a regular file, got %s", path,
                        S_ISDIR(st.st_mode) ? "a directory" : "a device, pipe or socket");
    }
    if (st.st_size > SNN_CONFIG_MAX_BYTES) {
        fclose(fp);
        return snn_fail(err, SNN_ERR_CONFIG, "%s: expected a config of at most %d MB, got %lld MB",
                        path, SNN_CONFIG_MAX_BYTES >> 20, (long long)(st.st_size >> 20));
    }
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    int rc = SNN_OK;
    while (text) {
        if (len + 1 >= cap) {
            char *bigger = cap <= SIZE_MAX / 2 ? realloc(text, cap * 2) : NULL;
            if (!bigger) {
                free(text);
                text = NULL;
                break;
            }
            text = bigger;
            cap *= 2;
        }
        size_t got = fread(text + len, 1, cap - 1 - len, fp);
        len += got;
        if (got == 0)
            break;
    }
    if (!text) {
        rc = snn_fail(err, SNN_ERR_NOMEM, "%s: out of memory while reading", path);
    } else if (ferror(fp)) {
        rc = snn_fail(err, SNN_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
    } else {
        text[len] = '\0';
        if (memchr(text, '\0', len))
            rc = snn_fail(err, SNN_ERR_CONFIG, "%s: expected a text file, got a NUL byte", path);
    }
    fclose(fp);
    if (rc) {
        free(text);
        return rc;
    }

    /* @include paths are relative to the directory of the file. */
    char dir[SNN_PATH_LEN];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[slash == dir ? 1 : 0] = '\0';
    else
        snprintf(dir, sizeof dir, ".");

    snprintf(m->source, sizeof m->source, "%s", path);
    rc = load_text(text, path, dir, overrides, n, m, err);
    free(text);
    if (rc)
        snn_model_free(m);
    return rc;
}

/* ---- helpers for the other config sections (config_internal.h) ----------------------------- */

snn_error *snn_cfg_err(const snn_cfg_ctx *c)
{
    return c->err;
}

const char *snn_cfg_name(const snn_cfg_ctx *c)
{
    return c->name;
}

int snn_cfg_fail(const snn_cfg_ctx *c, const config_setting_t *s, const char *key, const char *fmt,
                 ...)
{
    char what[SNN_ERROR_MSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return fail(c, s, key, "%s", what);
}

int snn_cfg_fail_got(const snn_cfg_ctx *c, const snn_cfg_field *f, const char *what)
{
    return fail_got(c, f, what);
}

void snn_cfg_describe(const config_setting_t *s, char *buf, size_t n)
{
    describe(s, buf, n);
}

int snn_cfg_check_keys(const snn_cfg_ctx *c, const config_setting_t *g, const char *key,
                       const char *const *allowed)
{
    return check_keys(c, g, key, allowed);
}

int snn_cfg_lookup(const snn_cfg_ctx *c, const config_setting_t *parent, const char *pkey,
                   const char *name, const char *what, int required, snn_cfg_field *f)
{
    return lookup(c, parent, pkey, name, what, required, f);
}

int snn_cfg_read_quantity(const snn_cfg_ctx *c, const snn_cfg_field *f, snn_dim dim,
                          const char *what, double *out)
{
    return read_quantity(c, f, dim, what, out);
}

int snn_cfg_string_member(const snn_cfg_ctx *c, const config_setting_t *parent, const char *pkey,
                          const char *name, const char *what, int required, const char **out,
                          snn_cfg_field *f)
{
    return string_member(c, parent, pkey, name, what, required, out, f);
}

int snn_cfg_resolve_pop(const snn_cfg_ctx *c, const snn_model *m, const snn_cfg_field *f, int *idx)
{
    return resolve_pop(c, m, f, idx);
}

void snn_cfg_index_key(char *key, const char *pkey, int i)
{
    index_key(key, pkey, i);
}

void snn_cfg_fmt_double(double x, char *buf, size_t n)
{
    fmt_double(x, buf, n);
}
