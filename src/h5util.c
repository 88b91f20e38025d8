/*
 * h5util.c — small HDF5 helpers (see include/snn/h5util.h).
 */
#include "snn/h5util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *buf;
    size_t len;
    int found;
} h5_reason;

static herr_t walk(unsigned n, const H5E_error2_t *e, void *data)
{
    h5_reason *r = data;
    (void)n;
    if (!r->found && e->desc && e->desc[0]) {
        snprintf(r->buf, r->len, "%s", e->desc);
        r->found = 1;
    }
    return 0;
}

void snn_h5_reason(char *buf, size_t len)
{
    h5_reason r = {buf, len, 0};
    snprintf(buf, len, "unknown HDF5 error");
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk, &r);
    H5Eclear2(H5E_DEFAULT);
}

int snn_h5_fail(snn_error *err, int code, const char *fmt, ...)
{
    char what[SNN_ERROR_MSG_LEN / 2], reason[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snn_h5_reason(reason, sizeof reason);
    return snn_fail(err, code, "%s: %s", what, reason);
}

int snn_h5_attr_string(hid_t obj, const char *name, const char *value)
{
    hid_t t = H5Tcopy(H5T_C_S1), s = H5Screate(H5S_SCALAR), a = -1;
    int rc = -1;
    if (t >= 0 && s >= 0 && H5Tset_size(t, H5T_VARIABLE) >= 0 &&
        H5Tset_cset(t, H5T_CSET_UTF8) >= 0) {
        a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
        if (a >= 0 && H5Awrite(a, t, &value) >= 0)
            rc = 0;
    }
    if (a >= 0 && H5Aclose(a) < 0)
        rc = -1;
    if (t >= 0)
        H5Tclose(t);
    if (s >= 0)
        H5Sclose(s);
    return rc;
}

int snn_h5_attr_read_string(hid_t obj, const char *name, char *buf, size_t len)
{
    if (len == 0 || H5Aexists(obj, name) <= 0)
        return -1;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t ft = a >= 0 ? H5Aget_type(a) : -1;
    hid_t sp = a >= 0 ? H5Aget_space(a) : -1;
    int rc = -1;
    if (ft >= 0 && sp >= 0 && H5Tget_class(ft) == H5T_STRING &&
        H5Sget_simple_extent_npoints(sp) == 1) {
        if (H5Tis_variable_str(ft) > 0) {
            hid_t mt = H5Tcopy(H5T_C_S1);
            char *v = NULL;
            if (mt >= 0 && H5Tset_size(mt, H5T_VARIABLE) >= 0 &&
                H5Tset_cset(mt, H5Tget_cset(ft)) >= 0 && H5Aread(a, mt, &v) >= 0 && v) {
                snprintf(buf, len, "%s", v);
                rc = 0;
            }
            if (v)
                H5free_memory(v);
            if (mt >= 0)
                H5Tclose(mt);
        } else {
            size_t n = H5Tget_size(ft);
            char *v = calloc(n + 1, 1);
            hid_t mt = H5Tcopy(ft);
            if (v && mt >= 0 && H5Aread(a, mt, v) >= 0) {
                snprintf(buf, len, "%s", v);
                rc = 0;
            }
            free(v);
            if (mt >= 0)
                H5Tclose(mt);
        }
    }
    if (sp >= 0)
        H5Sclose(sp);
    if (ft >= 0)
        H5Tclose(ft);
    if (a >= 0)
        H5Aclose(a);
    H5Eclear2(H5E_DEFAULT);
    return rc;
}

int snn_h5_exists(hid_t loc, const char *path)
{
    char buf[1024];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return 0;
    for (char *p = buf;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (H5Lexists(loc, buf, H5P_DEFAULT) <= 0) {
                H5Eclear2(H5E_DEFAULT);
                return 0;
            }
            if (saved == '\0')
                return 1;
            *p = saved;
        }
    }
}

static int single_rank(MPI_Comm comm)
{
    int size = 0;
    return MPI_Comm_size(comm, &size) == MPI_SUCCESS && size == 1;
}

hid_t snn_h5_mpio_access(MPI_Comm comm)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0 && H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL) < 0) {
        H5Pclose(fapl);
        return -1;
    }
    return fapl;
}

hid_t snn_h5_mpio_transfer(void)
{
    hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (dxpl >= 0 && H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE) < 0) {
        H5Pclose(dxpl);
        return -1;
    }
    return dxpl;
}

hid_t snn_h5_file_access(MPI_Comm comm)
{
    if (!single_rank(comm))
        return snn_h5_mpio_access(comm);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0)
        return -1;
    herr_t e = H5Pset_fapl_sec2(fapl);
#if H5_VERSION_GE(1, 10, 7)
    /* The POSIX driver locks the file (flock): where the file system refuses locks (some
     * Lustre and NFS mounts), go on without one rather than fail. */
    if (e >= 0)
        e = H5Pset_file_locking(fapl, 1, 1);
#endif
    if (e < 0) {
        H5Pclose(fapl);
        return -1;
    }
    return fapl;
}

hid_t snn_h5_transfer(MPI_Comm comm)
{
    return single_rank(comm) ? H5Pcreate(H5P_DATASET_XFER) : snn_h5_mpio_transfer();
}

hid_t snn_h5_no_chunk_cache(void)
{
    hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
    if (dapl >= 0 && H5Pset_chunk_cache(dapl, 0, 0, 1.0) < 0) {
        H5Pclose(dapl);
        return -1;
    }
    return dapl;
}
