/*
 * simulate.c — the step loop (see include/snn/simulate.h for the order within a step).
 *
 * One OpenMP parallel region spans the whole run. Each thread updates its own neurons and
 * delivers into its own ring buffers; the master thread alone talks to MPI between two barriers
 * (MPI_THREAD_FUNNELED). Nothing is allocated inside the loop.
 */
#include "snn/simulate.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "snn/output.h"

/* Steps 1 and 2 for one thread: synapses take their arrivals, neurons integrate and spike. */
static void update_thread(const snn_network *net, snn_thread_state *ts, uint64_t n)
{
    const uint32_t N = ts->n;
    const int L = net->ring_len, nc = net->channels.n;
    const snn_channel *ch = net->channels.ch;
    const size_t slot = (size_t)(n % (uint64_t)L);
    for (int c = 0; c < nc; c++) {
        snn_real *restrict g = ts->g + (size_t)c * N;
        snn_real *restrict x = ts->ring + ((size_t)c * (size_t)L + slot) * N;
        const snn_expon ex = ch[c].expon;
        for (uint32_t i = 0; i < N; i++) {
            g[i] = snn_expon_step(&ex, g[i], x[i]);
            x[i] = 0;
        }
    }
    ts->n_spikes = 0;
    for (int p = 0; p < net->model->n_pops; p++) {
        const snn_segment sg = ts->segs[p];
        const snn_lif lif = net->lif[p];
        const snn_real I_ext = net->I_ext[p];
        snn_real *restrict V = ts->V;
        for (uint32_t i = sg.begin; i < sg.end; i++) {
            snn_real Vr = snn_lif_reset(&lif, V[i]);
            snn_real I = I_ext;
            for (int c = 0; c < nc; c++)
                I = I + snn_output_current(ch[c].output, ch[c].E, ts->g[(size_t)c * N + i], Vr);
            int refractory = (int64_t)n - ts->last_spike[i] < lif.ref_steps;
            snn_real Vn = refractory ? Vr : snn_lif_integrate(&lif, Vr, I);
            V[i] = Vn;
            if (Vn >= lif.V_th) {
                ts->spikes[ts->n_spikes++] = (uint32_t)(sg.gid_begin + (i - sg.begin));
                if (ts->spike_count[i] > 0) {
                    double isi = (double)((int64_t)n - ts->last_spike[i]);
                    ts->isi_sum[i] += isi;
                    ts->isi_sq[i] += isi * isi;
                }
                ts->spike_count[i]++;
                ts->last_spike[i] = (int64_t)n;
            }
        }
    }
}

/* Step 5 for one thread: the weights of its synapses into slot n + delay, in canonical order
 * (projection, then ascending presynaptic global id, then row order). */
static void deliver_thread(const snn_network *net, snn_thread_state *ts, uint64_t n,
                           const uint32_t *gids, const int *spop, size_t ns)
{
    const snn_model *m = net->model;
    const uint32_t N = ts->n;
    const uint64_t L = (uint64_t)net->ring_len;
    for (int p = 0; p < m->n_projs; p++) {
        const snn_projection *pr = &m->projs[p];
        const int c = net->channels.proj_channel[p];
        const size_t slot = (size_t)((n + (uint64_t)pr->delay_steps) % L);
        snn_real *restrict buf = ts->ring + ((size_t)c * L + slot) * N;
        const snn_real w = (snn_real)pr->weight;
        const int64_t *pb = net->pre_base + (size_t)p * (size_t)m->n_pops;
        const uint64_t *restrict row = ts->syn[p].row;
        const uint32_t *restrict tgt = ts->syn[p].target;
        for (size_t s = 0; s < ns; s++) {
            int q = spop[s];
            if (pb[q] < 0)
                continue;
            uint64_t pre = (uint64_t)pb[q] + (gids[s] - m->pops[q].offset);
            for (uint64_t k = row[pre]; k < row[pre + 1]; k++)
                buf[tgt[k]] += w;
        }
    }
}

