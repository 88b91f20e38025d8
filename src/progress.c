/*
 * progress.c — the progress line (see include/snn/progress.h).
 */
#include "snn/progress.h"

#include <mpi.h>
#include <stdlib.h>
#include <unistd.h>

void snn_progress_init(snn_progress *p, int enabled, FILE *out, uint64_t n_steps, double dt)
{
    p->enabled = enabled;
    p->out = out;
    /* mpirun gives ranks a pseudo-terminal even when its own output goes to a file, and a SLURM
     * job writes to a log: redraw in place only on an interactive terminal. */
    p->tty = enabled && isatty(fileno(out)) && !getenv("SLURM_JOB_ID");
    p->n_steps = n_steps;
    p->first_step = 0;
    p->dt = dt;
    p->t_start = p->t_last = MPI_Wtime();
    p->last_decile = 0;
}

static void print_line(snn_progress *p, uint64_t step, double now)
{
    double model_ms = (double)step * p->dt;
    double wall = now - p->t_start;
    uint64_t done = step > p->first_step ? step - p->first_step : 0;
    double rtf = done > 0 ? wall / ((double)done * p->dt * 1e-3) : 0;
    double eta = done > 0 ? wall * (double)(p->n_steps - step) / (double)done : 0;
    int pct = (int)(100.0 * (double)step / (double)p->n_steps);
    fprintf(p->out, "%s[%3d%%] t = %.1f ms, real-time factor %.3g, ETA %.1f s%s",
            p->tty ? "\r" : "", pct, model_ms, rtf, eta, p->tty ? "" : "\n");
    fflush(p->out);
}

void snn_progress_update(snn_progress *p, uint64_t step)
{
    if (!p->enabled || p->n_steps == 0)
        return;
    if (p->tty) {
        double now = MPI_Wtime();
        if (now - p->t_last >= 0.2 || step == p->n_steps) {
            p->t_last = now;
            print_line(p, step, now);
        }
        return;
    }
    int decile = (int)(10 * step / p->n_steps);
    if (decile > p->last_decile) {
        p->last_decile = decile;
        print_line(p, step, MPI_Wtime());
    }
}

void snn_progress_finish(snn_progress *p)
{
    if (p->enabled && p->tty) {
        fputc('\n', p->out);
        fflush(p->out);
    }
}
