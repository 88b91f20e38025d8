/*
 * summary.c — the end-of-run summary as a table and as JSON (see include/snn/summary.h).
 */
#include "snn/summary.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "snn/real.h"

double snn_summary_simulate_s(const snn_summary *s)
{
    return s->update + s->exchange + s->deliver + s->output;
}

double snn_summary_rtf(const snn_summary *s)
{
    const snn_run_params *r = &s->model->run;
    double model_s = (double)(r->n_steps - s->first_step) * r->dt * 1e-3;
    return model_s > 0 ? snn_summary_simulate_s(s) / model_s : 0;
}

uint64_t snn_summary_total_spikes(const snn_summary *s)
{
    uint64_t total = 0;
    for (int p = 0; p < s->model->n_pops; p++)
        total += s->pops[p].spikes;
    return total;
}

static double per_second(double count, double seconds)
{
    return seconds > 0 ? count / seconds : 0;
}

void snn_summary_print(const snn_summary *s, FILE *out)
{
    const snn_model *m = s->model;
    const snn_spike_stats *ss = s->spike_stats;
    fprintf(out, "\n%-16s %10s %10s %10s %8s", "population", "neurons", "spikes", "rate (Hz)",
            "CV ISI");
    if (ss)
        fprintf(out, " %8s %8s", "Fano", "corr");
    fputc('\n', out);
    for (int p = 0; p < m->n_pops; p++) {
        fprintf(out, "%-16s %10llu %10llu %10.3f %8.3f", m->pops[p].name,
                (unsigned long long)s->pops[p].neurons, (unsigned long long)s->pops[p].spikes,
                s->pops[p].rate_hz, s->pops[p].cv_isi);
        if (ss)
            fprintf(out, " %8.3f %8.3f", snn_spike_stats_get(ss, p)->fano,
                    snn_spike_stats_get(ss, p)->correlation);
        fputc('\n', out);
    }
    uint64_t total = snn_summary_total_spikes(s);
    fprintf(out, "%-16s %10llu %10llu %10.3f\n", "total", (unsigned long long)m->n_neurons,
            (unsigned long long)total,
            (double)total / ((double)m->n_neurons * m->run.duration * 1e-3));
    double sim = snn_summary_simulate_s(s);
    fprintf(out, "synapses: %.0f; synaptic events: %.0f (%.3g per second of wall time)\n",
            s->synapses, s->synapse_events, per_second(s->synapse_events, sim));
    fprintf(out,
            "time (s, max over ranks): build %.3f | update %.3f, exchange %.3f, delivery %.3f, "
            "output %.3f (closing the files %.3f) | simulate %.3f, real-time factor %.3g\n",
            s->build, s->update, s->exchange, s->deliver, s->output, s->output_close, sim,
            snn_summary_rtf(s));
    fprintf(out, "memory estimate per rank (max): %.1f MB\n", s->estimate_mb);
    fprintf(out, "peak memory per rank (max): %.1f MB; all ranks %.1f MB", s->peak_mb,
            s->peak_mb_total);
    if (s->synapses > 0)
        fprintf(out, ", %.1f bytes per synapse", s->peak_mb_total * 1048576.0 / s->synapses);
    if (ss)
        fprintf(out,
                "\nFano factor and corr (mean pairwise correlation): spike counts in %g ms bins "
                "of up to %d sampled neurons per population",
                snn_spike_stats_bin_ms(ss), snn_spike_stats_sample_size(ss));
    fprintf(out, "\nspikes: %s\n", s->spike_path);
}

