/* tt_internal.h: definitions shared by the runtime's .c files (not part of the public API). */
#ifndef TT_INTERNAL_H
#define TT_INTERNAL_H

#include "tt_runtime.h"

/* TT_COMPILE_AVX512 / TT_COMPILE_AVX2: whether a path is compiled into this build. The TTRuntime
 * library compiles every path the architecture has; a model library only the one its build flags
 * (-march=native) enable. */
#if defined(__x86_64__) && (defined(TT_RUNTIME_LIBRARY) || (defined(__AVX512F__) && defined(__AVX512BW__) && \
                                                            defined(__AVX512DQ__) && defined(__AVX512VL__)))
#define TT_COMPILE_AVX512 1
#else
#define TT_COMPILE_AVX512 0
#endif
#if defined(__x86_64__) && (defined(TT_RUNTIME_LIBRARY) || (defined(__AVX2__) && defined(__FMA__)))
#define TT_COMPILE_AVX2 1
#else
#define TT_COMPILE_AVX2 0
#endif
/* The portable path is only needed where no wider one is certain to run. */
#if defined(TT_RUNTIME_LIBRARY) || !(TT_COMPILE_AVX2 || TT_COMPILE_AVX512)
#define TT_COMPILE_PORTABLE 1
#else
#define TT_COMPILE_PORTABLE 0
#endif

#define TT_ALWAYS_INLINE static inline __attribute__((always_inline))

#endif /* TT_INTERNAL_H */
