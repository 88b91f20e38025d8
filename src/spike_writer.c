/*
 * spike_writer.c — the SONATA spike file, written by all ranks together with parallel HDF5
 * (see include/snn/spike_writer.h).
 *
 * Every rank receives the same global spike list, step by step, and buffers it per population.
 * When the buffer holds more than a threshold (and at close) every population's datasets are
 * extended by the M buffered spikes and rank r of R writes elements [M*r/R, M*(r+1)/R) of the new
 * block in one collective transfer. The sequence of HDF5 calls, the chunk sizes and the
 * property lists do not depend on the number of ranks and no object carries a time stamp, so the
 * file is byte-identical for any rank count. The file is created as <path>.partial and renamed
 * to <path> by rank 0 only after a successful collective close.
 *
 * Failures are agreed on collectively (spw_agree) so that every rank returns the same status
 * and message and no rank is left waiting in a collective call.
 */

#include "snn/spike_writer.h"

#include "snn/fault.h"
#include "snn/h5util.h"
#include "snn/partition.h"

#include <errno.h>
#include <hdf5.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Elements per chunk of every dataset (256 KiB of float64). Fixed: it shapes the file. */
#define SNN_SPIKE_WRITER_CHUNK ((hsize_t)1 << 15)
#define SNN_PARTIAL_SUFFIX ".partial"

/* SONATA file signature, written as root attributes. */
#define SNN_SONATA_MAGIC 0x0A7Au

/* Values of the SONATA `sorting` enum (libsonata, bmtk). */
enum { SNN_SORTING_NONE = 0, SNN_SORTING_BY_ID = 1, SNN_SORTING_BY_TIME = 2 };

typedef struct {
    char name[SNN_NAME_LEN];
    hid_t group, ts, ids; /* /spikes/<name>, its timestamps and node_ids */
    uint64_t offset;      /* first global id */
    uint64_t size;
    hsize_t written; /* elements already in the datasets */
    size_t n, cap;   /* buffered spikes */
    double *t;
    uint64_t *id;
} spw_pop;

struct snn_spike_writer {
    MPI_Comm comm; /* a duplicate of the caller's communicator */
    int rank, nranks;
    char path[SNN_PATH_LEN];
    char partial[SNN_PATH_LEN + sizeof SNN_PARTIAL_SUFFIX];
    double dt;
    uint64_t n_neurons;
    hid_t file, spikes, dxpl;
    int created; /* <path>.partial was created by this writer (and may be deleted by it) */
    int n_pops;
    spw_pop *pops;
    size_t buffered, threshold;
    int have_last; /* last_step/last_gid hold the last spike added */
    uint64_t last_step, last_gid;
    /* A failure of this rank alone (out of memory in add), reported by all ranks together at
     * the next flush, so that the ranks never disagree about which collective call comes next.
     * The spikes are still counted in `buffered` so that the flush comes at the same step. */
    snn_error deferred;
    /* A checkpoint refers to <path>.partial (snn_spike_writer_sync ran): an error exit keeps it. */
    int keep;
    /* A resumed writer (snn_spike_writer_resume): the stopped run's spikes, read from
     * <path>.partial.prev by rank 0 and replayed into this file. */
    struct spw_source *src;
    char prev[SNN_PATH_LEN + 24];
    int prev_pending; /* <path>.partial.prev exists and is deleted once this file holds it all */
    snn_spike_replay_fn replay_fn; /* sees replayed spikes (snn_spike_writer_set_replay_observer) */
    void *replay_ctx;
};

/* ---- error helpers ---------------------------------------------------------------------- */

/* err = "<path>: cannot <what>: <HDF5's reason>"; returns SNN_ERR_IO. */
static int spw_h5_fail(const snn_spike_writer *w, snn_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int spw_h5_fail(const snn_spike_writer *w, snn_error *err, const char *fmt, ...)
{
    char what[512], reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snn_h5_reason(reason, sizeof reason);
    return snn_fail(err, SNN_ERR_IO, "%s: cannot %s: %s", w->path, what, reason);
}

static int spw_mpi_fail(const snn_spike_writer *w, snn_error *err, const char *what, int mpi_rc)
{
    char s[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(mpi_rc, s, &len) != MPI_SUCCESS)
        snprintf(s, sizeof s, "MPI error %d", mpi_rc);
    return snn_fail(err, SNN_ERR_MPI, "%s: %s failed: %s", w->path, what, s);
}

/*
 * Collective: every rank passes its own status; all return the status and message of the
 * lowest failing rank, or SNN_OK when none failed.
 */
static int spw_agree(const snn_spike_writer *w, int rc, snn_error *err)
{
    int mine = rc != SNN_OK, any = 0, me, first, code = rc, mrc;
    if ((mrc = MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, w->comm)) != MPI_SUCCESS)
        return spw_mpi_fail(w, err, "MPI_Allreduce", mrc);
    if (!any)
        return SNN_OK;
    me = mine ? w->rank : INT_MAX;
    if ((mrc = MPI_Allreduce(&me, &first, 1, MPI_INT, MPI_MIN, w->comm)) != MPI_SUCCESS)
        return spw_mpi_fail(w, err, "MPI_Allreduce", mrc);
    if ((mrc = MPI_Bcast(&code, 1, MPI_INT, first, w->comm)) != MPI_SUCCESS ||
        (mrc = MPI_Bcast(err->msg, SNN_ERROR_MSG_LEN, MPI_CHAR, first, w->comm)) != MPI_SUCCESS)
        return spw_mpi_fail(w, err, "MPI_Bcast", mrc);
    err->code = code;
    return code;
}

/* ---- creating the file ------------------------------------------------------------------ */

