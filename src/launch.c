/*
 * launch.c — see include/snn/launch.h.
 */
#include "snn/launch.h"

#include <errno.h>
#include <stdlib.h>

/* A positive count, or 0 when s is not one. */
static unsigned long count_of(const char *s)
{
    if (!s || !*s)
        return 0;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    return (errno || *end || s[0] == '-') ? 0 : v;
}

int snn_launch_single_node(const char *ompi_world_size, const char *ompi_local_size,
                           const char *slurm_step_nodes)
{
    if (ompi_world_size || ompi_local_size) {
        unsigned long world = count_of(ompi_world_size), local = count_of(ompi_local_size);
        return world > 0 && world == local;
    }
    if (slurm_step_nodes)
        return count_of(slurm_step_nodes) == 1;
    return 1;
}

const char *snn_launch_prefer_shared_memory(void)
{
    if (getenv("OMPI_MCA_pml"))
        return NULL;
    if (!snn_launch_single_node(getenv("OMPI_COMM_WORLD_SIZE"),
                                getenv("OMPI_COMM_WORLD_LOCAL_SIZE"),
                                getenv("SLURM_STEP_NUM_NODES")))
        return NULL;
    if (setenv("OMPI_MCA_pml", "ob1", 0) != 0)
        return NULL;
    return "pml ob1 (all ranks on one node; set OMPI_MCA_pml to choose another)";
}
