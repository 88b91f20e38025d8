/*
 * edges_file.c — the "from_file" connectivity rule: checking and reading SONATA edge populations
 * (see include/snn/edges_file.h).
 *
 * Every rank opens the file read-only with HDF5's default (POSIX) driver: the reads are
 * independent, so the build stays free of collective calls. Ids are read as int64 so that
 * negative ids in a signed dataset are seen (and refused) rather than clipped.
 */
#include "snn/edges_file.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snn/h5util.h"

#define DELAY_TOL                                                                                  \
    1e-6 /* as the config's delays: d / dt within 1e-6 (relative) of a whole number                \
          */

int snn_edges_delay_steps(double d, double dt)
{
    double ratio = d / dt;
    if (!(ratio >= 1 - DELAY_TOL))
        return -1;
    double steps = nearbyint(ratio);
    if (steps > SNN_EDGES_MAX_DELAY_STEPS)
        return -3;
    if (fabs(ratio - steps) > DELAY_TOL * steps)
        return -2;
    return (int)steps;
}

/* ---- opening a population ------------------------------------------------------------------ */

typedef struct {
    hid_t file, pop;
    hid_t src, tgt, weight, delay, group_id, group_index; /* -1 when absent */
    uint64_t n;                                           /* edges */
    int indexed;                                          /* indices/target_to_source present */
    uint64_t index_nodes;                                 /* its node_id_to_ranges rows */
    uint64_t index_ranges;                                /* its range_to_edge_id rows */
    hid_t node_ranges, range_edges;
} edge_pop;

static void edge_pop_close(edge_pop *e)
{
    hid_t *d[] = {&e->src,      &e->tgt,         &e->weight,      &e->delay,
                  &e->group_id, &e->group_index, &e->node_ranges, &e->range_edges};
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++)
        if (*d[k] >= 0) {
            H5Dclose(*d[k]);
            *d[k] = -1;
        }
    if (e->pop >= 0)
        H5Gclose(e->pop);
    if (e->file >= 0)
        H5Fclose(e->file);
    e->pop = e->file = -1;
}

/* "<config>:<line>: projections[p].<key>: <edge file>: population \"x\": " prefix. */
static void where(const snn_model *m, int p, const char *key, char *buf, size_t len)
{
    const snn_projection *pr = &m->projs[p];
    int n = snprintf(buf, len, "%s:%d: projections[%d].%s: %s: edge population \"%s\"", m->source,
                     pr->rule_line > 0 ? pr->rule_line : pr->line, p, key, pr->file,
                     pr->file_population);
    if (n < 0 || (size_t)n >= len) /* a very long path: keep the end, which names the file */
        buf[len - 1] = '\0';
}

/* Opens dataset `name` of g if present (1-D, or 2-D with `cols` columns when cols > 0); *n its
 * length. Returns SNN_OK (d = -1 when absent and optional) or an error. */
static int open_dataset(const snn_model *m, int p, hid_t g, const char *name, int required,
                        int cols, hid_t *d, uint64_t *n, snn_error *err)
{
    char at[SNN_ERROR_MSG_LEN / 2];
    *d = -1;
    if (!snn_h5_exists(g, name)) {
        if (!required)
            return SNN_OK;
        where(m, p, "rule.population", at, sizeof at);
        return snn_fail(err, SNN_ERR_CONFIG, "%s: expected a dataset \"%s\", got none", at, name);
    }
    *d = H5Dopen2(g, name, H5P_DEFAULT);
    if (*d < 0) {
        where(m, p, "rule.file", at, sizeof at);
        return snn_h5_fail(err, SNN_ERR_IO, "%s: cannot open dataset %s", at, name);
    }
    hid_t s = H5Dget_space(*d);
    hsize_t dims[2] = {0, 0};
    int rank = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
    if (rank >= 1 && rank <= 2)
        H5Sget_simple_extent_dims(s, dims, NULL);
    if (s >= 0)
        H5Sclose(s);
    int want = cols > 0 ? 2 : 1;
    if (rank != want || (cols > 0 && dims[1] != (hsize_t)cols)) {
        where(m, p, "rule.population", at, sizeof at);
        return snn_fail(err, SNN_ERR_CONFIG,
                        "%s: expected dataset \"%s\" to be %s, got %d dimensions", at, name,
                        cols > 0 ? "an n x 2 table" : "one-dimensional", rank);
    }
    *n = dims[0];
    return SNN_OK;
}

