/*
 * fault.c — reads SNN_FAULT in fault-injection builds (see include/snn/fault.h). In other builds
 * this file compiles to nothing.
 */
#include "snn/fault.h"

#ifdef SNN_FAULT_INJECTION
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int snn_fault_here(const char *point, int rank, uint64_t step)
{
    const char *spec = getenv("SNN_FAULT");
    if (!spec)
        return 0;
    char name[32];
    int r = -1;
    unsigned long long n = 0;
    int got = sscanf(spec, "%31[a-z0-9]:%d:%llu", name, &r, &n);
    if (got < 2 || strcmp(name, point) != 0 || r != rank)
        return 0;
    int at_step =
        !strcmp(point, "step") || !strcmp(point, "sigterm") || !strcmp(point, "checkpoint");
    return !at_step || (got == 3 && n == step);
}
#else
typedef int snn_fault_unused; /* ISO C forbids an empty translation unit */
#endif
