/*
 * recorder.c — SONATA report files of state recorders, written by all ranks with parallel HDF5
 * (see include/snn/recorder.h for the layout and the life cycle).
 *
 * A report is one (recorder, variable) pair and one file. Its data set [n_times x n_selected]
 * is contiguous, allocated at creation and never pre-filled, so where each byte goes is fixed
 * before the first sample and does not depend on how the rows are written. The threads of a
 * rank fill rows of the rank's buffer (each its own columns) step by step; the master thread
 * writes a window of rows collectively, every rank its own column range, when the next exchange
 * interval might not fit. The windows depend only on global numbers (selection size, every,
 * min_delay), so every rank makes the same HDF5 calls. Failures are agreed on (snn_comm_agree)
 * after each collective call, so no rank is left waiting and all report the same message.
 */
#include "snn/recorder.h"

#include <errno.h>
#include <hdf5.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snn/channel.h"
#include "snn/fault.h"
#include "snn/h5util.h"
#include "snn/partition.h"
#include "snn/record_spec.h"

#define PARTIAL_SUFFIX ".partial"
#define FILE_LEN (SNN_PATH_LEN + 2 * SNN_NAME_LEN + 16)

typedef struct {
    const snn_recorder_spec *spec;
    const snn_record_var *var;
    char path[FILE_LEN];
    char partial[FILE_LEN + sizeof PARTIAL_SUFFIX];
    int created;        /* this run created (or reopened) partial: abort may delete it */
    uint64_t n_sel;     /* columns in the file */
    snn_range cols;     /* this rank's columns */
    uint64_t n_samples; /* rows in the file */
    uint64_t window;    /* rows buffered before a write */
    uint64_t written;   /* rows before the buffer's first row */
    float *buf;         /* [window x (cols.end - cols.begin)] */
    uint64_t *tcol;     /* [n_threads + 1]: thread t's columns, relative to cols.begin */
    uint32_t *local;    /* [cols]: the thread-local index of each column's neuron */
    hid_t file, data;
} report;

struct snn_recorders {
    snn_comm *comm;
    const snn_network *net;
    int n;
    report *rep;
    hid_t dxpl;
    uint64_t writes;
    int finished;  /* every file written and closed: only the renames are left */
    uint64_t last; /* the last step sampled (as told by end_interval) */
};

/* ---- errors ------------------------------------------------------------------------------ */

static herr_t walk(unsigned n, const H5E_error2_t *e, void *data)
{
    char *buf = data;
    (void)n;
    if (!buf[0] && e->desc && e->desc[0])
        snprintf(buf, 256, "%s", e->desc);
    return 0;
}

/* err = "<path>: cannot <what>: <HDF5's most specific reason>"; returns SNN_ERR_IO. */
static int h5_fail(const report *p, snn_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int h5_fail(const report *p, snn_error *err, const char *fmt, ...)
{
    char what[512], reason[256] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk, reason);
    H5Eclear2(H5E_DEFAULT);
    return snn_fail(err, SNN_ERR_IO, "%s: cannot %s: %s", p->path, what,
                    reason[0] ? reason : "unknown HDF5 error");
}

/* ---- layout ------------------------------------------------------------------------------ */

static int write_attr_string(const report *p, hid_t obj, const char *name, const char *value,
                             snn_error *err)
{
    int rc = SNN_OK;
    hid_t type = H5Tcopy(H5T_C_S1), space = H5Screate(H5S_SCALAR), a = -1;
    if (type < 0 || space < 0 || H5Tset_size(type, H5T_VARIABLE) < 0 ||
        H5Tset_cset(type, H5T_CSET_UTF8) < 0)
        rc = h5_fail(p, err, "make a string type");
    if (rc == SNN_OK && (a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT)) < 0)
        rc = h5_fail(p, err, "create attribute %s", name);
    if (rc == SNN_OK && H5Awrite(a, type, &value) < 0)
        rc = h5_fail(p, err, "write attribute %s", name);
    if (a >= 0)
        H5Aclose(a);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return rc;
}

