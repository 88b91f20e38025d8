/*
 * error.h — error results that carry their context.
 *
 * Every library function that can fail returns an int status (SNN_OK on success) and fills an
 * snn_error with one human-readable line: what was being done, where (file:line:key when the
 * error is in the config), what was expected and what was found. main.c prints that line once,
 * on rank 0, and exits with the status on every rank. Library code never calls exit().
 */
#ifndef SNN_ERROR_H
#define SNN_ERROR_H

#include <stddef.h>

enum snn_status_code {
    SNN_OK = 0,
    SNN_ERR_USAGE = 1,    /* bad command line */
    SNN_ERR_CONFIG = 2,   /* the network file is wrong: syntax, keys, units, ranges */
    SNN_ERR_IO = 3,       /* a file could not be read or written */
    SNN_ERR_NOMEM = 4,    /* an allocation failed */
    SNN_ERR_MPI = 5,      /* an MPI call failed */
    SNN_ERR_INTERNAL = 6, /* a broken invariant: a bug in snn_mpi */
    SNN_ERR_NUMERIC = 7,  /* the state became NaN or infinite */
    /* Not an error: SIGTERM or SIGUSR1 stopped the run, which wrote a checkpoint to continue from
     * (snn_mpi CFG --restart <output_dir>/checkpoint.h5). Job scripts resubmit on this status. */
    SNN_STOPPED = 8,
};

#define SNN_ERROR_MSG_LEN 1024

typedef struct snn_error {
    int code;
    char msg[SNN_ERROR_MSG_LEN];
} snn_error;

/* Sets err (if not NULL) and returns code, so callers can write `return snn_fail(err, ...)`. */
int snn_fail(snn_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Clears err to SNN_OK with an empty message. */
void snn_error_clear(snn_error *err);

/* Exit status printed in the README for each code. */
const char *snn_status_name(int code);

#endif