/* Rank 0: is the directory of w->path there and writable? Sets err when not. */
static int spw_check_dir(const snn_spike_writer *w, snn_error *err)
{
    char dir[SNN_PATH_LEN];
    struct stat st;
    const char *slash = strrchr(w->path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == w->path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - w->path), w->path);

    if (stat(dir, &st) != 0)
        return snn_fail(err, SNN_ERR_IO, "%s: cannot create file (directory \"%s\" does not exist)",
                        w->path, dir);
    if (!S_ISDIR(st.st_mode))
        return snn_fail(err, SNN_ERR_IO, "%s: cannot create file (\"%s\" is not a directory)",
                        w->path, dir);
    if (access(dir, W_OK | X_OK) != 0)
        return snn_fail(err, SNN_ERR_IO,
                        "%s: cannot create file (directory \"%s\" is not writable: %s)", w->path,
                        dir, strerror(errno));
    return SNN_OK;
}

static int spw_attr_write(const snn_spike_writer *w, hid_t obj, const char *obj_name,
                          const char *name, hid_t ftype, hid_t mtype, hid_t space,
                          const void *value, snn_error *err)
{
    hid_t a = H5Acreate2(obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0)
        return spw_h5_fail(w, err, "create attribute %s of %s", name, obj_name);
    if (H5Awrite(a, mtype, value) < 0) {
        int rc = spw_h5_fail(w, err, "write attribute %s of %s", name, obj_name);
        H5Aclose(a);
        return rc;
    }
    if (H5Aclose(a) < 0)
        return spw_h5_fail(w, err, "close attribute %s of %s", name, obj_name);
    return SNN_OK;
}

/* Root attributes magic (uint32 0x0A7A) and version (uint32 [0, 1]), as the SONATA spec asks. */
static int spw_write_signature(const snn_spike_writer *w, snn_error *err)
{
    const uint32_t magic = SNN_SONATA_MAGIC, version[2] = {0, 1};
    const hsize_t two = 2;
    int rc = SNN_OK;
    hid_t scalar = H5Screate(H5S_SCALAR), pair = H5Screate_simple(1, &two, NULL);
    if (scalar < 0 || pair < 0)
        rc = spw_h5_fail(w, err, "create a dataspace");
    if (rc == SNN_OK)
        rc = spw_attr_write(w, w->file, "/", "magic", H5T_STD_U32LE, H5T_NATIVE_UINT32, scalar,
                            &magic, err);
    if (rc == SNN_OK)
        rc = spw_attr_write(w, w->file, "/", "version", H5T_STD_U32LE, H5T_NATIVE_UINT32, pair,
                            version, err);
    if (scalar >= 0)
        H5Sclose(scalar);
    if (pair >= 0)
        H5Sclose(pair);
    return rc;
}

/* The property lists and types shared by all populations. */
typedef struct {
    hid_t gcpl, dcpl, dapl, space, scalar, sorting, units;
} spw_plists;

static void spw_plists_close(spw_plists *p)
{
    if (p->gcpl >= 0)
        H5Pclose(p->gcpl);
    if (p->dcpl >= 0)
        H5Pclose(p->dcpl);
    if (p->dapl >= 0)
        H5Pclose(p->dapl);
    if (p->space >= 0)
        H5Sclose(p->space);
    if (p->scalar >= 0)
        H5Sclose(p->scalar);
    if (p->sorting >= 0)
        H5Tclose(p->sorting);
    if (p->units >= 0)
        H5Tclose(p->units);
}

static int spw_plists_make(const snn_spike_writer *w, spw_plists *p, snn_error *err)
{
    const hsize_t zero = 0, unlimited = H5S_UNLIMITED, chunk = SNN_SPIKE_WRITER_CHUNK;
    const uint8_t vals[3] = {SNN_SORTING_NONE, SNN_SORTING_BY_ID, SNN_SORTING_BY_TIME};
    const char *names[3] = {"none", "by_id", "by_time"};

    p->gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (p->gcpl < 0 || H5Pset_obj_track_times(p->gcpl, 0) < 0)
        return spw_h5_fail(w, err, "make a group creation property list");

    /* Chunked, growable, space allocated when the dataset is extended, never pre-filled: the
     * bytes of the file depend only on the data. */
    p->dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (p->dcpl < 0 || H5Pset_obj_track_times(p->dcpl, 0) < 0 ||
        H5Pset_chunk(p->dcpl, 1, &chunk) < 0 ||
        H5Pset_alloc_time(p->dcpl, H5D_ALLOC_TIME_EARLY) < 0 ||
        H5Pset_fill_time(p->dcpl, H5D_FILL_TIME_NEVER) < 0)
        return spw_h5_fail(w, err, "make a dataset creation property list");
    if ((p->dapl = snn_h5_no_chunk_cache()) < 0)
        return spw_h5_fail(w, err, "make a dataset access property list");

    p->space = H5Screate_simple(1, &zero, &unlimited);
    p->scalar = H5Screate(H5S_SCALAR);
    if (p->space < 0 || p->scalar < 0)
        return spw_h5_fail(w, err, "create a dataspace");

    p->sorting = H5Tenum_create(H5T_STD_U8LE);
    if (p->sorting < 0)
        return spw_h5_fail(w, err, "create the sorting enum type");
    for (int i = 0; i < 3; i++)
        if (H5Tenum_insert(p->sorting, names[i], &vals[i]) < 0)
            return spw_h5_fail(w, err, "create the sorting enum type");

    /* Variable-length UTF-8 string: h5py reads it back as str, libsonata as std::string. */
    p->units = H5Tcopy(H5T_C_S1);
    if (p->units < 0 || H5Tset_size(p->units, H5T_VARIABLE) < 0 ||
        H5Tset_cset(p->units, H5T_CSET_UTF8) < 0)
        return spw_h5_fail(w, err, "create a string type");
    return SNN_OK;
}