/* node_ids attribute sorted = 1 (uint8): the ids ascend, so libsonata need not sort them. */
static int write_attr_sorted(const report *p, hid_t obj, snn_error *err)
{
    const uint8_t one = 1;
    int rc = SNN_OK;
    hid_t space = H5Screate(H5S_SCALAR), a = -1;
    if (space < 0 ||
        (a = H5Acreate2(obj, "sorted", H5T_STD_U8LE, space, H5P_DEFAULT, H5P_DEFAULT)) < 0)
        rc = h5_fail(p, err, "create attribute sorted of mapping/node_ids");
    if (rc == SNN_OK && H5Awrite(a, H5T_NATIVE_UINT8, &one) < 0)
        rc = h5_fail(p, err, "write attribute sorted of mapping/node_ids");
    if (a >= 0)
        H5Aclose(a);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

/* Collective: writes buf (n elements of mtype) as the whole 1-d data set, from rank 0 only. */
static int write_whole(const snn_recorders *r, const report *p, hid_t dset, hid_t mtype,
                       const void *buf, hsize_t n, const char *name, snn_error *err)
{
    int rc = SNN_OK;
    hid_t fspace = H5Dget_space(dset), mspace = H5Screate_simple(1, &n, NULL);
    if (fspace < 0 || mspace < 0)
        rc = h5_fail(p, err, "get the dataspace of %s", name);
    else if (r->comm->rank != 0 && (H5Sselect_none(fspace) < 0 || H5Sselect_none(mspace) < 0))
        rc = h5_fail(p, err, "select nothing in %s", name);
    if (fspace >= 0 && mspace >= 0 && H5Dwrite(dset, mtype, mspace, fspace, r->dxpl, buf) < 0 &&
        rc == SNN_OK)
        rc = h5_fail(p, err, "write %s", name);
    if (fspace >= 0)
        H5Sclose(fspace);
    if (mspace >= 0)
        H5Sclose(mspace);
    return rc;
}

/* Creates a 1-d data set of n elements in group g, writes values (rank 0's), closes it. */
static int mapping_dataset(const snn_recorders *r, const report *p, hid_t g, hid_t dcpl,
                           const char *name, hid_t ftype, hid_t mtype, const void *values,
                           hsize_t n, const char *units, snn_error *err)
{
    int rc = SNN_OK;
    hid_t space = H5Screate_simple(1, &n, NULL), d = -1;
    if (space < 0)
        rc = h5_fail(p, err, "create a dataspace");
    if (rc == SNN_OK && (d = H5Dcreate2(g, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0)
        rc = h5_fail(p, err, "create data set mapping/%s", name);
    if (rc == SNN_OK && units)
        rc = write_attr_string(p, d, "units", units, err);
    if (rc == SNN_OK && strcmp(name, "node_ids") == 0)
        rc = write_attr_sorted(p, d, err);
    if (rc == SNN_OK)
        rc = write_whole(r, p, d, mtype, values, n, name, err);
    if (d >= 0 && H5Dclose(d) < 0 && rc == SNN_OK)
        rc = h5_fail(p, err, "close mapping/%s", name);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

/* The mapping group: node ids, index pointers, element ids, time. */
static int write_mapping(const snn_recorders *r, const report *p, hid_t pop, hid_t gcpl, hid_t dcpl,
                         uint64_t *ids, uint32_t *zeros, snn_error *err)
{
    const snn_recorder_spec *s = p->spec;
    const uint64_t n = p->n_sel;
    const double dt = r->net->model->run.dt * (double)s->every;
    const double time[3] = {dt, dt + (double)p->n_samples * dt, dt};
    int rc = SNN_OK;
    hid_t g = H5Gcreate2(pop, "mapping", H5P_DEFAULT, gcpl, H5P_DEFAULT);
    if (g < 0)
        return h5_fail(p, err, "create group mapping");
    /* Only rank 0 writes the mapping; the others select nothing. */
    uint64_t nn = r->comm->rank == 0 ? n : 0;
    for (uint64_t k = 0; k < nn; k++)
        ids[k] = snn_selection_id(&s->sel, k);
    if (rc == SNN_OK)
        rc = mapping_dataset(r, p, g, dcpl, "node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64, ids, n,
                             NULL, err);
    for (uint64_t k = 0; rc == SNN_OK && k <= nn; k++)
        ids[k] = k;
    if (rc == SNN_OK)
        rc = mapping_dataset(r, p, g, dcpl, "index_pointers", H5T_STD_U64LE, H5T_NATIVE_UINT64, ids,
                             n + 1, NULL, err);
    if (rc == SNN_OK)
        rc = mapping_dataset(r, p, g, dcpl, "element_ids", H5T_STD_U32LE, H5T_NATIVE_UINT32, zeros,
                             n, NULL, err);
    if (rc == SNN_OK)
        rc = mapping_dataset(r, p, g, dcpl, "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, time, 3,
                             "ms", err);
    if (H5Gclose(g) < 0 && rc == SNN_OK)
        rc = h5_fail(p, err, "close group mapping");
    return rc;
}

/* Collective: creates p->partial with its groups, its mapping and the (unwritten) data set. */
static int create_report(const snn_recorders *r, report *p, snn_error *err)
{
    const char *pop_name = r->net->model->pops[p->spec->pop].name;
    /* The mapping's values (rank 0's; one element elsewhere), before any collective call. */
    uint64_t nn = r->comm->rank == 0 ? p->n_sel : 0;
    uint64_t *ids = malloc((nn + 1) * sizeof *ids);
    uint32_t *zeros = calloc(nn + 1, sizeof *zeros);
    int rc = snn_comm_agree(r->comm,
                            ids && zeros ? SNN_OK
                                         : snn_fail(err, SNN_ERR_NOMEM,
                                                    "%s: out of memory for the mapping of %llu "
                                                    "neurons",
                                                    p->path, (unsigned long long)p->n_sel),
                            err);
    if (rc != SNN_OK) {
        free(ids);
        free(zeros);
        return rc;
    }
    hid_t fapl = snn_h5_file_access(r->comm->comm), fcpl = H5Pcreate(H5P_FILE_CREATE);
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t report_g = -1, pop_g = -1, space = -1;
    /* No time stamps, space allocated at creation, never pre-filled: the bytes of the file
     * depend only on the data. */
    if (fapl < 0 || fcpl < 0 || gcpl < 0 || dcpl < 0 || H5Pset_obj_track_times(fcpl, 0) < 0 ||
        H5Pset_obj_track_times(gcpl, 0) < 0 || H5Pset_obj_track_times(dcpl, 0) < 0 ||
        H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY) < 0 ||
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) < 0)
        rc = h5_fail(p, err, "make property lists");
    if (rc == SNN_OK) {
        p->file = H5Fcreate(p->partial, H5F_ACC_TRUNC, fcpl, fapl);
        if (p->file < 0)
            rc = h5_fail(p, err, "create file %s", p->partial);
        else
            p->created = 1;
    }
    if (rc == SNN_OK &&
        (report_g = H5Gcreate2(p->file, "report", H5P_DEFAULT, gcpl, H5P_DEFAULT)) < 0)
        rc = h5_fail(p, err, "create group /report");
    if (rc == SNN_OK &&
        (pop_g = H5Gcreate2(report_g, pop_name, H5P_DEFAULT, gcpl, H5P_DEFAULT)) < 0)
        rc = h5_fail(p, err, "create group /report/%s", pop_name);
    if (rc == SNN_OK) {
        hsize_t dims[2] = {p->n_samples, p->n_sel};
        if ((space = H5Screate_simple(2, dims, NULL)) < 0)
            rc = h5_fail(p, err, "create a dataspace");
    }
    if (rc == SNN_OK && (p->data = H5Dcreate2(pop_g, "data", H5T_IEEE_F32LE, space, H5P_DEFAULT,
                                              dcpl, H5P_DEFAULT)) < 0)
        rc = h5_fail(p, err, "create data set /report/%s/data", pop_name);
    if (rc == SNN_OK)
        rc = write_attr_string(p, p->data, "units", p->var->units, err);
    if (rc == SNN_OK)
        rc = write_mapping(r, p, pop_g, gcpl, dcpl, ids, zeros, err);
    free(ids);
    free(zeros);
    if (space >= 0)
        H5Sclose(space);
    if (pop_g >= 0)
        H5Gclose(pop_g);
    if (report_g >= 0)
        H5Gclose(report_g);
    hid_t pl[] = {fapl, fcpl, gcpl, dcpl};
    for (int k = 0; k < 4; k++)
        if (pl[k] >= 0)
            H5Pclose(pl[k]);
    return rc;
}

/* Collective: reopens p->partial and checks that its data set has this report's shape. */
static int reopen_report(const snn_recorders *r, report *p, snn_error *err)
{
    const char *pop_name = r->net->model->pops[p->spec->pop].name;
    char dname[SNN_NAME_LEN + 16];
    snprintf(dname, sizeof dname, "/report/%s/data", pop_name);
    hid_t fapl = snn_h5_file_access(r->comm->comm);
    int rc = SNN_OK;
    if (fapl < 0)
        rc = h5_fail(p, err, "make a file access property list");
    if (rc == SNN_OK && (p->file = H5Fopen(p->partial, H5F_ACC_RDWR, fapl)) < 0)
        rc = h5_fail(p, err, "reopen %s to continue it", p->partial);
    if (rc == SNN_OK && (p->data = H5Dopen2(p->file, dname, H5P_DEFAULT)) < 0)
        rc = h5_fail(p, err, "open %s in %s", dname, p->partial);
    if (rc == SNN_OK) {
        hsize_t dims[2] = {0, 0};
        hid_t space = H5Dget_space(p->data);
        if (space < 0 || H5Sget_simple_extent_ndims(space) != 2 ||
            H5Sget_simple_extent_dims(space, dims, NULL) != 2)
            rc = h5_fail(p, err, "read the shape of %s", dname);
        else if (dims[0] != p->n_samples || dims[1] != p->n_sel)
            rc = snn_fail(err, SNN_ERR_IO,
                          "%s: %s is %llu x %llu, but this config records %llu x %llu: not the "
                          "same run",
                          p->partial, dname, (unsigned long long)dims[0],
                          (unsigned long long)dims[1], (unsigned long long)p->n_samples,
                          (unsigned long long)p->n_sel);
        if (space >= 0)
            H5Sclose(space);
    }
    if (rc == SNN_OK)
        p->created = 1;
    if (fapl >= 0)
        H5Pclose(fapl);
    return rc;
}

/* ---- set-up ------------------------------------------------------------------------------ */

/* Columns, buffer and thread index maps of report p (no HDF5, no communication). */
static int setup_report(const snn_recorders *r, report *p, const char *dir, snn_error *err)
{
    const snn_network *net = r->net;
    const snn_model *m = net->model;
    const snn_recorder_spec *s = p->spec;
    const int T = net->n_threads;
    p->file = p->data = -1;
    char file[2 * SNN_NAME_LEN + 8];
    snn_record_file_name(s, p->var, file, sizeof file);
    snprintf(p->path, sizeof p->path, "%s/%s", dir, file);
    snprintf(p->partial, sizeof p->partial, "%s%s", p->path, PARTIAL_SUFFIX);
    p->n_sel = s->sel.n;
    p->n_samples = snn_record_n_samples(m->run.n_steps, s->every);
    p->window = snn_record_window_rows(p->n_sel, p->n_samples, (uint64_t)net->min_delay, s->every,
                                       SNN_RECORDER_WINDOW_BYTES);
    snn_range rank_slice =
        snn_split(m->pops[s->pop].size, (uint64_t)net->n_ranks, (uint64_t)net->rank);
    p->cols = snn_selection_columns(&s->sel, rank_slice);
    uint64_t nc = p->cols.end - p->cols.begin;
    p->buf = malloc((size_t)(p->window * (nc ? nc : 1)) * sizeof *p->buf);
    p->tcol = calloc((size_t)T + 1, sizeof *p->tcol);
    p->local = malloc((size_t)(nc ? nc : 1) * sizeof *p->local);
    if (!p->buf || !p->tcol || !p->local)
        return snn_fail(err, SNN_ERR_NOMEM, "%s: out of memory for a buffer of %llu x %llu samples",
                        p->path, (unsigned long long)p->window, (unsigned long long)nc);
    for (int t = 0; t < T; t++) {
        snn_range ts = snn_network_slice(m, s->pop, net->rank, net->n_ranks, T, t);
        snn_range tc = snn_selection_columns(&s->sel, ts);
        p->tcol[t] = tc.begin - p->cols.begin;
        for (uint64_t k = tc.begin; k < tc.end; k++)
            p->local[k - p->cols.begin] = net->thr[t].segs[s->pop].begin +
                                          (uint32_t)(snn_selection_id(&s->sel, k) - ts.begin);
    }
    p->tcol[T] = nc;
    /* Touched now, so that the step loop that fills it takes no page faults (10-14 us each on
     * the development VM: the tutorial's two windows cost 0.4 ms of its update). */
    memset(p->buf, 0, (size_t)(p->window * (nc ? nc : 1)) * sizeof *p->buf);
    return SNN_OK;
}

static void free_all(snn_recorders *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->n; i++) {
        free(r->rep[i].buf);
        free(r->rep[i].tcol);
        free(r->rep[i].local);
    }
    free(r->rep);
    free(r);
}

/* Closes every open HDF5 object (collective); first error wins. */
static int close_files(snn_recorders *r, snn_error *err)
{
    int rc = SNN_OK;
    for (int i = 0; i < r->n; i++) {
        report *p = &r->rep[i];
        if (p->data >= 0 && H5Dclose(p->data) < 0 && rc == SNN_OK)
            rc = h5_fail(p, err, "close its data set");
        if (p->file >= 0 && H5Fclose(p->file) < 0 && rc == SNN_OK)
            rc = h5_fail(p, err, "close file %s", p->partial);
        p->data = p->file = -1;
    }
    if (r->dxpl >= 0)
        H5Pclose(r->dxpl);
    r->dxpl = -1;
    return rc;
}

/* Common to open and resume: everything but the files. */
static int alloc_all(snn_recorders **rp, snn_comm *comm, const snn_network *net, const char *dir,
                     snn_error *err)
{
    const snn_model *m = net->model;
    *rp = NULL;
    int n = 0;
    for (int i = 0; i < m->n_recorders; i++)
        n += m->recorders[i].n_vars;
    if (n == 0)
        return SNN_OK;
    snn_recorders *r = calloc(1, sizeof *r);
    int rc = SNN_OK;
    if (!r || !(r->rep = calloc((size_t)n, sizeof *r->rep)))
        rc = snn_fail(err, SNN_ERR_NOMEM, "out of memory for %d reports", n);
    if (r) {
        r->comm = comm;
        r->net = net;
        r->dxpl = -1;
    }
    for (int i = 0, k = 0; rc == SNN_OK && i < m->n_recorders; i++)
        for (int v = 0; v < m->recorders[i].n_vars; v++, k++) {
            r->rep[k].spec = &m->recorders[i];
            r->rep[k].var = &m->recorders[i].vars[v];
            r->rep[k].file = r->rep[k].data = -1;
            r->n = k + 1;
        }
    for (int k = 0; rc == SNN_OK && k < r->n; k++)
        rc = setup_report(r, &r->rep[k], dir, err);
    if (rc == SNN_OK) {
        r->dxpl = snn_h5_transfer(comm->comm);
        if (r->dxpl < 0)
            rc = snn_fail(err, SNN_ERR_IO, "cannot make an HDF5 transfer property list");
    }
    rc = snn_comm_agree(comm, rc, err);
    if (rc != SNN_OK) {
        if (r && r->dxpl >= 0)
            H5Pclose(r->dxpl);
        free_all(r);
        return rc;
    }
    /* Process-wide, but snn_mpi reports every HDF5 error itself, with its context. */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    *rp = r;
    return SNN_OK;
}

int snn_recorders_open(snn_recorders **rp, snn_comm *comm, const snn_network *net, const char *dir,
                       snn_error *err)
{
    int rc = alloc_all(rp, comm, net, dir, err);
    snn_recorders *r = *rp;
    if (rc != SNN_OK || !r)
        return rc;
    for (int k = 0; rc == SNN_OK && k < r->n; k++)
        rc = snn_comm_agree(comm, create_report(r, &r->rep[k], err), err);
    if (rc != SNN_OK) {
        snn_recorders_abort(r);
        *rp = NULL;
    }
    return rc;
}

int snn_recorders_resume(snn_recorders **rp, snn_comm *comm, const snn_network *net,
                         const char *dir, uint64_t step, snn_error *err)
{
    int rc = alloc_all(rp, comm, net, dir, err);
    snn_recorders *r = *rp;
    if (rc != SNN_OK || !r)
        return rc;
    for (int k = 0; rc == SNN_OK && k < r->n; k++) {
        report *p = &r->rep[k];
        rc = snn_comm_agree(comm, reopen_report(r, p, err), err);
        uint64_t kept = snn_record_samples_upto(step, p->spec->every);
        p->written = kept < p->n_samples ? kept : p->n_samples;
    }
    r->last = step;
    if (rc != SNN_OK) {
        /* Leave the partial files of the interrupted run where they are. */
        for (int k = 0; k < r->n; k++)
            r->rep[k].created = 0;
        snn_recorders_abort(r);
        *rp = NULL;
    }
    return rc;
}

void snn_recorders_set_window(snn_recorders *r, uint64_t rows)
{
    for (int k = 0; r && k < r->n; k++) {
        report *p = &r->rep[k];
        uint64_t need =
            snn_record_samples_per_interval((uint64_t)r->net->min_delay, p->spec->every);
        uint64_t w = rows > need ? rows : need;
        if (w < p->window) /* the buffer holds p->window rows: only ever shrink */
            p->window = w;
    }
}

uint64_t snn_recorders_writes(const snn_recorders *r)
{
    return r ? r->writes : 0;
}

/* ---- the step loop ----------------------------------------------------------------------- */

void snn_recorders_sample(snn_recorders *r, const snn_thread_state *ts, uint64_t n)
{
    const snn_network *net = r->net;
    const int t = (int)(ts - net->thr);
    const size_t N = ts->n;
    for (int k = 0; k < r->n; k++) {
        report *p = &r->rep[k];
        const uint64_t every = p->spec->every;
        if (n % every != 0 || n / every > p->n_samples)
            continue;
        const uint64_t nc = p->cols.end - p->cols.begin, c0 = p->tcol[t], c1 = p->tcol[t + 1];
        float *restrict dst = p->buf + (n / every - 1 - p->written) * nc;
        const uint32_t *restrict ix = p->local;
        const int c = p->var->channel;
        if (c < 0) {
            const snn_real *restrict V = ts->V;
            for (uint64_t j = c0; j < c1; j++)
                dst[j] = (float)V[ix[j]];
        } else {
            const snn_channel *ch = &net->channels.ch[c];
            const snn_real *restrict g = ts->g + (size_t)c * N, *restrict h = ts->h + (size_t)c * N;
            for (uint64_t j = c0; j < c1; j++)
                dst[j] = (float)snn_channel_value(ch, g[ix[j]], h[ix[j]]);
        }
    }
}

/* Collective: writes the first `rows` buffered rows of p, every rank its own columns. */
static int write_rows(snn_recorders *r, report *p, uint64_t rows, snn_error *err)
{
    const uint64_t nc = p->cols.end - p->cols.begin;
    hsize_t start[2] = {p->written, p->cols.begin}, count[2] = {rows, nc};
    hsize_t mdims[2] = {rows ? rows : 1, nc ? nc : 1};
    hid_t fspace = H5Dget_space(p->data), mspace = H5Screate_simple(2, mdims, NULL);
    int rc = SNN_OK;
    if (fspace < 0 || mspace < 0) {
        rc = h5_fail(p, err, "get the dataspace of its data set");
    } else if (rows == 0 || nc == 0) {
        if (H5Sselect_none(fspace) < 0 || H5Sselect_none(mspace) < 0)
            rc = h5_fail(p, err, "select nothing in its data set");
    } else if (H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) < 0) {
        rc = h5_fail(p, err, "select rows %llu.. of its data set", (unsigned long long)p->written);
        H5Sselect_none(fspace);
        H5Sselect_none(mspace);
    }
    /* Every rank takes part, also after a failed selection, so no rank waits in the call. */
    if (fspace >= 0 && mspace >= 0 &&
        H5Dwrite(p->data, H5T_NATIVE_FLOAT, mspace, fspace, r->dxpl, p->buf) < 0 && rc == SNN_OK)
        rc = h5_fail(p, err, "write rows %llu to %llu", (unsigned long long)p->written,
                     (unsigned long long)(p->written + rows - 1));
    if (rc == SNN_OK && snn_fault_here("record", r->comm->rank, 0))
        rc = snn_fail(err, SNN_ERR_IO, "%s: rank %d: cannot write rows (injected fault)", p->path,
                      r->comm->rank);
    if (fspace >= 0)
        H5Sclose(fspace);
    if (mspace >= 0)
        H5Sclose(mspace);
    p->written += rows;
    r->writes++;
    return snn_comm_agree(r->comm, rc, err);
}

