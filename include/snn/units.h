/*
 * units.h — physical quantities in the config, read and dimension-checked with UDUNITS-2.
 *
 * A quantity is a string "value unit" ("10 ms", "-52 mV", "0.158 mS") or a bare number in the
 * internal unit of its dimension (ms, mV, mA, mS, ohm, pF, Hz). The result is always in the
 * internal unit.
 */
#ifndef SNN_UNITS_H
#define SNN_UNITS_H

#include <stddef.h>

typedef enum {
    SNN_DIM_TIME,        /* ms */
    SNN_DIM_VOLTAGE,     /* mV */
    SNN_DIM_CURRENT,     /* mA */
    SNN_DIM_CONDUCTANCE, /* mS */
    SNN_DIM_RESISTANCE,  /* ohm */
    SNN_DIM_CAPACITANCE, /* pF */
    SNN_DIM_RATE,        /* Hz */
    SNN_DIM_COUNT
} snn_dim;

typedef struct snn_units snn_units;

/* Loads the unit database; returns NULL if it cannot be read (message in why). */
snn_units *snn_units_create(char *why, size_t why_len);
void snn_units_destroy(snn_units *u);

/* Internal unit symbol of a dimension, e.g. "ms". */
const char *snn_units_symbol(snn_dim dim);

/* Converts text ("10 ms") to the internal unit of dim. Returns 0, or -1 with why set to what was
 * wrong ("unit 'mV' is a voltage, expected a time", "cannot parse '-50 bananas'"). Rejects NaN
 * and infinities. */
int snn_units_parse(const snn_units *u, const char *text, snn_dim dim, double *value, char *why,
                    size_t why_len);

#endif