static int spw_create_pop(const snn_spike_writer *w, spw_pop *pop, const spw_plists *p,
                          snn_error *err)
{
    const char *name = pop->name;
    const uint8_t by_time = SNN_SORTING_BY_TIME;
    const char *ms = "ms";
    int rc;

    pop->group = H5Gcreate2(w->spikes, name, H5P_DEFAULT, p->gcpl, H5P_DEFAULT);
    if (pop->group < 0)
        return spw_h5_fail(w, err, "create group /spikes/%s", name);
    rc = spw_attr_write(w, pop->group, name, "sorting", p->sorting, p->sorting, p->scalar, &by_time,
                        err);
    if (rc != SNN_OK)
        return rc;

    pop->ts = H5Dcreate2(pop->group, "timestamps", H5T_IEEE_F64LE, p->space, H5P_DEFAULT, p->dcpl,
                         p->dapl);
    if (pop->ts < 0)
        return spw_h5_fail(w, err, "create dataset /spikes/%s/timestamps", name);
    rc = spw_attr_write(w, pop->ts, "timestamps", "units", p->units, p->units, p->scalar, &ms, err);
    if (rc != SNN_OK)
        return rc;

    pop->ids =
        H5Dcreate2(pop->group, "node_ids", H5T_STD_U64LE, p->space, H5P_DEFAULT, p->dcpl, p->dapl);
    if (pop->ids < 0)
        return spw_h5_fail(w, err, "create dataset /spikes/%s/node_ids", name);
    return SNN_OK;
}

/* Collective: creates <path>.partial with its groups and empty datasets. */
static int spw_create_file(snn_spike_writer *w, snn_error *err)
{
    spw_plists p = {-1, -1, -1, -1, -1, -1, -1};
    hid_t fapl = -1, fcpl = -1, spikes_gcpl = -1;
    int rc = SNN_OK;

    fapl = snn_h5_file_access(w->comm);
    if (fapl < 0)
        rc = spw_h5_fail(w, err, "make a file access property list");
    fcpl = H5Pcreate(H5P_FILE_CREATE);
    if (rc == SNN_OK && (fcpl < 0 || H5Pset_obj_track_times(fcpl, 0) < 0))
        rc = spw_h5_fail(w, err, "make a file creation property list");
    if (rc == SNN_OK) {
        w->file = H5Fcreate(w->partial, H5F_ACC_TRUNC, fcpl, fapl);
        if (w->file < 0)
            rc = spw_h5_fail(w, err, "create file %s", w->partial);
    }
    if (fapl >= 0)
        H5Pclose(fapl);
    if (fcpl >= 0)
        H5Pclose(fcpl);
    /* H5Fcreate is collective: make sure it succeeded everywhere before going on. */
    rc = spw_agree(w, rc, err);
    if (rc != SNN_OK)
        return rc;
    w->created = 1;

    rc = spw_write_signature(w, err);
    if (rc == SNN_OK)
        rc = spw_plists_make(w, &p, err);

    /* /spikes remembers the order in which the populations were created (model order). */
    if (rc == SNN_OK) {
        spikes_gcpl = H5Pcreate(H5P_GROUP_CREATE);
        if (spikes_gcpl < 0 || H5Pset_obj_track_times(spikes_gcpl, 0) < 0 ||
            H5Pset_link_creation_order(spikes_gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) <
                0)
            rc = spw_h5_fail(w, err, "make a group creation property list");
    }
    if (rc == SNN_OK) {
        w->spikes = H5Gcreate2(w->file, "spikes", H5P_DEFAULT, spikes_gcpl, H5P_DEFAULT);
        if (w->spikes < 0)
            rc = spw_h5_fail(w, err, "create group /spikes");
    }
    for (int i = 0; rc == SNN_OK && i < w->n_pops; i++)
        rc = spw_create_pop(w, &w->pops[i], &p, err);

    if (rc == SNN_OK) {
        w->dxpl = snn_h5_transfer(w->comm);
        if (w->dxpl < 0)
            rc = spw_h5_fail(w, err, "make a dataset transfer property list");
    }
    if (spikes_gcpl >= 0)
        H5Pclose(spikes_gcpl);
    spw_plists_close(&p);
    return spw_agree(w, rc, err);
}

/* ---- closing ---------------------------------------------------------------------------- */

/* Closes every HDF5 object and then the file (collective); first error wins. */
static int spw_close_file(snn_spike_writer *w, snn_error *err)
{
    int rc = SNN_OK;
    for (int i = 0; i < w->n_pops; i++) {
        spw_pop *p = &w->pops[i];
        hid_t *ids[3] = {&p->ts, &p->ids, &p->group};
        for (int k = 0; k < 3; k++) {
            if (*ids[k] < 0)
                continue;
            herr_t e = k < 2 ? H5Dclose(*ids[k]) : H5Gclose(*ids[k]);
            if (e < 0 && rc == SNN_OK)
                rc = spw_h5_fail(w, err, "close /spikes/%s", p->name);
            *ids[k] = -1;
        }
    }
    if (w->spikes >= 0 && H5Gclose(w->spikes) < 0 && rc == SNN_OK)
        rc = spw_h5_fail(w, err, "close group /spikes");
    if (w->dxpl >= 0 && H5Pclose(w->dxpl) < 0 && rc == SNN_OK)
        rc = spw_h5_fail(w, err, "close a property list");
    w->spikes = w->dxpl = -1;
    if (w->file >= 0 && H5Fclose(w->file) < 0 && rc == SNN_OK)
        rc = spw_h5_fail(w, err, "close file %s", w->partial);
    w->file = -1;
    return rc;
}

static void spw_source_free(snn_spike_writer *w);
static int spw_grow(spw_pop *p, size_t need);