/* Master thread: gather the threads' spikes, exchange them, tag each with its population. */
static int exchange(snn_sim *s, const uint32_t **gids, size_t *ns, snn_error *err)
{
    snn_network *net = s->net;
    size_t nl = 0;
    for (int t = 0; t < net->n_threads; t++) {
        memcpy(s->local + nl, net->thr[t].spikes, net->thr[t].n_spikes * sizeof *s->local);
        nl += net->thr[t].n_spikes;
    }
    int status = snn_comm_exchange(s->comm, s->local, nl, gids, ns, err);
    if (status != SNN_OK)
        return status;
    const snn_model *m = net->model;
    int q = 0;
    for (size_t k = 0; k < *ns; k++) {
        while ((*gids)[k] >= m->pops[q].offset + m->pops[q].size)
            q++;
        s->spike_pop[k] = q;
    }
    return SNN_OK;
}

int snn_sim_start(snn_sim *s, snn_network *net, snn_comm *comm, snn_error *err)
{
    memset(s, 0, sizeof *s);
    s->net = net;
    s->comm = comm;
    s->local = malloc((net->n_local > 0 ? net->n_local : 1) * sizeof *s->local);
    s->spike_pop =
        malloc((net->model->n_neurons > 0 ? net->model->n_neurons : 1) * sizeof *s->spike_pop);
    int status = SNN_OK;
    if (!s->local || !s->spike_pop)
        status = snn_fail(err, SNN_ERR_NOMEM, "cannot allocate spike buffers");
    status = snn_comm_agree(comm, status, err);
    if (status != SNN_OK)
        return status;
    /* Step 0: initial potentials at or above threshold act as spikes of step 0. */
    for (int t = 0; t < net->n_threads; t++) {
        snn_thread_state *ts = &net->thr[t];
        ts->n_spikes = 0;
        for (int p = 0; p < net->model->n_pops; p++) {
            const snn_segment sg = ts->segs[p];
            for (uint32_t i = sg.begin; i < sg.end; i++)
                if (ts->V[i] >= net->lif[p].V_th)
                    ts->spikes[ts->n_spikes++] = (uint32_t)(sg.gid_begin + (i - sg.begin));
        }
    }
    const uint32_t *gids;
    size_t ns;
    status = exchange(s, &gids, &ns, err);
    if (status != SNN_OK)
        return status;
    for (int t = 0; t < net->n_threads; t++)
        deliver_thread(net, &net->thr[t], 0, gids, s->spike_pop, ns);
    return SNN_OK;
}

int snn_sim_run(snn_sim *s, uint64_t n_steps, snn_spike_sink sink, void *sink_ctx,
                snn_progress *progress, snn_error *err)
{
    snn_network *net = s->net;
    const uint64_t first = s->step + 1, last = s->step + n_steps;
    int status = SNN_OK;
    const uint32_t *gids = NULL;
    size_t ns = 0;
    snn_timers *tm = &s->timers;
#pragma omp parallel num_threads(net->n_threads)
    {
        const int t = omp_get_thread_num();
        snn_thread_state *ts = &net->thr[t];
        double t0 = 0, t1;
        for (uint64_t n = first; n <= last; n++) {
#pragma omp master
            t0 = omp_get_wtime();
            update_thread(net, ts, n);
#pragma omp barrier
#pragma omp master
            {
                t1 = omp_get_wtime();
                tm->update += t1 - t0;
                status = exchange(s, &gids, &ns, err);
                t0 = omp_get_wtime();
                tm->exchange += t0 - t1;
                if (status == SNN_OK && sink)
                    status = sink(sink_ctx, n, gids, ns, err);
                if (progress)
                    snn_progress_update(progress, n);
                t1 = omp_get_wtime();
                tm->output += t1 - t0;
            }
#pragma omp barrier
            if (status != SNN_OK)
                break;
            deliver_thread(net, ts, n, gids, s->spike_pop, ns);
#pragma omp master
            {
                tm->deliver += omp_get_wtime() - t1;
                s->step = n;
            }
        }
    }
    return status;
}

void snn_sim_free(snn_sim *s)
{
    free(s->local);
    free(s->spike_pop);
    s->local = NULL;
    s->spike_pop = NULL;
}
