/*
 * error.c — filling and naming snn_error results (see include/snn/error.h).
 */
#include "snn/error.h"

#include <stdarg.h>
#include <stdio.h>

/* Rewrites control characters (a newline in a name the user wrote, say) as escapes, so every
 * message stays one line. */
static void escape_controls(char *msg, size_t size)
{
    char tmp[SNN_ERROR_MSG_LEN];
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)msg; *p && o + 5 < sizeof tmp; p++) {
        if (*p >= 0x20 && *p != 0x7f) {
            tmp[o++] = (char)*p;
        } else if (*p == '\n' || *p == '\t' || *p == '\r') {
            tmp[o++] = '\\';
            tmp[o++] = *p == '\n' ? 'n' : *p == '\t' ? 't' : 'r';
        } else {
            o += (size_t)snprintf(tmp + o, sizeof tmp - o, "\\x%02x", *p);
        }
    }
    tmp[o] = '\0';
    snprintf(msg, size, "%s", tmp);
}

int snn_fail(snn_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        escape_controls(err->msg, sizeof err->msg);
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
    case SNN_ERR_NUMERIC:
        return "numerical error";
    case SNN_STOPPED:
        return "stopped by a signal, checkpoint written";
    default:
        return "unknown error";
    }
}
