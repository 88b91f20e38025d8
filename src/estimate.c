/*
 * estimate.c — a rank's memory from the model alone (see include/snn/estimate.h).
 *
 * Every size below mirrors an allocation: alloc_neurons and build_projection(_generic) in
 * network.c, alloc_buffers in simulate.c, snn_comm_init in comm.c, the spike writer's buffers.
 * Synapse counts are the rules' expected values for each thread's owned posts. What the process
 * holds without a network (MPI, HDF5, libraries) and what opening the spike file adds were
 * measured, not derived; see the constants.
 */
#include "snn/estimate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn/build_pieces.h"
#include "snn/channel.h"
#include "snn/comm.h"
#include "snn/connect.h"
#include "snn/network.h"
#include "snn/real.h"
#include "snn/spike_writer.h"

/* VmHWM of snn_mpi just before snn_network_build, for a 3-neuron run (examples/ei_balanced.cfg
 * at run.scale 0.004, 1 ms), printed from run.c: 17.7-18.2 MiB on 1 and 2 ranks, 1 and 2
 * threads each (Debian 12, Open MPI 4.1, parallel HDF5 1.10, gcc -O2, shared memory transport).
 * The whole tiny run peaks at 21.9-22.5 MiB. An MPI with a network fabric (UCX, verbs) maps
 * more. */
#define SNN_ESTIMATE_BASELINE (18.0 * 1048576.0)
/* What snn_spike_writer_open adds to VmHWM in the same runs (file creation through MPI-IO and
 * HDF5): 4.0-4.3 MiB. */
#define SNN_ESTIMATE_SPIKE_FILE (4.1 * 1048576.0)
/* Mean rate assumed for the spikes the writer buffers (the flush threshold caps them). The
 * examples run at 4 to 44 Hz. */
#define SNN_ESTIMATE_RATE_HZ 50.0
/* Bytes per buffered spike in the writer: a double time stamp and a uint64 node id. */
#define SNN_ESTIMATE_SPIKE_RECORD 16.0

/* Is population q one of the populations listed in idx[0..n)? */
static int listed(const int *idx, int n, int q)
{
    for (int j = 0; j < n; j++)
        if (idx[j] == q)
            return 1;
    return 0;
}

/* Same test as network.c: this case needs no edge list and no keys. */
static int plain_outdegree(const snn_projection *pr)
{
    return pr->rule == SNN_RULE_FIXED_OUTDEGREE && pr->autapses && pr->multapses &&
           pr->weight_std == 0 && pr->delay_std == 0;
}

/* Thread-local index of population q's first neuron on thread t: the thread stores its slices
 * population after population (network.h). */
static uint64_t local_begin(const snn_model *m, int q, int rank, int n_ranks, int n_threads, int t)
{
    uint64_t b = 0;
    for (int p = 0; p < q; p++) {
        snn_range s = snn_network_slice(m, p, rank, n_ranks, n_threads, t);
        b += s.end - s.begin;
    }
    return b;
}

/* Expected synapses of projection pr onto `owned` posts, `self` of which are also pre neurons
 * (candidates for autapses). */
static double expected_synapses(const snn_projection *pr, double owned, double self)
{
    double n_pre = (double)pr->pre_size, n_post = (double)pr->post_size;
    if (n_post <= 0 || owned <= 0)
        return 0;
    switch (pr->rule) {
    case SNN_RULE_FIXED_OUTDEGREE:
        return n_pre * (double)pr->outdegree * owned / n_post;
    case SNN_RULE_FIXED_INDEGREE:
        return owned * (double)pr->indegree;
    case SNN_RULE_FIXED_PROB:
        return pr->prob * (n_pre * owned - (pr->autapses ? 0 : self));
    case SNN_RULE_FIXED_TOTAL_NUMBER:
    case SNN_RULE_FROM_FILE: /* total_number: the file's edge count (snn_edges_prepare) */
        return (double)pr->total_number * owned / n_post;
    case SNN_RULE_ALL_TO_ALL:
        return n_pre * owned - (pr->autapses ? 0 : self);
    case SNN_RULE_ONE_TO_ONE:
    default:
        return owned;
    }
}

