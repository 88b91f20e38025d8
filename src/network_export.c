/*
 * network_export.c — writing the built network as SONATA nodes and edges
 * (see include/snn/network_export.h).
 *
 * The HDF5 files are created with the MPI-IO driver by all ranks; every rank makes the same
 * sequence of create calls with the same sizes (known after an MPI_Allreduce of the counts),
 * datasets are contiguous with space allocated at creation and never pre-filled, and no object
 * records a time, so the bytes depend on the network only. Each rank then writes its own block
 * of every dataset in one collective transfer. The text files are written by rank 0.
 */
#include "snn/network_export.h"

#include <errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snn/h5util.h"

#define PARTIAL ".partial"

#define H5T_NATIVE_REAL (sizeof(snn_real) == sizeof(double) ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT)
#define H5T_FILE_REAL (sizeof(snn_real) == sizeof(double) ? H5T_IEEE_F64LE : H5T_IEEE_F32LE)

static const char *const synapse_names[] = {"expon", "alpha", "dual_expon", "delta"};

void snn_export_edge_population_name(const snn_projection *pr, const char *pre, const char *post,
                                     char *buf, size_t len)
{
    if (pr->n_pre == 1 && pr->n_post == 1)
        snprintf(buf, len, "%s", pr->name);
    else
        snprintf(buf, len, "%s:%s->%s", pr->name, pre, post);
}

/* ---- one HDF5 file written by all ranks ---------------------------------------------------- */

typedef struct {
    MPI_Comm comm;
    int rank;
    char path[SNN_PATH_LEN + 32], partial[SNN_PATH_LEN + 48];
    hid_t file, dxpl, dcpl, gcpl, gcpl_ordered;
} h5out;

static int out_open(h5out *o, snn_comm *c, const char *dir, const char *name, snn_error *err)
{
    memset(o, 0, sizeof *o);
    o->file = o->dxpl = o->dcpl = o->gcpl = o->gcpl_ordered = -1;
    o->comm = c->comm;
    o->rank = c->rank;
    snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
    snprintf(o->partial, sizeof o->partial, "%s%s", o->path, PARTIAL);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), fcpl = H5Pcreate(H5P_FILE_CREATE);
    int rc = SNN_OK;
    if (fapl < 0 || fcpl < 0 || H5Pset_fapl_mpio(fapl, c->comm, MPI_INFO_NULL) < 0 ||
        H5Pset_obj_track_times(fcpl, 0) < 0)
        rc = snn_h5_fail(err, SNN_ERR_IO, "%s: cannot make property lists", o->path);
    if (rc == SNN_OK) {
        o->file = H5Fcreate(o->partial, H5F_ACC_TRUNC, fcpl, fapl);
        if (o->file < 0)
            rc = snn_h5_fail(err, SNN_ERR_IO, "%s: cannot create file %s", o->path, o->partial);
    }
    if (fapl >= 0)
        H5Pclose(fapl);
    if (fcpl >= 0)
        H5Pclose(fcpl);
    if ((rc = snn_comm_agree(c, rc, err)) != SNN_OK)
        return rc;
    o->dxpl = H5Pcreate(H5P_DATASET_XFER);
    o->dcpl = H5Pcreate(H5P_DATASET_CREATE);
    o->gcpl = H5Pcreate(H5P_GROUP_CREATE);
    o->gcpl_ordered = H5Pcreate(H5P_GROUP_CREATE);
    if (o->dxpl < 0 || o->dcpl < 0 || o->gcpl < 0 || o->gcpl_ordered < 0 ||
        H5Pset_dxpl_mpio(o->dxpl, H5FD_MPIO_COLLECTIVE) < 0 ||
        H5Pset_obj_track_times(o->dcpl, 0) < 0 || H5Pset_layout(o->dcpl, H5D_CONTIGUOUS) < 0 ||
        H5Pset_alloc_time(o->dcpl, H5D_ALLOC_TIME_EARLY) < 0 ||
        H5Pset_fill_time(o->dcpl, H5D_FILL_TIME_NEVER) < 0 ||
        H5Pset_obj_track_times(o->gcpl, 0) < 0 || H5Pset_obj_track_times(o->gcpl_ordered, 0) < 0 ||
        H5Pset_link_creation_order(o->gcpl_ordered, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) <
            0)
        rc = snn_h5_fail(err, SNN_ERR_IO, "%s: cannot make property lists", o->path);
    return snn_comm_agree(c, rc, err);
}

