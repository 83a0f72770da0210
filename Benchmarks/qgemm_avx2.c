/* qgemm_avx2: tt_qgemm on the AVX2 int8 path (unpacked weights: eager Linear, external weights)
 * for runtime builds given as shared objects, side by side in one process: the builds take turns
 * sample by sample, each sample timed by the thread's CPU time; prints the median per shape and
 * the ratio to the first build, and checks every result against a plain integer loop.
 *
 * Usage: qgemm_avx2 LIBRARY.so [LIBRARY.so ...]   (see qgemm_avx2.sh, which builds them) */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef void (*qgemm_fn)(int, int64_t, int64_t, int64_t, const int8_t *, int64_t, const int8_t *, int64_t,
                         const int32_t *, int32_t *, int64_t);

enum { MAX_BUILDS = 4, SAMPLES = 31, TT_INT8_AVX2 = 2 };

static double cpu_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  int builds = argc - 1;
  if (builds < 1 || builds > MAX_BUILDS) {
    fprintf(stderr, "usage: %s LIBRARY.so [up to %d]\n", argv[0], MAX_BUILDS);
    return 2;
  }
  qgemm_fn qgemm[MAX_BUILDS];
  for (int b = 0; b < builds; b++) {
    void *library = dlopen(argv[1 + b], RTLD_NOW | RTLD_LOCAL);
    qgemm[b] = library ? (qgemm_fn)dlsym(library, "tt_qgemm") : 0;
    if (!qgemm[b]) {
      fprintf(stderr, "%s: no tt_qgemm (%s)\n", argv[1 + b], dlerror());
      return 1;
    }
  }
  /* m × n × k: batch 1 and 8 layers, batch 64 and 256 ones, odd sizes. */
  static const int shapes[][3] = {{1, 128, 784}, {1, 512, 512}, {8, 128, 784}, {64, 512, 784}, {256, 128, 64},
                                  {256, 10, 128}, {65, 63, 257}, {3, 17, 17}, {128, 128, 1024}};
  printf("%-16s", "m×n×k");
  for (int b = 0; b < builds; b++) printf("  build %d (µs)", b + 1);
  printf("   median thread CPU time; (ratio to build 1)\n");
  int wrong = 0;
  for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
    int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
    int8_t *a = malloc((size_t)m * k), *w = malloc((size_t)n * k);
    int32_t *expected = malloc(sizeof(int32_t) * m * n), *sums = calloc((size_t)n, sizeof(int32_t));
    int32_t *c[MAX_BUILDS];
    uint32_t state = 7 + (uint32_t)s;
    for (int i = 0; i < m * k; i++) state = state * 1664525u + 1013904223u, a[i] = (int8_t)(state >> 24);
    for (int i = 0; i < n * k; i++) { /* weights in −127…127, as docs/IR.md stores them */
      state = state * 1664525u + 1013904223u;
      w[i] = (int8_t)((int)(state >> 24) % 255 - 127);
    }
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int32_t sum = 0;
        for (int p = 0; p < k; p++) sum += a[i * k + p] * w[j * k + p];
        expected[i * n + j] = sum;
      }
    }
    double operations = 2.0 * m * n * k, times[MAX_BUILDS][SAMPLES];
    int repetitions = (int)(2e8 / operations);
    repetitions = repetitions < 5 ? 5 : repetitions > 20000 ? 20000 : repetitions;
    for (int b = 0; b < builds; b++) c[b] = malloc(sizeof(int32_t) * m * n);
    for (int sample = 0; sample < SAMPLES; sample++) {
      for (int turn = 0; turn < builds; turn++) {
        int b = sample % 2 ? builds - 1 - turn : turn; /* alternate the order */
        double start = cpu_seconds();
        for (int r = 0; r < repetitions; r++) qgemm[b](TT_INT8_AVX2, m, n, k, a, k, w, k, sums, c[b], n);
        times[b][sample] = (cpu_seconds() - start) / repetitions;
      }
    }
    char name[32];
    snprintf(name, sizeof name, "%d×%d×%d", m, n, k);
    printf("%-16s", name);
    double first = 0;
    for (int b = 0; b < builds; b++) {
      int ok = 1;
      for (int i = 0; i < m * n; i++) ok &= c[b][i] == expected[i];
      wrong |= !ok;
      qsort(times[b], SAMPLES, sizeof(double), compare);
      double median = times[b][SAMPLES / 2] * 1e6;
      if (b == 0) first = median;
      printf("  %8.2f", median);
      if (b > 0) printf(" (%.2f)", median / first);
      if (!ok) printf(" WRONG");
    }
    printf("   %.0f GOP/s\n", operations / (times[builds - 1][SAMPLES / 2] * 1e9));
    for (int b = 0; b < builds; b++) free(c[b]);
    free(a), free(w), free(expected), free(sums);
  }
  return wrong;
}