/* The delays as network.c's setup_shared derives them. */
static void delays(const snn_model *m, int *min_delay, int *max_delay)
{
    int dmax_all = 1, dmin_all = INT32_MAX;
    for (int p = 0; p < m->n_projs; p++) {
        const snn_projection *pr = &m->projs[p];
        int dmax = pr->delay_max_steps > pr->delay_steps ? pr->delay_max_steps : pr->delay_steps;
        int dmin = pr->delay_min_steps > 0 ? pr->delay_min_steps : pr->delay_steps;
        if (dmax > dmax_all)
            dmax_all = dmax;
        if (dmin < dmin_all)
            dmin_all = dmin;
    }
    if (dmin_all == INT32_MAX || dmin_all < 1)
        dmin_all = 1;
    *min_delay = dmin_all;
    *max_delay = dmax_all;
}

int snn_estimate_rank(const snn_model *m, int rank, int n_ranks, int n_threads, snn_estimate *out,
                      snn_error *err)
{
    memset(out, 0, sizeof *out);
    if (n_ranks < 1 || rank < 0 || rank >= n_ranks || n_threads < 1)
        return snn_fail(err, SNN_ERR_INTERNAL, "snn_estimate_rank: rank %d of %d, %d threads", rank,
                        n_ranks, n_threads);
    snn_channels ch;
    int status = snn_channels_build(&ch, m, err);
    int n_channels = ch.n;
    snn_channels_free(&ch);
    if (status != SNN_OK)
        return status;
    int min_delay, max_delay;
    delays(m, &min_delay, &max_delay);
    double ring_len = (double)max_delay + (double)min_delay;
    double nc = n_channels > 0 ? n_channels : 1, real = sizeof(snn_real);

    double n_local = 0;
    for (int t = 0; t < n_threads; t++) {
        double n = 0;
        for (int p = 0; p < m->n_pops; p++) {
            snn_range s = snn_network_slice(m, p, rank, n_ranks, n_threads, t);
            n += (double)(s.end - s.begin);
        }
        n_local += n;
        double nn = n > 0 ? n : 1;
        /* V, last_spike, g and h, refr, spikes, spike_count, isi_sum and isi_sq; segments and
         * synapse tables. */
        out->neurons += nn * (real + 8 + 2 * nc * real + 4 + 8 * (double)min_delay + 4 + 8 + 8) +
                        (double)m->n_pops * sizeof(snn_segment) +
                        (double)(m->n_projs > 0 ? m->n_projs : 1) * sizeof(snn_synapses);
        out->ring += nn * nc * ring_len * real;

        /* Projections are built one after another; the peak is at the projection whose own
         * synapses and temporaries, on top of those built before it, are largest. */
        double built = 0, peak = 0, extra_max = 0, files = 0;
        for (int p = 0; p < m->n_projs; p++) {
            const snn_projection *pr = &m->projs[p];
            double owned = 0, self = 0;
            uint64_t span_lo = UINT64_MAX, span_hi = 0;
            for (int j = 0; j < pr->n_post; j++) {
                int q = pr->post[j];
                snn_range s = snn_network_slice(m, q, rank, n_ranks, n_threads, t);
                owned += (double)(s.end - s.begin);
                if (listed(pr->pre, pr->n_pre, q))
                    self += (double)(s.end - s.begin);
                if (s.end > s.begin) {
                    uint64_t lb = local_begin(m, q, rank, n_ranks, n_threads, t);
                    span_lo = lb < span_lo ? lb : span_lo;
                    span_hi = lb + (s.end - s.begin) > span_hi ? lb + (s.end - s.begin) : span_hi;
                }
            }
            double k = expected_synapses(pr, owned, self);
            out->n_synapses += k;
            int per_w = pr->weight_std > 0 || pr->file_weights,
                per_d = pr->delay_std > 0 || pr->file_delays;
            /* Built wide (4-byte targets, 2-byte delays), then narrowed (synapse_store.h): the
             * projection under construction holds both forms for a moment. */
            double wide = sizeof(uint32_t) + (per_w ? real : 0) + (per_d ? sizeof(uint16_t) : 0);
            uint64_t span = span_hi > span_lo ? span_hi - span_lo : 0;
            /* The largest narrow array made while the wide ones exist: the 2-byte targets, else
             * the 1-byte delays (made after the wide targets are gone). */
            double target_bytes = snn_synapses_bytes_per_synapse(span, 0, 0, 0);
            double delay_bytes =
                per_d
                    ? snn_synapses_bytes_per_synapse(span, 0, 1, (uint64_t)max_delay) - target_bytes
                    : 0;
            double narrow = target_bytes < sizeof(uint32_t)  ? target_bytes
                            : delay_bytes < sizeof(uint16_t) ? delay_bytes
                                                             : 0;
            double per_syn =
                snn_synapses_bytes_per_synapse(span, per_w, per_d, (uint64_t)max_delay);
            double rows = ((double)pr->pre_size + 1) * sizeof(uint64_t);
            double bytes = rows + k * per_syn;
            double building = rows + k * wide;
            /* Generic path: a key per synapse when weights or delays are drawn per synapse,
             * and the edge list (pre, post, key): one piece's (build_pieces.h) for generated
             * rules, the whole owned set for from_file; the direct fixed_outdegree path: one
             * row of scratch. */
            double edges = k;
            if (pr->rule != SNN_RULE_FROM_FILE) {
                double piece = (double)snn_build_piece_capacity(pr, UINT64_MAX);
                if (piece < edges)
                    edges = piece;
            }
            int keyed =
                pr->weight_std > 0 || pr->delay_std > 0 || pr->file_weights || pr->file_delays;
            double extra = plain_outdegree(pr)
                               ? (double)(pr->outdegree > 0 ? pr->outdegree : 1) * sizeof(uint64_t)
                               : edges * sizeof(snn_edge) + (keyed ? k * sizeof(uint64_t) : 0);
            /* from_file: the rank's edges read from the file stay during the whole build. */
            if (pr->rule == SNN_RULE_FROM_FILE)
                files += k * (2 * sizeof(uint64_t) + (pr->file_weights ? real : 0) +
                              (pr->file_delays ? sizeof(uint16_t) : 0));
            if (built + building + extra > peak)
                peak = built + building + extra;
            if (built + building + k * narrow > peak)
                peak = built + building + k * narrow;
            if (extra > extra_max)
                extra_max = extra;
            built += bytes;
        }
        out->synapses += built;
        out->build_peak += peak + files;
        out->build_peak_extra += extra_max + files;
    }

    /* snn_comm_init: receive and sort buffers for n_neurons spikes, counts and displacements,
     * the first collective's blocks.
     * snn_sim_start: the rank's spikes of one interval, step starts, population and gid per
     * received spike. Spike writer: the open file, and the spikes buffered up to its flush
     * threshold (plus one step's worth) at the assumed rate. */
    double n_all = (double)m->n_neurons;
    double expected_spikes = n_all * m->run.duration * 1e-3 * SNN_ESTIMATE_RATE_HZ;
    double buffered = (double)SNN_SPIKE_WRITER_FLUSH_DEFAULT + n_all;
    if (expected_spikes < buffered)
        buffered = expected_spikes;
    const double gather = n_ranks > 1 ? (double)n_ranks * (1 + snn_comm_block_cap(n_ranks)) : 0;
    out->exchange =
        2.0 * n_all * sizeof(uint64_t) + 2.0 * sizeof(int) * n_ranks + gather * sizeof(uint64_t) +
        (n_local > 0 ? n_local : 1) * (double)min_delay * sizeof(uint64_t) +
        ((double)min_delay + 1) * sizeof(size_t) + n_all * (sizeof(int) + sizeof(uint32_t)) +
        SNN_ESTIMATE_SPIKE_FILE + buffered * SNN_ESTIMATE_SPIKE_RECORD;
    out->baseline = SNN_ESTIMATE_BASELINE;
    double run = out->synapses + out->exchange;
    out->total =
        out->baseline + out->neurons + out->ring + (out->build_peak > run ? out->build_peak : run);
    return SNN_OK;
}

