/*
 * config_override.c — `--set KEY=VALUE` overrides applied to the libconfig tree between reading
 * the file and parsing the model (see include/snn/config_override.h).
 *
 * The tree is edited in place: a path is walked segment by segment (group members, list
 * elements by name or index), and its last segment is replaced by a new scalar setting. The new
 * setting's libconfig hook points at the override's text, which config.c's fail() uses to name
 * the override in messages. Nothing here knows which keys exist: config.c checks them, exactly as
 * it checks the file's own keys.
 */
#include "snn/config_override.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#define OVERRIDE_MAX_SEGMENTS 32
#define OVERRIDE_SEGMENT_LEN 96

typedef struct {
    char name[OVERRIDE_SEGMENT_LEN]; /* a member or element name; "" for an index */
    long index;                      /* >= 0 for "[i]" */
} segment;

/* A parsed value: one libconfig scalar type, or a string. */
typedef struct {
    int type; /* CONFIG_TYPE_INT, _INT64, _FLOAT, _BOOL, _STRING */
    long long i;
    double f;
    char *s; /* owned, for strings */
} value;

static int override_fail(snn_error *err, const char *ov, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "--set <override>: <what>". */
static int override_fail(snn_error *err, const char *ov, const char *fmt, ...)
{
    char what[SNN_ERROR_MSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return snn_fail(err, SNN_ERR_CONFIG, "--set %s: %s", ov, what);
}

const char *snn_config_override_of(const struct config_setting_t *s)
{
    return s ? (const char *)config_setting_get_hook(s) : NULL;
}

/* Splits key (up to its '=') into segments: "a.b", "a.[2].b" and "a[2].b" alike. */
static int split_key(const char *key, size_t len, const char *ov, segment *segs, int *n_segs,
                     snn_error *err)
{
    int n = 0;
    size_t i = 0;
    if (len == 0)
        return override_fail(err, ov,
                             "expected KEY=VALUE with a key such as run.duration, got "
                             "an empty key");
    while (i < len) {
        if (n == OVERRIDE_MAX_SEGMENTS)
            return override_fail(err, ov, "expected a key of at most %d parts",
                                 OVERRIDE_MAX_SEGMENTS);
        segment *s = &segs[n];
        s->name[0] = '\0';
        s->index = -1;
        if (key[i] == '[') {
            size_t j = i + 1;
            long v = 0;
            while (j < len && isdigit((unsigned char)key[j]) && v < 100000000)
                v = v * 10 + (key[j++] - '0');
            if (j == i + 1 || j >= len || key[j] != ']')
                return override_fail(err, ov, "expected an index such as [0] at \"%.*s\"",
                                     (int)(len - i), key + i);
            s->index = v;
            i = j + 1;
        } else {
            size_t j = i;
            while (j < len && key[j] != '.' && key[j] != '[')
                j++;
            if (j == i || j - i >= OVERRIDE_SEGMENT_LEN)
                return override_fail(err, ov, "expected a key such as run.duration, got \"%.*s\"",
                                     (int)len, key);
            memcpy(s->name, key + i, j - i);
            s->name[j - i] = '\0';
            i = j;
        }
        n++;
        if (i < len && key[i] == '.') {
            i++;
            if (i == len)
                return override_fail(err, ov, "expected a key after the last '.'");
        } else if (i < len && key[i] != '[') {
            return override_fail(err, ov, "expected '.' or '[' after \"%.*s\"", (int)i, key);
        }
    }
    *n_segs = n;
    return SNN_OK;
}

/* Whole-string integer (decimal or 0x hex) or float in libconfig's syntax. */
static int parse_number(const char *t, value *v)
{
    if (!*t || !(isdigit((unsigned char)*t) || *t == '-' || *t == '+' || *t == '.'))
        return 0;
    char *end;
    errno = 0;
    long long i = strtoll(t, &end, 0);
    if (*end == 'L' && end[1] == '\0')
        end++;
    if (end != t && *end == '\0' && errno == 0) {
        v->type = (i > INT_MAX || i < INT_MIN) ? CONFIG_TYPE_INT64 : CONFIG_TYPE_INT;
        v->i = i;
        return 1;
    }
    int overflow = errno == ERANGE;
    errno = 0;
    double f = strtod(t, &end);
    if (end == t || *end != '\0')
        return 0;
    /* strtod also reads "inf", "nan" and hex floats, which libconfig does not: strings then. */
    for (const char *p = t; *p; p++)
        if (isalpha((unsigned char)*p) && *p != 'e' && *p != 'E')
            return 0;
    (void)overflow; /* an integer beyond 64 bits becomes a float, which int keys refuse */
    v->type = CONFIG_TYPE_FLOAT;
    v->f = f;
    return 1;
}

/* The value text as a libconfig scalar, or else a bare string. */
static int parse_value(const char *t, const char *ov, value *v, snn_error *err)
{
    memset(v, 0, sizeof *v);
    if (!strcmp(t, "true") || !strcmp(t, "false") || !strcmp(t, "TRUE") || !strcmp(t, "FALSE")) {
        v->type = CONFIG_TYPE_BOOL;
        v->i = tolower((unsigned char)t[0]) == 't';
        return SNN_OK;
    }
    if (parse_number(t, v))
        return SNN_OK;
    size_t len = strlen(t);
    v->type = CONFIG_TYPE_STRING;
    v->s = malloc(len + 1);
    if (!v->s)
        return snn_fail(err, SNN_ERR_NOMEM, "--set %s: out of memory", ov);
    if (len >= 2 && t[0] == '"' && t[len - 1] == '"') {
        /* A quoted string, with libconfig's escapes. */
        char *o = v->s;
        for (size_t i = 1; i + 1 < len; i++) {
            char ch = t[i];
            if (ch == '\\' && i + 2 < len) {
                ch = t[++i];
                ch = ch == 'n' ? '\n' : ch == 't' ? '\t' : ch == 'r' ? '\r' : ch;
            } else if (ch == '"') {
                free(v->s);
                v->s = NULL;
                return override_fail(err, ov, "expected a string with \\\" for each inner quote");
            }
            *o++ = ch;
        }
        *o = '\0';
    } else {
        memcpy(v->s, t, len + 1);
    }
    return SNN_OK;
}

static const char *type_name(const config_setting_t *s)
{
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_GROUP:
        return "a group";
    case CONFIG_TYPE_LIST:
        return "a list";
    case CONFIG_TYPE_ARRAY:
        return "an array";
    default:
        return "a value";
    }
}

/* Writes v into scalar setting s (whose type libconfig may refuse to change: then 0). */
static int store(config_setting_t *s, const value *v)
{
    switch (v->type) {
    case CONFIG_TYPE_INT:
        return config_setting_set_int(s, (int)v->i);
    case CONFIG_TYPE_INT64:
        return config_setting_set_int64(s, v->i);
    case CONFIG_TYPE_FLOAT:
        return config_setting_set_float(s, v->f);
    case CONFIG_TYPE_BOOL:
        return config_setting_set_bool(s, (int)v->i);
    default:
        return config_setting_set_string(s, v->s);
    }
}

/* One side (pre or post) of a projection's default name: a name, or names joined by '+'. */
static int append_side(const config_setting_t *s, char *buf, size_t n)
{
    if (!s)
        return 0;
    if (config_setting_type(s) == CONFIG_TYPE_STRING) {
        size_t len = strlen(buf);
        return snprintf(buf + len, n - len, "%s", config_setting_get_string(s)) >= 0;
    }
    int count = config_setting_length(s);
    for (int i = 0; i < count; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        if (config_setting_type(e) != CONFIG_TYPE_STRING)
            return 0;
        size_t len = strlen(buf);
        if (snprintf(buf + len, n - len, "%s%s", i ? "+" : "", config_setting_get_string(e)) < 0)
            return 0;
    }
    return count > 0;
}

/* A list element's name: its `name` member, or for a projection without one the default name
 * "<pre>-><post>" (list names joined by '+'), as config.c names it. NULL if it has neither. */
static const char *element_name(const config_setting_t *e, char *buf, size_t n)
{
    const char *name = NULL;
    if (!config_setting_is_group(e))
        return NULL;
    if (config_setting_lookup_string(e, "name", &name))
        return name;
    buf[0] = '\0';
    if (!append_side(config_setting_get_member(e, "pre"), buf, n))
        return NULL;
    size_t len = strlen(buf);
    snprintf(buf + len, n - len, "->");
    if (!append_side(config_setting_get_member(e, "post"), buf, n))
        return NULL;
    return buf;
}

/* The names of list l's elements (their `name` members), for messages. */
static void element_names(const config_setting_t *l, char *buf, size_t n)
{
    buf[0] = '\0';
    int count = config_setting_length(l);
    for (int i = 0; i < count; i++) {
        char own[160];
        const char *name = element_name(config_setting_get_elem(l, (unsigned)i), own, sizeof own);
        if (!name)
            continue;
        size_t len = strlen(buf);
        if (len + 4 >= n)
            break;
        snprintf(buf + len, n - len, "%s%s", len ? ", " : "", name);
    }
    if (!buf[0])
        snprintf(buf, n, "none");
}

/* One step down the path from cur; path is the key so far, for messages. */
static int descend(config_setting_t *cur, const segment *sg, const char *path, const char *ov,
                   config_setting_t **next, snn_error *err)
{
    const char *where = *path ? path : "the top level";
    if (sg->index >= 0) {
        if (!config_setting_is_list(cur) && !config_setting_is_array(cur))
            return override_fail(err, ov, "expected %s to be a list for [%ld], got %s", where,
                                 sg->index, type_name(cur));
        *next = config_setting_get_elem(cur, (unsigned)sg->index);
        if (!*next)
            return override_fail(err, ov, "expected an index below %d for %s, got [%ld]",
                                 config_setting_length(cur), where, sg->index);
        return SNN_OK;
    }
    if (config_setting_is_group(cur)) {
        *next = config_setting_get_member(cur, sg->name);
        if (!*next)
            return override_fail(err, ov,
                                 "no key \"%s\" in %s (--set adds only the last part of "
                                 "a key)",
                                 sg->name, where);
        return SNN_OK;
    }
    if (config_setting_is_list(cur)) {
        int count = config_setting_length(cur);
        for (int i = 0; i < count; i++) {
            config_setting_t *e = config_setting_get_elem(cur, (unsigned)i);
            char own[160];
            const char *name = element_name(e, own, sizeof own);
            if (name && !strcmp(name, sg->name)) {
                *next = e;
                return SNN_OK;
            }
        }
        char names[256];
        element_names(cur, names, sizeof names);
        return override_fail(err, ov, "no element named \"%s\" in %s (names: %s; or use [index])",
                             sg->name, where, names);
    }
    return override_fail(err, ov, "expected %s to be a group or a list, got a value", where);
}

static void set_hook(config_setting_t *s, const char *ov)
{
    union {
        const char *c;
        void *v;
    } u = {.c = ov};
    config_setting_set_hook(s, u.v);
}

/* Replaces (or adds) the last segment of the path under parent. */
static int assign(config_setting_t *parent, const segment *sg, const char *path, const value *v,
                  const char *ov, snn_error *err)
{
    const char *where = *path ? path : "the top level";
    config_setting_t *s;
    if (sg->index >= 0) {
        int rc = descend(parent, sg, path, ov, &s, err);
        if (rc)
            return rc;
        if (config_setting_is_aggregate(s))
            return override_fail(err, ov, "expected %s[%ld] to be a value, got %s", where,
                                 sg->index, type_name(s));
        if (!store(s, v))
            return override_fail(err, ov, "cannot change the type of an element of %s", where);
        set_hook(s, ov);
        return SNN_OK;
    }
    if (!config_setting_is_group(parent))
        return override_fail(err, ov,
                             "expected %s to be a group, got %s (address a list's "
                             "elements by name or [index])",
                             where, type_name(parent));
    s = config_setting_get_member(parent, sg->name);
    if (s && config_setting_is_aggregate(s))
        return override_fail(err, ov,
                             "expected %s%s%s to be a value, got %s (--set sets one "
                             "value)",
                             path, *path ? "." : "", sg->name, type_name(s));
    if (s && !config_setting_remove(parent, sg->name))
        return override_fail(err, ov, "cannot replace \"%s\"", sg->name);
    s = config_setting_add(parent, sg->name, v->type);
    if (!s)
        return override_fail(err, ov,
                             "expected a key name of letters, digits, '_', '-' or '*' "
                             "(starting with a letter), got \"%s\"",
                             sg->name);
    if (!store(s, v))
        return snn_fail(err, SNN_ERR_INTERNAL, "--set %s: cannot store the value", ov);
    set_hook(s, ov);
    return SNN_OK;
}

static int apply_one(config_t *cfg, const char *ov, snn_error *err)
{
    const char *eq = strchr(ov, '=');
    if (!eq)
        return override_fail(err, ov, "expected KEY=VALUE (e.g. run.seed=3), got no '='");
    segment segs[OVERRIDE_MAX_SEGMENTS];
    int n = 0, rc;
    if ((rc = split_key(ov, (size_t)(eq - ov), ov, segs, &n, err)))
        return rc;
    value v;
    if ((rc = parse_value(eq + 1, ov, &v, err)))
        return rc;
    config_setting_t *cur = config_root_setting(cfg);
    char path[OVERRIDE_MAX_SEGMENTS * (OVERRIDE_SEGMENT_LEN + 2)] = "";
    for (int k = 0; k + 1 < n && rc == SNN_OK; k++) {
        rc = descend(cur, &segs[k], path, ov, &cur, err);
        size_t len = strlen(path); /* path has room for every segment */
        int w = segs[k].index >= 0
                    ? snprintf(path + len, sizeof path - len, "[%ld]", segs[k].index)
                    : snprintf(path + len, sizeof path - len, "%s%s", len ? "." : "", segs[k].name);
        if (w < 0)
            rc = snn_fail(err, SNN_ERR_INTERNAL, "--set %s: key too long", ov);
    }
    if (rc == SNN_OK)
        rc = assign(cur, &segs[n - 1], path, &v, ov, err);
    free(v.s);
    return rc;
}

int snn_config_apply_overrides(struct config_t *cfg, const char *const *overrides, int n,
                               snn_error *err)
{
    for (int i = 0; i < n; i++) {
        int rc = apply_one(cfg, overrides[i], err);
        if (rc)
            return rc;
    }
    return SNN_OK;
}
