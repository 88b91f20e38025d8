/*
 * launch.h — choices made before MPI_Init from how the job was launched.
 *
 * Open MPI 4.1 (Debian 12) probes its network transports in MPI_Init: the cm PML opens
 * libfabric and UCX, which costs about 0.2 s per process even where neither finds a network
 * (measured: `mpirun -n 1` of an empty MPI program 0.35 s, 0.13 s with OMPI_MCA_pml=ob1). When
 * every rank of the job is on one node the shared-memory transport (PML ob1 with the vader BTL)
 * is all the job can use, so snn_mpi asks for ob1 there, unless the user chose a PML.
 */
#ifndef SNN_LAUNCH_H
#define SNN_LAUNCH_H

/* 1 when the launcher's variables say that every rank runs on this node: Open MPI's mpirun
 * (OMPI_COMM_WORLD_SIZE equal to OMPI_COMM_WORLD_LOCAL_SIZE), else SLURM's srun
 * (SLURM_STEP_NUM_NODES equal to 1), else no launcher at all (a singleton). 0 when they say
 * otherwise or cannot be read as counts. Arguments are the variables' values, NULL when unset. */
int snn_launch_single_node(const char *ompi_world_size, const char *ompi_local_size,
                           const char *slurm_step_nodes);

/* Before MPI_Init: sets OMPI_MCA_pml=ob1 in this process's environment when the job is on one
 * node (above) and OMPI_MCA_pml is unset. Returns a note for the run's summary, or NULL when it
 * changed nothing. */
const char *snn_launch_prefer_shared_memory(void);

#endif
