/*
 * real.h — the floating type of model state.
 *
 * State is float by default, as in BrainState; configure with -DSNN_DOUBLE=ON for double.
 * Parameters are parsed and validated in double and converted once when the network is built.
 */
#ifndef SNN_REAL_H
#define SNN_REAL_H

#ifdef SNN_USE_DOUBLE
typedef double snn_real;
#define SNN_REAL_NAME "double"
#define SNN_EXPM1 expm1
#else
typedef float snn_real;
#define SNN_REAL_NAME "single"
#define SNN_EXPM1 expm1f
#endif

#endif
