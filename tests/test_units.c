/*
 * test_units.c — quantities in the config: UDUNITS-2 parsing, conversion into the internal units
 * (ms, mV, mA, mS, ohm, pF, Hz), dimension checks and the wording of every rejection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "snn/units.h"

/* |a - b| <= tol, with both values printed on failure (cmocka 1.1 has no double asserts). */
#define assert_near(a, b, tol) assert_near_impl((a), (b), (tol), #a, __FILE__, __LINE__)

static void assert_near_impl(double a, double b, double tol, const char *expr, const char *file,
                             int line)
{
    if (!(fabs(a - b) <= tol)) {
        print_error("%s:%d: %s = %.17g, expected %.17g within %g\n", file, line, expr, a, b, tol);
        fail();
    }
}

static int setup(void **state)
{
    char why[256];
    snn_units *u = snn_units_create(why, sizeof why);
    if (!u) {
        print_error("snn_units_create: %s\n", why);
        return -1;
    }
    *state = u;
    return 0;
}

static int teardown(void **state)
{
    snn_units_destroy(*state);
    return 0;
}

/* Parses text as dim and returns the value; fails the test on an error. */
static double ok(const snn_units *u, const char *text, snn_dim dim)
{
    char why[256] = "";
    double v = -12345.0;
    int rc = snn_units_parse(u, text, dim, &v, why, sizeof why);
    if (rc != 0)
        print_error("\"%s\": %s\n", text, why);
    assert_int_equal(rc, 0);
    return v;
}

/* Expects text to be rejected as dim, with every needle in the reason; value left untouched. */
static void bad(const snn_units *u, const char *text, snn_dim dim, const char *needle1,
                const char *needle2)
{
    char why[256] = "";
    double v = 42.0;
    assert_int_equal(snn_units_parse(u, text, dim, &v, why, sizeof why), -1);
    assert_true(v == 42.0);
    assert_non_null(strstr(why, text)); /* the offending text is quoted */
    if (needle1 && !strstr(why, needle1))
        fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", text, why, needle1);
    if (needle2 && !strstr(why, needle2))
        fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", text, why, needle2);
    assert_null(strchr(why, '\n'));
}

static void test_symbols(void **state)
{
    (void)state;
    assert_string_equal(snn_units_symbol(SNN_DIM_TIME), "ms");
    assert_string_equal(snn_units_symbol(SNN_DIM_VOLTAGE), "mV");
    assert_string_equal(snn_units_symbol(SNN_DIM_CURRENT), "mA");
    assert_string_equal(snn_units_symbol(SNN_DIM_CONDUCTANCE), "mS");
    assert_string_equal(snn_units_symbol(SNN_DIM_RESISTANCE), "ohm");
    assert_string_equal(snn_units_symbol(SNN_DIM_CAPACITANCE), "pF");
    assert_string_equal(snn_units_symbol(SNN_DIM_RATE), "Hz");
    assert_string_equal(snn_units_symbol(SNN_DIM_COUNT), "?");
}

static void test_time(void **state)
{
    const snn_units *u = *state;
    assert_true(ok(u, "10 ms", SNN_DIM_TIME) == 10.0);
    assert_near(ok(u, "0.1 s", SNN_DIM_TIME), 100.0, 1e-12);
    assert_near(ok(u, "250 us", SNN_DIM_TIME), 0.25, 1e-15);
    assert_near(ok(u, "1 min", SNN_DIM_TIME), 60000.0, 1e-9);
    assert_true(ok(u, "0.1 ms", SNN_DIM_TIME) == 0.1);
    assert_true(ok(u, "  5ms  ", SNN_DIM_TIME) == 5.0); /* spacing is free */
    assert_true(ok(u, "-5 ms", SNN_DIM_TIME) == -5.0);  /* ranges are config.c's business */
    assert_true(ok(u, "2e1 ms", SNN_DIM_TIME) == 20.0);
}

static void test_voltage_current_conductance_resistance(void **state)
{
    const snn_units *u = *state;
    assert_true(ok(u, "-52 mV", SNN_DIM_VOLTAGE) == -52.0);
    assert_near(ok(u, "-0.05 V", SNN_DIM_VOLTAGE), -50.0, 1e-12);
    double pa = ok(u, "87.8 pA", SNN_DIM_CURRENT);
    assert_true(fabs(pa - 8.78e-8) <= 1e-15 * 8.78e-8 * 10);
    assert_true(ok(u, "3 mA", SNN_DIM_CURRENT) == 3.0);
    /* A value already in the internal unit arrives bit for bit. */
    assert_true(ok(u, "0.15811388300841897 mS", SNN_DIM_CONDUCTANCE) == 0.15811388300841897);
    assert_true(ok(u, "-0.31622776601683794 mS", SNN_DIM_CONDUCTANCE) == -0.31622776601683794);
    assert_near(ok(u, "10 nS", SNN_DIM_CONDUCTANCE), 1e-5, 1e-18);
    assert_true(ok(u, "1 ohm", SNN_DIM_RESISTANCE) == 1.0);
    assert_near(ok(u, "2 kohm", SNN_DIM_RESISTANCE), 2000.0, 1e-9);
    assert_near(ok(u, "1 Ω", SNN_DIM_RESISTANCE), 1.0, 0); /* UTF-8 symbols */
}

