/* tt_internal.h: definitions shared by the runtime's .c files (not part of the public API). */
#ifndef TT_INTERNAL_H
#define TT_INTERNAL_H

#include "tt_runtime.h"

/* TT_COMPILE_AVX512 / TT_COMPILE_AVX2: whether a path is compiled into this build. The TTRuntime
 * library compiles every path the architecture has; a model library only the widest one its build
 * flags (-march=native) enable. */
#if defined(__x86_64__) && (defined(TT_RUNTIME_LIBRARY) || (defined(__AVX512F__) && defined(__AVX512BW__) && \
                                                            defined(__AVX512DQ__) && defined(__AVX512VL__)))
#define TT_COMPILE_AVX512 1
#else
#define TT_COMPILE_AVX512 0
#endif
#if defined(__x86_64__) && (defined(TT_RUNTIME_LIBRARY) || (defined(__AVX2__) && defined(__FMA__) && !TT_COMPILE_AVX512))
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

/* ---- Choosing a path ---- */

/* TT_IF_AVX512(code), TT_IF_AVX2(code), TT_IF_PORTABLE(code): `code` where this build compiles that
 * path, nothing where it does not. */
#if TT_COMPILE_AVX512
#define TT_IF_AVX512(...) __VA_ARGS__
#else
#define TT_IF_AVX512(...)
#endif
#if TT_COMPILE_AVX2
#define TT_IF_AVX2(...) __VA_ARGS__
#else
#define TT_IF_AVX2(...)
#endif
#if TT_COMPILE_PORTABLE
#define TT_IF_PORTABLE(...) __VA_ARGS__
#else
#define TT_IF_PORTABLE(...)
#endif

/* TT_TARGET_avx512, TT_TARGET_avx2, TT_TARGET_portable: the function attribute that enables a path's
 * instructions (none for the portable path). F16C (float16 conversions) comes with both: the AVX2
 * path runs only where tt_cpu_features finds it, and AVX-512F implies it. */
#define TT_TARGET_avx512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma,f16c")))
#define TT_TARGET_avx2 __attribute__((target("avx2,fma,f16c")))
#define TT_TARGET_portable

/* TT_FOR_EACH_PATH(DEFINE): DEFINE(avx512) DEFINE(avx2) DEFINE(portable), each only where this build
 * compiles that path. DEFINE(suffix) defines a kernel's functions for one path: named
 * <kernel>_##suffix, with the attribute TT_TARGET_##suffix, so that TT_DISPATCH finds them. */
#define TT_FOR_EACH_PATH(DEFINE) TT_IF_AVX512(DEFINE(avx512)) TT_IF_AVX2(DEFINE(avx2)) TT_IF_PORTABLE(DEFINE(portable))

/* TT_PATH_ISA_##suffix: the tt_isa of a path's suffix, for a DEFINE that needs it as a value. */
#define TT_PATH_ISA_avx512 TT_ISA_AVX512
#define TT_PATH_ISA_avx2 TT_ISA_AVX2
#define TT_PATH_ISA_portable TT_ISA_PORTABLE

/* `isa` where it runs in this process, tt_best_isa() otherwise. */
static inline tt_isa tt_runnable_isa(tt_isa isa) { return tt_isa_available(isa) ? isa : tt_best_isa(); }

/* TT_DISPATCH(isa, kernel, arguments…): calls kernel_avx512, kernel_avx2 or kernel_portable with the
 * arguments, whichever tt_runnable_isa(isa) names (the result, if any, is discarded). A path this
 * build does not compile falls through to the next narrower one; tt_isa_available knows what is
 * compiled, so the fall-through only keeps the switch exhaustive. */
