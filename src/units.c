/*
 * units.c — physical quantities in the config, read and dimension-checked with UDUNITS-2.
 *
 * A quantity string is "<number> <unit>" ("10 ms", "-52 mV", "87.8 pA"). The number is read with
 * strtod, so the value the user wrote reaches the model exactly when it is already in the internal
 * unit; the unit part is parsed by UDUNITS-2, checked against the expected dimension and converted
 * into snn_mpi's internal unit of that dimension (ms, mV, mA, mS, ohm, pF, Hz). Every failure is
 * described in one phrase of the form `expected <what>, got <what>` that config.c appends to
 * file:line: key.
 */
#include "snn/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <udunits2.h>

/* Longest quantity text examined; longer strings are rejected rather than truncated. */
#define SNN_UNITS_TEXT_MAX 256

struct snn_units {
    ut_system *sys;
    ut_unit *internal[SNN_DIM_COUNT]; /* ms, mV, mA, mS, ohm, pF, Hz */
};

static const char *const dim_symbol[SNN_DIM_COUNT] = {"ms", "mV", "mA", "mS", "ohm", "pF", "Hz"};
static const char *const dim_noun[SNN_DIM_COUNT] = {
    "time", "voltage", "current", "conductance", "resistance", "capacitance", "rate"};
static const char *const dim_example[SNN_DIM_COUNT] = {"10 ms", "-52 mV", "3 mA", "0.1 mS",
                                                       "1 ohm", "250 pF", "8 Hz"};

const char *snn_units_symbol(snn_dim dim)
{
    if ((int)dim < 0 || dim >= SNN_DIM_COUNT)
        return "?";
    return dim_symbol[dim];
}