/* JSON has no NaN or infinity: those become null. */
static void json_number(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.17g", x);
    else
        fputs("null", f);
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void json_key_number(FILE *f, const char *indent, const char *key, double x, int last)
{
    fprintf(f, "%s\"%s\": ", indent, key);
    json_number(f, x);
    fputs(last ? "\n" : ",\n", f);
}

/* A population's Fano factor, correlation and the sample they are over (ids, for checking). */
static void write_pop_sample(FILE *f, const snn_spike_stats_pop *st)
{
    fputs(", \"fano_factor\": ", f);
    json_number(f, st->fano);
    fprintf(f, ", \"fano_neurons\": %d, \"correlation\": ", st->n_fano);
    json_number(f, st->correlation);
    fprintf(f, ", \"correlation_pairs\": %llu, \"sample_ids\": [", (unsigned long long)st->n_pairs);
    for (int i = 0; i < st->n_sample; i++)
        fprintf(f, "%s%u", i ? ", " : "", st->gids[i]);
    fputc(']', f);
}

static void write_json(const snn_summary *s, FILE *f)
{
    const snn_model *m = s->model;
    double sim = snn_summary_simulate_s(s);
    fputs("{\n  \"snn_mpi\": ", f);
    json_string(f, SNN_VERSION);
    fputs(",\n  \"precision\": ", f);
    json_string(f, SNN_REAL_NAME);
    fputs(",\n  \"config\": ", f);
    json_string(f, m->source);
    fputs(",\n", f);
    fprintf(f, "  \"ranks\": %d,\n  \"threads\": %d,\n", s->ranks, s->threads);
    fprintf(f, "  \"seed\": %u,\n  \"steps\": %llu,\n", m->run.seed,
            (unsigned long long)m->run.n_steps);
    fprintf(f, "  \"first_step\": %llu,\n", (unsigned long long)s->first_step);
    json_key_number(f, "  ", "dt_ms", m->run.dt, 0);
    json_key_number(f, "  ", "duration_ms", m->run.duration, 0);
    fprintf(f, "  \"neurons\": %llu,\n", (unsigned long long)m->n_neurons);
    json_key_number(f, "  ", "synapses", s->synapses, 0);
    fprintf(f, "  \"spikes\": %llu,\n", (unsigned long long)snn_summary_total_spikes(s));
    fputs("  \"populations\": [\n", f);
    for (int p = 0; p < m->n_pops; p++) {
        const snn_pop_stats *ps = &s->pops[p];
        fputs("    {\"name\": ", f);
        json_string(f, m->pops[p].name);
        fprintf(f, ", \"neurons\": %llu, \"spikes\": %llu, \"rate_hz\": ",
                (unsigned long long)ps->neurons, (unsigned long long)ps->spikes);
        json_number(f, ps->rate_hz);
        fputs(", \"cv_isi\": ", f);
        json_number(f, ps->cv_isi);
        fprintf(f, ", \"cv_isi_neurons\": %llu", (unsigned long long)ps->n_cv);
        if (s->spike_stats)
            write_pop_sample(f, snn_spike_stats_get(s->spike_stats, p));
        fprintf(f, "}%s\n", p + 1 < m->n_pops ? "," : "");
    }
    fputs("  ],\n", f);
    if (s->spike_stats) {
        fprintf(f, "  \"spike_count_stats\": {\"sample\": %d, \"bin_ms\": ",
                snn_spike_stats_sample_size(s->spike_stats));
        json_number(f, snn_spike_stats_bin_ms(s->spike_stats));
        fprintf(f, ", \"bins\": %llu},\n",
                (unsigned long long)snn_spike_stats_n_bins(s->spike_stats));
    }
    fputs("  \"overrides\": [", f);
    for (int i = 0; i < s->n_overrides; i++) {
        fputs(i ? ", " : "", f);
        json_string(f, s->overrides[i]);
    }
    fputs("],\n  \"mpi_transport\": ", f);
    if (s->mpi_transport)
        json_string(f, s->mpi_transport);
    else
        fputs("null", f);
    fputs(",\n  \"time_s\": {\n", f);
    json_key_number(f, "    ", "build", s->build, 0);
    json_key_number(f, "    ", "update", s->update, 0);
    json_key_number(f, "    ", "exchange", s->exchange, 0);
    json_key_number(f, "    ", "delivery", s->deliver, 0);
    json_key_number(f, "    ", "output", s->output, 0);
    json_key_number(f, "    ", "output_close", s->output_close, 0);
    json_key_number(f, "    ", "simulate", sim, 1);
    fputs("  },\n", f);
    json_key_number(f, "  ", "real_time_factor", snn_summary_rtf(s), 0);
    json_key_number(f, "  ", "synapse_events", s->synapse_events, 0);
    json_key_number(f, "  ", "synapse_events_per_s", per_second(s->synapse_events, sim), 0);
    fputs("  \"memory_mb\": {\n", f);
    json_key_number(f, "    ", "estimate_per_rank", s->estimate_mb, 0);
    json_key_number(f, "    ", "peak_per_rank", s->peak_mb, 0);
    json_key_number(f, "    ", "peak_all_ranks", s->peak_mb_total, 1);
    fputs("  },\n", f);
    fputs("  \"page_faults\": {\n", f);
    json_key_number(f, "    ", "step_loop", s->loop_faults, 0);
    json_key_number(f, "    ", "closing", s->close_faults, 1);
    fputs("  },\n", f);
    json_key_number(f, "  ", "bytes_per_synapse",
                    s->synapses > 0 ? s->peak_mb_total * 1048576.0 / s->synapses : NAN, 0);
    fputs("  \"spike_file\": ", f);
    json_string(f, s->spike_path);
    fputs("\n}\n", f);
}

int snn_summary_write_json(const snn_summary *s, const char *path, snn_error *err)
{
    char tmp[SNN_PATH_LEN + 16];
    if (snprintf(tmp, sizeof tmp, "%s.partial", path) >= (int)sizeof tmp)
        return snn_fail(err, SNN_ERR_IO, "summary path is too long: %s", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return snn_fail(err, SNN_ERR_IO, "cannot write summary %s: %s", tmp, strerror(errno));
    write_json(s, f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        remove(tmp);
        return snn_fail(err, SNN_ERR_IO, "cannot write summary %s", tmp);
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        return snn_fail(err, SNN_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(e));
    }
    return SNN_OK;
}