/* Population p's buffers for its share (by size) of the first SNN_SPIKE_WRITER_PRESIZE spikes,
 * written once so that their pages are there before the step loop. -1 if out of memory. */
static int spw_presize(spw_pop *p, uint64_t n_neurons)
{
    const size_t share =
        (size_t)(((uint64_t)SNN_SPIKE_WRITER_PRESIZE * p->size + (n_neurons ? n_neurons - 1 : 0)) /
                 (n_neurons ? n_neurons : 1));
    if (spw_grow(p, share) != 0)
        return -1;
    memset(p->t, 0, p->cap * sizeof *p->t);
    memset(p->id, 0, p->cap * sizeof *p->id);
    return 0;
}

static void spw_free(snn_spike_writer *w)
{
    if (!w)
        return;
    spw_source_free(w);
    if (w->pops) {
        for (int i = 0; i < w->n_pops; i++) {
            free(w->pops[i].t);
            free(w->pops[i].id);
        }
        free(w->pops);
    }
    if (w->comm != MPI_COMM_NULL)
        MPI_Comm_free(&w->comm);
    free(w);
}

/* Collective: close whatever is open, rank 0 deletes the partial file (only a file this writer
 * created: never, say, a directory that happens to have its name), free w. */
static void spw_discard(snn_spike_writer *w)
{
    snn_error ignored;
    if (!w)
        return;
    spw_close_file(w, &ignored);
    if (w->rank == 0 && w->created && !w->keep)
        unlink(w->partial);
    MPI_Barrier(w->comm);
    spw_free(w);
}

/* ---- public API ------------------------------------------------------------------------- */

int snn_spike_writer_open(snn_spike_writer **wp, MPI_Comm comm, const char *path,
                          const snn_model *m, snn_error *err)
{
    snn_error local;
    snn_spike_writer *w;
    int rc = SNN_OK, mrc;

    if (!err)
        err = &local;
    if (!wp || !path || !m || m->n_pops <= 0 || !m->pops)
        return snn_fail(err, SNN_ERR_INTERNAL, "snn_spike_writer_open: bad arguments");
    *wp = NULL;
    if (path[0] == '\0')
        return snn_fail(err, SNN_ERR_IO, "cannot create the spike file: empty path");
    if (strlen(path) >= SNN_PATH_LEN)
        return snn_fail(err, SNN_ERR_IO, "%.200s...: cannot create file: path longer than %d", path,
                        SNN_PATH_LEN - 1);
    if (!(m->run.dt > 0))
        return snn_fail(err, SNN_ERR_INTERNAL, "%s: snn_spike_writer_open: dt = %g", path,
                        m->run.dt);

    /* Errors up to here are the same on every rank. Allocation may fail on one rank only, so
     * the duplicate communicator is made first and the outcome agreed on over it. */
    w = calloc(1, sizeof *w);
    {
        int fail = !w, any = 0;
        if ((mrc = MPI_Allreduce(&fail, &any, 1, MPI_INT, MPI_MAX, comm)) != MPI_SUCCESS)
            any = 1;
        if (any) {
            free(w);
            return mrc != MPI_SUCCESS ? snn_fail(err, SNN_ERR_MPI, "%s: MPI_Allreduce failed", path)
                                      : snn_fail(err, SNN_ERR_NOMEM,
                                                 "%s: out of memory for the spike writer", path);
        }
    }
    w->comm = MPI_COMM_NULL;
    w->file = w->spikes = w->dxpl = -1;
    snprintf(w->path, sizeof w->path, "%s", path);
    snprintf(w->partial, sizeof w->partial, "%s%s", path, SNN_PARTIAL_SUFFIX);
    w->dt = m->run.dt;
    w->n_neurons = m->n_neurons;
    w->threshold = SNN_SPIKE_WRITER_FLUSH_DEFAULT;
    w->n_pops = m->n_pops;

    if ((mrc = MPI_Comm_dup(comm, &w->comm)) != MPI_SUCCESS) {
        rc = spw_mpi_fail(w, err, "MPI_Comm_dup", mrc);
        w->comm = MPI_COMM_NULL;
        spw_free(w);
        return rc;
    }
    if ((mrc = MPI_Comm_rank(w->comm, &w->rank)) != MPI_SUCCESS ||
        (mrc = MPI_Comm_size(w->comm, &w->nranks)) != MPI_SUCCESS) {
        rc = spw_mpi_fail(w, err, "MPI_Comm_rank/size", mrc);
        spw_free(w);
        return rc;
    }

    w->pops = calloc((size_t)w->n_pops, sizeof *w->pops);
    if (!w->pops)
        rc = snn_fail(err, SNN_ERR_NOMEM, "%s: out of memory for the spike writer", path);
    for (int i = 0; rc == SNN_OK && i < w->n_pops; i++) {
        w->pops[i].group = w->pops[i].ts = w->pops[i].ids = -1;
        snprintf(w->pops[i].name, sizeof w->pops[i].name, "%s", m->pops[i].name);
        w->pops[i].offset = m->pops[i].offset;
        w->pops[i].size = m->pops[i].size;
        if (spw_presize(&w->pops[i], w->n_neurons) != 0)
            rc = snn_fail(err, SNN_ERR_NOMEM, "%s: out of memory for the spike buffers", path);
    }
    if (rc == SNN_OK && w->rank == 0)
        rc = spw_check_dir(w, err);
    rc = spw_agree(w, rc, err);
    if (rc != SNN_OK) {
        spw_free(w);
        return rc;
    }

    /* Process-wide, but snn_mpi reports every HDF5 error itself, with its context. */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);

    rc = spw_create_file(w, err);
    if (rc != SNN_OK) {
        spw_discard(w);
        return rc;
    }
    *wp = w;
    return SNN_OK;
}