/* Opens and checks the layout of projection p's edge population (every rank alike). */
static int edge_pop_open(const snn_model *m, int p, edge_pop *e, snn_error *err)
{
    const snn_projection *pr = &m->projs[p];
    char at[SNN_ERROR_MSG_LEN / 2], path[SNN_NAME_LEN * 4];
    memset(e, 0, sizeof *e);
    e->file = e->pop = e->src = e->tgt = e->weight = e->delay = e->group_id = e->group_index =
        e->node_ranges = e->range_edges = -1;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    FILE *probe = fopen(pr->file, "rb");
    if (!probe) {
        where(m, p, "rule.file", at, sizeof at);
        return snn_fail(err, SNN_ERR_IO, "%s: cannot open the edge file: %s", at, strerror(errno));
    }
    fclose(probe);
    e->file = H5Fopen(pr->file, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (e->file < 0) {
        where(m, p, "rule.file", at, sizeof at);
        return snn_h5_fail(err, SNN_ERR_IO, "%s: cannot open the edge file as HDF5", at);
    }
    snprintf(path, sizeof path, "edges/%s", pr->file_population);
    if (strchr(pr->file_population, '/') || !snn_h5_exists(e->file, path)) {
        char found[256] = "";
        hid_t edges =
            snn_h5_exists(e->file, "edges") ? H5Gopen2(e->file, "edges", H5P_DEFAULT) : -1;
        hsize_t n = 0;
        H5G_info_t info;
        if (edges >= 0 && H5Gget_info(edges, &info) >= 0) {
            n = info.nlinks;
            for (hsize_t k = 0; k < n; k++) {
                char name[SNN_NAME_LEN * 2];
                if (H5Lget_name_by_idx(edges, ".", H5_INDEX_NAME, H5_ITER_INC, k, name, sizeof name,
                                       H5P_DEFAULT) < 0)
                    break;
                size_t len = strlen(found);
                snprintf(found + len, sizeof found - len, "%s\"%s\"", k ? ", " : "", name);
            }
        }
        if (edges >= 0)
            H5Gclose(edges);
        H5Eclear2(H5E_DEFAULT);
        where(m, p, "rule.population", at, sizeof at);
        return snn_fail(err, SNN_ERR_CONFIG, "%s: no such population in the file (found: %s)", at,
                        n ? found : "no /edges populations");
    }
    e->pop = H5Gopen2(e->file, path, H5P_DEFAULT);
    if (e->pop < 0) {
        where(m, p, "rule.population", at, sizeof at);
        return snn_h5_fail(err, SNN_ERR_IO, "%s: cannot open group /%s", at, path);
    }
    uint64_t n_src = 0, n = 0;
    int rc;
    if ((rc = open_dataset(m, p, e->pop, "source_node_id", 1, 0, &e->src, &n_src, err)) ||
        (rc = open_dataset(m, p, e->pop, "target_node_id", 1, 0, &e->tgt, &e->n, err)))
        return rc;
    where(m, p, "rule.population", at, sizeof at);
    if (n_src != e->n)
        return snn_fail(err, SNN_ERR_CONFIG,
                        "%s: expected as many source_node_id as target_node_id, got %llu and %llu",
                        at, (unsigned long long)n_src, (unsigned long long)e->n);
    /* node_population must name the projection's pre and post populations. */
    const char *ds[2] = {"source_node_id", "target_node_id"};
    const char *key[2] = {"pre", "post"};
    hid_t dd[2] = {e->src, e->tgt};
    const snn_population *pp[2] = {&m->pops[pr->pre[0]], &m->pops[pr->post[0]]};
    for (int k = 0; k < 2; k++) {
        char np[SNN_NAME_LEN * 2];
        if (snn_h5_attr_read_string(dd[k], "node_population", np, sizeof np) != 0)
            return snn_fail(err, SNN_ERR_CONFIG,
                            "%s: expected %s to carry a string attribute node_population, got "
                            "none",
                            at, ds[k]);
        if (strcmp(np, pp[k]->name) != 0) {
            return snn_fail(err, SNN_ERR_CONFIG,
                            "%s:%d: projections[%d].%s: expected the node population of the edge "
                            "file's %s (\"%s\" in "
                            "%s, edge population \"%s\"), got \"%s\"",
                            m->source, pr->line, p, key[k], ds[k], np, pr->file,
                            pr->file_population, pp[k]->name);
        }
    }
    /* Optional: group 0's syn_weight and delay, the group columns, the target index. */
    const char *opt[4] = {"0/syn_weight", "0/delay", "edge_group_id", "edge_group_index"};
    hid_t *od[4] = {&e->weight, &e->delay, &e->group_id, &e->group_index};
    for (int k = 0; k < 4; k++) {
        if ((rc = open_dataset(m, p, e->pop, opt[k], 0, 0, od[k], &n, err)))
            return rc;
        if (*od[k] >= 0 && n != e->n)
            return snn_fail(err, SNN_ERR_CONFIG, "%s: expected %llu values in %s, got %llu", at,
                            (unsigned long long)e->n, opt[k], (unsigned long long)n);
    }
    if (snn_h5_exists(e->pop, "indices/target_to_source")) {
        if ((rc = open_dataset(m, p, e->pop, "indices/target_to_source/node_id_to_ranges", 1, 2,
                               &e->node_ranges, &e->index_nodes, err)) ||
            (rc = open_dataset(m, p, e->pop, "indices/target_to_source/range_to_edge_id", 1, 2,
                               &e->range_edges, &e->index_ranges, err)))
            return rc;
        e->indexed = 1;
        if (e->index_nodes != pp[1]->size)
            return snn_fail(err, SNN_ERR_CONFIG,
                            "%s: expected the target index to cover the %llu neurons of "
                            "population \"%s\", got %llu nodes",
                            at, (unsigned long long)pp[1]->size, pp[1]->name,
                            (unsigned long long)e->index_nodes);
    }
    return SNN_OK;
}

/* Reads elements [first, first + count) of a 1-D dataset (or rows of an n x 2 one). */
static int read_block(hid_t d, hid_t mtype, uint64_t first, uint64_t count, int cols, void *buf)
{
    if (count == 0)
        return 0;
    hsize_t start[2] = {first, 0}, cnt[2] = {count, (hsize_t)cols};
    int nd = cols > 0 ? 2 : 1;
    hid_t fs = H5Dget_space(d), ms = H5Screate_simple(nd, cnt, NULL);
    int rc = -1;
    if (fs >= 0 && ms >= 0 &&
        H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, cnt, NULL) >= 0 &&
        H5Dread(d, mtype, ms, fs, H5P_DEFAULT, buf) >= 0)
        rc = 0;
    if (fs >= 0)
        H5Sclose(fs);
    if (ms >= 0)
        H5Sclose(ms);
    return rc;
}

