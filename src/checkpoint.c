/*
 * checkpoint.c — writing and reading a run's dynamic state with parallel HDF5 (see
 * include/snn/checkpoint.h).
 *
 * Each rank holds, for every population, one contiguous slice of global ids, and its threads
 * hold consecutive pieces of that slice. A rank packs each field into a buffer [rows][n_local]
 * in global order and transfers it in one collective call whose file selection is the union of
 * its slices (HDF5 visits a selection in row-major order, which is the buffer's order). Reading
 * is the same in reverse, with the partition of the restarted run, which may differ.
 *
 * Every failure is agreed on (snn_comm_agree) before the next collective HDF5 call, so all
 * ranks stop together with one message; HDF5's own error printing is off (the spike writer
 * turns it off for the process), its innermost message ends ours.
 */
#include "snn/checkpoint.h"

#include <errno.h>
#include <hdf5.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snn/fault.h"
#include "snn/model.h"
#include "snn/network.h"
#include "snn/h5util.h"
#include "snn/partition.h"
#include "snn/real.h"

#define CK_PARTIAL_SUFFIX ".partial"

/* ---- errors ------------------------------------------------------------------------------- */

/* err = "<path>: <what>: <HDF5's innermost reason>"; returns code. */
static int ck_h5_fail(snn_error *err, int code, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int ck_h5_fail(snn_error *err, int code, const char *path, const char *fmt, ...)
{
    char what[512], reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snn_h5_reason(reason, sizeof reason);
    return snn_fail(err, code, "%s: %s: %s", path, what, reason);
}

/* ---- the fields --------------------------------------------------------------------------- */

typedef enum { CK_REAL, CK_I64, CK_I32, CK_U32, CK_F64 } ck_type;

typedef struct {
    const char *name;
    size_t member; /* offsetof(snn_thread_state, the array) */
    ck_type type;
    int nd; /* 1: [n_neurons]; 2: [n_channels][n_neurons]; 3: [n_channels][ring_len][n_neurons] */
} ck_field;

static const ck_field ck_fields[] = {
    {"V", offsetof(snn_thread_state, V), CK_REAL, 1},
    {"last_spike", offsetof(snn_thread_state, last_spike), CK_I64, 1},
    {"refractory", offsetof(snn_thread_state, refr), CK_I32, 1},
    {"g", offsetof(snn_thread_state, g), CK_REAL, 2},
    {"h", offsetof(snn_thread_state, h), CK_REAL, 2},
    {"ring", offsetof(snn_thread_state, ring), CK_REAL, 3},
    {"spike_count", offsetof(snn_thread_state, spike_count), CK_U32, 1},
    {"isi_sum", offsetof(snn_thread_state, isi_sum), CK_F64, 1},
    {"isi_sq", offsetof(snn_thread_state, isi_sq), CK_F64, 1},
};
#define CK_N_FIELDS (sizeof ck_fields / sizeof ck_fields[0])

static size_t ck_size(ck_type t)
{
    return t == CK_REAL ? sizeof(snn_real) : (t == CK_I64 || t == CK_F64) ? 8 : 4;
}

static hid_t ck_mem_type(ck_type t)
{
    switch (t) {
    case CK_REAL:
        return sizeof(snn_real) == 8 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT;
    case CK_I64:
        return H5T_NATIVE_INT64;
    case CK_I32:
        return H5T_NATIVE_INT32;
    case CK_U32:
        return H5T_NATIVE_UINT32;
    default:
        return H5T_NATIVE_DOUBLE;
    }
}

static hid_t ck_file_type(ck_type t)
{
    switch (t) {
    case CK_REAL:
        return sizeof(snn_real) == 8 ? H5T_IEEE_F64LE : H5T_IEEE_F32LE;
    case CK_I64:
        return H5T_STD_I64LE;
    case CK_I32:
        return H5T_STD_I32LE;
    case CK_U32:
        return H5T_STD_U32LE;
    default:
        return H5T_IEEE_F64LE;
    }
}

/* One open checkpoint file and this rank's place in it. */
typedef struct {
    const char *path;
    snn_network *net;
    hid_t file, dxpl;
    uint64_t step;    /* the checkpoint's step: fixes the ring's rotation */
    uint64_t n_local; /* neurons of this rank */
    uint64_t *begin;  /* [n_pops] first global id of this rank's slice of each population */
    uint64_t *len;    /* [n_pops] its length */
    void *buf;        /* [rows * n_local] elements of the largest field */
} ck_file;

static int ck_rows(const snn_network *net, const ck_field *f, hsize_t *dims)
{
    const snn_model *m = net->model;
    int nd = 0;
    if (f->nd >= 2)
        dims[nd++] = (hsize_t)net->channels.n;
    if (f->nd == 3)
        dims[nd++] = (hsize_t)net->ring_len;
    dims[nd++] = (hsize_t)m->n_neurons;
    return nd;
}

/* Copies field f between the threads' arrays and c->buf ([rows][n_local], global order). */
static void ck_copy(ck_file *c, const ck_field *f, int to_buf)
{
    const snn_network *net = c->net;
    const size_t es = ck_size(f->type), L = (size_t)net->ring_len;
    size_t rows = f->nd == 1 ? 1 : (size_t)net->channels.n * (f->nd == 3 ? L : 1);
    for (size_t r = 0; r < rows; r++) {
        /* The ring's row j is the slot that holds step + 1 + j. */
        size_t mem_row =
            f->nd == 3 ? r / L * L + (size_t)snn_checkpoint_ring_slot(c->step, L, r % L) : r;
        size_t off = 0;
        for (int p = 0; p < net->model->n_pops; p++)
            for (int t = 0; t < net->n_threads; t++) {
                const snn_thread_state *ts = &net->thr[t];
                const snn_segment *sg = &ts->segs[p];
                size_t n = sg->end - sg->begin;
                char *arr = *(char *const *)((const char *)ts + f->member);
                char *mem = arr + (mem_row * ts->n + sg->begin) * es;
                char *b = (char *)c->buf + (r * c->n_local + off) * es;
                if (to_buf)
                    memcpy(b, mem, n * es);
                else
                    memcpy(mem, b, n * es);
                off += n;
            }
    }
}

/* Selects this rank's slices in a dataset's space (dims [..., n_neurons]) and a matching memory
 * space; both select nothing when the rank has no neurons or the field no rows. */
static int ck_select(const ck_file *c, int nd, const hsize_t *dims, hid_t fspace, hid_t *mspace)
{
    hsize_t rows = 1;
    for (int d = 0; d < nd - 1; d++)
        rows *= dims[d];
    hsize_t nmem = rows * c->n_local;
    hsize_t mdim = nmem ? nmem : 1;
    *mspace = H5Screate_simple(1, &mdim, NULL);
    if (*mspace < 0)
        return -1;
    if (nmem == 0)
        return H5Sselect_none(fspace) < 0 || H5Sselect_none(*mspace) < 0 ? -1 : 0;
    if (H5Sselect_none(fspace) < 0)
        return -1;
    for (int p = 0; p < c->net->model->n_pops; p++) {
        if (c->len[p] == 0)
            continue;
        hsize_t start[3] = {0, 0, 0}, count[3];
        for (int d = 0; d < nd - 1; d++)
            count[d] = dims[d];
        start[nd - 1] = c->begin[p];
        count[nd - 1] = c->len[p];
        if (H5Sselect_hyperslab(fspace, H5S_SELECT_OR, start, NULL, count, NULL) < 0)
            return -1;
    }
    return 0;
}

/* Collective: one field, written (write = 1) or read and checked against the expected shape. */
static int ck_field_io(ck_file *c, const ck_field *f, int write, snn_error *err)
{
    hsize_t dims[3];
    int nd = ck_rows(c->net, f, dims), rc = SNN_OK;
    hid_t space = -1, dset = -1, mspace = -1, dcpl = -1;
    if (write) {
        ck_copy(c, f, 1);
        space = H5Screate_simple(nd, dims, NULL);
        dcpl = H5Pcreate(H5P_DATASET_CREATE);
        if (space >= 0 && dcpl >= 0 && H5Pset_obj_track_times(dcpl, 0) >= 0)
            dset = H5Dcreate2(c->file, f->name, ck_file_type(f->type), space, H5P_DEFAULT, dcpl,
                              H5P_DEFAULT);
        if (dcpl >= 0)
            H5Pclose(dcpl);
        if (dset < 0)
            rc = ck_h5_fail(err, SNN_ERR_IO, c->path, "cannot create dataset /%s", f->name);
    } else {
        dset = H5Dopen2(c->file, f->name, H5P_DEFAULT);
        if (dset < 0)
            rc = ck_h5_fail(err, SNN_ERR_IO, c->path, "not a complete checkpoint: no dataset /%s",
                            f->name);
        if (rc == SNN_OK)
            space = H5Dget_space(dset);
        hsize_t got[3] = {0, 0, 0};
        if (rc == SNN_OK && (space < 0 || H5Sget_simple_extent_ndims(space) != nd ||
                             H5Sget_simple_extent_dims(space, got, NULL) != nd ||
                             memcmp(got, dims, (size_t)nd * sizeof *dims) != 0))
            rc = snn_fail(err, SNN_ERR_IO,
                          "%s: dataset /%s has another shape than this network's state (%d "
                          "dimensions, expected %d ending in %llu neurons)",
                          c->path, f->name, space < 0 ? -1 : H5Sget_simple_extent_ndims(space), nd,
                          (unsigned long long)dims[nd - 1]);
    }
    if (rc == SNN_OK && ck_select(c, nd, dims, space, &mspace) < 0)
        rc = ck_h5_fail(err, SNN_ERR_IO, c->path, "cannot select this rank's part of /%s", f->name);
    if (rc == SNN_OK) {
        herr_t e = write ? H5Dwrite(dset, ck_mem_type(f->type), mspace, space, c->dxpl, c->buf)
                         : H5Dread(dset, ck_mem_type(f->type), mspace, space, c->dxpl, c->buf);
        if (e < 0)
            rc = ck_h5_fail(err, SNN_ERR_IO, c->path, "cannot %s dataset /%s",
                            write ? "write" : "read", f->name);
    }
    if (rc == SNN_OK && !write)
        ck_copy(c, f, 0);
    if (mspace >= 0)
        H5Sclose(mspace);
    if (space >= 0)
        H5Sclose(space);
    if (dset >= 0)
        H5Dclose(dset);
    return rc;
}

/* ---- attributes --------------------------------------------------------------------------- */

static int ck_attr_write(const ck_file *c, const char *name, hid_t ftype, hid_t mtype,
                         const void *value, snn_error *err)
{
    hid_t space = H5Screate(H5S_SCALAR), a = -1;
    int rc = SNN_OK;
    if (space >= 0)
        a = H5Acreate2(c->file, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0 || H5Awrite(a, mtype, value) < 0)
        rc = ck_h5_fail(err, SNN_ERR_IO, c->path, "cannot write attribute %s", name);
    if (a >= 0)
        H5Aclose(a);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

static int ck_attr_read(const ck_file *c, const char *name, hid_t mtype, void *value,
                        snn_error *err)
{
    hid_t a = H5Aexists(c->file, name) > 0 ? H5Aopen(c->file, name, H5P_DEFAULT) : -1;
    int rc = SNN_OK;
    if (a < 0 || H5Aread(a, mtype, value) < 0)
        rc = ck_h5_fail(err, SNN_ERR_IO, c->path,
                        "not an snn_mpi checkpoint (attribute %s missing or unreadable)", name);
    if (a >= 0)
        H5Aclose(a);
    return rc;
}

/* The scalar attributes, in one table for writing and checking. */
typedef struct {
    uint64_t version, step, config_hash, seed, n_neurons, n_pops, n_channels, ring_len, min_delay,
        real_bytes, synapse_events;
    double dt, time_ms;
} ck_header;

static int ck_header_io(const ck_file *c, ck_header *h, int write, snn_error *err)
{
    struct {
        const char *name;
        void *v;
        int is_double;
    } a[] = {{"version", &h->version, 0},
             {"step", &h->step, 0},
             {"time_ms", &h->time_ms, 1},
             {"dt", &h->dt, 1},
             {"config_hash", &h->config_hash, 0},
             {"seed", &h->seed, 0},
             {"n_neurons", &h->n_neurons, 0},
             {"n_pops", &h->n_pops, 0},
             {"n_channels", &h->n_channels, 0},
             {"ring_len", &h->ring_len, 0},
             {"min_delay", &h->min_delay, 0},
             {"real_bytes", &h->real_bytes, 0},
             {"synapse_events", &h->synapse_events, 0}};
    int rc = SNN_OK;
    for (size_t i = 0; rc == SNN_OK && i < sizeof a / sizeof a[0]; i++) {
        hid_t ft = a[i].is_double ? H5T_IEEE_F64LE : H5T_STD_U64LE;
        hid_t mt = a[i].is_double ? H5T_NATIVE_DOUBLE : H5T_NATIVE_UINT64;
        rc = write ? ck_attr_write(c, a[i].name, ft, mt, a[i].v, err)
                   : ck_attr_read(c, a[i].name, mt, a[i].v, err);
    }
    return rc;
}

/* The format attribute: a fixed-length string, first in the file. */
static int ck_format_io(const ck_file *c, int write, snn_error *err)
{
    char text[64] = SNN_CHECKPOINT_FORMAT;
    hid_t t = H5Tcopy(H5T_C_S1);
    int rc = SNN_OK;
    if (t < 0 || H5Tset_size(t, sizeof text) < 0)
        rc = ck_h5_fail(err, SNN_ERR_IO, c->path, "cannot make a string type");
    if (rc == SNN_OK) {
        if (write) {
            rc = ck_attr_write(c, "format", t, t, text, err);
        } else {
            memset(text, 0, sizeof text);
            rc = ck_attr_read(c, "format", t, text, err);
            text[sizeof text - 1] = '\0';
            if (rc == SNN_OK && strcmp(text, SNN_CHECKPOINT_FORMAT) != 0)
                rc = snn_fail(err, SNN_ERR_IO, "%s: not an snn_mpi checkpoint (format \"%s\")",
                              c->path, text);
        }
    }
    if (t >= 0)
        H5Tclose(t);
    return rc;
}

/* The header of a checkpoint of model m (the network's layout and the step left at 0). */
static void ck_header_of_model(const snn_model *m, uint64_t config_hash, ck_header *h)
{
    memset(h, 0, sizeof *h);
    h->version = SNN_CHECKPOINT_VERSION;
    h->dt = m->run.dt;
    h->config_hash = config_hash;
    h->seed = m->run.seed;
    h->n_neurons = m->n_neurons;
    h->n_pops = (uint64_t)m->n_pops;
    h->real_bytes = sizeof(snn_real);
}

/* The header this network and step would have. */
static void ck_header_of(const snn_sim *s, uint64_t config_hash, uint64_t events, ck_header *h)
{
    const snn_network *net = s->net;
    ck_header_of_model(net->model, config_hash, h);
    h->step = s->step;
    h->time_ms = (double)s->step * net->model->run.dt;
    h->n_channels = (uint64_t)net->channels.n;
    h->ring_len = (uint64_t)net->ring_len;
    h->min_delay = (uint64_t)net->min_delay;
    h->synapse_events = events;
}

/* ---- setup -------------------------------------------------------------------------------- */

static void ck_file_free(ck_file *c)
{
    if (c->dxpl >= 0)
        H5Pclose(c->dxpl);
    c->dxpl = -1;
    free(c->begin);
    free(c->len);
    free(c->buf);
    c->begin = c->len = NULL;
    c->buf = NULL;
}

/* This rank's slices and a buffer for the largest field. */
static int ck_file_init(ck_file *c, const char *path, snn_network *net, uint64_t step,
                        snn_error *err)
{
    const snn_model *m = net->model;
    memset(c, 0, sizeof *c);
    c->path = path;
    c->net = net;
    c->file = c->dxpl = -1;
    c->step = step;
    c->begin = calloc((size_t)m->n_pops, sizeof *c->begin);
    c->len = calloc((size_t)m->n_pops, sizeof *c->len);
    size_t rows = (size_t)net->channels.n * (size_t)net->ring_len;
    size_t elems = (rows > 1 ? rows : 1) * (net->n_local > 0 ? net->n_local : 1);
    c->buf = malloc(elems * 8);
    if (!c->begin || !c->len || !c->buf)
        return snn_fail(err, SNN_ERR_NOMEM, "%s: cannot allocate %.1f MB for the checkpoint", path,
                        (double)elems * 8 / 1048576.0);
    for (int p = 0; p < m->n_pops; p++) {
        snn_range r = snn_network_slice(m, p, net->rank, net->n_ranks, 1, 0);
        c->begin[p] = m->pops[p].offset + r.begin;
        c->len[p] = r.end - r.begin;
        c->n_local += c->len[p];
    }
    c->dxpl = snn_h5_mpio_transfer();
    if (c->dxpl < 0)
        return ck_h5_fail(err, SNN_ERR_IO, path, "cannot make a transfer property list");
    return SNN_OK;
}

/* ---- writing ------------------------------------------------------------------------------ */

static int ck_write_contents(ck_file *c, const snn_sim *s, uint64_t config_hash,
                             const uint64_t *spikes_written, snn_error *err)
{
    snn_comm *comm = s->comm;
    uint64_t events = snn_network_events(s->net), total = 0;
    if (MPI_Allreduce(&events, &total, 1, MPI_UINT64_T, MPI_SUM, comm->comm) != MPI_SUCCESS)
        return snn_fail(err, SNN_ERR_MPI, "%s: cannot sum the synaptic events", c->path);
    ck_header h;
    ck_header_of(s, config_hash, total, &h);
    int rc = ck_format_io(c, 1, err);
    if (rc == SNN_OK)
        rc = ck_header_io(c, &h, 1, err);
    if ((rc = snn_comm_agree(comm, rc, err)) != SNN_OK)
        return rc;
    for (size_t i = 0; i < CK_N_FIELDS; i++)
        if ((rc = snn_comm_agree(comm, ck_field_io(c, &ck_fields[i], 1, err), err)) != SNN_OK)
            return rc;
    if (snn_fault_here("checkpoint", comm->rank, s->step))
        rc = snn_fail(err, SNN_ERR_IO, "%s: rank %d: cannot write the checkpoint (injected fault)",
                      c->path, comm->rank);
    if ((rc = snn_comm_agree(comm, rc, err)) != SNN_OK)
        return rc;
    /* The spike file's counts: the same on every rank; rank 0 writes them. */
    hsize_t np = (hsize_t)s->net->model->n_pops;
    hid_t space = H5Screate_simple(1, &np, NULL), dset = -1;
    if (space >= 0)
        dset = H5Dcreate2(c->file, "spikes_written", H5T_STD_U64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT);
    if (dset < 0)
        rc = ck_h5_fail(err, SNN_ERR_IO, c->path, "cannot create dataset /spikes_written");
    if (rc == SNN_OK && comm->rank != 0 && H5Sselect_none(space) < 0)
        rc = ck_h5_fail(err, SNN_ERR_IO, c->path, "cannot select /spikes_written");
    if (rc == SNN_OK &&
        H5Dwrite(dset, H5T_NATIVE_UINT64, space, space, c->dxpl, spikes_written) < 0)
        rc = ck_h5_fail(err, SNN_ERR_IO, c->path, "cannot write /spikes_written");
    if (dset >= 0)
        H5Dclose(dset);
    if (space >= 0)
        H5Sclose(space);
    return snn_comm_agree(comm, rc, err);
}

int snn_checkpoint_write(const char *path, const snn_sim *s, uint64_t config_hash,
                         const uint64_t *spikes_written, double *bytes, double *seconds,
                         snn_error *err)
{
    snn_comm *comm = s->comm;
    double t0 = MPI_Wtime();
    char partial[SNN_PATH_LEN + sizeof CK_PARTIAL_SUFFIX];
    snprintf(partial, sizeof partial, "%s%s", path, CK_PARTIAL_SUFFIX);
    ck_file c;
    int rc = ck_file_init(&c, partial, s->net, s->step, err);
    if ((rc = snn_comm_agree(comm, rc, err)) != SNN_OK) {
        ck_file_free(&c);
        return rc;
    }
    hid_t fapl = snn_h5_mpio_access(comm->comm), fcpl = H5Pcreate(H5P_FILE_CREATE);
    if (fapl < 0 || fcpl < 0 || H5Pset_obj_track_times(fcpl, 0) < 0)
        rc = ck_h5_fail(err, SNN_ERR_IO, partial, "cannot make file property lists");
    if (rc == SNN_OK) {
        c.file = H5Fcreate(partial, H5F_ACC_TRUNC, fcpl, fapl);
        if (c.file < 0)
            rc = ck_h5_fail(err, SNN_ERR_IO, partial, "cannot create the checkpoint");
    }
    if (fapl >= 0)
        H5Pclose(fapl);
    if (fcpl >= 0)
        H5Pclose(fcpl);
    rc = snn_comm_agree(comm, rc, err);
    if (rc == SNN_OK)
        rc = ck_write_contents(&c, s, config_hash, spikes_written, err);
    if (c.file >= 0 && H5Fclose(c.file) < 0 && rc == SNN_OK)
        rc = ck_h5_fail(err, SNN_ERR_IO, partial, "cannot close the checkpoint");
    c.file = -1;
    ck_file_free(&c);
    rc = snn_comm_agree(comm, rc, err);
    /* Rank 0 puts the complete file in place (or removes the incomplete one). */
    double info[2] = {0, 0}; /* errno of the rename, size */
    if (comm->rank == 0) {
        struct stat st;
        if (rc != SNN_OK)
            unlink(partial);
        else if (rename(partial, path) != 0)
            info[0] = errno ? errno : EIO;
        else if (stat(path, &st) == 0)
            info[1] = (double)st.st_size;
    }
    if (MPI_Bcast(info, 2, MPI_DOUBLE, 0, comm->comm) != MPI_SUCCESS)
        return snn_fail(err, SNN_ERR_MPI, "%s: MPI_Bcast failed", path);
    if (rc != SNN_OK)
        return rc;
    if (info[0] != 0)
        return snn_fail(err, SNN_ERR_IO, "%s: cannot rename %s to it: %s", path, partial,
                        strerror((int)info[0]));
    double dt = MPI_Wtime() - t0;
    snn_comm_max(comm, &dt, 1);
    *bytes = info[1];
    *seconds = dt;
    return SNN_OK;
}

/* ---- reading ------------------------------------------------------------------------------ */

/* The header against this run's: a different config is SNN_ERR_CONFIG, anything else IO. */
static int ck_check_header(const char *path, const ck_header *got, const ck_header *want,
                           const char *source, uint64_t n_steps, snn_error *err)
{
    if (got->version != want->version)
        return snn_fail(err, SNN_ERR_IO, "%s: checkpoint format version %llu, expected %llu", path,
                        (unsigned long long)got->version, (unsigned long long)want->version);
    if (got->config_hash != want->config_hash)
        return snn_fail(err, SNN_ERR_CONFIG,
                        "%s: written for another config file (hash %016llx), but %s has hash "
                        "%016llx: restart with the config the checkpoint was written with",
                        path, (unsigned long long)got->config_hash, source,
                        (unsigned long long)want->config_hash);
    if (got->real_bytes != want->real_bytes)
        return snn_fail(err, SNN_ERR_IO,
                        "%s: written by a %s-precision build, this one is %s-precision", path,
                        got->real_bytes == 8 ? "double" : "single", SNN_REAL_NAME);
    struct {
        const char *name;
        uint64_t g, w;
    } u[] = {{"seed", got->seed, want->seed},
             {"n_neurons", got->n_neurons, want->n_neurons},
             {"n_pops", got->n_pops, want->n_pops},
             {"n_channels", got->n_channels, want->n_channels},
             {"ring_len", got->ring_len, want->ring_len},
             {"min_delay", got->min_delay, want->min_delay}};
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
        if (u[i].g != u[i].w)
            return snn_fail(err, SNN_ERR_CONFIG,
                            "%s: %s is %llu, but the network of %s has %llu: not a checkpoint of "
                            "this network",
                            path, u[i].name, (unsigned long long)u[i].g, source,
                            (unsigned long long)u[i].w);
    if (got->dt != want->dt)
        return snn_fail(err, SNN_ERR_CONFIG, "%s: dt is %g ms, but %s has dt %g ms", path, got->dt,
                        source, want->dt);
    if (got->step >= n_steps)
        return snn_fail(err, SNN_ERR_CONFIG,
                        "%s: stopped at step %llu, at or past the end of %s's run (%llu steps): "
                        "nothing to continue",
                        path, (unsigned long long)got->step, source, (unsigned long long)n_steps);
    return SNN_OK;
}

static int ck_read_contents(ck_file *c, snn_sim *s, uint64_t config_hash, uint64_t *spikes_written,
                            uint64_t *events, snn_error *err)
{
    snn_comm *comm = s->comm;
    const snn_model *m = s->net->model;
    ck_header got, want;
    int rc = ck_format_io(c, 0, err);
    if (rc == SNN_OK)
        rc = ck_header_io(c, &got, 0, err);
    if (rc == SNN_OK) {
        ck_header_of(s, config_hash, 0, &want);
        rc = ck_check_header(c->path, &got, &want, m->source, m->run.n_steps, err);
    }
    if ((rc = snn_comm_agree(comm, rc, err)) != SNN_OK)
        return rc;
    c->step = got.step;
    *events = got.synapse_events;
    for (size_t i = 0; i < CK_N_FIELDS; i++)
        if ((rc = snn_comm_agree(comm, ck_field_io(c, &ck_fields[i], 0, err), err)) != SNN_OK)
            return rc;
    hid_t dset = H5Dopen2(c->file, "spikes_written", H5P_DEFAULT), space = -1;
    hsize_t n = 0;
    if (dset >= 0)
        space = H5Dget_space(dset);
    if (dset < 0 || space < 0 || H5Sget_simple_extent_ndims(space) != 1 ||
        H5Sget_simple_extent_dims(space, &n, NULL) != 1 || n != (hsize_t)m->n_pops)
        rc =
            ck_h5_fail(err, SNN_ERR_IO, c->path,
                       "not a complete checkpoint: /spikes_written missing or not [%d]", m->n_pops);
    if (rc == SNN_OK &&
        H5Dread(dset, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, spikes_written) < 0)
        rc = ck_h5_fail(err, SNN_ERR_IO, c->path, "cannot read /spikes_written");
    if (space >= 0)
        H5Sclose(space);
    if (dset >= 0)
        H5Dclose(dset);
    return snn_comm_agree(comm, rc, err);
}

/* Collective: opens path for reading (every rank), with a clear message for a missing file
 * and for one HDF5 cannot read (corrupt, truncated). */
static int ck_open(const char *path, snn_comm *comm, hid_t *file, snn_error *err)
{
    int rc = SNN_OK;
    struct stat st;
    *file = -1;
    if (stat(path, &st) != 0)
        rc = snn_fail(err, SNN_ERR_IO, "%s: cannot restart from this checkpoint: %s", path,
                      strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = snn_fail(err, SNN_ERR_IO, "%s: cannot restart from it: not a regular file", path);
    if ((rc = snn_comm_agree(comm, rc, err)) != SNN_OK)
        return rc;
    /* The spike writer turns HDF5's printing off too, but a restart may fail before it opens. */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t fapl = snn_h5_mpio_access(comm->comm);
    if (fapl < 0)
        rc = ck_h5_fail(err, SNN_ERR_IO, path, "cannot make a file access property list");
    if (rc == SNN_OK) {
        *file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
        if (*file < 0)
            rc = ck_h5_fail(err, SNN_ERR_IO, path,
                            "not a readable checkpoint (corrupt or truncated?)");
    }
    if (fapl >= 0)
        H5Pclose(fapl);
    return snn_comm_agree(comm, rc, err);
}

int snn_checkpoint_probe(const char *path, snn_comm *comm, const snn_model *m, uint64_t config_hash,
                         snn_error *err)
{
    ck_file c;
    memset(&c, 0, sizeof c);
    c.path = path;
    int rc = ck_open(path, comm, &c.file, err);
    if (rc != SNN_OK)
        return rc;
    ck_header got, want;
    rc = ck_format_io(&c, 0, err);
    if (rc == SNN_OK)
        rc = ck_header_io(&c, &got, 0, err);
    if (rc == SNN_OK) {
        ck_header_of_model(m, config_hash, &want);
        /* known only once the network is built: checked by snn_checkpoint_read */
        want.n_channels = got.n_channels;
        want.ring_len = got.ring_len;
        want.min_delay = got.min_delay;
        rc = ck_check_header(path, &got, &want, m->source, m->run.n_steps, err);
    }
    if (H5Fclose(c.file) < 0 && rc == SNN_OK)
        rc = ck_h5_fail(err, SNN_ERR_IO, path, "cannot close the checkpoint");
    return snn_comm_agree(comm, rc, err);
}

int snn_checkpoint_read(const char *path, snn_sim *s, uint64_t config_hash,
                        uint64_t *spikes_written, snn_error *err)
{
    snn_comm *comm = s->comm;
    ck_file c;
    int rc = ck_file_init(&c, path, s->net, 0, err);
    if ((rc = snn_comm_agree(comm, rc, err)) != SNN_OK) {
        ck_file_free(&c);
        return rc;
    }
    if ((rc = ck_open(path, comm, &c.file, err)) != SNN_OK) {
        ck_file_free(&c);
        return rc;
    }
    uint64_t events = 0;
    if (rc == SNN_OK)
        rc = ck_read_contents(&c, s, config_hash, spikes_written, &events, err);
    if (c.file >= 0 && H5Fclose(c.file) < 0 && rc == SNN_OK)
        rc = ck_h5_fail(err, SNN_ERR_IO, path, "cannot close the checkpoint");
    uint64_t step = c.step;
    ck_file_free(&c);
    if ((rc = snn_comm_agree(comm, rc, err)) != SNN_OK)
        return rc;
    /* The synaptic events so far travel as one total: rank 0's first thread carries it. */
    snn_network *net = s->net;
    for (int t = 0; t < net->n_threads; t++) {
        net->thr[t].n_events = 0;
        net->thr[t].n_spikes = 0;
        net->thr[t].bad_step = 0;
    }
    if (comm->rank == 0 && net->n_threads > 0)
        net->thr[0].n_events = events;
    s->step = step;
    return SNN_OK;
}