void snn_spike_writer_set_flush_threshold(snn_spike_writer *w, size_t n_spikes)
{
    if (w)
        w->threshold = n_spikes;
}

static int spw_grow(spw_pop *p, size_t need)
{
    size_t cap = p->cap ? p->cap : 1024;
    double *t;
    uint64_t *id;
    while (cap < need) {
        if (cap > SIZE_MAX / 2 / sizeof *p->id)
            return -1;
        cap *= 2;
    }
    t = realloc(p->t, cap * sizeof *t);
    if (!t)
        return -1;
    p->t = t;
    id = realloc(p->id, cap * sizeof *id);
    if (!id)
        return -1;
    p->id = id;
    p->cap = cap;
    return 0;
}

/* Writes elements [first, first + count) of a dataset from buf; collective, also when count is
 * 0 (the rank then selects nothing). A rank whose selection fails still takes part. */
static int spw_write_block(const snn_spike_writer *w, hid_t dset, hid_t mtype, hsize_t first,
                           hsize_t count, const void *buf, const char *pop, const char *dname,
                           snn_error *err)
{
    hsize_t one = 1, mdim = count ? count : 1;
    hid_t fspace = H5Dget_space(dset), mspace = H5Screate_simple(1, &mdim, NULL);
    int rc = SNN_OK;

    if (fspace < 0 || mspace < 0) {
        rc = spw_h5_fail(w, err, "get the dataspace of /spikes/%s/%s", pop, dname);
    } else if (count == 0 ||
               H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &first, NULL, &one, &count) < 0) {
        if (count != 0)
            rc = spw_h5_fail(w, err, "select elements of /spikes/%s/%s", pop, dname);
        if (H5Sselect_none(fspace) < 0 || H5Sselect_none(mspace) < 0)
            rc = spw_h5_fail(w, err, "select elements of /spikes/%s/%s", pop, dname);
    }
    if (fspace >= 0 && mspace >= 0 && H5Dwrite(dset, mtype, mspace, fspace, w->dxpl, buf) < 0 &&
        rc == SNN_OK)
        rc = spw_h5_fail(w, err, "write /spikes/%s/%s", pop, dname);
    /* After the collective write, so the other ranks are not left waiting in it. */
    if (rc == SNN_OK && snn_fault_here("hdf5", w->rank, 0))
        rc = snn_fail(err, SNN_ERR_IO, "%s: rank %d: cannot write /spikes/%s/%s (injected fault)",
                      w->path, w->rank, pop, dname);
    if (fspace >= 0)
        H5Sclose(fspace);
    if (mspace >= 0)
        H5Sclose(mspace);
    return rc;
}

/* Collective: appends every population's buffer to its datasets and empties the buffers. */
static int spw_flush(snn_spike_writer *w, snn_error *err)
{
    int rc = SNN_OK, mrc;
    long long mine[2], all[2];
    snn_error scratch;

    if (w->deferred.code != SNN_OK)
        *err = w->deferred;
    rc = spw_agree(w, w->deferred.code, err);
    if (rc != SNN_OK)
        return rc;

    /* Every rank must hold the same spikes, or the extents below would differ and the
     * collective calls would not match. A cheap check: total and per-rank spread. */
    mine[0] = (long long)w->buffered;
    mine[1] = -(long long)w->buffered;
    if ((mrc = MPI_Allreduce(mine, all, 2, MPI_LONG_LONG, MPI_MAX, w->comm)) != MPI_SUCCESS)
        return spw_mpi_fail(w, err, "MPI_Allreduce", mrc);
    if (all[0] != -all[1])
        return snn_fail(err, SNN_ERR_INTERNAL,
                        "%s: ranks hold different spike lists (%lld to %lld spikes buffered)",
                        w->path, -all[1], all[0]);
    if (w->buffered == 0)
        return SNN_OK;

    for (int i = 0; i < w->n_pops; i++) {
        spw_pop *p = &w->pops[i];
        const char *name = p->name;
        hsize_t total;
        snn_range r;
        int e;
        if (p->n == 0)
            continue;
        total = p->written + p->n;
        /* Collective, same arguments everywhere: no rank skips it after an earlier error. */
        if (H5Dset_extent(p->ts, &total) < 0 && rc == SNN_OK)
            rc = spw_h5_fail(w, err, "extend /spikes/%s/timestamps", name);
        if (H5Dset_extent(p->ids, &total) < 0 && rc == SNN_OK)
            rc = spw_h5_fail(w, err, "extend /spikes/%s/node_ids", name);
        r = snn_split(p->n, (uint64_t)w->nranks, (uint64_t)w->rank);
        e = spw_write_block(w, p->ts, H5T_NATIVE_DOUBLE, p->written + r.begin, r.end - r.begin,
                            p->t + r.begin, name, "timestamps", rc == SNN_OK ? err : &scratch);
        if (rc == SNN_OK)
            rc = e;
        e = spw_write_block(w, p->ids, H5T_NATIVE_UINT64, p->written + r.begin, r.end - r.begin,
                            p->id + r.begin, name, "node_ids", rc == SNN_OK ? err : &scratch);
        if (rc == SNN_OK)
            rc = e;
        p->written = total;
        p->n = 0;
    }
    w->buffered = 0;
    return spw_agree(w, rc, err);
}