static void test_capacitance_rate(void **state)
{
    const snn_units *u = *state;
    /* Capacitance in pF (NEST's C_m unit), rate in Hz (spikes/s). */
    assert_true(ok(u, "250 pF", SNN_DIM_CAPACITANCE) == 250.0);
    assert_near(ok(u, "0.2 nF", SNN_DIM_CAPACITANCE), 200.0, 1e-12);
    assert_near(ok(u, "1 uF", SNN_DIM_CAPACITANCE), 1e6, 1e-6);
    assert_near(ok(u, "3e-10 F", SNN_DIM_CAPACITANCE), 300.0, 1e-10);
    assert_true(ok(u, "8 Hz", SNN_DIM_RATE) == 8.0);
    assert_true(ok(u, "0 Hz", SNN_DIM_RATE) == 0.0);
    assert_near(ok(u, "0.3 kHz", SNN_DIM_RATE), 300.0, 1e-12);
    assert_near(ok(u, "8 s-1", SNN_DIM_RATE), 8.0, 1e-15);
    assert_near(ok(u, "8 ms-1", SNN_DIM_RATE), 8000.0, 1e-9);
    bad(u, "250 pA", SNN_DIM_CAPACITANCE, "expected a capacitance (pF)", "which is a current (mA)");
    bad(u, "1 F", SNN_DIM_CONDUCTANCE, "expected a conductance", "which is a capacitance (pF)");
    bad(u, "8 mV", SNN_DIM_RATE, "expected a rate (Hz)", "which is a voltage (mV)");
    bad(u, "8 kg", SNN_DIM_RATE, "expected a rate (Hz)", "unit \"kg\" is not a rate");
    bad(u, "8", SNN_DIM_RATE, "with its unit (e.g. \"8 Hz\")", "to mean Hz");
    bad(u, "inf Hz", SNN_DIM_RATE, "expected a finite rate", "infinite");
}

static void test_case_matters(void **state)
{
    const snn_units *u = *state;
    /* ms is a millisecond, mS a millisiemens. */
    assert_true(ok(u, "2 mS", SNN_DIM_CONDUCTANCE) == 2.0);
    bad(u, "2 mS", SNN_DIM_TIME, "a conductance", "expected a time");
    bad(u, "2 ms", SNN_DIM_CONDUCTANCE, "a time", "expected a conductance");
}

static void test_wrong_dimension(void **state)
{
    const snn_units *u = *state;
    bad(u, "10 mV", SNN_DIM_TIME, "expected a time (ms)", "which is a voltage (mV)");
    bad(u, "3 mA", SNN_DIM_VOLTAGE, "expected a voltage", "which is a current");
    bad(u, "1 ohm", SNN_DIM_CONDUCTANCE, "expected a conductance", "which is a resistance");
    bad(u, "10 m", SNN_DIM_TIME, "expected a time", "unit \"m\" is not a time");
    /* UDUNITS converts reciprocals; a dimension check must not. */
    bad(u, "10 Hz", SNN_DIM_TIME, "expected a time (ms)", "which is a rate (Hz)");
    bad(u, "10 ms", SNN_DIM_RATE, "expected a rate (Hz)", "which is a time (ms)");
    bad(u, "2 ohm", SNN_DIM_CONDUCTANCE, "expected a conductance", "which is a resistance");
    bad(u, "2 mS", SNN_DIM_RESISTANCE, "expected a resistance", "which is a conductance");
}

static void test_unparsable(void **state)
{
    const snn_units *u = *state;
    bad(u, "-50 bananas", SNN_DIM_VOLTAGE, "expected a voltage", "unit \"bananas\" is unknown");
    bad(u, "mV", SNN_DIM_VOLTAGE, "expected a voltage", "does not start with a number");
    bad(u, "", SNN_DIM_VOLTAGE, "expected a voltage", "does not start with a number");
    bad(u, "10", SNN_DIM_TIME, "with its unit", "no unit");
    bad(u, "2 3 ms", SNN_DIM_TIME, "expected a time", "more than one number");
}

static void test_not_finite(void **state)
{
    const snn_units *u = *state;
    bad(u, "nan ms", SNN_DIM_TIME, "expected a time", "not a number");
    bad(u, "NaN mV", SNN_DIM_VOLTAGE, "expected a voltage", "not a number");
    bad(u, "inf ms", SNN_DIM_TIME, "expected a finite time", "infinite");
    bad(u, "-infinity mV", SNN_DIM_VOLTAGE, "expected a finite voltage", "infinite");
    bad(u, "1e400 ms", SNN_DIM_TIME, "expected a finite time", "out of the range");
    /* Finite as written, infinite once converted into ms. */
    bad(u, "1e308 s", SNN_DIM_TIME, "expected a finite time", "out of the range");
}

static void test_two_instances(void **state)
{
    (void)state;
    char why[256];
    snn_units *a = snn_units_create(why, sizeof why);
    snn_units *b = snn_units_create(why, sizeof why);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(ok(a, "1 s", SNN_DIM_TIME) == 1000.0);
    snn_units_destroy(a);
    assert_true(ok(b, "1 s", SNN_DIM_TIME) == 1000.0);
    snn_units_destroy(b);
    snn_units_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_symbols),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_voltage_current_conductance_resistance),
        cmocka_unit_test(test_capacitance_rate),
        cmocka_unit_test(test_case_matters),
        cmocka_unit_test(test_wrong_dimension),
        cmocka_unit_test(test_unparsable),
        cmocka_unit_test(test_not_finite),
        cmocka_unit_test(test_two_instances),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