/* Collective: closes the file; on success rank 0 renames it into place, on failure removes it. */
static int out_close(h5out *o, snn_comm *c, int rc, snn_error *err)
{
    hid_t *pl[] = {&o->dxpl, &o->dcpl, &o->gcpl, &o->gcpl_ordered};
    for (size_t k = 0; k < sizeof pl / sizeof pl[0]; k++)
        if (*pl[k] >= 0) {
            H5Pclose(*pl[k]);
            *pl[k] = -1;
        }
    if (o->file >= 0 && H5Fclose(o->file) < 0 && rc == SNN_OK)
        rc = snn_h5_fail(err, SNN_ERR_IO, "%s: cannot close %s", o->path, o->partial);
    o->file = -1;
    rc = snn_comm_agree(c, rc, err);
    int e = 0;
    if (o->rank == 0) {
        if (rc != SNN_OK)
            unlink(o->partial);
        else if (rename(o->partial, o->path) != 0)
            e = errno ? errno : EIO;
    }
    MPI_Bcast(&e, 1, MPI_INT, 0, o->comm);
    if (rc == SNN_OK && e)
        rc = snn_fail(err, SNN_ERR_IO, "%s: cannot rename %s to it: %s", o->path, o->partial,
                      strerror(e));
    return rc;
}

static hid_t out_group(h5out *o, hid_t loc, const char *name, int ordered)
{
    return H5Gcreate2(loc, name, H5P_DEFAULT, ordered ? o->gcpl_ordered : o->gcpl, H5P_DEFAULT);
}

/* Collective: creates dataset `name` of `total` rows (cols columns, 0 for 1-D) and writes rows
 * [first, first + count) from buf; attr (optional) is a string attribute set on it. */
static int out_dataset(h5out *o, hid_t loc, const char *name, hid_t ftype, hid_t mtype, int cols,
                       uint64_t total, uint64_t first, uint64_t count, const void *buf,
                       const char *attr, const char *attr_value, snn_error *err)
{
    int nd = cols > 0 ? 2 : 1;
    hsize_t dims[2] = {total, (hsize_t)cols}, start[2] = {first, 0},
            cnt[2] = {count, (hsize_t)cols};
    hsize_t mdims[2] = {count ? count : 1, (hsize_t)(cols > 0 ? cols : 1)};
    hid_t space = H5Screate_simple(nd, dims, NULL);
    hid_t d =
        space >= 0 ? H5Dcreate2(loc, name, ftype, space, H5P_DEFAULT, o->dcpl, H5P_DEFAULT) : -1;
    hid_t ms = H5Screate_simple(nd, mdims, NULL);
    int rc = SNN_OK;
    if (d < 0 || ms < 0) {
        rc = snn_h5_fail(err, SNN_ERR_IO, "%s: cannot create dataset %s", o->path, name);
    } else {
        if (count == 0 || total == 0) {
            H5Sselect_none(space);
            H5Sselect_none(ms);
        } else if (H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, cnt, NULL) < 0) {
            rc = snn_h5_fail(err, SNN_ERR_IO, "%s: cannot select rows of %s", o->path, name);
            H5Sselect_none(space);
            H5Sselect_none(ms);
        }
        /* An empty dataset has no storage to write to (total is the same on every rank). */
        if (total > 0 && H5Dwrite(d, mtype, ms, space, o->dxpl, buf) < 0 && rc == SNN_OK)
            rc = snn_h5_fail(err, SNN_ERR_IO, "%s: cannot write %s", o->path, name);
        if (attr && snn_h5_attr_string(d, attr, attr_value) != 0 && rc == SNN_OK)
            rc = snn_h5_fail(err, SNN_ERR_IO, "%s: cannot write attribute %s of %s", o->path, attr,
                             name);
    }
    if (ms >= 0)
        H5Sclose(ms);
    if (d >= 0 && H5Dclose(d) < 0 && rc == SNN_OK)
        rc = snn_h5_fail(err, SNN_ERR_IO, "%s: cannot close %s", o->path, name);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

/* ---- nodes --------------------------------------------------------------------------------- */