int snn_spike_writer_add(snn_spike_writer *w, uint64_t step, const uint32_t *gids, size_t n,
                         snn_error *err)
{
    snn_error local;
    if (!err)
        err = &local;
    if (!w)
        return snn_fail(err, SNN_ERR_INTERNAL, "snn_spike_writer_add: no writer");
    if (n > 0 && !gids)
        return snn_fail(err, SNN_ERR_INTERNAL, "%s: snn_spike_writer_add: no ids", w->path);

    /* The same on every rank (same arguments), so failing here needs no agreement. Nothing is
     * kept from a rejected call. */
    {
        int have = w->have_last;
        uint64_t ls = w->last_step, lg = w->last_gid;
        for (size_t k = 0; k < n; k++) {
            uint64_t g = gids[k];
            if (g >= w->n_neurons)
                return snn_fail(err, SNN_ERR_INTERNAL,
                                "%s: spike of neuron %llu at step %llu, but the model has %llu",
                                w->path, (unsigned long long)g, (unsigned long long)step,
                                (unsigned long long)w->n_neurons);
            if (have && !(step > ls || (step == ls && g > lg)))
                return snn_fail(err, SNN_ERR_INTERNAL,
                                "%s: spikes out of order: neuron %llu at step %llu after neuron "
                                "%llu at step %llu",
                                w->path, (unsigned long long)g, (unsigned long long)step,
                                (unsigned long long)lg, (unsigned long long)ls);
            have = 1;
            ls = step;
            lg = g;
        }
        w->have_last = have;
        w->last_step = ls;
        w->last_gid = lg;
    }

    for (size_t k = 0; k < n; k++) {
        uint64_t g = gids[k];
        int lo = 0, hi = w->n_pops - 1;
        spw_pop *p;
        w->buffered++;
        if (w->deferred.code != SNN_OK)
            continue;
        while (lo < hi) { /* the population holding g, as snn_model_pop_of */
            int mid = (lo + hi + 1) / 2;
            if (w->pops[mid].offset <= g)
                lo = mid;
            else
                hi = mid - 1;
        }
        p = &w->pops[lo];
        if (p->n == p->cap && spw_grow(p, p->n + 1) != 0) {
            snn_fail(&w->deferred, SNN_ERR_NOMEM, "%s: out of memory buffering spikes (rank %d)",
                     w->path, w->rank);
            continue;
        }
        p->t[p->n] = (double)step * w->dt;
        p->id[p->n] = g - p->offset;
        p->n++;
    }
    /* No communication unless a flush is due; all ranks decide alike (same spikes). */
    if (w->buffered > w->threshold)
        return spw_flush(w, err);
    return SNN_OK;
}

int snn_spike_writer_close(snn_spike_writer *w, snn_error *err)
{
    snn_error local;
    int rc, mrc, rename_errno = 0;
    if (!err)
        err = &local;
    if (!w)
        return snn_fail(err, SNN_ERR_INTERNAL, "snn_spike_writer_close: no writer");

    rc = spw_flush(w, err);
    {
        snn_error cerr;
        int crc = spw_close_file(w, &cerr);
        if (rc == SNN_OK && crc != SNN_OK) {
            rc = crc;
            *err = cerr;
        }
    }
    rc = spw_agree(w, rc, err);
    if (rc != SNN_OK) {
        spw_discard(w);
        return rc;
    }

    if (w->rank == 0 && rename(w->partial, w->path) != 0)
        rename_errno = errno ? errno : EIO;
    /* No rank returns before the final file exists (or before the rename failed). */
    if ((mrc = MPI_Bcast(&rename_errno, 1, MPI_INT, 0, w->comm)) != MPI_SUCCESS)
        rc = spw_mpi_fail(w, err, "MPI_Bcast", mrc);
    else if (rename_errno)
        rc = snn_fail(err, SNN_ERR_IO, "%s: cannot rename %s to it: %s", w->path, w->partial,
                      strerror(rename_errno));
    if (rc != SNN_OK) {
        spw_discard(w);
        return rc;
    }
    if (w->rank == 0 && w->prev_pending && !w->src)
        unlink(w->prev);
    spw_free(w);
    return SNN_OK;
}

void snn_spike_writer_abort(snn_spike_writer *w)
{
    spw_discard(w);
}

/* ---- checkpoints and restarts ----------------------------------------------------------- */

/* Rank 0, once the replay is over and this file holds everything: the previous file goes. */
static void spw_drop_prev(snn_spike_writer *w)
{
    if (w->prev_pending && !w->src) {
        if (w->rank == 0)
            unlink(w->prev);
        w->prev_pending = 0;
    }
}

int snn_spike_writer_sync(snn_spike_writer *w, snn_error *err)
{
    if (!w)
        return snn_fail(err, SNN_ERR_INTERNAL, "snn_spike_writer_sync: no writer");
    int rc = spw_flush(w, err);
    if (rc == SNN_OK && H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0)
        rc = spw_h5_fail(w, err, "flush %s", w->partial);
    rc = spw_agree(w, rc, err);
    if (rc == SNN_OK) {
        w->keep = 1;
        spw_drop_prev(w);
        MPI_Barrier(w->comm);
    }
    return rc;
}

void snn_spike_writer_written(const snn_spike_writer *w, uint64_t *counts)
{
    for (int i = 0; i < w->n_pops; i++)
        counts[i] = (uint64_t)w->pops[i].written;
}

int snn_spike_writer_suspend(snn_spike_writer *w, snn_error *err)
{
    if (!w)
        return snn_fail(err, SNN_ERR_INTERNAL, "snn_spike_writer_suspend: no writer");
    int rc = spw_flush(w, err);
    snn_error cerr;
    int crc = spw_close_file(w, &cerr);
    if (rc == SNN_OK && crc != SNN_OK) {
        rc = crc;
        *err = cerr;
    }
    rc = spw_agree(w, rc, err);
    w->keep = 1;
    if (rc != SNN_OK) {
        spw_discard(w);
        return rc;
    }
    spw_drop_prev(w);
    MPI_Barrier(w->comm);
    spw_free(w);
    return SNN_OK;
}

/* The previous file's spikes of one population: `total` to replay, read in blocks by rank 0 and
 * broadcast, so every rank adds the same spikes. */
