/*
 * file_hash.h — a 64-bit FNV-1a hash of a file's bytes: "is this the same config file?" across
 * ranks (run.c) and across a checkpoint and its restart (checkpoint.c).
 */
#ifndef SNN_FILE_HASH_H
#define SNN_FILE_HASH_H

#include <stdint.h>

/* FNV-1a of the file's bytes; the empty input's hash if it cannot be read (the config parser
 * reports unreadable files itself). */
uint64_t snn_file_hash(const char *path);

#endif
