/*
 * main.c — the snn_mpi command line. Parses options and calls snn_run; nothing else.
 *
 *   mpirun -n 8 snn_mpi [options] net.cfg
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "snn/error.h"
#include "snn/launch.h"
#include "snn/real.h"
#include "snn/run.h"

static const char usage[] =
    "usage: snn_mpi [options] net.cfg\n"
    "\n"
    "Simulates the spiking network described in net.cfg (libconfig syntax, see docs/config.md)\n"
    "and writes its spikes to <output_dir>/spikes.h5 (SONATA layout).\n"
    "\n"
    "options:\n"
    "  -o, --output DIR   write outputs to DIR instead of the config's run.output_dir\n"
    "  -t, --threads N    OpenMP threads per rank (default: OMP_NUM_THREADS or all cores)\n"
    "  -q, --quiet        no progress line and no summary\n"
    "      --set KEY=VALUE\n"
    "                     override a config value before it is checked (repeatable), e.g.\n"
    "                     --set run.duration=\"1 s\" --set populations.E.size=800\n"
    "                     --set projections.EE.rule.prob=0.1 (list elements by name or [i])\n"
    "      --validate     check the config, print sizes, synapse counts, delays and the\n"
    "                     memory estimate per rank, and exit without building or writing\n"
    "      --summary-json FILE\n"
    "                     write the end-of-run summary as JSON to FILE (also with --quiet)\n"
    "      --export-network DIR\n"
    "                     write the built network to DIR as SONATA nodes and edges (see\n"
    "                     README), then run\n"
    "      --restart FILE continue the run stopped in checkpoint FILE (written on SIGTERM or\n"
    "                     SIGUSR1 to <output_dir>/checkpoint.h5, or every run.checkpoint_every)\n"
    "                     to run.duration; needs the same config file and the stopped run's\n"
    "                     <output_dir>/spikes.h5.partial; any number of ranks and threads\n"
    "      --exchange-every-step\n"
    "                     exchange spikes every step instead of once per minimum delay\n"
    "                     (same results, slower; for checking)\n"
    "  -h, --help         this text\n"
    "  -V, --version      version, precision and library versions\n"
    "\n"
    "exit status: 0 success, 1 usage, 2 configuration, 3 I/O, 4 out of memory, 5 MPI,\n"
    "6 internal error, 7 numerical error (a state became NaN or infinite),\n"
    "8 stopped by SIGTERM or SIGUSR1 after writing a checkpoint (continue with --restart).\n";

static void print_version(void)
{
    unsigned maj, min, rel;
    H5get_libversion(&maj, &min, &rel);
    int mv, ms;
    MPI_Get_version(&mv, &ms);
    printf("snn_mpi %s, %s precision, HDF5 %u.%u.%u (parallel), MPI %d.%d\n", SNN_VERSION,
           SNN_REAL_NAME, maj, min, rel, mv, ms);
}

/* Returns 0 to run, -1 to exit successfully (help, version), or SNN_ERR_USAGE. */
static int parse_args(int argc, char **argv, snn_run_options *o, const char **sets, int rank)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            if (rank == 0)
                fputs(usage, stdout);
            return -1;
        } else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
            if (rank == 0)
                print_version();
            return -1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if (!strcmp(a, "--validate")) {
            o->validate = 1;
        } else if (!strcmp(a, "--set") && i + 1 < argc) {
            const char *kv = argv[++i];
            if (!strchr(kv, '=') || kv[0] == '=') {
                if (rank == 0)
                    fprintf(stderr,
                            "snn_mpi: --set: expected KEY=VALUE (e.g. run.seed=3), got "
                            "\"%s\"\n",
                            kv);
                return 1;
            }
            sets[o->n_overrides++] = kv;
        } else if (!strcmp(a, "--exchange-every-step")) {
            o->exchange_every_step = 1;
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) {
            o->output_dir = argv[++i];
        } else if (!strcmp(a, "--export-network") && i + 1 < argc) {
            o->export_dir = argv[++i];
        } else if (!strcmp(a, "--restart") && i + 1 < argc) {
            o->restart_path = argv[++i];
        } else if (!strcmp(a, "--summary-json") && i + 1 < argc) {
            o->summary_json = argv[++i];
        } else if ((!strcmp(a, "-t") || !strcmp(a, "--threads")) && i + 1 < argc) {
            char *end;
            long n = strtol(argv[++i], &end, 10);
            if (*end || n < 1 || n > 4096) {
                if (rank == 0)
                    fprintf(stderr, "snn_mpi: --threads: expected an integer >= 1, got \"%s\"\n",
                            argv[i]);
                return 1;
            }
            o->n_threads = (int)n;
        } else if (a[0] == '-') {
            if (rank == 0)
                fprintf(stderr, "snn_mpi: unknown or incomplete option \"%s\"\n%s", a, usage);
            return 1;
        } else if (o->config_path) {
            if (rank == 0)
                fprintf(stderr, "snn_mpi: more than one config file (\"%s\", \"%s\")\n",
                        o->config_path, a);
            return 1;
        } else {
            o->config_path = a;
        }
    }
    if (!o->config_path) {
        if (rank == 0)
            fprintf(stderr, "snn_mpi: no config file given\n%s", usage);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *transport = snn_launch_prefer_shared_memory(); /* before MPI_Init */
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    snn_run_options o = {.mpi_transport = transport};
    const char **sets = calloc((size_t)argc, sizeof *sets); /* the --set values, in order */
    int status = sets ? parse_args(argc, argv, &o, sets, rank) : SNN_ERR_NOMEM;
    o.overrides = sets;
    if (status == 0) {
        snn_error err;
        status = snn_run(&o, MPI_COMM_WORLD, &err);
        if (status != 0 && status != SNN_STOPPED && rank == 0)
            fprintf(stderr, "snn_mpi: error: %s\n", err.msg);
    } else if (status < 0) {
        status = 0;
    }
    free(sets);
    MPI_Finalize();
    return status;
}