/* MemAvailable in bytes, or 0 when it cannot be read. */
static double mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return 0;
    char line[256];
    double kb = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "MemAvailable:", 13) == 0) {
            kb = strtod(line + 13, NULL);
            break;
        }
    fclose(f);
    return kb > 0 ? kb * 1024.0 : 0;
}

int snn_estimate_available_on_node(MPI_Comm comm, double *bytes_per_rank, int *node_ranks,
                                   snn_error *err)
{
    *bytes_per_rank = 0;
    if (node_ranks)
        *node_ranks = 1;
    MPI_Comm node;
    if (MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) != MPI_SUCCESS)
        return snn_fail(err, SNN_ERR_MPI,
                        "memory check: MPI_Comm_split_type(MPI_COMM_TYPE_SHARED) failed");
    int n = 1;
    int rc = MPI_Comm_size(node, &n);
    MPI_Comm_free(&node);
    if (rc != MPI_SUCCESS || n < 1)
        return snn_fail(err, SNN_ERR_MPI, "memory check: cannot count the ranks on this node");
    if (node_ranks)
        *node_ranks = n;
    *bytes_per_rank = mem_available() / n;
    return SNN_OK;
}

int snn_estimate_available(MPI_Comm comm, double *bytes_per_rank, snn_error *err)
{
    return snn_estimate_available_on_node(comm, bytes_per_rank, NULL, err);
}