int snn_recorders_end_interval(snn_recorders *r, uint64_t last, snn_error *err)
{
    if (!r)
        return SNN_OK;
    r->last = last;
    const uint64_t interval = (uint64_t)r->net->min_delay;
    for (int k = 0; k < r->n; k++) {
        report *p = &r->rep[k];
        uint64_t done = snn_record_samples_upto(last, p->spec->every);
        if (done > p->n_samples)
            done = p->n_samples;
        uint64_t rows = done - p->written;
        if (rows == 0 ||
            rows + snn_record_samples_per_interval(interval, p->spec->every) <= p->window)
            continue;
        int rc = write_rows(r, p, rows, err);
        if (rc != SNN_OK)
            return rc;
    }
    return SNN_OK;
}

/* Collective: the remaining rows of every report, then the files are closed. */
static int finish(snn_recorders *r, snn_error *err)
{
    int rc = SNN_OK;
    for (int k = 0; rc == SNN_OK && k < r->n; k++) {
        report *p = &r->rep[k];
        uint64_t done = snn_record_samples_upto(r->last, p->spec->every);
        if (done > p->n_samples)
            done = p->n_samples;
        if (done > p->written)
            rc = write_rows(r, p, done - p->written, err);
    }
    snn_error cerr;
    int crc = close_files(r, &cerr);
    if (rc == SNN_OK && crc != SNN_OK) {
        rc = crc;
        *err = cerr;
    }
    return snn_comm_agree(r->comm, rc, err);
}

