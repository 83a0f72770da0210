/* tt_peak.c: this machine's limits, measured (for `ttc peak`; TTRuntime library only).
 *
 * fp32 peak: independent chains of vector multiply-adds (enough to cover the FMA latency on every
 * port), on one thread, with the widest path the CPU runs. Memory bandwidth: the sum of a buffer
 * far larger than the caches, read with vector loads. Each repetition is timed by the thread's CPU
 * time (CLOCK_THREAD_CPUTIME_ID), so time spent descheduled on a busy machine does not count, and
 * each figure is the best of the repetitions that fit the time given (wall-clock).
 */
#include "tt_internal.h"

#ifdef TT_RUNTIME_LIBRARY
#include <stdlib.h>
#include <time.h>

static double tt_seconds(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Runs `measure` (which returns the work it did) until `seconds` of wall-clock time have passed,
 * at least once; returns the best rate, work per second of the thread's CPU time. */
static double tt_best_rate(double seconds, double (*measure)(void *context), void *context) {
  double best = 0.0, end = tt_seconds(CLOCK_MONOTONIC) + seconds;
  do {
    double start = tt_seconds(CLOCK_THREAD_CPUTIME_ID);
    double work = measure(context);
    double elapsed = tt_seconds(CLOCK_THREAD_CPUTIME_ID) - start;
    double rate = elapsed > 0.0 ? work / elapsed : 0.0;
    best = rate > best ? rate : best;
  } while (tt_seconds(CLOCK_MONOTONIC) < end);
  return best;
}

/* Floats per vector and independent chains of each path. */
#define TT_PEAK_WIDTH_avx512 16
#define TT_PEAK_CHAINS_avx512 16
#define TT_PEAK_WIDTH_avx2 8
#define TT_PEAK_CHAINS_avx2 12
#define TT_PEAK_WIDTH_portable 4
#define TT_PEAK_CHAINS_portable 8

/* The number of multiply-add rounds per repetition: about 20 ms on AVX-512 at 100 GFLOP/s, far
 * above the CPU-time clock's resolution. */
#define TT_PEAK_ITERATIONS ((int64_t)1 << 22)

/* What a measurement reads and writes through volatile accesses, so that nothing is optimized away. */
typedef struct {
  volatile float seed, sink;
  const float *buffer;
  size_t count;
} tt_peak_context;

/* tt_peak_loop_<path>(context): TT_PEAK_ITERATIONS rounds of CHAINS multiply-adds on W-float vectors
 * from the context's seed; adds a value that depends on all of them to its sink; returns the
 * floating-point operations done. */
#define TT_PEAK_LOOP(suffix, W, CHAINS)                                                                      \
  static TT_TARGET_##suffix double tt_peak_loop_##suffix(void *context) {                                    \
    tt_peak_context *c = context;                                                                            \
    typedef float vec __attribute__((vector_size(W * 4)));                                                   \
    float seed = c->seed;                                                                                    \
    vec acc[CHAINS], x = (vec){0} + seed, y = (vec){0} + 0.5f * seed;                                        \
    for (int j = 0; j < CHAINS; j++) acc[j] = (vec){0} + (float)j;                                          \
    for (int64_t i = 0; i < TT_PEAK_ITERATIONS; i++) {                                                       \
      for (int j = 0; j < CHAINS; j++) acc[j] = acc[j] * x + y;                                              \
    }                                                                                                        \
    vec sum = (vec){0};                                                                                      \
    for (int j = 0; j < CHAINS; j++) sum += acc[j];                                                          \
    c->sink += sum[0];                                                                                       \
    return (double)TT_PEAK_ITERATIONS * CHAINS * W * 2.0;                                                    \
  }
#define TT_PEAK_PATH(suffix) TT_PEAK_LOOP(suffix, TT_PEAK_WIDTH_##suffix, TT_PEAK_CHAINS_##suffix)
TT_FOR_EACH_PATH(TT_PEAK_PATH)
#undef TT_PEAK_PATH
#undef TT_PEAK_LOOP

TT_API double tt_peak_fma_gflops(tt_isa isa, double seconds) {
  tt_peak_context context = {.seed = 0.999999f};
  double (*loop)(void *) = 0;
  switch (tt_runnable_isa(isa)) { /* as TT_DISPATCH, but the loop is timed by tt_best_rate */
  case TT_ISA_AVX512: TT_IF_AVX512(loop = tt_peak_loop_avx512; break;)
  case TT_ISA_AVX2: TT_IF_AVX2(loop = tt_peak_loop_avx2; break;)
  case TT_ISA_PORTABLE: TT_IF_PORTABLE(loop = tt_peak_loop_portable;) break;
  }
  return tt_best_rate(seconds, loop, &context) * 1e-9;
}

/* Sums the context's buffer with 16 running sums (vector loads); returns the bytes read. */
static double tt_peak_read(void *context) {
  tt_peak_context *c = context;
  float part[16] = {0};
  for (size_t i = 0; i < c->count; i += 16) {
    for (int u = 0; u < 16; u++) part[u] += c->buffer[i + u];
  }
  for (int u = 0; u < 16; u++) c->sink += part[u];
  return (double)(c->count * sizeof(float));
}

TT_API double tt_peak_read_gbs(double seconds) {
  size_t count = (size_t)64 << 20; /* 256 MiB of floats */
  float *buffer = malloc(count * sizeof(float));
  if (!buffer) return 0.0;
  for (size_t i = 0; i < count; i++) buffer[i] = (float)(i & 7);
  tt_peak_context context = {.buffer = buffer, .count = count};
  double rate = tt_best_rate(seconds, tt_peak_read, &context);
  free(buffer);
  return rate * 1e-9;
}
#endif
