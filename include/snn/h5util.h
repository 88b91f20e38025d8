/*
 * h5util.h — small HDF5 helpers shared by the SONATA network export, the edge-file reader and
 * the run's output files (spikes and reports).
 *
 * Errors carry HDF5's own most specific reason ("unable to open file", ...) after snn_mpi's
 * context; string attributes are variable-length UTF-8, as h5py and libsonata write them.
 */
#ifndef SNN_H5UTIL_H
#define SNN_H5UTIL_H

#include <hdf5.h>
#include <mpi.h>
#include <stddef.h>

#include "snn/error.h"

/* The most specific message on HDF5's error stack ("unknown HDF5 error" if none), which is then
 * cleared. */
void snn_h5_reason(char *buf, size_t len);

/* err = "<context>: <HDF5's reason>" with the given code; clears HDF5's error stack. */
int snn_h5_fail(snn_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes a variable-length UTF-8 string attribute `name` on obj. Returns 0 or -1. */
int snn_h5_attr_string(hid_t obj, const char *name, const char *value);

/* Reads string attribute `name` of obj (fixed or variable length) into buf. Returns 0, or -1 when
 * it is absent or not a string. */
int snn_h5_attr_read_string(hid_t obj, const char *name, char *buf, size_t len);

/* Does link `path` exist below loc (every component checked)? */
int snn_h5_exists(hid_t loc, const char *path);

/* MPI-IO file access over comm, whatever its size (the checkpoint, whose data sets' late
 * allocation the POSIX driver would honour and MPI-IO does not). -1 on failure; H5Pclose it. */
hid_t snn_h5_mpio_access(MPI_Comm comm);

/* A collective MPI-IO transfer property list. -1 on failure; H5Pclose it. */
hid_t snn_h5_mpio_transfer(void);

/* File access for a file that every rank of comm creates or opens together: MPI-IO when comm
 * has several ranks; on one rank the POSIX driver, which writes the same bytes with a fraction
 * of the system calls (it gathers the small metadata writes that MPI-IO issues one by one) and
 * without MPI-IO's lock-test and shared-pointer files. Give its chunked data sets
 * snn_h5_no_chunk_cache: MPI-IO bypasses the cache, the POSIX driver would hold whole chunks in
 * it and write them out at close. -1 on failure. */
hid_t snn_h5_file_access(MPI_Comm comm);

/* The transfer property list for such a file: collective MPI-IO on several ranks, the default
 * on one (the POSIX driver refuses MPI-IO transfers). -1 on failure; H5Pclose it. */
hid_t snn_h5_transfer(MPI_Comm comm);

/* Data set access without a chunk cache: every write goes straight to the file, as MPI-IO's
 * do, rather than whole chunks (256 KB each in the spike file) from the cache at close. -1 on
 * failure; H5Pclose it. */
hid_t snn_h5_no_chunk_cache(void);

#endif
