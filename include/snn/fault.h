/*
 * fault.h — injected faults, for the tests of what happens when one rank fails.
 *
 * Only a build configured with -DSNN_FAULT_INJECTION=ON (tools/test.sh's test build) reads the
 * environment variable SNN_FAULT="point:rank" or "step:rank:n"; every other build compiles these
 * checks to a constant 0. Points:
 *   config  this rank reads a different config file (its hash is altered)
 *   output  this rank cannot write to the output directory
 *   alloc   an allocation of the network build fails on this rank
 *   hdf5    an HDF5 write of the spike file fails on this rank
 *   record  an HDF5 write of a recorder's report file fails on this rank
 *   step    this rank fails during step n of the simulation
 *   sigterm this rank raises SIGTERM in step n ("sigterm:rank:n"), as if SLURM had sent it
 *   checkpoint  writing the checkpoint of step n fails on this rank ("checkpoint:rank:n")
 */
#ifndef SNN_FAULT_H
#define SNN_FAULT_H

#include <stdint.h>

#ifdef SNN_FAULT_INJECTION
/* 1 when SNN_FAULT names this point and rank (and, for "step", this step). */
int snn_fault_here(const char *point, int rank, uint64_t step);
#else
static inline int snn_fault_here(const char *point, int rank, uint64_t step)
{
    (void)point;
    (void)rank;
    (void)step;
    return 0;
}
#endif

#endif