/* snn_real in memory: HDF5 converts the file's float or double to it. */
#define H5T_NATIVE_REAL (sizeof(snn_real) == sizeof(double) ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT)

/* ---- prepare: every rank checks a slice ---------------------------------------------------- */

typedef struct {
    int64_t *src, *tgt, *gid, *gidx;
    snn_real *w;
    double *d;
} chunk_bufs;

static void chunk_free(chunk_bufs *b)
{
    free(b->src);
    free(b->tgt);
    free(b->gid);
    free(b->gidx);
    free(b->w);
    free(b->d);
    memset(b, 0, sizeof *b);
}

static int chunk_alloc(chunk_bufs *b, uint64_t n)
{
    size_t k = (size_t)(n > 0 ? n : 1);
    b->src = malloc(k * sizeof *b->src);
    b->tgt = malloc(k * sizeof *b->tgt);
    b->gid = malloc(k * sizeof *b->gid);
    b->gidx = malloc(k * sizeof *b->gidx);
    b->w = malloc(k * sizeof *b->w);
    b->d = malloc(k * sizeof *b->d);
    return b->src && b->tgt && b->gid && b->gidx && b->w && b->d ? 0 : -1;
}

typedef struct {
    int min_steps, max_steps;
    double w_min, w_max;
} slice_stats;

