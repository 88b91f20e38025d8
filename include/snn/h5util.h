/*
 * h5util.h — small HDF5 helpers shared by the SONATA network export and the edge-file reader.
 *
 * Errors carry HDF5's own most specific reason ("unable to open file", ...) after snn_mpi's
 * context; string attributes are variable-length UTF-8, as h5py and libsonata write them.
 */
#ifndef SNN_H5UTIL_H
#define SNN_H5UTIL_H

#include <hdf5.h>
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

#endif