#define SPW_REPLAY_BLOCK ((size_t)1 << 16)

typedef struct {
    hid_t ts, ids;  /* rank 0 */
    uint64_t total; /* spikes to replay (the checkpoint's count) */
    uint64_t next;  /* first element not yet read */
    size_t n, pos;  /* block: elements held, next to use */
    double *t;      /* [SPW_REPLAY_BLOCK] */
    uint64_t *id;   /* [SPW_REPLAY_BLOCK] */
} spw_src_pop;

struct spw_source {
    hid_t file; /* rank 0 */
    spw_src_pop *pops;
    uint32_t *gids; /* [n_neurons]: one step's spikes */
};

static void spw_source_free(snn_spike_writer *w)
{
    struct spw_source *s = w->src;
    if (!s)
        return;
    for (int i = 0; s->pops && i < w->n_pops; i++) {
        if (s->pops[i].ts >= 0)
            H5Dclose(s->pops[i].ts);
        if (s->pops[i].ids >= 0)
            H5Dclose(s->pops[i].ids);
        free(s->pops[i].t);
        free(s->pops[i].id);
    }
    if (s->file >= 0)
        H5Fclose(s->file);
    free(s->pops);
    free(s->gids);
    free(s);
    w->src = NULL;
}

/* Rank 0: opens the previous file and checks that it holds at least counts[i] spikes of every
 * population. */
