/*
 * run.c — one run from a config file to a spike file and a summary (see include/snn/run.h).
 */
#include "snn/run.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snn/comm.h"
#include "snn/config.h"
#include "snn/config_override.h"
#include "snn/edges_file.h"
#include "snn/checkpoint.h"
#include "snn/estimate.h"
#include "snn/fault.h"
#include "snn/file_hash.h"
#include "snn/network.h"
#include "snn/network_export.h"
#include "snn/progress.h"
#include "snn/recorder.h"
#include "snn/signals.h"
#include "snn/simulate.h"
#include "snn/spike_stats.h"
#include "snn/spike_writer.h"
#include "snn/stats.h"
#include "snn/summary.h"
#include "snn/validate.h"

/* mkdir -p for the output directory; run on rank 0 only. */
static int make_dirs(const char *path, snn_error *err)
{
    char buf[SNN_PATH_LEN];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return snn_fail(err, SNN_ERR_IO, "output directory path is too long: %s", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return snn_fail(err, SNN_ERR_IO, "cannot create output directory %s: %s", buf,
                                strerror(errno));
            *p = saved;
            if (saved == '\0')
                break;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return snn_fail(err, SNN_ERR_IO, "output directory %s exists but is not a directory", path);
    return SNN_OK;
}

/* FNV-1a of the config file's bytes (snn_file_hash), continued over the --set overrides: ties
 * the ranks, and a checkpoint and its restart, to the same network description. */
static uint64_t config_hash(const char *path, const snn_run_options *o)
{
    uint64_t h = snn_file_hash(path);
    for (int i = 0; i < o->n_overrides; i++)
        for (const char *p = o->overrides[i];; p++) {
            h = (h ^ (uint64_t)(unsigned char)*p) * 1099511628211ull;
            if (!*p)
                break;
        }
    return h;
}

/* Collective: every rank must have read the same config file (on a cluster each node reads its
 * own copy; a stale copy on one node would silently build another network). */
static int check_same_config(snn_comm *c, const char *path, const snn_run_options *o,
                             snn_error *err)
{
    uint64_t h = config_hash(path, o);
    if (snn_fault_here("config", c->rank, 0))
        h ^= 1;
    uint64_t h0 = h;
    MPI_Bcast(&h0, 1, MPI_UINT64_T, 0, c->comm);
    int status = SNN_OK;
    if (h != h0)
        status = snn_fail(err, SNN_ERR_CONFIG,
                          "%s: rank %d read a different file than rank 0 did (hash %016llx, not "
                          "%016llx): every rank must see the same config%s",
                          path, c->rank, (unsigned long long)h, (unsigned long long)h0,
                          o->n_overrides ? " and the same --set overrides" : "");
    return snn_comm_agree(c, status, err);
}

/* Collective: every rank (every node) must be able to write into the output directory. */
static int check_output_dir(snn_comm *c, const char *dir, snn_error *err)
{
    int status = SNN_OK;
    if (access(dir, W_OK | X_OK) != 0 || snn_fault_here("output", c->rank, 0))
        status = snn_fail(err, SNN_ERR_IO, "rank %d cannot write into output directory %s: %s",
                          c->rank, dir, errno ? strerror(errno) : "injected fault");
    return snn_comm_agree(c, status, err);
}

typedef struct {
    snn_spike_writer *writer;
    snn_spike_stats *stats; /* rank 0 only */
} sink_ctx;

static int spike_sink(void *ctx, uint64_t step, const uint32_t *gids, size_t n, snn_error *err)
{
    sink_ctx *k = ctx;
    snn_spike_stats_add(k->stats, step, gids, n);
    return snn_spike_writer_add(k->writer, step, gids, n, err);
}

static void replay_observer(void *ctx, uint64_t step, const uint32_t *gids, size_t n)
{
    snn_spike_stats_add(ctx, step, gids, n);
}

static void print_header(FILE *out, const snn_model *m, const snn_comm *c, int n_threads,
                         const char *mpi_transport)
{
    fprintf(out, "snn_mpi %s (%s precision): %s\n", SNN_VERSION, SNN_REAL_NAME, m->source);
    fprintf(out, "  %llu neurons in %d populations, %d projections; %d ranks x %d threads\n",
            (unsigned long long)m->n_neurons, m->n_pops, m->n_projs, c->size, n_threads);
    fprintf(out, "  dt %g ms, duration %g ms (%llu steps), seed %u\n", m->run.dt, m->run.duration,
            (unsigned long long)m->run.n_steps, m->run.seed);
    if (mpi_transport)
        fprintf(out, "  MPI transport: %s\n", mpi_transport);
}

/* Collective. Rank 0 warns when some rank's CPU affinity allows fewer cores than it runs
 * threads (they would share cores: typically Open MPI's default binding of each rank to one
 * core when -n <= 2, which halves the speed of -n 1 -t 2). */
static void warn_if_cores_shared(snn_comm *c, int n_threads)
{
    double v[2] = {(double)(n_threads - omp_get_num_procs()), (double)-omp_get_num_procs()};
    if (snn_comm_max(c, v, 2) != 0 || v[0] <= 0 || c->rank != 0)
        return;
    fprintf(stderr,
            "snn_mpi: warning: %d threads per rank, but a rank may run on only %d core%s (its CPU "
            "affinity), so its threads share cores. Open MPI binds each rank to one core when "
            "-n <= 2: add --bind-to none, or give each rank its cores with --map-by "
            "slot:PE=%d\n",
            n_threads, (int)-v[1], -v[1] == 1 ? "" : "s", n_threads);
}

/* Minor page faults of this process so far (first touches of memory, each a trip into the
 * kernel: 10-14 us on some virtual machines). */
static double minor_faults(void)
{
    struct rusage u;
    return getrusage(RUSAGE_SELF, &u) == 0 ? (double)u.ru_minflt : 0;
}

static double peak_rss_mb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    double kb = 0;
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = atof(line + 6);
    if (f)
        fclose(f);
    return kb / 1024.0;
}

