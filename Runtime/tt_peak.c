/* tt_peak.c: this machine's limits, measured (for `ttc peak`; TTRuntime library only).
 *
 * fp32 peak: independent chains of vector multiply-adds (enough to cover the FMA latency on every
 * port), on one thread, with the widest path the CPU runs. Memory bandwidth: the sum of a buffer
 * far larger than the caches, read with vector loads. Each reports the best of several repetitions,
 * so that a busy machine's interruptions do not count.
 */
#include "tt_internal.h"

#ifdef TT_RUNTIME_LIBRARY
#include <stdlib.h>
#include <time.h>

static double tt_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* `iterations` rounds of CHAINS multiply-adds on W-float vectors; adds a value that depends on all of
 * them to *sink, so that nothing is optimized away. */
#define TT_PEAK_LOOP(NAME, TARGET, W, CHAINS)                                                                \
  TARGET static void NAME(int64_t iterations, float seed, volatile float *sink) {                            \
    typedef float vec __attribute__((vector_size(W * 4)));                                                   \
    vec acc[CHAINS], x = (vec){0} + seed, y = (vec){0} + 0.5f * seed;                                        \
    for (int j = 0; j < CHAINS; j++) acc[j] = (vec){0} + (float)j;                                           \
    for (int64_t i = 0; i < iterations; i++) {                                                               \
      for (int j = 0; j < CHAINS; j++) acc[j] = acc[j] * x + y;                                              \
    }                                                                                                        \
    vec sum = (vec){0};                                                                                      \
    for (int j = 0; j < CHAINS; j++) sum += acc[j];                                                          \
    *sink += sum[0];                                                                                         \
  }

#if TT_COMPILE_AVX512
TT_PEAK_LOOP(tt_peak_loop_avx512, __attribute__((target("avx512f,fma"))), 16, 16)
#endif
#if TT_COMPILE_AVX2
TT_PEAK_LOOP(tt_peak_loop_avx2, __attribute__((target("avx2,fma"))), 8, 12)
#endif
#if TT_COMPILE_PORTABLE
TT_PEAK_LOOP(tt_peak_loop_portable, , 4, 8)
#endif

TT_API double tt_peak_fma_gflops(tt_isa isa, double seconds) {
  isa = tt_runnable_isa(isa);
  int width = isa == TT_ISA_AVX512 ? 16 : isa == TT_ISA_AVX2 ? 8 : 4;
  int chains = isa == TT_ISA_AVX512 ? 16 : isa == TT_ISA_AVX2 ? 12 : 8;
  volatile float seed = 0.999999f, sink = 0.0f;
  int64_t iterations = 1 << 20;
  double best = 0.0, end = tt_seconds() + seconds;
  do {
    double start = tt_seconds();
    TT_DISPATCH(isa, tt_peak_loop, iterations, seed, &sink);
    double rate = (double)iterations * chains * width * 2.0 / (tt_seconds() - start) * 1e-9;
    best = rate > best ? rate : best;
  } while (tt_seconds() < end);
  (void)sink;
  return best;
}

TT_API double tt_peak_read_gbs(double seconds) {
  size_t count = (size_t)64 << 20; /* 256 MiB of floats */
  float *buffer = malloc(count * sizeof(float));
  if (!buffer) return 0.0;
  for (size_t i = 0; i < count; i++) buffer[i] = (float)(i & 7);
  volatile float sink = 0.0f;
  double best = 0.0, end = tt_seconds() + seconds;
  do {
    double start = tt_seconds();
    float part[16] = {0};
    for (size_t i = 0; i < count; i += 16) {
      for (int u = 0; u < 16; u++) part[u] += buffer[i + u];
    }
    double rate = (double)(count * sizeof(float)) / (tt_seconds() - start) * 1e-9;
    for (int u = 0; u < 16; u++) sink += part[u];
    best = rate > best ? rate : best;
  } while (tt_seconds() < end);
  free(buffer);
  (void)sink;
  return best;
}
#endif
