/*
 * progress.h — rank 0's progress line: percent, model time, real-time factor and ETA.
 *
 * On a terminal the line is redrawn in place at most five times a second; otherwise (a SLURM log,
 * a pipe) one line is printed at every 10 %, so logs stay readable.
 */
#ifndef SNN_PROGRESS_H
#define SNN_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

typedef struct {
    int enabled;
    int tty;
    FILE *out;
    uint64_t n_steps;
    uint64_t first_step; /* 0, or the checkpoint's step after a restart: rates count from it */
    double dt;
    double t_start, t_last;
    int last_decile;
} snn_progress;

void snn_progress_init(snn_progress *p, int enabled, FILE *out, uint64_t n_steps, double dt);
/* Called after every step; cheap when nothing is printed. */
void snn_progress_update(snn_progress *p, uint64_t step);
void snn_progress_finish(snn_progress *p);

#endif
