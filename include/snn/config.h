/*
 * config.h — reads a net.cfg (libconfig syntax) into an snn_model.
 *
 * Every error names file, line, key, what was expected and what was found, e.g.
 *   net.cfg:14: populations[1].tau: expected a time > 0, got "-5 ms"
 * Every rank parses the same file; the result is deterministic, so all ranks agree on errors.
 */
#ifndef SNN_CONFIG_H
#define SNN_CONFIG_H

#include "snn/error.h"
#include "snn/model.h"

/* Parses path into *m (zeroed first). On error returns SNN_ERR_CONFIG or SNN_ERR_IO and leaves
 * *m freed. */
int snn_config_load(const char *path, snn_model *m, snn_error *err);

/* Same, from a string already in memory (for tests and fuzzing); name is used in messages. */
int snn_config_load_string(const char *text, const char *name, snn_model *m, snn_error *err);

#endif
