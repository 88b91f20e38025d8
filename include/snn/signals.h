/*
 * signals.h — the stop request: SIGTERM or SIGUSR1 asks a run to checkpoint and stop.
 *
 * SLURM sends a signal before a job's time limit (#SBATCH --signal=B:USR1@120) and Open MPI's
 * mpirun forwards SIGUSR1 and SIGUSR2 to every rank. The handler only sets a flag (a
 * volatile sig_atomic_t: the one piece of global mutable state in snn_mpi, because a signal
 * handler can reach nothing else). The step loop reads the flag before each spike exchange and
 * sends the request with the exchange counts, so all ranks stop after the same interval even
 * when only one rank got the signal.
 *
 * Only the program installs the handlers (snn_run), and it restores the previous ones after the
 * run; library code and unit tests never see a handler they did not ask for.
 */
#ifndef SNN_SIGNALS_H
#define SNN_SIGNALS_H

#include <signal.h>

typedef struct {
    struct sigaction term, usr1; /* the handlers before snn_signals_install */
    int installed;
} snn_signals;

/* Clears the flag and installs the handlers for SIGTERM and SIGUSR1; 0 on success. */
int snn_signals_install(snn_signals *saved);

/* Puts the previous handlers back (no-op if install failed or was not called). */
void snn_signals_restore(snn_signals *saved);

/* The flag the handlers set: the number of the last signal received, 0 if none. */
volatile sig_atomic_t *snn_signals_flag(void);

#endif