/* Checks edges [first, end) of e; widens st. */
static int check_slice(const snn_model *m, int p, edge_pop *e, uint64_t first, uint64_t end,
                       slice_stats *st, snn_error *err)
{
    const snn_projection *pr = &m->projs[p];
    const snn_population *pre = &m->pops[pr->pre[0]], *post = &m->pops[pr->post[0]];
    char at[SNN_ERROR_MSG_LEN / 2];
    where(m, p, "rule.population", at, sizeof at);
    chunk_bufs b = {0};
    if (chunk_alloc(&b, end - first < SNN_EDGES_CHUNK ? end - first : SNN_EDGES_CHUNK)) {
        chunk_free(&b);
        return snn_fail(err, SNN_ERR_NOMEM, "%s: cannot allocate a read buffer", at);
    }
    int rc = SNN_OK;
    for (uint64_t a = first; a < end && rc == SNN_OK; a += SNN_EDGES_CHUNK) {
        uint64_t n = end - a < SNN_EDGES_CHUNK ? end - a : SNN_EDGES_CHUNK;
        if (read_block(e->src, H5T_NATIVE_INT64, a, n, 0, b.src) ||
            read_block(e->tgt, H5T_NATIVE_INT64, a, n, 0, b.tgt) ||
            (e->weight >= 0 && read_block(e->weight, H5T_NATIVE_REAL, a, n, 0, b.w)) ||
            (e->delay >= 0 && read_block(e->delay, H5T_NATIVE_DOUBLE, a, n, 0, b.d)) ||
            (e->group_id >= 0 && read_block(e->group_id, H5T_NATIVE_INT64, a, n, 0, b.gid)) ||
            (e->group_index >= 0 &&
             read_block(e->group_index, H5T_NATIVE_INT64, a, n, 0, b.gidx))) {
            rc = snn_h5_fail(err, SNN_ERR_IO, "%s: cannot read edges %llu to %llu", at,
                             (unsigned long long)a, (unsigned long long)(a + n));
            break;
        }
        for (uint64_t i = 0; i < n; i++) {
            unsigned long long id = (unsigned long long)(a + i);
            if (b.src[i] < 0 || (uint64_t)b.src[i] >= pre->size) {
                rc =
                    snn_fail(err, SNN_ERR_CONFIG,
                             "%s: edge %llu: expected a source_node_id in [0, %llu) (population "
                             "\"%s\"), got %lld",
                             at, id, (unsigned long long)pre->size, pre->name, (long long)b.src[i]);
                break;
            }
            if (b.tgt[i] < 0 || (uint64_t)b.tgt[i] >= post->size) {
                rc = snn_fail(err, SNN_ERR_CONFIG,
                              "%s: edge %llu: expected a target_node_id in [0, %llu) (population "
                              "\"%s\"), got %lld",
                              at, id, (unsigned long long)post->size, post->name,
                              (long long)b.tgt[i]);
                break;
            }
            if ((e->group_id >= 0 && b.gid[i] != 0) ||
                (e->group_index >= 0 && b.gidx[i] != (int64_t)(a + i))) {
                rc = snn_fail(err, SNN_ERR_CONFIG,
                              "%s: edge %llu: expected edge_group_id 0 and edge_group_index %llu "
                              "(one group \"0\" in edge order), got %lld and %lld",
                              at, id, id, e->group_id >= 0 ? (long long)b.gid[i] : 0LL,
                              e->group_index >= 0 ? (long long)b.gidx[i] : (long long)id);
                break;
            }
            if (e->weight >= 0) {
                double w = (double)b.w[i];
                if (!isfinite(w)) {
                    rc = snn_fail(err, SNN_ERR_CONFIG,
                                  "%s: edge %llu: expected a finite syn_weight, got %g", at, id, w);
                    break;
                }
                st->w_min = w < st->w_min ? w : st->w_min;
                st->w_max = w > st->w_max ? w : st->w_max;
            }
            if (e->delay >= 0) {
                int s = snn_edges_delay_steps(b.d[i], m->run.dt);
                if (s < 0) {
                    rc = snn_fail(err, SNN_ERR_CONFIG,
                                  "%s: edge %llu: expected a delay that is a whole multiple of "
                                  "dt = %g ms, at least dt and at most %d steps, got %.17g ms",
                                  at, id, m->run.dt, SNN_EDGES_MAX_DELAY_STEPS, b.d[i]);
                    break;
                }
                st->min_steps = s < st->min_steps ? s : st->min_steps;
                st->max_steps = s > st->max_steps ? s : st->max_steps;
            }
        }
    }
    chunk_free(&b);
    return rc;
}

