/*
 * connect.h — connectivity rules, generated only where the synapses are stored.
 *
 * fixed_outdegree (EventFixedProb): each pre neuron draws K targets uniformly with replacement
 * from the post index space [0, n_post). The K draws are split over a fixed binary tree of post
 * index ranges by binomial draws keyed by (seed, projection, pre, tree node); a caller descends
 * only into the ranges it owns, and leaves place their draws uniformly. The multiset of targets
 * of a pre neuron is therefore the same whatever ranges the caller owns.
 */
#ifndef SNN_CONNECT_H
#define SNN_CONNECT_H

#include <stddef.h>
#include <stdint.h>

#include "snn/partition.h"

/* Writes into targets (capacity >= K) the targets of pre neuron `pre` that lie in the owned ranges
 * (sorted ascending, disjoint), in ascending order, and returns how many there are. */
uint64_t snn_connect_fixed_outdegree_row(uint32_t seed, uint32_t proj_index, uint64_t pre,
                                         uint64_t n_post, uint64_t K, const snn_range *owned,
                                         int n_owned, uint64_t *targets);

#endif