static int spw_source_open(snn_spike_writer *w, const uint64_t *counts, snn_error *err)
{
    struct spw_source *s = w->src;
    s->file = H5Fopen(w->prev, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (s->file < 0)
        return spw_h5_fail(w, err, "open the stopped run's spike file %s", w->prev);
    for (int i = 0; i < w->n_pops; i++) {
        spw_src_pop *p = &s->pops[i];
        char name[SNN_NAME_LEN + 32];
        hsize_t n[2] = {0, 0};
        for (int k = 0; k < 2; k++) {
            snprintf(name, sizeof name, "spikes/%s/%s", w->pops[i].name,
                     k ? "node_ids" : "timestamps");
            hid_t d = H5Dopen2(s->file, name, H5P_DEFAULT);
            hid_t sp = d >= 0 ? H5Dget_space(d) : -1;
            if (k)
                p->ids = d;
            else
                p->ts = d;
            if (sp < 0 || H5Sget_simple_extent_dims(sp, &n[k], NULL) != 1) {
                if (sp >= 0)
                    H5Sclose(sp);
                return spw_h5_fail(w, err, "read /%s of %s", name, w->prev);
            }
            H5Sclose(sp);
        }
        if (n[0] < counts[i] || n[1] < counts[i])
            return snn_fail(err, SNN_ERR_IO,
                            "%s: holds %llu spikes of population %s, but the checkpoint counts "
                            "%llu: this spike file does not belong to the checkpoint",
                            w->prev, (unsigned long long)(n[0] < n[1] ? n[0] : n[1]),
                            w->pops[i].name, (unsigned long long)counts[i]);
    }
    return SNN_OK;
}

int snn_spike_writer_resume(snn_spike_writer **wp, MPI_Comm comm, const char *path,
                            const snn_model *m, const uint64_t *counts, snn_error *err)
{
    /* Rank 0 moves the stopped run's file aside as <path>.partial.prev, unless an earlier
     * restart already did and stopped before its new file held everything (then .prev is the
     * good copy and .partial an incomplete one). */
    char partial[SNN_PATH_LEN + 16], prev[SNN_PATH_LEN + 24];
    snprintf(partial, sizeof partial, "%s%s", path, SNN_PARTIAL_SUFFIX);
    snprintf(prev, sizeof prev, "%s%s.prev", path, SNN_PARTIAL_SUFFIX);
    int rank, moved = 0;
    MPI_Comm_rank(comm, &rank);
    if (rank == 0) {
        struct stat st;
        if (stat(prev, &st) == 0)
            moved = 0;
        else if (rename(partial, prev) != 0)
            moved = errno ? errno : EIO;
    }
    MPI_Bcast(&moved, 1, MPI_INT, 0, comm);
    if (moved) {
        struct stat st;
        return snn_fail(err, SNN_ERR_IO,
                        "%s: cannot restart: the stopped run's spike file is not there (%s)%s",
                        partial, strerror(moved),
                        stat(path, &st) == 0 ? "; the run has completed (spikes.h5 is there)" : "");
    }
    int rc = snn_spike_writer_open(wp, comm, path, m, err);
    if (rc != SNN_OK)
        return rc;
    snn_spike_writer *w = *wp;
    snprintf(w->prev, sizeof w->prev, "%s", prev);
    w->prev_pending = 1;
    w->keep = 1;
    struct spw_source *s = calloc(1, sizeof *s);
    if (s) {
        s->file = -1;
        s->pops = calloc((size_t)w->n_pops, sizeof *s->pops);
        s->gids = malloc((w->n_neurons ? w->n_neurons : 1) * sizeof *s->gids);
    }
    w->src = s;
    if (!s || !s->pops || !s->gids)
        rc = snn_fail(err, SNN_ERR_NOMEM, "%s: out of memory for the restart", path);
    for (int i = 0; rc == SNN_OK && i < w->n_pops; i++) {
        s->pops[i].ts = s->pops[i].ids = -1;
        s->pops[i].total = counts[i];
    }
    if (rc == SNN_OK && rank == 0)
        rc = spw_source_open(w, counts, err);
    rc = spw_agree(w, rc, err);
    if (rc != SNN_OK) {
        snn_spike_writer_abort(w);
        *wp = NULL;
    }
    return rc;
}

/* Collective: the next block of population i's previous spikes (rank 0 reads, all receive). */
static int spw_refill(snn_spike_writer *w, int i, snn_error *err)
{
    spw_src_pop *p = &w->src->pops[i];
    uint64_t left = p->total - p->next;
    size_t n = left < SPW_REPLAY_BLOCK ? (size_t)left : SPW_REPLAY_BLOCK;
    int rc = SNN_OK;
    if (!p->t) {
        p->t = malloc(SPW_REPLAY_BLOCK * sizeof *p->t);
        p->id = malloc(SPW_REPLAY_BLOCK * sizeof *p->id);
        if (!p->t || !p->id)
            rc = snn_fail(err, SNN_ERR_NOMEM, "%s: out of memory for the restart", w->path);
    }
    if (rc == SNN_OK && w->rank == 0) {
        hsize_t first = p->next, count = n;
        hid_t mspace = H5Screate_simple(1, &count, NULL);
        for (int k = 0; rc == SNN_OK && k < 2; k++) {
            hid_t d = k ? p->ids : p->ts, fs = H5Dget_space(d);
            if (mspace < 0 || fs < 0 ||
                H5Sselect_hyperslab(fs, H5S_SELECT_SET, &first, NULL, &count, NULL) < 0 ||
                H5Dread(d, k ? H5T_NATIVE_UINT64 : H5T_NATIVE_DOUBLE, mspace, fs, H5P_DEFAULT,
                        k ? (void *)p->id : (void *)p->t) < 0)
                rc = spw_h5_fail(w, err, "read the spikes of population %s from %s",
                                 w->pops[i].name, w->prev);
            if (fs >= 0)
                H5Sclose(fs);
        }
        if (mspace >= 0)
            H5Sclose(mspace);
    }
    if ((rc = spw_agree(w, rc, err)) != SNN_OK)
        return rc;
    if (MPI_Bcast(p->t, (int)n, MPI_DOUBLE, 0, w->comm) != MPI_SUCCESS ||
        MPI_Bcast(p->id, (int)n, MPI_UINT64_T, 0, w->comm) != MPI_SUCCESS)
        return snn_fail(err, SNN_ERR_MPI, "%s: MPI_Bcast of previous spikes failed", w->path);
    p->next += n;
    p->n = n;
    p->pos = 0;
    return SNN_OK;
}

/* The step of population i's next previous spike; UINT64_MAX when none is left. Collective
 * (may refill; every rank is in the same state). */
static int spw_head(snn_spike_writer *w, int i, uint64_t *step, snn_error *err)
{
    spw_src_pop *p = &w->src->pops[i];
    *step = UINT64_MAX;
    if (p->pos == p->n) {
        if (p->next == p->total)
            return SNN_OK;
        int rc = spw_refill(w, i, err);
        if (rc != SNN_OK)
            return rc;
    }
    double t = p->t[p->pos];
    double k = t / w->dt;
    uint64_t n = k >= 0 && k < 9e15 ? (uint64_t)(k + 0.5) : UINT64_MAX;
    if (n == UINT64_MAX || (double)n * w->dt != t || p->id[p->pos] >= w->pops[i].size)
        return snn_fail(err, SNN_ERR_IO,
                        "%s: spike %llu of population %s (t = %.17g ms, node %llu) was not "
                        "written by this network with dt = %g ms",
                        w->prev, (unsigned long long)(p->next - p->n + p->pos), w->pops[i].name, t,
                        (unsigned long long)p->id[p->pos], w->dt);
    *step = n;
    return SNN_OK;
}

void snn_spike_writer_set_replay_observer(snn_spike_writer *w, snn_spike_replay_fn fn, void *ctx)
{
    w->replay_fn = fn;
    w->replay_ctx = ctx;
}

int snn_spike_writer_replay(snn_spike_writer *w, uint64_t until, snn_error *err)
{
    struct spw_source *s = w->src;
    int rc = SNN_OK;
    if (!s)
        return SNN_OK;
    for (;;) {
        uint64_t step = UINT64_MAX, h;
        for (int i = 0; i < w->n_pops; i++) {
            if ((rc = spw_head(w, i, &h, err)) != SNN_OK)
                return rc;
            if (h < step)
                step = h;
        }
        if (step == UINT64_MAX || step > until)
            break;
        /* Populations in model order hold ascending global ids; within one, ids ascend. */
        size_t n = 0;
        for (int i = 0; i < w->n_pops; i++) {
            spw_src_pop *p = &s->pops[i];
            while ((rc = spw_head(w, i, &h, err)) == SNN_OK && h == step) {
                if (n == w->n_neurons)
                    return snn_fail(err, SNN_ERR_IO, "%s: more spikes in step %llu than neurons",
                                    w->prev, (unsigned long long)step);
                s->gids[n++] = (uint32_t)(w->pops[i].offset + p->id[p->pos]);
                p->pos++;
            }
            if (rc != SNN_OK)
                return rc;
        }
        if (w->replay_fn)
            w->replay_fn(w->replay_ctx, step, s->gids, n);
        if ((rc = snn_spike_writer_add(w, step, s->gids, n, err)) != SNN_OK)
            return rc;
    }
    int left = 0;
    for (int i = 0; i < w->n_pops; i++)
        left |= s->pops[i].pos < s->pops[i].n || s->pops[i].next < s->pops[i].total;
    if (!left) /* everything is in this file now (buffered or written) */
        spw_source_free(w);
    return SNN_OK;
}

int snn_spike_writer_replay_finish(snn_spike_writer *w, uint64_t step, snn_error *err)
{
    int rc = snn_spike_writer_replay(w, step, err);
    if (rc == SNN_OK && w->src)
        rc = snn_fail(err, SNN_ERR_IO,
                      "%s: holds spikes after step %llu within the checkpoint's counts: this "
                      "spike file does not belong to the checkpoint",
                      w->prev, (unsigned long long)step);
    return rc;
}