static int prepare_one(snn_model *m, int p, snn_comm *c, snn_error *err)
{
    snn_projection *pr = &m->projs[p];
    edge_pop e;
    int rc = edge_pop_open(m, p, &e, err);
    if ((rc = snn_comm_agree(c, rc, err)) != SNN_OK) {
        edge_pop_close(&e);
        return rc;
    }
    if (e.weight < 0 && !pr->has_weight) {
        rc = snn_fail(err, SNN_ERR_CONFIG,
                      "%s:%d: projections[%d]: missing required key \"weight\": the edge "
                      "population \"%s\" in %s has "
                      "no 0/syn_weight",
                      m->source, pr->line, p, pr->file_population, pr->file);
    }
    slice_stats st = {INT32_MAX, 0, INFINITY, -INFINITY};
    snn_range r = snn_split(e.n, (uint64_t)c->size, (uint64_t)c->rank);
    if (rc == SNN_OK)
        rc = check_slice(m, p, &e, r.begin, r.end, &st, err);
    int has_w = e.weight >= 0, has_d = e.delay >= 0;
    uint64_t n = e.n;
    edge_pop_close(&e);
    if ((rc = snn_comm_agree(c, rc, err)) != SNN_OK)
        return rc;
    int steps[2] = {st.min_steps, -st.max_steps};
    double w[2] = {st.w_min, -st.w_max};
    MPI_Allreduce(MPI_IN_PLACE, steps, 2, MPI_INT, MPI_MIN, c->comm);
    MPI_Allreduce(MPI_IN_PLACE, w, 2, MPI_DOUBLE, MPI_MIN, c->comm);
    pr->total_number = n;
    pr->file_weights = has_w && n > 0 && w[0] != -w[1];
    if (has_w && n > 0 && !pr->file_weights) { /* one weight for all: the constant */
        pr->weight = w[0];
        pr->weight_std = 0;
    }
    pr->file_delays = has_d && n > 0 && steps[0] != -steps[1];
    if (has_d && n > 0) {
        pr->delay_steps = steps[0];
        pr->delay_min_steps = steps[0];
        pr->delay_max_steps = -steps[1];
        pr->delay = steps[0] * m->run.dt;
        pr->delay_max = pr->delay_max_steps * m->run.dt;
    }
    return SNN_OK;
}

int snn_edges_prepare(snn_model *m, snn_comm *c, snn_error *err)
{
    for (int p = 0; p < m->n_projs; p++) {
        if (m->projs[p].rule != SNN_RULE_FROM_FILE)
            continue;
        int rc = prepare_one(m, p, c, err);
        if (rc != SNN_OK)
            return rc;
    }
    return SNN_OK;
}

/* ---- reading one rank's edges -------------------------------------------------------------- */

void snn_file_edges_free(snn_file_edges *e)
{
    free(e->pre);
    free(e->post);
    free(e->weight);
    free(e->delay);
    memset(e, 0, sizeof *e);
}

typedef struct {
    uint64_t begin, end;
} interval;

static int cmp_interval(const void *a, const void *b)
{
    const interval *x = a, *y = b;
    return (x->begin > y->begin) - (x->begin < y->begin);
}

static int grow_edges(snn_file_edges *out, uint64_t *cap, uint64_t need, int w, int d)
{
    if (need <= *cap)
        return 0;
    uint64_t nc = *cap ? *cap : 1024;
    while (nc < need)
        nc *= 2;
    uint64_t *pre = realloc(out->pre, nc * sizeof *pre);
    if (pre)
        out->pre = pre;
    uint64_t *post = realloc(out->post, nc * sizeof *post);
    if (post)
        out->post = post;
    snn_real *wt = w ? realloc(out->weight, nc * sizeof *wt) : NULL;
    if (wt)
        out->weight = wt;
    uint16_t *dl = d ? realloc(out->delay, nc * sizeof *dl) : NULL;
    if (dl)
        out->delay = dl;
    if (!pre || !post || (w && !wt) || (d && !dl))
        return -1;
    *cap = nc;
    return 0;
}

