/*
 * error.c — filling and naming snn_error results (see include/snn/error.h).
 */
#include "snn/error.h"

#include <stdarg.h>
#include <stdio.h>

int snn_fail(snn_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

void snn_error_clear(snn_error *err)
{
    if (err) {
        err->code = SNN_OK;
        err->msg[0] = '\0';
    }
}

const char *snn_status_name(int code)
{
    switch (code) {
    case SNN_OK:
        return "success";
    case SNN_ERR_USAGE:
        return "usage error";
    case SNN_ERR_CONFIG:
        return "configuration error";
    case SNN_ERR_IO:
        return "I/O error";
    case SNN_ERR_NOMEM:
        return "out of memory";
    case SNN_ERR_MPI:
        return "MPI error";
    case SNN_ERR_INTERNAL:
        return "internal error";
    default:
        return "unknown error";
    }
}