static int write_nodes(const snn_network *net, snn_comm *c, const char *dir, snn_error *err)
{
    const snn_model *m = net->model;
    h5out o;
    int rc = out_open(&o, c, dir, "nodes.h5", err);
    if (rc != SNN_OK)
        return out_close(&o, c, rc, err);
    uint64_t max_slice = 1;
    for (int q = 0; q < m->n_pops; q++) {
        snn_range r = snn_split(m->pops[q].size, (uint64_t)c->size, (uint64_t)c->rank);
        if (r.end - r.begin > max_slice)
            max_slice = r.end - r.begin;
    }
    uint64_t *buf = malloc(max_slice * sizeof *buf);
    if (!buf)
        rc = snn_fail(err, SNN_ERR_NOMEM, "%s: cannot allocate %llu ids", o.path,
                      (unsigned long long)max_slice);
    if ((rc = snn_comm_agree(c, rc, err)) != SNN_OK) {
        free(buf);
        return out_close(&o, c, rc, err);
    }
    hid_t nodes = out_group(&o, o.file, "nodes", 1);
    if (nodes < 0)
        rc = snn_h5_fail(err, SNN_ERR_IO, "%s: cannot create /nodes", o.path);
    for (int q = 0; q < m->n_pops && rc == SNN_OK; q++) {
        const snn_population *pop = &m->pops[q];
        snn_range r = snn_split(pop->size, (uint64_t)c->size, (uint64_t)c->rank);
        uint64_t n = r.end - r.begin;
        hid_t g = out_group(&o, nodes, pop->name, 0);
        hid_t g0 = g >= 0 ? out_group(&o, g, "0", 0) : -1;
        if (g < 0 || g0 < 0)
            rc = snn_h5_fail(err, SNN_ERR_IO, "%s: cannot create /nodes/%s", o.path, pop->name);
        for (uint64_t i = 0; i < n; i++)
            buf[i] = (uint64_t)q;
        if (rc == SNN_OK)
            rc = out_dataset(&o, g, "node_type_id", H5T_STD_I64LE, H5T_NATIVE_UINT64, 0, pop->size,
                             r.begin, n, buf, NULL, NULL, err);
        for (uint64_t i = 0; i < n; i++)
            buf[i] = 0;
        if (rc == SNN_OK)
            rc = out_dataset(&o, g, "node_group_id", H5T_STD_U32LE, H5T_NATIVE_UINT64, 0, pop->size,
                             r.begin, n, buf, NULL, NULL, err);
        for (uint64_t i = 0; i < n; i++)
            buf[i] = r.begin + i;
        if (rc == SNN_OK)
            rc = out_dataset(&o, g, "node_group_index", H5T_STD_U64LE, H5T_NATIVE_UINT64, 0,
                             pop->size, r.begin, n, buf, NULL, NULL, err);
        if (g0 >= 0)
            H5Gclose(g0);
        if (g >= 0)
            H5Gclose(g);
    }
    if (nodes >= 0)
        H5Gclose(nodes);
    free(buf);
    return out_close(&o, c, rc, err);
}

/* ---- edges --------------------------------------------------------------------------------- */

/* This rank's edges of one edge population, in (target, source, row order) order. */
typedef struct {
    uint64_t n;
    uint64_t *src, *tgt, *scratch;
    snn_real *w;
    double *d;
    snn_range targets; /* this rank's slice of the post population */
    uint64_t *start;   /* [n_targets + 1] first edge of each target (local) */
} rank_edges;

static void rank_edges_free(rank_edges *re)
{
    free(re->src);
    free(re->tgt);
    free(re->scratch);
    free(re->w);
    free(re->d);
    free(re->start);
    memset(re, 0, sizeof *re);
}

/* Visits the synapses of projection p from population a onto population b stored on this
 * rank, thread by thread (thread slices ascend), each thread's rows in pre order. fill == 0:
 * counts per target into re->start[1 + i]; fill == 1: places each at the cursor re->start[i]. */