typedef struct {
    snn_model model;
    snn_comm comm;
    snn_network net;
    snn_sim sim;
    snn_spike_writer *writer;
    snn_recorders *rec;
    snn_pop_stats *stats;
    snn_spike_stats *spike_stats;
    uint64_t *written;    /* [n_pops] spikes in the spike file at the last checkpoint */
    uint64_t config_hash; /* of the config and overrides: ties a checkpoint to it */
    char checkpoint_path[SNN_PATH_LEN + 32];
    double stop_bytes, stop_seconds;     /* the checkpoint written on a stop request */
    double read_seconds, replay_seconds; /* a restart: reading the checkpoint, rebuilding spikes */
} run_state;

static void run_state_free(run_state *r)
{
    snn_sim_free(&r->sim);
    snn_spike_writer_abort(r->writer);
    snn_recorders_abort(r->rec);
    snn_network_free(&r->net);
    snn_comm_free(&r->comm);
    free(r->stats);
    snn_spike_stats_free(r->spike_stats);
    free(r->written);
    snn_model_free(&r->model);
}

/* A fresh run: spike file, then the initial state (step 0). */
static int start(run_state *r, const char *spike_path, snn_error *err)
{
    /* A .prev copy left by an interrupted restart belongs to an older run: a later restart must
     * not take it for this run's spike file. */
    char prev[SNN_PATH_LEN + 32];
    snprintf(prev, sizeof prev, "%s.partial.prev", spike_path);
    if (r->comm.rank == 0)
        unlink(prev);
    int status = snn_spike_writer_open(&r->writer, r->comm.comm, spike_path, &r->model, err);
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    status = snn_recorders_open(&r->rec, &r->comm, &r->net, r->model.run.output_dir, err);
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    status = snn_sim_start(&r->sim, &r->net, &r->comm, err);
    r->sim.rec = r->rec;
    return snn_comm_agree(&r->comm, status, err);
}

/* A restart: the state from the checkpoint, then the spike file rebuilt from the stopped run's
 * up to the checkpoint's step, with the periodic syncs the first run made (they shape the file). */
