/*
 * test_launch.c — the launch checks of include/snn/launch.h: which launcher variables mean
 * "every rank on this node", and that snn_launch_prefer_shared_memory asks Open MPI for the
 * shared-memory PML there and nowhere else, never over a PML the user chose.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snn/launch.h"

static void test_open_mpi_variables(void **state)
{
    (void)state;
    assert_int_equal(snn_launch_single_node("4", "4", NULL), 1);
    assert_int_equal(snn_launch_single_node("1", "1", NULL), 1);
    assert_int_equal(snn_launch_single_node("8", "4", NULL), 0);  /* two nodes */
    assert_int_equal(snn_launch_single_node("8", "4", "1"), 0);   /* mpirun's word counts */
    assert_int_equal(snn_launch_single_node("4", NULL, NULL), 0); /* half-set: unknown */
    assert_int_equal(snn_launch_single_node(NULL, "4", NULL), 0);
    assert_int_equal(snn_launch_single_node("4x", "4x", NULL), 0); /* not counts */
    assert_int_equal(snn_launch_single_node("", "", NULL), 0);
    assert_int_equal(snn_launch_single_node("-4", "-4", NULL), 0);
    assert_int_equal(snn_launch_single_node("0", "0", NULL), 0);
}

static void test_slurm_and_singleton(void **state)
{
    (void)state;
    assert_int_equal(snn_launch_single_node(NULL, NULL, "1"), 1);
    assert_int_equal(snn_launch_single_node(NULL, NULL, "2"), 0);
    assert_int_equal(snn_launch_single_node(NULL, NULL, "one"), 0);
    assert_int_equal(snn_launch_single_node(NULL, NULL, NULL), 1); /* no launcher */
}

static void clear_launch_env(void)
{
    unsetenv("OMPI_MCA_pml");
    unsetenv("OMPI_COMM_WORLD_SIZE");
    unsetenv("OMPI_COMM_WORLD_LOCAL_SIZE");
    unsetenv("SLURM_STEP_NUM_NODES");
}

static void test_sets_ob1_on_one_node(void **state)
{
    (void)state;
    clear_launch_env();
    setenv("OMPI_COMM_WORLD_SIZE", "2", 1);
    setenv("OMPI_COMM_WORLD_LOCAL_SIZE", "2", 1);
    const char *note = snn_launch_prefer_shared_memory();
    assert_non_null(note);
    assert_non_null(strstr(note, "ob1"));
    assert_non_null(getenv("OMPI_MCA_pml"));
    assert_string_equal(getenv("OMPI_MCA_pml"), "ob1");
    /* Called again, the variable is now set: no second note. */
    assert_null(snn_launch_prefer_shared_memory());
    clear_launch_env();
}

static void test_leaves_multi_node_and_user_choice(void **state)
{
    (void)state;
    clear_launch_env();
    setenv("OMPI_COMM_WORLD_SIZE", "16", 1);
    setenv("OMPI_COMM_WORLD_LOCAL_SIZE", "8", 1);
    assert_null(snn_launch_prefer_shared_memory());
    assert_null(getenv("OMPI_MCA_pml"));

    clear_launch_env();
    setenv("OMPI_MCA_pml", "ucx", 1);
    assert_null(snn_launch_prefer_shared_memory()); /* single node, but the user chose */
    assert_string_equal(getenv("OMPI_MCA_pml"), "ucx");
    clear_launch_env();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_mpi_variables),
        cmocka_unit_test(test_slurm_and_singleton),
        cmocka_unit_test(test_sets_ob1_on_one_node),
        cmocka_unit_test(test_leaves_multi_node_and_user_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
