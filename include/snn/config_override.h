/*
 * config_override.h — `--set KEY=VALUE`: edits of the config tree before the model is parsed.
 *
 * An override names a setting by its path, groups and list elements separated by '.':
 *   run.duration=1 s                 populations.E.size=800        populations.[0].size=800
 *   projections.E2E.weight="0.7 mS"  projections.E2E.rule.prob=0.1 populations[1].V_init.std=5
 * A list element is addressed by its `name` member (a projection without one by its default
 * name, "E->I" or "E+I->E") or by its index ("[i]" as its own segment or right after the list's
 * name). The value is a libconfig scalar when it reads as one (integer,
 * float, true/false, "quoted string") and otherwise a bare string, so `1 s` needs no quotes.
 * The last segment replaces that setting, or adds it to its group when absent (an unknown key is
 * then reported by the parser's unknown-key check); every segment before it must exist.
 * Overridden settings carry their override text (a libconfig hook), so that config.c's messages
 * name the override ("--set run.duration=5 mV: expected a time ...") instead of a file line.
 * Overrides are applied in order: a later one for the same key wins.
 */
#ifndef SNN_CONFIG_OVERRIDE_H
#define SNN_CONFIG_OVERRIDE_H

#include "snn/error.h"
#include "snn/model.h"

struct config_t;
struct config_setting_t;

/* Applies overrides[0..n) to cfg. SNN_ERR_CONFIG (with a message naming the override) when an
 * override has no '=', an empty key, or a path through a group or element that does not exist. */
int snn_config_apply_overrides(struct config_t *cfg, const char *const *overrides, int n,
                               snn_error *err);

/* The override text that set s (NULL for a setting from the file). */
const char *snn_config_override_of(const struct config_setting_t *s);

/* snn_config_load and snn_config_load_string (config.h) with overrides (n may be 0). */
int snn_config_load_with(const char *path, const char *const *overrides, int n, snn_model *m,
                         snn_error *err);
int snn_config_load_string_with(const char *text, const char *name, const char *const *overrides,
                                int n, snn_model *m, snn_error *err);

#endif