int snn_recorders_finish(snn_recorders *r, snn_error *err)
{
    if (!r || r->finished)
        return SNN_OK;
    r->finished = 1;
    return finish(r, err);
}

int snn_recorders_commit(snn_recorders *r, snn_error *err)
{
    if (!r)
        return SNN_OK;
    int rc = snn_recorders_finish(r, err);
    if (rc != SNN_OK) {
        snn_recorders_abort(r);
        return rc;
    }
    int rename_errno = 0, bad = -1;
    if (r->comm->rank == 0) {
        for (int k = 0; k < r->n && !rename_errno; k++) {
            if (rename(r->rep[k].partial, r->rep[k].path) != 0) {
                rename_errno = errno ? errno : EIO;
                bad = k;
            } else {
                r->rep[k].created = 0;
            }
        }
    }
    int msg[2] = {rename_errno, bad};
    MPI_Bcast(msg, 2, MPI_INT, 0, r->comm->comm);
    if (msg[0]) {
        rc = snn_fail(err, SNN_ERR_IO, "%s: cannot rename %s to it: %s", r->rep[msg[1]].path,
                      r->rep[msg[1]].partial, strerror(msg[0]));
        snn_recorders_abort(r);
        return rc;
    }
    free_all(r);
    return SNN_OK;
}

int snn_recorders_suspend(snn_recorders *r, snn_error *err)
{
    if (!r)
        return SNN_OK;
    int rc = snn_recorders_finish(r, err);
    if (rc != SNN_OK) {
        snn_recorders_abort(r);
        return rc;
    }
    free_all(r);
    return SNN_OK;
}

int snn_recorders_close(snn_recorders *r, snn_error *err)
{
    return snn_recorders_commit(r, err);
}

void snn_recorders_abort(snn_recorders *r)
{
    if (!r)
        return;
    snn_error ignored;
    close_files(r, &ignored);
    if (r->comm->rank == 0)
        for (int k = 0; k < r->n; k++)
            if (r->rep[k].created)
                unlink(r->rep[k].partial);
    MPI_Barrier(r->comm->comm);
    free_all(r);
}