static void set_why(char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_why(char *why, size_t why_len, const char *fmt, ...)
{
    if (!why || why_len == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_len, fmt, ap);
    va_end(ap);
}

/* Whether a and b have the same dimension. ut_are_convertible alone also accepts reciprocals
 * ("1 ohm" would convert to 1000 mS, "10 Hz" to 100 ms), so the quotient must be dimensionless. */
static int same_dimension(const snn_units *u, const ut_unit *a, const ut_unit *b)
{
    if (!ut_are_convertible(a, b))
        return 0;
    ut_unit *q = ut_divide(a, b);
    if (!q)
        return 0;
    ut_unit *one = ut_get_dimensionless_unit_one(u->sys);
    int same = one && ut_are_convertible(q, one);
    ut_free(q);
    ut_free(one);
    return same;
}

static const char *status_text(ut_status s)
{
    switch (s) {
    case UT_OPEN_ARG:
        return "cannot open the given unit database";
    case UT_OPEN_ENV:
        return "cannot open the unit database named by UDUNITS2_XML_PATH";
    case UT_OPEN_DEFAULT:
        return "cannot open the installed unit database (set UDUNITS2_XML_PATH)";
    case UT_PARSE:
        return "cannot parse the unit database";
    case UT_OS:
        return "operating-system error while reading the unit database";
    default:
        return "cannot load the unit database";
    }
}

snn_units *snn_units_create(char *why, size_t why_len)
{
    /* UDUNITS reports through a process-wide handler; silence it, errors come back in `why`. */
    ut_set_error_message_handler(ut_ignore);

    snn_units *u = calloc(1, sizeof *u);
    if (!u) {
        set_why(why, why_len, "out of memory while loading the unit database");
        return NULL;
    }
    u->sys = ut_read_xml(NULL);
    if (!u->sys) {
        set_why(why, why_len, "UDUNITS-2: %s", status_text(ut_get_status()));
        free(u);
        return NULL;
    }
    for (int d = 0; d < SNN_DIM_COUNT; d++) {
        u->internal[d] = ut_parse(u->sys, dim_symbol[d], UT_UTF8);
        if (!u->internal[d]) {
            set_why(why, why_len, "UDUNITS-2: the unit database does not define \"%s\"",
                    dim_symbol[d]);
            snn_units_destroy(u);
            return NULL;
        }
    }
    return u;
}

void snn_units_destroy(snn_units *u)
{
    if (!u)
        return;
    for (int d = 0; d < SNN_DIM_COUNT; d++)
        ut_free(u->internal[d]);
    ut_free_system(u->sys);
    free(u);
}

/* Copies text[b, e) into out (size n) with surrounding white space removed. */
static void trim_copy(const char *b, const char *e, char *out, size_t n)
{
    while (b < e && isspace((unsigned char)*b))
        b++;
    while (e > b && isspace((unsigned char)e[-1]))
        e--;
    size_t len = (size_t)(e - b);
    if (len >= n)
        len = n - 1;
    memcpy(out, b, len);
    out[len] = '\0';
}

int snn_units_parse(const snn_units *u, const char *text, snn_dim dim, double *value, char *why,
                    size_t why_len)
{
    if (!u || !text || !value || (int)dim < 0 || dim >= SNN_DIM_COUNT) {
        set_why(why, why_len, "internal error: bad arguments to snn_units_parse");
        return -1;
    }
    const char *noun = dim_noun[dim];
    size_t text_len = strlen(text);
    if (text_len >= SNN_UNITS_TEXT_MAX) {
        set_why(why, why_len, "expected a %s (e.g. \"%s\"), got a string of %zu characters", noun,
                dim_example[dim], text_len);
        return -1;
    }

    /* The number. */
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    char *end = NULL;
    errno = 0;
    double x = strtod(p, &end);
    if (end == p) {
        set_why(why, why_len,
                "expected a %s (e.g. \"%s\"), got \"%s\", which does not start "
                "with a number",
                noun, dim_example[dim], text);
        return -1;
    }
    if (isnan(x)) {
        set_why(why, why_len, "expected a %s (e.g. \"%s\"), got \"%s\", which is not a number",
                noun, dim_example[dim], text);
        return -1;
    }
    if (isinf(x) && errno != ERANGE) {
        set_why(why, why_len, "expected a finite %s (e.g. \"%s\"), got \"%s\", which is infinite",
                noun, dim_example[dim], text);
        return -1;
    }
    if (isinf(x) || errno == ERANGE) {
        set_why(why, why_len,
                "expected a finite %s (e.g. \"%s\"), got \"%s\", whose number is out of the "
                "range of a double",
                noun, dim_example[dim], text);
        return -1;
    }

    /* The unit. */
    char unit[SNN_UNITS_TEXT_MAX];
    trim_copy(end, text + text_len, unit, sizeof unit);
    if (unit[0] == '\0') {
        set_why(why, why_len,
                "expected a %s with its unit (e.g. \"%s\"), got \"%s\" with no unit (write a "
                "bare number, without quotes, to mean %s)",
                noun, dim_example[dim], text, dim_symbol[dim]);
        return -1;
    }
    if (isdigit((unsigned char)unit[0]) || unit[0] == '+' || unit[0] == '-' || unit[0] == '.') {
        set_why(why, why_len,
                "expected a %s (e.g. \"%s\"), got \"%s\", which has more than one "
                "number",
                noun, dim_example[dim], text);
        return -1;
    }
    ut_unit *given = ut_parse(u->sys, unit, UT_UTF8);
    if (!given) {
        ut_status s = ut_get_status();
        set_why(why, why_len, "expected a %s (e.g. \"%s\"), got \"%s\", whose unit \"%s\" is %s",
                noun, dim_example[dim], text, unit,
                s == UT_UNKNOWN ? "unknown" : "not a valid unit expression");
        return -1;
    }

    if (!same_dimension(u, given, u->internal[dim])) {
        int other = -1;
        for (int d = 0; d < SNN_DIM_COUNT && other < 0; d++)
            if (same_dimension(u, given, u->internal[d]))
                other = d;
        if (other >= 0)
            set_why(why, why_len, "expected a %s (%s), got \"%s\", which is a %s (%s)", noun,
                    dim_symbol[dim], text, dim_noun[other], dim_symbol[other]);
        else
            set_why(why, why_len, "expected a %s (%s), got \"%s\", whose unit \"%s\" is not a %s",
                    noun, dim_symbol[dim], text, unit, noun);
        ut_free(given);
        return -1;
    }

    cv_converter *cv = ut_get_converter(given, u->internal[dim]);
    ut_free(given);
    if (!cv) {
        set_why(why, why_len, "expected a %s (%s), got \"%s\", which cannot be converted to %s",
                noun, dim_symbol[dim], text, dim_symbol[dim]);
        return -1;
    }
    double y = cv_convert_double(cv, x);
    cv_free(cv);
    if (!isfinite(y)) {
        set_why(why, why_len,
                "expected a finite %s, got \"%s\", which is out of the range of a double in %s",
                noun, text, dim_symbol[dim]);
        return -1;
    }
    *value = y;
    return 0;
}