static void visit(const snn_network *net, int p, int a, int b, rank_edges *re, int fill)
{
    const snn_model *m = net->model;
    const snn_projection *pr = &m->projs[p];
    int64_t pb = net->pre_base[(size_t)p * (size_t)m->n_pops + (size_t)a];
    uint64_t n_pre = m->pops[a].size;
    for (int t = 0; t < net->n_threads; t++) {
        const snn_thread_state *ts = &net->thr[t];
        const snn_segment *sg = &ts->segs[b];
        const snn_synapses *sy = &ts->syn[p];
        snn_range sl = snn_network_slice(m, b, net->rank, net->n_ranks, net->n_threads, t);
        uint64_t base = sl.begin - re->targets.begin;
        for (uint64_t i = 0; i < n_pre; i++) {
            uint64_t pre = (uint64_t)pb + i;
            for (uint64_t k = sy->row[pre]; k < sy->row[pre + 1]; k++) {
                uint32_t tl = snn_syn_target(sy, k);
                if (tl < sg->begin || tl >= sg->end)
                    continue;
                uint64_t j = base + (tl - sg->begin);
                if (!fill) {
                    re->start[j + 1]++;
                    continue;
                }
                uint64_t e = re->start[j]++;
                re->src[e] = i;
                re->tgt[e] = re->targets.begin + j;
                re->w[e] = sy->weight ? sy->weight[k] : (snn_real)pr->weight;
                re->d[e] = (double)snn_syn_delay(sy, k, (uint32_t)pr->delay_steps) * m->run.dt;
            }
        }
    }
}

static int gather(const snn_network *net, int p, int a, int b, rank_edges *re, snn_error *err)
{
    const snn_model *m = net->model;
    memset(re, 0, sizeof *re);
    re->targets = snn_split(m->pops[b].size, (uint64_t)net->n_ranks, (uint64_t)net->rank);
    uint64_t nt = re->targets.end - re->targets.begin;
    re->start = calloc(nt + 1, sizeof *re->start);
    if (!re->start)
        return snn_fail(err, SNN_ERR_NOMEM, "export: cannot allocate %llu counts",
                        (unsigned long long)nt);
    visit(net, p, a, b, re, 0);
    for (uint64_t i = 0; i < nt; i++)
        re->start[i + 1] += re->start[i];
    re->n = re->start[nt];
    size_t n = (size_t)(re->n > 0 ? re->n : 1);
    re->src = malloc(n * sizeof *re->src);
    re->tgt = malloc(n * sizeof *re->tgt);
    re->scratch = malloc((n > 2 * nt ? n : 2 * nt + 2) * sizeof *re->scratch);
    re->w = malloc(n * sizeof *re->w);
    re->d = malloc(n * sizeof *re->d);
    if (!re->src || !re->tgt || !re->scratch || !re->w || !re->d)
        return snn_fail(err, SNN_ERR_NOMEM, "export: cannot allocate %llu edges",
                        (unsigned long long)re->n);
    visit(net, p, a, b, re, 1); /* start[i] now holds the end of target i */
    for (uint64_t i = nt; i > 0; i--)
        re->start[i] = re->start[i - 1];
    re->start[0] = 0;
    return SNN_OK;
}