const char *snn_estimate_format(double bytes, char *buf, size_t size)
{
    if (bytes >= 1073741824.0)
        snprintf(buf, size, "%.1f GB", bytes / 1073741824.0);
    else
        snprintf(buf, size, "%.1f MB", bytes / 1048576.0);
    return buf;
}

int snn_estimate_check(const snn_estimate *e, double available, const char *config, int node_ranks,
                       snn_error *err)
{
    if (available <= 0 || e->total <= available)
        return SNN_OK;
    /* The largest part is what to name: that is what a smaller scale or more ranks shrink. */
    const char *part = "synapses";
    double part_bytes = e->synapses;
    double build = e->build_peak - e->synapses;
    if (build > part_bytes) {
        part = "build temporaries";
        part_bytes = build;
    }
    if (e->neurons + e->ring > part_bytes) {
        part = "neuron state";
        part_bytes = e->neurons + e->ring;
    }
    if (e->exchange > part_bytes) {
        part = "spike buffers";
        part_bytes = e->exchange;
    }
    int n = node_ranks > 0 ? node_ranks : 1;
    char total[32], what[32], avail[32], node[32];
    snn_estimate_format(e->total, total, sizeof total);
    snn_estimate_format(part_bytes, what, sizeof what);
    snn_estimate_format(available, avail, sizeof avail);
    snn_estimate_format(available * n, node, sizeof node);
    return snn_fail(err, SNN_ERR_NOMEM,
                    "%s: estimated %s per rank (%s %s), but %s %s available per rank on this node "
                    "(%d rank%s %s %s): use more ranks or nodes, or a smaller run.scale",
                    config, total, part, what, avail, n > 1 ? "are" : "is", n, n > 1 ? "s" : "",
                    n > 1 ? "share" : "has", node);
}
