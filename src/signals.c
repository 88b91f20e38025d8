/*
 * signals.c — the stop-request flag and its handlers (see include/snn/signals.h).
 */
#include "snn/signals.h"

#include <string.h>

/* The documented exception to "no global mutable state": a handler can only reach a global. */
static volatile sig_atomic_t snn_stop_signal;

static void on_stop_signal(int sig)
{
    snn_stop_signal = sig;
}

volatile sig_atomic_t *snn_signals_flag(void)
{
    return &snn_stop_signal;
}

int snn_signals_install(snn_signals *saved)
{
    struct sigaction sa;
    memset(saved, 0, sizeof *saved);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART; /* MPI and file calls go on; the loop polls the flag */
    snn_stop_signal = 0;
    if (sigaction(SIGTERM, &sa, &saved->term) != 0)
        return -1;
    if (sigaction(SIGUSR1, &sa, &saved->usr1) != 0) {
        sigaction(SIGTERM, &saved->term, NULL);
        return -1;
    }
    saved->installed = 1;
    return 0;
}

void snn_signals_restore(snn_signals *saved)
{
    if (!saved->installed)
        return;
    sigaction(SIGTERM, &saved->term, NULL);
    sigaction(SIGUSR1, &saved->usr1, NULL);
    saved->installed = 0;
}
