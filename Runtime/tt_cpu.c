/* tt_cpu.c: the CPU's instruction-set features, and which path the kernels take.
 *
 * tt_cpu_features asks the CPU once (cpuid, plus xgetbv: the OS must save the wide registers), in
 * every build; it is the one source of feature checks. In the TTRuntime library
 * (TT_RUNTIME_LIBRARY) every path is compiled and tt_best_isa derives from those features (capped
 * by TT_ISA). In a model library the build flags decide: -march=native defines __AVX512F__ /
 * __AVX2__ for this machine, and only that path is compiled (tt_gemm.c), which keeps compile times
 * down; kernels that carry every path themselves (the int8 GEMM) still ask tt_cpu_features.
 */
#include "tt_internal.h"

#include <stdlib.h>

#if defined(__x86_64__)
#include <cpuid.h>

static unsigned tt_detect_features(void) {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
  int fma = (ecx >> 12) & 1, osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1, f16c = (ecx >> 29) & 1;
  if (!osxsave || !avx) return 0;
  unsigned xcr0_lo, xcr0_hi;
  __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
  if ((xcr0_lo & 0x6) != 0x6) return 0; /* the OS saves SSE and AVX state */
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
  unsigned features = 0;
  if (((ebx >> 5) & 1) && fma && f16c) features |= TT_CPU_AVX2;
  int avx512 = ((ebx >> 16) & 1) && ((ebx >> 17) & 1) && ((ebx >> 30) & 1) && ((ebx >> 31) & 1); /* F DQ BW VL */
  if ((features & TT_CPU_AVX2) && avx512 && (xcr0_lo & 0xe6) == 0xe6) { /* opmask and ZMM state saved */
    features |= TT_CPU_AVX512;
    if ((ecx >> 11) & 1) features |= TT_CPU_AVX512_VNNI;
  }
  return features;
}
#else
static unsigned tt_detect_features(void) { return 0; }
#endif

TT_API unsigned tt_cpu_features(void) {
  /* A benign race: every thread computes the same value. */
  static int cached = -1;
  int features = __atomic_load_n(&cached, __ATOMIC_RELAXED);
  if (features < 0) {
    features = (int)tt_detect_features();
    __atomic_store_n(&cached, features, __ATOMIC_RELAXED);
  }
  return (unsigned)features;
}

#if defined(TT_RUNTIME_LIBRARY)
/* The environment variable TT_ISA (portable, avx2, avx512) caps the path, so that tests and
 * benchmarks can run every engine on a narrower path than the CPU's best. */
static tt_isa tt_isa_cap(tt_isa detected) {
  const char *cap = getenv("TT_ISA");
  if (!cap) return detected;
  tt_isa wanted = strcmp(cap, "portable") == 0 ? TT_ISA_PORTABLE
                  : strcmp(cap, "avx2") == 0   ? TT_ISA_AVX2
                                               : detected;
  return wanted < detected ? wanted : detected;
}

TT_API tt_isa tt_best_isa(void) {
  /* A benign race: every thread computes the same value. */
  static int cached = -1;
  int isa = __atomic_load_n(&cached, __ATOMIC_RELAXED);
  if (isa < 0) {
    unsigned features = tt_cpu_features();
    tt_isa detected = (features & TT_CPU_AVX512) ? TT_ISA_AVX512
                      : (features & TT_CPU_AVX2) ? TT_ISA_AVX2
                                                 : TT_ISA_PORTABLE;
    isa = (int)tt_isa_cap(detected);
    __atomic_store_n(&cached, isa, __ATOMIC_RELAXED);
  }
  return (tt_isa)isa;
}
#else
TT_API tt_isa tt_best_isa(void) {
  if (TT_COMPILE_AVX512) return TT_ISA_AVX512;
  if (TT_COMPILE_AVX2) return TT_ISA_AVX2;
  return TT_ISA_PORTABLE;
}
#endif

TT_API int tt_isa_available(tt_isa isa) {
  switch (isa) {
  case TT_ISA_PORTABLE: return 1;
  case TT_ISA_AVX2: return TT_COMPILE_AVX2 && tt_best_isa() >= TT_ISA_AVX2;
  case TT_ISA_AVX512: return TT_COMPILE_AVX512 && tt_best_isa() >= TT_ISA_AVX512;
  }
  return 0;
}
