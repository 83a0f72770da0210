/* kernel_bounds.c: how close the runtime's GEMM comes to this machine's limits on the two MLPs of
 * the peers table (Benchmarks/peers.sh), layer by layer. Built and run by kernel_bounds.sh against
 * the TTRuntime sources (every instruction-set path compiled in, the best one chosen at run time, as
 * in eager mode and the interpreter); weights pre-packed as compiled models embed them.
 *
 * - MLP 64→128→10 at batch 256 is bound by multiply-adds: each layer's time against the time of its
 *   FLOPs at the fp32 peak (tt_peak_fma_gflops, as `ttc peak`).
 * - MLP 784→512→512→10 at batch 1 is bound by reading its weights once per call: the three
 *   products against the time of summing a buffer of the same bytes (which then lives in the same
 *   level of cache as the weights between calls).
 *
 * - softmax and log_softmax over contiguous rows and over rows 16 floats apart (an axis other than
 *   the last), for comparing runtimes (kernel_bounds.sh takes the runtime folder).
 *
 * Times are thread CPU time (a loaded machine's waits do not count), medians of 31 runs.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tt_runtime.h"

double tt_peak_fma_gflops(tt_isa isa, double seconds);

static double cpu_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static float *floats(int64_t count, unsigned seed) {
  float *p = aligned_alloc(64, (size_t)((count * 4 + 63) / 64 * 64));
  for (int64_t i = 0; i < count; i++) {
    seed = seed * 1664525u + 1013904223u;
    p[i] = (float)(seed >> 8) / (float)(1 << 24) - 0.5f;
  }
  return p;
}

typedef struct {
  int64_t k, n;
  float *bias, *packed, *y;
  int relu;
} layer;

static layer make_layer(int64_t m, int64_t k, int64_t n, int relu, unsigned seed) {
  float *w = floats(k * n, seed);
  layer l = {k, n, floats(n, seed + 1), floats(tt_sgemm_packed_b_floats(k, n), 0), floats(m * n, 0), relu};
  tt_sgemm_pack_b(k, n, w, n, l.packed);
  free(w);
  return l;
}

static float *scratch;

/* Runs layers [first, last) on x (m rows). */
static void run(layer *layers, int first, int last, int64_t m, const float *x) {
  for (int i = first; i < last; i++) {
    tt_epilogue e = {layers[i].bias, 0, 0, 0, layers[i].relu ? TT_ACT_RELU : TT_ACT_NONE};
    tt_sgemm_packed_b(m, layers[i].n, layers[i].k, x, layers[i].k, 0, layers[i].packed, layers[i].y, layers[i].n,
                      &e, scratch);
    x = layers[i].y;
  }
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Median seconds of one call of f(context), over 31 runs of enough calls for ~1 ms. */
static double median_seconds(void (*f)(void *), void *context) {
  f(context);
  double start = cpu_seconds();
  f(context);
  double once = cpu_seconds() - start;
  int calls = (int)(1e-3 / (once > 1e-7 ? once : 1e-7)) + 1;
  double samples[31];
  for (int r = 0; r < 31; r++) {
    start = cpu_seconds();
    for (int c = 0; c < calls; c++) f(context);
    samples[r] = (cpu_seconds() - start) / calls;
  }
  qsort(samples, 31, sizeof(double), compare);
  return samples[15];
}

typedef struct {
  layer *layers;
  int first, last;
  int64_t m;
  const float *x;
} job;

static void run_job(void *context) {
  job *j = context;
  run(j->layers, j->first, j->last, j->m, j->x);
}

typedef struct {
  const float *buffer;
  int64_t count;
  volatile float sink;
} read_job;

/* Σ buffer in 64 partial sums (four vectors of 16, so that the additions' latency does not bound
 * the loads): one pass of reading. */
static void read_all(void *context) {
  read_job *r = context;
  float part[64] = {0};
  for (int64_t i = 0; i + 64 <= r->count; i += 64) {
    for (int u = 0; u < 64; u++) part[u] += r->buffer[i + u];
  }
  for (int u = 0; u < 64; u++) r->sink += part[u];
}

typedef struct {
  const float *x;
  float *y;
  int64_t outer, len, inner;
  int log;
} softmax_job;

static void run_softmax(void *context) {
  softmax_job *j = context;
  tt_softmax(j->x, j->y, j->outer, j->len, j->inner, j->log);
}

int main(void) {
  scratch = floats(16 << 20, 0);
  const char *paths[] = {"portable", "avx2", "avx512"};
  double peak = tt_peak_fma_gflops(tt_best_isa(), 1.0);
  printf("path %s, fp32 peak %.1f GFLOP/s (1 thread)\n\n", paths[tt_best_isa()], peak);

  /* MLP 64→128→10, batch 256. */
  int64_t m = 256;
  layer small[2] = {make_layer(m, 64, 128, 1, 1), make_layer(m, 128, 10, 0, 3)};
  float *x = floats(m * 64, 5);
  printf("MLP 64→128→10, batch 256 (time; GFLOP/s; time of its FLOPs at the peak):\n");
  double total_flops = 0;
  for (int i = 0; i <= 2; i++) {
    job j = {small, i == 2 ? 0 : i, i == 2 ? 2 : i + 1, m, i == 1 ? small[0].y : x};
    double flops = 0;
    for (int l = j.first; l < j.last; l++) flops += 2.0 * (double)(m * small[l].k * small[l].n);
    if (i < 2) total_flops += flops;
    double t = median_seconds(run_job, &j);
    printf("  %-12s %7.2f µs  %6.1f GFLOP/s  at peak %6.2f µs\n",
           i == 2 ? "both layers" : i == 0 ? "64→128 relu" : "128→10", t * 1e6, flops / t * 1e-9,
           flops / peak * 1e-3);
  }
  printf("  %.2f MFLOP per call\n\n", total_flops * 1e-6);

  /* MLP 784→512→512→10, batch 1. */
  layer big[3] = {make_layer(1, 784, 512, 1, 7), make_layer(1, 512, 512, 1, 9), make_layer(1, 512, 10, 0, 11)};
  float *x1 = floats(784, 13);
  int64_t weight_floats = 0;
  for (int i = 0; i < 3; i++) weight_floats += tt_sgemm_packed_b_floats(big[i].k, big[i].n);
  printf("MLP 784→512→512→10, batch 1 (%.2f MB of packed weights):\n", weight_floats * 4e-6);
  const char *names[] = {"784→512 relu", "512→512 relu", "512→10"};
  for (int i = 0; i <= 3; i++) {
    job j = {big, i == 3 ? 0 : i, i == 3 ? 3 : i + 1, 1, i == 0 || i == 3 ? x1 : big[i - 1].y};
    int64_t bytes = 0;
    for (int l = j.first; l < j.last; l++) bytes += tt_sgemm_packed_b_floats(big[l].k, big[l].n) * 4;
    double t = median_seconds(run_job, &j);
    printf("  %-12s %7.2f µs  weights read at %6.1f GB/s\n", i == 3 ? "all layers" : names[i], t * 1e6,
           (double)bytes / t * 1e-9);
  }
  float *buffer = floats(weight_floats, 17);
  read_job r = {buffer, weight_floats, 0};
  double t = median_seconds(read_all, &r);
  printf("  summing a buffer of the same %.2f MB: %.2f µs, %.1f GB/s (the bound of the layers)\n", weight_floats * 4e-6,
         t * 1e6, weight_floats * 4.0 / t * 1e-9);

  printf("\nsoftmax / log_softmax (64,000 elements):\n");
  float *in = floats(64000, 19), *out = floats(64000, 0);
  int64_t shapes[2][3] = {{64, 1000, 1}, {4, 1000, 16}};
  for (int s = 0; s < 2; s++) {
    for (int log = 0; log <= 1; log++) {
      softmax_job j = {in, out, shapes[s][0], shapes[s][1], shapes[s][2], log};
      printf("  %-11s outer %2lld × len %lld × inner %2lld: %7.2f µs\n", log ? "log_softmax" : "softmax",
             (long long)j.outer, (long long)j.len, (long long)j.inner, median_seconds(run_softmax, &j) * 1e6);
    }
  }
  return 0;
}
