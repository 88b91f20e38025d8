/*
 * config_internal.h — config.c's parse helpers for the parsers of other config sections
 * (config_recorders.c), so that every section reports errors the same way: one line naming
 * file:line, the key path, what was expected and what was found. Private to the library.
 */
#ifndef SNN_CONFIG_INTERNAL_H
#define SNN_CONFIG_INTERNAL_H

#include <libconfig.h>

#include "snn/error.h"
#include "snn/model.h"
#include "snn/units.h"

#define SNN_CFG_KEY_LEN 192 /* a key path such as "recorders[2].neurons[5]" */

/* config.c's parse context (file name, units, error, population names). */
typedef struct snn_cfg_ctx snn_cfg_ctx;

/* A setting with its key path; s is NULL when an optional key is absent. */
typedef struct {
    const config_setting_t *s;
    char key[SNN_CFG_KEY_LEN];
} snn_cfg_field;

snn_error *snn_cfg_err(const snn_cfg_ctx *c);
const char *snn_cfg_name(const snn_cfg_ctx *c);

/* "file:line: key: <fmt>" at setting s; returns SNN_ERR_CONFIG. */
int snn_cfg_fail(const snn_cfg_ctx *c, const config_setting_t *s, const char *key, const char *fmt,
                 ...) __attribute__((format(printf, 4, 5)));
/* "expected <what>, got <the value of f>". */
int snn_cfg_fail_got(const snn_cfg_ctx *c, const snn_cfg_field *f, const char *what);
/* The value of s as the user wrote it. */
void snn_cfg_describe(const config_setting_t *s, char *buf, size_t n);
/* An error on the first member of group g not in allowed (NULL-terminated), with a hint. */
int snn_cfg_check_keys(const snn_cfg_ctx *c, const config_setting_t *g, const char *key,
                       const char *const *allowed);
/* Member name of parent into f; a missing required member is an error. */
int snn_cfg_lookup(const snn_cfg_ctx *c, const config_setting_t *parent, const char *pkey,
                   const char *name, const char *what, int required, snn_cfg_field *f);
/* f as a quantity of dimension dim (a string with a unit, or a bare number in the internal unit).
 */
int snn_cfg_read_quantity(const snn_cfg_ctx *c, const snn_cfg_field *f, snn_dim dim,
                          const char *what, double *out);
int snn_cfg_string_member(const snn_cfg_ctx *c, const config_setting_t *parent, const char *pkey,
                          const char *name, const char *what, int required, const char **out,
                          snn_cfg_field *f);
/* A population name at f, resolved (unknown names list the known ones). */
int snn_cfg_resolve_pop(const snn_cfg_ctx *c, const snn_model *m, const snn_cfg_field *f, int *idx);
/* key = pkey "[" i "]". */
void snn_cfg_index_key(char *key, const char *pkey, int i);
/* The shortest "%g" rendering of x that reads back exactly. */
void snn_cfg_fmt_double(double x, char *buf, size_t n);

/* The `recorders` section (config_recorders.c); after populations, projections and inputs. */
int snn_cfg_parse_recorders(const snn_cfg_ctx *c, const config_setting_t *root, snn_model *m);

#endif