static int restart(run_state *r, const snn_run_options *o, const char *spike_path, snn_error *err)
{
    const snn_model *m = &r->model;
    int status = snn_sim_start(&r->sim, &r->net, &r->comm, err);
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    double t0 = MPI_Wtime();
    status = snn_checkpoint_read(o->restart_path, &r->sim, r->config_hash, r->written, err);
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    double t1 = MPI_Wtime();
    r->read_seconds = t1 - t0;
    status = snn_recorders_resume(&r->rec, &r->comm, &r->net, m->run.output_dir, r->sim.step, err);
    r->sim.rec = r->rec;
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    status = snn_spike_writer_resume(&r->writer, r->comm.comm, spike_path, m, r->written, err);
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    /* The summary's spike-count sample sees the replayed spikes as it saw them first. */
    snn_spike_writer_set_replay_observer(r->writer, replay_observer, r->spike_stats);
    const uint64_t S = r->sim.step, every = m->run.checkpoint_every;
    const uint64_t D = (uint64_t)r->net.min_delay;
    for (uint64_t c = every ? snn_checkpoint_next(0, every, D) : UINT64_MAX;
         status == SNN_OK && c <= S; c = snn_checkpoint_next(c, every, D)) {
        status = snn_spike_writer_replay(r->writer, c, err);
        if (status == SNN_OK)
            status = snn_spike_writer_sync(r->writer, err);
    }
    if (status == SNN_OK)
        status = snn_spike_writer_replay_finish(r->writer, S, err);
    r->replay_seconds = MPI_Wtime() - t1;
    return snn_comm_agree(&r->comm, status, err);
}

/* Collective: the spike file and the state recordings synced, then the state to
 * <output_dir>/checkpoint.h5. */
static int checkpoint(run_state *r, double *bytes, double *seconds, snn_error *err)
{
    int status = snn_spike_writer_sync(r->writer, err);
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    if (r->rec) { /* write the samples so far and reopen: the reports' .partial files hold them */
        status = snn_recorders_suspend(r->rec, err);
        r->rec = r->sim.rec = NULL;
        if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
            return status;
        status = snn_recorders_resume(&r->rec, &r->comm, &r->net, r->model.run.output_dir,
                                      r->sim.step, err);
        r->sim.rec = r->rec;
        if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
            return status;
    }
    snn_spike_writer_written(r->writer, r->written);
    status = snn_checkpoint_write(r->checkpoint_path, &r->sim, r->config_hash, r->written, bytes,
                                  seconds, err);
    return snn_comm_agree(&r->comm, status, err);
}

/* Runs to the end, writing periodic checkpoints; on an agreed stop request writes one, keeps
 * the spike file as .partial and returns SNN_STOPPED. */
static int simulate(run_state *r, const snn_run_options *o, snn_progress *progress, FILE *out,
                    snn_error *err)
{
    const snn_model *m = &r->model;
    const uint64_t N = m->run.n_steps, every = m->run.checkpoint_every;
    const uint64_t D = (uint64_t)r->net.min_delay;
    int rank0 = r->comm.rank == 0;
    sink_ctx sink = {r->writer, r->spike_stats};
    while (r->sim.step < N) {
        uint64_t next = every ? snn_checkpoint_next(r->sim.step, every, D) : N;
        uint64_t target = next < N ? next : N;
        int status = snn_sim_run(&r->sim, target - r->sim.step, spike_sink, &sink, progress, err);
        if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
            return status;
        int stop = r->sim.stopped && r->sim.step < N;
        if (!stop && !(r->sim.step == next && next < N))
            continue;
        double bytes = 0, seconds = 0;
        if ((status = checkpoint(r, &bytes, &seconds, err)) != SNN_OK)
            return status;
        r->sim.timers.output += seconds;
        double t = (double)r->sim.step * m->run.dt;
        if (stop) {
            status = snn_recorders_suspend(r->rec, err);
            r->rec = r->sim.rec = NULL;
            if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
                return status;
            status = snn_spike_writer_suspend(r->writer, err);
            r->writer = NULL;
            if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
                return status;
            r->stop_bytes = bytes;
            r->stop_seconds = seconds;
            return snn_fail(err, SNN_STOPPED, "stopped at step %llu, checkpoint in %s",
                            (unsigned long long)r->sim.step, r->checkpoint_path);
        }
        if (rank0 && !o->quiet)
            fprintf(out, "%s  checkpoint at step %llu (t = %g ms): %s (%.3g MB in %.2f s)\n",
                    progress->tty ? "\n" : "", (unsigned long long)r->sim.step, t,
                    r->checkpoint_path, bytes / 1048576.0, seconds);
    }
    return SNN_OK;
}