/* The edge intervals holding the targets [t0, t1), from the index: sorted and merged. */
static int index_intervals(const snn_model *m, int p, edge_pop *e, snn_range t, interval **iv,
                           uint64_t *n_iv, snn_error *err)
{
    char at[SNN_ERROR_MSG_LEN / 2];
    where(m, p, "rule.population", at, sizeof at);
    uint64_t nn = t.end - t.begin;
    *iv = NULL;
    *n_iv = 0;
    if (nn == 0)
        return SNN_OK;
    uint64_t *nr = malloc(nn * 2 * sizeof *nr);
    if (!nr)
        return snn_fail(err, SNN_ERR_NOMEM, "%s: cannot allocate the index", at);
    if (read_block(e->node_ranges, H5T_NATIVE_UINT64, t.begin, nn, 2, nr)) {
        free(nr);
        return snn_h5_fail(err, SNN_ERR_IO, "%s: cannot read indices/target_to_source", at);
    }
    uint64_t lo = UINT64_MAX, hi = 0;
    for (uint64_t i = 0; i < nn; i++) {
        if (nr[2 * i] == nr[2 * i + 1]) /* no edges */
            continue;
        if (nr[2 * i] > nr[2 * i + 1] || nr[2 * i + 1] > e->index_ranges) {
            int rc =
                snn_fail(err, SNN_ERR_CONFIG,
                         "%s: indices/target_to_source/node_id_to_ranges[%llu] = [%llu, %llu): "
                         "expected start <= end <= %llu (the rows of range_to_edge_id)",
                         at, (unsigned long long)(t.begin + i), (unsigned long long)nr[2 * i],
                         (unsigned long long)nr[2 * i + 1], (unsigned long long)e->index_ranges);
            free(nr);
            return rc;
        }
        lo = nr[2 * i] < lo ? nr[2 * i] : lo;
        hi = nr[2 * i + 1] > hi ? nr[2 * i + 1] : hi;
    }
    free(nr);
    if (lo >= hi)
        return SNN_OK;
    uint64_t nrg = hi - lo;
    uint64_t *rg = malloc(nrg * 2 * sizeof *rg);
    *iv = malloc(nrg * sizeof **iv);
    if (!rg || !*iv) {
        free(rg);
        free(*iv);
        *iv = NULL;
        return snn_fail(err, SNN_ERR_NOMEM, "%s: cannot allocate the index", at);
    }
    if (read_block(e->range_edges, H5T_NATIVE_UINT64, lo, nrg, 2, rg)) {
        free(rg);
        free(*iv);
        *iv = NULL;
        return snn_h5_fail(err, SNN_ERR_IO, "%s: cannot read indices/target_to_source", at);
    }
    uint64_t k = 0;
    for (uint64_t i = 0; i < nrg; i++) {
        uint64_t a = rg[2 * i], b = rg[2 * i + 1];
        if (a == b)
            continue;
        if (a > b || b > e->n) {
            free(rg);
            free(*iv);
            *iv = NULL;
            return snn_fail(err, SNN_ERR_CONFIG,
                            "%s: indices/target_to_source/range_to_edge_id[%llu] = [%llu, %llu): "
                            "expected start <= end <= %llu (the edges)",
                            at, (unsigned long long)(lo + i), (unsigned long long)a,
                            (unsigned long long)b, (unsigned long long)e->n);
        }
        (*iv)[k++] = (interval){a, b};
    }
    free(rg);
    qsort(*iv, k, sizeof **iv, cmp_interval);
    uint64_t j = 0;
    for (uint64_t i = 0; i < k; i++) {
        if (j > 0 && (*iv)[i].begin <= (*iv)[j - 1].end) {
            if ((*iv)[i].end > (*iv)[j - 1].end)
                (*iv)[j - 1].end = (*iv)[i].end;
        } else {
            (*iv)[j++] = (*iv)[i];
        }
    }
    *n_iv = j;
    return SNN_OK;
}