/* Collective: one edge population. */
static int write_edge_population(const snn_network *net, h5out *o, hid_t edges, int p, int a, int b,
                                 int type_id, snn_comm *c, snn_error *err)
{
    const snn_model *m = net->model;
    const snn_projection *pr = &m->projs[p];
    char name[3 * SNN_NAME_LEN + 8];
    snn_export_edge_population_name(pr, m->pops[a].name, m->pops[b].name, name, sizeof name);
    rank_edges re;
    int rc = gather(net, p, a, b, &re, err);
    if ((rc = snn_comm_agree(c, rc, err)) != SNN_OK) {
        rank_edges_free(&re);
        return rc;
    }
    uint64_t nt = re.targets.end - re.targets.begin, ne = 0;
    for (uint64_t i = 0; i < nt; i++)
        ne += re.start[i + 1] > re.start[i];
    uint64_t mine[2] = {re.n, ne}, off[2] = {0, 0}, total[2] = {0, 0};
    MPI_Exscan(mine, off, 2, MPI_UINT64_T, MPI_SUM, c->comm);
    if (c->rank == 0)
        off[0] = off[1] = 0;
    MPI_Allreduce(mine, total, 2, MPI_UINT64_T, MPI_SUM, c->comm);

    hid_t g = out_group(o, edges, name, 0);
    hid_t g0 = g >= 0 ? out_group(o, g, "0", 0) : -1;
    hid_t gi = g >= 0 ? out_group(o, g, "indices", 0) : -1;
    hid_t gt = gi >= 0 ? out_group(o, gi, "target_to_source", 0) : -1;
    if (g < 0 || g0 < 0 || gi < 0 || gt < 0)
        rc = snn_h5_fail(err, SNN_ERR_IO, "%s: cannot create /edges/%s", o->path, name);
    uint64_t *s = re.scratch;
    if (rc == SNN_OK)
        rc = out_dataset(o, g, "source_node_id", H5T_STD_U64LE, H5T_NATIVE_UINT64, 0, total[0],
                         off[0], re.n, re.src, "node_population", m->pops[a].name, err);
    if (rc == SNN_OK)
        rc = out_dataset(o, g, "target_node_id", H5T_STD_U64LE, H5T_NATIVE_UINT64, 0, total[0],
                         off[0], re.n, re.tgt, "node_population", m->pops[b].name, err);
    for (uint64_t i = 0; i < re.n; i++)
        s[i] = (uint64_t)type_id;
    if (rc == SNN_OK)
        rc = out_dataset(o, g, "edge_type_id", H5T_STD_I64LE, H5T_NATIVE_UINT64, 0, total[0],
                         off[0], re.n, s, NULL, NULL, err);
    for (uint64_t i = 0; i < re.n; i++)
        s[i] = 0;
    if (rc == SNN_OK)
        rc = out_dataset(o, g, "edge_group_id", H5T_STD_U32LE, H5T_NATIVE_UINT64, 0, total[0],
                         off[0], re.n, s, NULL, NULL, err);
    for (uint64_t i = 0; i < re.n; i++)
        s[i] = off[0] + i;
    if (rc == SNN_OK)
        rc = out_dataset(o, g, "edge_group_index", H5T_STD_U64LE, H5T_NATIVE_UINT64, 0, total[0],
                         off[0], re.n, s, NULL, NULL, err);
    if (rc == SNN_OK)
        rc = out_dataset(o, g0, "syn_weight", H5T_FILE_REAL, H5T_NATIVE_REAL, 0, total[0], off[0],
                         re.n, re.w, NULL, NULL, err);
    if (rc == SNN_OK)
        rc = out_dataset(o, g0, "delay", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, total[0], off[0],
                         re.n, re.d, NULL, NULL, err);
    /* Index, libsonata's layout: one range per target with edges (they are contiguous). */
    for (uint64_t i = 0, j = 0; i < nt; i++) {
        s[2 * i] = off[1] + j;
        j += re.start[i + 1] > re.start[i];
        s[2 * i + 1] = off[1] + j;
    }
    if (rc == SNN_OK)
        rc = out_dataset(o, gt, "node_id_to_ranges", H5T_STD_U64LE, H5T_NATIVE_UINT64, 2,
                         m->pops[b].size, re.targets.begin, nt, s, NULL, NULL, err);
    for (uint64_t i = 0, j = 0; i < nt; i++)
        if (re.start[i + 1] > re.start[i]) {
            s[2 * j] = off[0] + re.start[i];
            s[2 * j + 1] = off[0] + re.start[i + 1];
            j++;
        }
    if (rc == SNN_OK)
        rc = out_dataset(o, gt, "range_to_edge_id", H5T_STD_U64LE, H5T_NATIVE_UINT64, 2, total[1],
                         off[1], ne, s, NULL, NULL, err);
    hid_t gs[] = {gt, gi, g0, g};
    for (size_t k = 0; k < sizeof gs / sizeof gs[0]; k++)
        if (gs[k] >= 0)
            H5Gclose(gs[k]);
    rank_edges_free(&re);
    return snn_comm_agree(c, rc, err);
}

/* The populations of a pre or post list in population (global id) order. */
static void sorted_pops(const int *idx, int n, int *out)
{
    memcpy(out, idx, (size_t)n * sizeof *out);
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && out[j - 1] > out[j]; j--) {
            int t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
}

