/*
 * vector_clones.h — SNN_VECTOR_CLONES, for the hot loops over contiguous arrays (internal).
 *
 * A function so marked is compiled once per vector width (AVX-512 as x86-64-v4: F, BW, DQ, VL
 * and CD, which every AVX-512 server CPU since Skylake-SP has; AVX2; the x86-64 baseline) and
 * the widest the CPU has is picked when the program starts, so one binary runs anywhere. With
 * BW and VL a comparison's mask becomes bytes directly (the threshold flags) instead of through
 * chains of packs.
 * Exact IEEE arithmetic with no contraction into fused multiply-adds (-ffp-contract=off,
 * CMakeLists.txt): every width gives the same bits.
 */
#ifndef SNN_VECTOR_CLONES_H
#define SNN_VECTOR_CLONES_H

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SNN_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define SNN_VECTOR_CLONES
#endif

#endif