/* Appends the edges of [a, end) whose target lies in t. */
static int read_interval(const snn_model *m, int p, edge_pop *e, snn_range t, uint64_t a,
                         uint64_t end, chunk_bufs *b, snn_file_edges *out, uint64_t *cap,
                         snn_error *err)
{
    const snn_projection *pr = &m->projs[p];
    const snn_population *pre = &m->pops[pr->pre[0]];
    char at[SNN_ERROR_MSG_LEN / 2];
    where(m, p, "rule.population", at, sizeof at);
    int want_w = pr->file_weights, want_d = pr->file_delays;
    for (; a < end; a += SNN_EDGES_CHUNK) {
        uint64_t n = end - a < SNN_EDGES_CHUNK ? end - a : SNN_EDGES_CHUNK;
        if (read_block(e->tgt, H5T_NATIVE_INT64, a, n, 0, b->tgt))
            return snn_h5_fail(err, SNN_ERR_IO, "%s: cannot read target_node_id", at);
        uint64_t lo = n, hi = 0, cnt = 0;
        for (uint64_t i = 0; i < n; i++)
            if (b->tgt[i] >= (int64_t)t.begin && b->tgt[i] < (int64_t)t.end) {
                lo = i < lo ? i : lo;
                hi = i + 1;
                cnt++;
            }
        if (cnt == 0)
            continue;
        uint64_t k = hi - lo;
        if (read_block(e->src, H5T_NATIVE_INT64, a + lo, k, 0, b->src) ||
            (want_w && read_block(e->weight, H5T_NATIVE_REAL, a + lo, k, 0, b->w)) ||
            (want_d && read_block(e->delay, H5T_NATIVE_DOUBLE, a + lo, k, 0, b->d)))
            return snn_h5_fail(err, SNN_ERR_IO, "%s: cannot read edges %llu to %llu", at,
                               (unsigned long long)(a + lo), (unsigned long long)(a + hi));
        if (grow_edges(out, cap, out->n + cnt, want_w, want_d))
            return snn_fail(err, SNN_ERR_NOMEM, "%s: cannot allocate %llu edges", at,
                            (unsigned long long)(out->n + cnt));
        for (uint64_t i = lo; i < hi; i++) {
            if (!(b->tgt[i] >= (int64_t)t.begin && b->tgt[i] < (int64_t)t.end))
                continue;
            int64_t s = b->src[i - lo];
            int steps = want_d ? snn_edges_delay_steps(b->d[i - lo], m->run.dt) : 1;
            /* Checked by snn_edges_prepare; a file changed since then is caught here. */
            if (s < 0 || (uint64_t)s >= pre->size || steps < 1)
                return snn_fail(err, SNN_ERR_CONFIG,
                                "%s: edge %llu: source_node_id %lld or delay out of range (the "
                                "file changed while it was read?)",
                                at, (unsigned long long)(a + i), (long long)s);
            out->pre[out->n] = (uint64_t)s;
            out->post[out->n] = (uint64_t)b->tgt[i];
            if (want_w)
                out->weight[out->n] = b->w[i - lo];
            if (want_d)
                out->delay[out->n] = (uint16_t)steps;
            out->n++;
        }
    }
    return SNN_OK;
}

int snn_edges_read(const snn_model *m, int p, snn_range targets, snn_file_edges *out,
                   snn_error *err)
{
    memset(out, 0, sizeof *out);
    edge_pop e;
    int rc = edge_pop_open(m, p, &e, err);
    interval *iv = NULL, whole = {0, e.n};
    uint64_t n_iv = 0, cap = 0;
    chunk_bufs b = {0};
    if (rc == SNN_OK && e.indexed)
        rc = index_intervals(m, p, &e, targets, &iv, &n_iv, err);
    else if (rc == SNN_OK && targets.end > targets.begin) {
        iv = &whole;
        n_iv = 1;
    }
    if (rc == SNN_OK && chunk_alloc(&b, e.n < SNN_EDGES_CHUNK ? e.n : SNN_EDGES_CHUNK))
        rc = snn_fail(err, SNN_ERR_NOMEM, "%s: cannot allocate a read buffer", m->projs[p].file);
    for (uint64_t i = 0; rc == SNN_OK && i < n_iv; i++)
        rc = read_interval(m, p, &e, targets, iv[i].begin, iv[i].end, &b, out, &cap, err);
    chunk_free(&b);
    if (iv != &whole)
        free(iv);
    edge_pop_close(&e);
    if (rc != SNN_OK)
        snn_file_edges_free(out);
    return rc;
}

int snn_file_edges_select(const snn_file_edges *e, const snn_range *owned, int n_owned,
                          snn_edge_list *list, snn_error *err)
{
    size_t n = 0;
    for (uint64_t k = 0; k < e->n; k++)
        for (int r = 0; r < n_owned; r++)
            if (e->post[k] >= owned[r].begin && e->post[k] < owned[r].end) {
                n++;
                break;
            }
    if (list->n + n > list->cap) {
        snn_edge *ne = realloc(list->e, (list->n + n + 1) * sizeof *ne);
        if (!ne)
            return snn_fail(err, SNN_ERR_NOMEM, "cannot allocate %zu edges", list->n + n);
        list->e = ne;
        list->cap = list->n + n + 1;
    }
    for (uint64_t k = 0; k < e->n; k++)
        for (int r = 0; r < n_owned; r++)
            if (e->post[k] >= owned[r].begin && e->post[k] < owned[r].end) {
                list->e[list->n++] = (snn_edge){e->pre[k], e->post[k], k};
                break;
            }
    return SNN_OK;
}
