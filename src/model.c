/*
 * model.c — helpers over the network description (see include/snn/model.h).
 */
#include "snn/model.h"

#include "snn/record_spec.h"

#include <stdlib.h>
#include <string.h>

void snn_model_free(snn_model *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->n_projs; i++) {
        free(m->projs[i].pre);
        free(m->projs[i].post);
        free(m->projs[i].file);
        free(m->projs[i].file_population);
    }
    free(m->projs);
    for (int i = 0; i < m->n_inputs; i++) {
        free(m->inputs[i].times);
        free(m->inputs[i].amplitudes);
    }
    free(m->inputs);
    snn_recorder_specs_free(m->recorders, m->n_recorders);
    free(m->pops);
    memset(m, 0, sizeof *m);
}

int snn_model_pop_of(const snn_model *m, uint64_t gid)
{
    int lo = 0, hi = m->n_pops - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (m->pops[mid].offset <= gid)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}