static int run_stages(run_state *r, const snn_run_options *o, MPI_Comm mpi, snn_error *err)
{
    FILE *out = o->out ? o->out : stdout;
    snn_model *m = &r->model;
    int rank;
    MPI_Comm_rank(mpi, &rank);
    int status = snn_config_load_with(o->config_path, o->overrides, o->n_overrides, m, err);
    /* Before the communicator is set up, agree with a bare reduction. */
    int worst = status;
    MPI_Allreduce(&status, &worst, 1, MPI_INT, MPI_MAX, mpi);
    if (worst != SNN_OK)
        return status != SNN_OK
                   ? status
                   : snn_fail(err, worst, "another rank failed to read %s", o->config_path);
    if (o->output_dir)
        snprintf(m->run.output_dir, sizeof m->run.output_dir, "%s", o->output_dir);
    status = snn_comm_init(&r->comm, mpi, m->n_neurons, err);
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    if ((status = check_same_config(&r->comm, o->config_path, o, err)) != SNN_OK)
        return status;
    if ((status = snn_edges_prepare(m, &r->comm, err)) != SNN_OK) /* from_file projections */
        return status;

    int n_threads = o->n_threads > 0 ? o->n_threads : omp_get_max_threads();
    if (o->validate)
        return snn_validate_report(m, &r->comm, n_threads, o->overrides, o->n_overrides, out, err);
    if (rank == 0 && !o->quiet)
        print_header(out, m, &r->comm, n_threads, o->mpi_transport);
    warn_if_cores_shared(&r->comm, n_threads);
    if (rank == 0)
        status = make_dirs(m->run.output_dir, err);
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    errno = 0;
    if ((status = check_output_dir(&r->comm, m->run.output_dir, err)) != SNN_OK)
        return status;
    char spike_path[SNN_PATH_LEN + 16];
    snprintf(spike_path, sizeof spike_path, "%s/spikes.h5", m->run.output_dir);
    snprintf(r->checkpoint_path, sizeof r->checkpoint_path, "%s/checkpoint.h5", m->run.output_dir);
    r->config_hash = config_hash(o->config_path, o);

    if (o->restart_path && (status = snn_checkpoint_probe(o->restart_path, &r->comm, m,
                                                          r->config_hash, err)) != SNN_OK)
        return status;

    /* Memory: this rank's estimate against its share of the node's available memory, before
     * anything big is allocated. The available-memory call is collective: always made. */
    snn_estimate est;
    snn_error avail_err;
    double avail = 0;
    int node_ranks = 1;
    status = snn_estimate_rank(m, rank, r->comm.size, n_threads, &est, err);
    int avail_status = snn_estimate_available_on_node(mpi, &avail, &node_ranks, &avail_err);
    if (status == SNN_OK && avail_status != SNN_OK) {
        status = avail_status;
        *err = avail_err;
    }
    if (status == SNN_OK)
        status = snn_estimate_check(&est, avail, m->source, node_ranks, err);
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    double estimate_mb = est.total / 1048576.0;
    snn_comm_max(&r->comm, &estimate_mb, 1);
    if (rank == 0 && !o->quiet)
        fprintf(out, "  memory estimate per rank (max): %.1f MB\n", estimate_mb);

    double t_build = MPI_Wtime();
    status = snn_network_build(&r->net, m, rank, r->comm.size, n_threads, err);
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    t_build = MPI_Wtime() - t_build;
    if (o->export_dir && (status = snn_network_export(&r->net, &r->comm, o->export_dir, err)))
        return status;

    status = SNN_OK;
    if (rank == 0) /* every rank sees every spike: rank 0 alone keeps the summary's sample */
        status = snn_spike_stats_create(
            &r->spike_stats, m, m->run.stats_sample > 0 ? m->run.stats_sample : 100,
            snn_spike_stats_steps_per_bin(m->run.stats_bin > 0 ? m->run.stats_bin : 10.0,
                                          m->run.dt),
            err);
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    uint64_t *written = calloc((size_t)m->n_pops, sizeof *written);
    status = written ? SNN_OK : snn_fail(err, SNN_ERR_NOMEM, "cannot allocate spike counts");
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK) {
        free(written);
        return status;
    }
    r->written = written;
    if (o->restart_path)
        status = restart(r, o, spike_path, err);
    else
        status = start(r, spike_path, err);
    if (status != SNN_OK)
        return status;
    if (o->restart_path && rank == 0 && !o->quiet)
        fprintf(out,
                "  restart from %s at step %llu (t = %g ms): state read in %.2f s, %s rebuilt "
                "in %.2f s\n",
                o->restart_path, (unsigned long long)r->sim.step, (double)r->sim.step * m->run.dt,
                r->read_seconds, spike_path, r->replay_seconds);
    if (status == SNN_OK && o->exchange_every_step)
        status = snn_sim_set_interval(&r->sim, 1, err);
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    r->sim.stop_flag = snn_signals_flag();
    snn_progress progress;
    snn_progress_init(&progress, rank == 0 && !o->quiet, out, m->run.n_steps, m->run.dt);
    progress.first_step = r->sim.step;
    progress.last_decile = (int)(10 * r->sim.step / m->run.n_steps);
    const double faults0 = minor_faults();
    status = simulate(r, o, &progress, out, err);
    const double loop_faults = minor_faults() - faults0;
    snn_spike_stats_finish(r->spike_stats);
    snn_progress_finish(&progress);
    if (status == SNN_STOPPED && rank == 0) {
        fprintf(out,
                "snn_mpi: stopped at step %llu (t = %g ms), checkpoint written to %s (%.3g MB in "
                "%.2f s); restart with `snn_mpi %s --restart %s`\n",
                (unsigned long long)r->sim.step, (double)r->sim.step * m->run.dt,
                r->checkpoint_path, r->stop_bytes / 1048576.0, r->stop_seconds, o->config_path,
                r->checkpoint_path);
        fflush(out);
    }
    if (status != SNN_OK)
        return status;
    double t_close = MPI_Wtime();
    const double faults1 = minor_faults();
    /* All files complete before any is renamed: a failure leaves none behind. */
    status = snn_recorders_finish(r->rec, err);
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    status = snn_spike_writer_close(r->writer, err);
    r->writer = NULL;
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    status = snn_recorders_commit(r->rec, err);
    r->rec = NULL;
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    const double close_s = MPI_Wtime() - t_close;
    const double close_faults = minor_faults() - faults1;
    r->sim.timers.output += close_s;

    r->stats = calloc((size_t)m->n_pops, sizeof *r->stats);
    status = r->stats ? SNN_OK : snn_fail(err, SNN_ERR_NOMEM, "cannot allocate statistics");
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    status = snn_stats_collect(&r->net, &r->comm, m->run.duration, r->stats, err);
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    const snn_timers *tm = &r->sim.timers;
    double times[8] = {t_build,    tm->update, tm->exchange, tm->deliver,
                       tm->output, close_s,    loop_faults,  close_faults};
    double sums[3] = {(double)r->net.n_syn_local, (double)snn_network_events(&r->net),
                      peak_rss_mb()};
    double peak = sums[2];
    snn_comm_max(&r->comm, times, 8);
    snn_comm_sum(&r->comm, sums, 3);
    snn_comm_max(&r->comm, &peak, 1);
    snn_summary sum = {.model = m,
                       .pops = r->stats,
                       .ranks = r->comm.size,
                       .threads = n_threads,
                       .synapses = sums[0],
                       .synapse_events = sums[1],
                       .build = times[0],
                       .update = times[1],
                       .exchange = times[2],
                       .deliver = times[3],
                       .output = times[4],
                       .output_close = times[5],
                       .loop_faults = times[6],
                       .close_faults = times[7],
                       .estimate_mb = estimate_mb,
                       .peak_mb = peak,
                       .peak_mb_total = sums[2],
                       .spike_path = spike_path,
                       .first_step = progress.first_step,
                       .spike_stats = r->spike_stats,
                       .overrides = o->overrides,
                       .n_overrides = o->n_overrides,
                       .mpi_transport = o->mpi_transport};
    if (rank == 0 && !o->quiet)
        snn_summary_print(&sum, out);
    status = SNN_OK;
    if (rank == 0 && o->summary_json)
        status = snn_summary_write_json(&sum, o->summary_json, err);
    if ((status = snn_comm_agree(&r->comm, status, err)) != SNN_OK)
        return status;
    return SNN_OK;
}

int snn_run(const snn_run_options *o, MPI_Comm comm, snn_error *err)
{
    run_state r;
    memset(&r, 0, sizeof r);
    snn_error_clear(err);
    /* SIGTERM and SIGUSR1 ask for a checkpoint and a stop (signals.h) from here on. */
    snn_signals handlers;
    snn_signals_install(&handlers);
    int status = run_stages(&r, o, comm, err);
    run_state_free(&r);
    snn_signals_restore(&handlers);
    return status;
}