#define TT_DISPATCH(isa, kernel, ...)                                                                        \
  do {                                                                                                       \
    switch (tt_runnable_isa(isa)) {                                                                          \
    case TT_ISA_AVX512: TT_IF_AVX512(kernel##_avx512(__VA_ARGS__); break;)                                   \
    case TT_ISA_AVX2: TT_IF_AVX2(kernel##_avx2(__VA_ARGS__); break;)                                         \
    case TT_ISA_PORTABLE: TT_IF_PORTABLE(kernel##_portable(__VA_ARGS__);) break;                             \
    }                                                                                                        \
  } while (0)

/* ---- Worker threads (tt_threads.c) ---- */

/* Runs task(context, i) for i in [0, tasks) on the pool's threads (inline with one thread, or
 * while another region runs); returns when all are done. */
TT_API void tt_parallel_for(int64_t tasks, void (*task)(void *context, int64_t index), void *context);

/* Whether the calling thread is running a task of tt_parallel_for: its kernels then stay on it. */
TT_API int tt_in_parallel_task(void);

/* The calling thread's own scratch of at least `floats` (64-byte aligned, reused between calls). */
TT_API float *tt_thread_scratch(int64_t floats);

/* x = activation(x) for the activations the tiles leave for later (all but none and ReLU). */
static inline void tt_activate_row(float *x, int64_t n, int activation) {
  switch (activation) {
  case TT_ACT_NONE: return;
  case TT_ACT_RELU:
    for (int64_t j = 0; j < n; j++) x[j] = x[j] > 0.0f ? x[j] : 0.0f;
    return;
  case TT_ACT_SIGMOID:
    for (int64_t j = 0; j < n; j++) x[j] = tt_sigmoidf(x[j]);
    return;
  case TT_ACT_TANH:
    for (int64_t j = 0; j < n; j++) x[j] = tt_tanhf(x[j]);
    return;
  case TT_ACT_GELU_TANH:
    for (int64_t j = 0; j < n; j++) x[j] = tt_gelu_tanh(x[j]);
    return;
  case TT_ACT_GELU_ERF:
    for (int64_t j = 0; j < n; j++) x[j] = tt_gelu_erf(x[j]);
    return;
  case TT_ACT_EXP:
    for (int64_t j = 0; j < n; j++) x[j] = tt_expf(x[j]);
    return;
  }
}

/* The output positions o in [0, count) whose input position o * stride + offset lies in [0, size):
 * sets [*lo, *hi). */
static inline void tt_valid_range(int64_t offset, int64_t stride, int64_t size, int64_t count, int64_t *lo,
                                  int64_t *hi) {
  int64_t first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  int64_t end = size - 1 - offset < 0 ? 0 : (size - 1 - offset) / stride + 1;
  if (end > count) end = count;
  if (first > end) first = end;
  *lo = first;
  *hi = end;
}

/* TT_MAX_POOL_PLANES(T, LOWEST, MAX, x, y, nc, h, w, kh, kw, sh, sw, ph, pw, oh, ow): max pooling of
 * nc planes of T (NCHW), the one loop of the f32 (tt_nn.c) and int8 (tt_qconv.c) kernels: each output
 * row starts at LOWEST (padding never wins) and takes acc = MAX(tap, acc) with every tap's row of
 * inputs in turn, over the output columns whose input exists (tt_valid_range), in loops the
 * compiler vectorizes (strides 1 and 2 apart). */
#define TT_MAX_POOL_PLANES(T, LOWEST, MAX, x, y, nc, h, w, kh, kw, sh, sw, ph, pw, oh, ow)                     \
  do {                                                                                                       \
    for (int64_t p_ = 0; p_ < (nc); p_++) {                                                                  \
      const T *plane_ = (x) + p_ * (h) * (w);                                                                \
      for (int64_t oy_ = 0; oy_ < (oh); oy_++) {                                                             \
        T *dst_ = (y) + (p_ * (oh) + oy_) * (ow);                                                            \
        for (int64_t ox_ = 0; ox_ < (ow); ox_++) dst_[ox_] = (LOWEST);                                       \
        for (int64_t ki_ = 0; ki_ < (kh); ki_++) {                                                           \
          int64_t iy_ = oy_ * (sh) - (ph) + ki_;                                                             \
          if (iy_ < 0 || iy_ >= (h)) continue;                                                               \
          for (int64_t kj_ = 0; kj_ < (kw); kj_++) {                                                         \
            int64_t lo_, hi_;                                                                                \
            tt_valid_range(kj_ - (pw), (sw), (w), (ow), &lo_, &hi_);                                         \
            const T *src_ = plane_ + iy_ * (w) + kj_ - (pw);                                                 \
            if ((sw) == 1) {                                                                                 \
              for (int64_t ox_ = lo_; ox_ < hi_; ox_++) dst_[ox_] = MAX(src_[ox_], dst_[ox_]);               \
            } else if ((sw) == 2) {                                                                          \
              for (int64_t ox_ = lo_; ox_ < hi_; ox_++) dst_[ox_] = MAX(src_[2 * ox_], dst_[ox_]);           \
            } else {                                                                                         \
              for (int64_t ox_ = lo_; ox_ < hi_; ox_++) dst_[ox_] = MAX(src_[ox_ * (sw)], dst_[ox_]);        \
            }                                                                                                \
          }                                                                                                  \
        }                                                                                                    \
      }                                                                                                      \
    }                                                                                                        \
  } while (0)

#endif /* TT_INTERNAL_H */
