/*
 * file_hash.c — FNV-1a of a file's bytes (see include/snn/file_hash.h).
 */
#include "snn/file_hash.h"

#include <stdio.h>

uint64_t snn_file_hash(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint64_t h = 1469598103934665603ull;
    int c;
    while (f && (c = fgetc(f)) != EOF)
        h = (h ^ (uint64_t)(unsigned char)c) * 1099511628211ull;
    if (f)
        fclose(f);
    return h;
}