static int write_edges(const snn_network *net, snn_comm *c, const char *dir, snn_error *err)
{
    const snn_model *m = net->model;
    h5out o;
    int rc = out_open(&o, c, dir, "edges.h5", err);
    if (rc != SNN_OK)
        return out_close(&o, c, rc, err);
    int *pre = malloc((size_t)(m->n_pops > 0 ? m->n_pops : 1) * sizeof *pre);
    int *post = malloc((size_t)(m->n_pops > 0 ? m->n_pops : 1) * sizeof *post);
    if (!pre || !post)
        rc = snn_fail(err, SNN_ERR_NOMEM, "export: cannot allocate population lists");
    hid_t edges = rc == SNN_OK ? out_group(&o, o.file, "edges", 1) : -1;
    if (rc == SNN_OK && edges < 0)
        rc = snn_h5_fail(err, SNN_ERR_IO, "%s: cannot create /edges", o.path);
    rc = snn_comm_agree(c, rc, err);
    int type_id = 0;
    for (int p = 0; p < m->n_projs && rc == SNN_OK; p++) {
        const snn_projection *pr = &m->projs[p];
        sorted_pops(pr->pre, pr->n_pre, pre);
        sorted_pops(pr->post, pr->n_post, post);
        for (int i = 0; i < pr->n_pre && rc == SNN_OK; i++)
            for (int j = 0; j < pr->n_post && rc == SNN_OK; j++)
                rc = write_edge_population(net, &o, edges, p, pre[i], post[j], type_id++, c, err);
    }
    if (edges >= 0)
        H5Gclose(edges);
    free(pre);
    free(post);
    return out_close(&o, c, rc, err);
}

/* ---- text files (rank 0) ------------------------------------------------------------------- */

static void put_num(FILE *f, double x)
{
    fprintf(f, " %.17g", x);
}

static void put_none(FILE *f, int n)
{
    for (int i = 0; i < n; i++)
        fputs(" NONE", f);
}

static void node_types(FILE *f, const snn_model *m)
{
    fputs("node_type_id pop_name model_type model_template V_rest_mV V_th_mV V_reset_mV tau_ms "
          "R_ohm tau_ref_ms reset C_m_pF tau_m_ms E_L_mV t_ref_ms I_ext_mA\n",
          f);
    for (int q = 0; q < m->n_pops; q++) {
        const snn_population *pop = &m->pops[q];
        fprintf(f, "%d \"%s\" point_neuron", q, pop->name);
        if (pop->model == SNN_NEURON_LIF) {
            const snn_lif_params *l = &pop->lif;
            fputs(" snn:lif", f);
            put_num(f, l->V_rest);
            put_num(f, l->V_th);
            put_num(f, l->V_reset);
            put_num(f, l->tau);
            put_num(f, l->R);
            put_num(f, l->tau_ref);
            fputs(l->reset == SNN_RESET_HARD ? " hard" : " soft", f);
            put_none(f, 4);
        } else {
            const snn_iaf_params *p = &pop->iaf;
            fputs(" nest:iaf_psc_exp NONE", f);
            put_num(f, p->V_th);
            put_num(f, p->V_reset);
            put_none(f, 4);
            put_num(f, p->C_m);
            put_num(f, p->tau_m);
            put_num(f, p->E_L);
            put_num(f, p->t_ref);
        }
        put_num(f, pop->I_ext);
        fputc('\n', f);
    }
}

static void edge_types(FILE *f, const snn_model *m)
{
    fputs("edge_type_id population projection pre post model_template tau_ms tau_rise_ms output "
          "E_mV syn_weight_unit\n",
          f);
    int pre[64], post[64], type_id = 0;
    for (int p = 0; p < m->n_projs; p++) {
        const snn_projection *pr = &m->projs[p];
        int *a = pr->n_pre <= 64 ? pre : malloc((size_t)pr->n_pre * sizeof *a);
        int *b = pr->n_post <= 64 ? post : malloc((size_t)pr->n_post * sizeof *b);
        if (!a || !b)
            break;
        sorted_pops(pr->pre, pr->n_pre, a);
        sorted_pops(pr->post, pr->n_post, b);
        for (int i = 0; i < pr->n_pre; i++)
            for (int j = 0; j < pr->n_post; j++) {
                char name[3 * SNN_NAME_LEN + 8];
                const char *pn = m->pops[a[i]].name, *qn = m->pops[b[j]].name;
                snn_export_edge_population_name(pr, pn, qn, name, sizeof name);
                fprintf(f, "%d \"%s\" \"%s\" %s %s %s", type_id++, name, pr->name, pn, qn,
                        synapse_names[pr->synapse]);
                int delta = pr->synapse == SNN_SYN_DELTA;
                if (delta)
                    put_none(f, 1);
                else
                    put_num(f, pr->syn_tau);
                if (pr->synapse == SNN_SYN_DUAL_EXPON)
                    put_num(f, pr->syn_tau_rise);
                else
                    put_none(f, 1);
                if (delta)
                    fputs(" NONE NONE mV\n", f);
                else if (pr->output == SNN_OUTPUT_COBA) {
                    fputs(" coba", f);
                    put_num(f, pr->E);
                    fputs(" mS\n", f);
                } else {
                    fputs(" cuba NONE mA\n", f);
                }
            }
        if (a != pre)
            free(a);
        if (b != post)
            free(b);
    }
}

static void circuit_config(FILE *f, const snn_model *m)
{
    fputs("{\n  \"manifest\": {\n    \"$NETWORK_DIR\": \".\"\n  },\n  \"networks\": {\n"
          "    \"nodes\": [\n      {\n        \"nodes_file\": \"$NETWORK_DIR/nodes.h5\",\n"
          "        \"node_types_file\": \"$NETWORK_DIR/node_types.csv\",\n"
          "        \"populations\": {",
          f);
    for (int q = 0; q < m->n_pops; q++)
        fprintf(f, "%s\n          \"%s\": {\"type\": \"point_neuron\"}", q ? "," : "",
                m->pops[q].name);
    fputs("\n        }\n      }\n    ],\n    \"edges\": [\n      {\n"
          "        \"edges_file\": \"$NETWORK_DIR/edges.h5\",\n"
          "        \"edge_types_file\": \"$NETWORK_DIR/edge_types.csv\"\n      }\n    ]\n  }\n}\n",
          f);
}

/* Rank 0 writes dir/name through writer; all ranks agree on the outcome. */
static int write_text(snn_comm *c, const char *dir, const char *name,
                      void (*writer)(FILE *, const snn_model *), const snn_model *m, snn_error *err)
{
    int rc = SNN_OK;
    if (c->rank == 0) {
        char path[SNN_PATH_LEN + 32], partial[SNN_PATH_LEN + 48];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        snprintf(partial, sizeof partial, "%s%s", path, PARTIAL);
        FILE *f = fopen(partial, "w");
        if (!f) {
            rc = snn_fail(err, SNN_ERR_IO, "%s: cannot create %s: %s", path, partial,
                          strerror(errno));
        } else {
            writer(f, m);
            int bad = ferror(f);
            if (fclose(f) != 0 || bad)
                rc = snn_fail(err, SNN_ERR_IO, "%s: cannot write %s", path, partial);
            else if (rename(partial, path) != 0)
                rc = snn_fail(err, SNN_ERR_IO, "%s: cannot rename %s to it: %s", path, partial,
                              strerror(errno));
            if (rc != SNN_OK)
                unlink(partial);
        }
    }
    return snn_comm_agree(c, rc, err);
}

/* mkdir -p (rank 0). */
static int make_dir(const char *path, snn_error *err)
{
    char buf[SNN_PATH_LEN];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf || !*buf)
        return snn_fail(err, SNN_ERR_IO, "--export-network: bad directory \"%.200s\"", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return snn_fail(err, SNN_ERR_IO, "--export-network: cannot create directory %s: %s",
                                buf, strerror(errno));
            *p = saved;
            if (!saved)
                break;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return snn_fail(err, SNN_ERR_IO, "--export-network: %s exists but is not a directory",
                        path);
    return SNN_OK;
}

int snn_network_export(const snn_network *net, snn_comm *c, const char *dir, snn_error *err)
{
    int rc = c->rank == 0 ? make_dir(dir, err) : SNN_OK;
    if ((rc = snn_comm_agree(c, rc, err)) != SNN_OK)
        return rc;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if ((rc = write_nodes(net, c, dir, err)) != SNN_OK ||
        (rc = write_text(c, dir, "node_types.csv", node_types, net->model, err)) != SNN_OK ||
        (rc = write_edges(net, c, dir, err)) != SNN_OK ||
        (rc = write_text(c, dir, "edge_types.csv", edge_types, net->model, err)) != SNN_OK)
        return rc;
    return write_text(c, dir, "circuit_config.json", circuit_config, net->model, err);
}
