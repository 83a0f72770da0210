/* tt_runtime.h: the kernel library of TinyTorch for Swift (see Runtime/README.md).
 *
 * One C implementation serves every engine:
 * - eager mode and the interpreter call it through the SwiftPM C target TTRuntime, which defines
 *   TT_RUNTIME_LIBRARY: every instruction-set path is compiled in, chosen at run time from the
 *   CPU's features (tt_best_isa);
 * - every compiled model library links it: ttc compiles the runtime's .c files once per runtime
 *   version, compiler and flags into an object (TT_RUNTIME_OBJECT; cached next to the compile
 *   cache), and each model's own translation unit only includes this header. There the build flags
 *   (-march=native) decide the instruction set at compile time and only that path is compiled.
 * Without either macro the kernels are static inline (TT_API), for a translation unit that
 * includes the .c files itself. Math helpers are always static inline so that loops calling them
 * vectorize (clang does not vectorize calls to libm's expf/tanhf).
 */
#ifndef TT_RUNTIME_H
#define TT_RUNTIME_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "tt_model.h"

#if defined(TT_RUNTIME_LIBRARY) || defined(TT_RUNTIME_OBJECT)
#define TT_API
#else
#define TT_API static inline __attribute__((unused))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Scalar math (vectorizable, ~1e-7 relative error in the normal range) ---- */

/* e^r for r = x − n·ln2 (n = round(x / ln2)), by Cephes' degree-6 polynomial in r: the part of
 * tt_expf that the softmax's exponential (tt_nn.c) shares. */
static inline float tt_expf_reduced(float x, float n) {
  float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  return p * r * r + r + 1.0f;
}

/* e^x: Cephes-style range reduction x = n·ln2 + r and a degree-6 polynomial in r. Like expf, it
 * overflows to +inf above ln(FLT_MAX), underflows through the subnormals to 0 below ln(FLT_MIN)
 * (computed as e^(x + 64·ln2)·2^-64), and keeps NaN (the polynomial runs on a clamped, non-NaN
 * argument, so the float-to-int conversion below is always defined). */
static inline float tt_expf(float x) {
  float input = x;
  int tiny = x < -87.33654f;
  x = tiny ? x + 44.361419555836500f : x;
  x = x < -87.33654f ? -87.33654f : x;
  x = x > 88.72283f ? 88.72283f : x;
  x = x == x && input >= -104.0f ? x : 0.0f; /* NaN, and e^x that is 0: any value will do */
  float n = floorf(x * 1.44269504088896341f + 0.5f);
  float y = tt_expf_reduced(x, n);
  /* 2^n for n in [-126, 128]: 2^128 is built as 2^127 · 2. */
  int32_t m = (int32_t)n;
  float extra = m > 127 ? 2.0f : 1.0f;
  m = m > 127 ? 127 : m;
  union { int32_t i; float f; } scale = {(m + 127) << 23};
  float result = input > 88.72284f ? INFINITY : y * scale.f * extra;
  /* No lane computes a subnormal only to discard it (vectorized code computes every branch, and a
   * subnormal product costs a microcode assist on some CPUs: e^-inf in a masked softmax took 2.7x
   * as long), so x below -104 ran as 0 above and is multiplied by 0 here. */
  result *= tiny ? (input < -104.0f ? 0.0f : 5.42101086242752217e-20f) : 1.0f;
  return input == input ? result : input;
}

/* tanh(x): an odd polynomial near 0, 1 - 2/(e^{2|x|} + 1) elsewhere (Cephes tanhf). */
static inline float tt_tanhf(float x) {
  float ax = fabsf(x);
  float z = x * x;
  float small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z +
                  1.33314422036e-1f) * z - 3.33332819422e-1f) * z * x + x;
  float big = 1.0f - 2.0f / (tt_expf(2.0f * ax) + 1.0f);
  big = x < 0.0f ? -big : big;
  return ax < 0.625f ? small : big;
}

/* 1 / (1 + e^-x). */
static inline float tt_sigmoidf(float x) { return 1.0f / (1.0f + tt_expf(-x)); }

/* erf(x), vectorizable, within 3e-7 absolute of libm: the Taylor series to x^11 below |x| = 0.5
 * (relative error < 1e-6 there), Abramowitz & Stegun 7.1.26 (1 − t·P(t)·e^{−x²}, t = 1/(1 + p|x|))
 * above; saturates to ±1 beyond |x| = 4. */
static inline float tt_erff(float x) {
  float ax = fabsf(x), z = x * x;
  float small = x * (1.1283791671f + z * (-0.3761263890f + z * (0.1128379167f + z * (-0.0268661706f +
                    z * (0.0052239776f + z * -0.0008548327f)))));
  float t = 1.0f / (1.0f + 0.3275911f * ax);
  float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
  float big = 1.0f - poly * tt_expf(-z);
  big = ax > 4.0f ? 1.0f : big;
  big = x < 0.0f ? -big : big;
  return ax < 0.5f ? small : big;
}

/* e^(hi + lo) for hi + lo in [-87, 88] (the caller clamps: no overflow, no subnormal, no NaN): the
 * reduction and polynomial of tt_expf without its edge cases. A value known as an unevaluated sum
 * hi + lo (lo ≪ hi, e.g. the rounding error of a product from fmaf) keeps lo's bits through the
 * reduction, which is exact for hi (Cody–Waite: n·0.693359375 has at most 16 bits). */
static inline float tt_expf_sum(float hi, float lo) {
  float n = floorf((hi + lo) * 1.44269504088896341f + 0.5f); /* in [-126, 127] */
  float y = tt_expf_reduced((hi - n * 0.693359375f) + (lo + n * 2.12194440e-4f), 0.0f);
  union { int32_t i; float f; } scale = {((int32_t)n + 127) << 23};
  return y * scale.f;
}

/* GELU, tanh form 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³), computed as x / (1 + e^(−2u))
 * (the same function; one exponential and a division, no cancellation in 1 + tanh for x < 0).
 * Within 4·max(1, 2|u|) ulp of the formula in double (the rounding of 2u in float is amplified by
 * e^(−2u)); results below ~1e-37 in magnitude (x < −10) are −0, −∞ gives NaN (0·−∞) as
 * 0.5·x·(1 + tanh(u)) does, +∞ gives +∞, NaN stays NaN. */
static inline float tt_gelu_tanh(float x) {
  float t = x * (-1.59576912160573072f - 0.0713548162726008f * x * x); /* −2u */
  float r = x / (1.0f + tt_expf_sum(fminf(fmaxf(t, -87.0f), 88.0f), 0.0f));
  return t > 88.0f ? 0.0f * x : r;
}

/* GELU, exact form x·Φ(x) = 0.5·x·(1 + erf(x/√2)), computed as x·(1 − h) for x ≥ 0 and x·h for x < 0
 * with h = 0.5·erfc(|x|/√2) = 0.5·t·e^(−x²/2 − 1.26551223 + P(t)), t = 1/(1 + |x|/(2√2))
 * (Numerical Recipes' erfcc, relative error < 1.2e-7), x² carried as an exact sum (fmaf) into the
 * exponential: within 10 ulp of 0.5·x·erfc(−x/√2) in double over the whole range (no cancellation
 * in 1 + erf for x < 0). Results below ~1e-37 in magnitude (x < −13) are −0; ±∞ and NaN as in
 * the tanh form. */
static inline float tt_gelu_erf(float x) {
  float z = fabsf(x) * 0.70710678118654752f;
  float t = 1.0f / (1.0f + 0.5f * z);
  float p = t * (1.00002368f + t * (0.37409196f + t * (0.09678418f + t * (-0.18628806f + t * (0.27886807f +
            t * (-1.13520398f + t * (1.48851587f + t * (-0.82215223f + t * 0.17087277f))))))));
  float square = x * x, squareError = fmaf(x, x, -square);
  /* −x²/2 − 1.26551223 + P(t) = hi + lo; both clamped so that ±∞ and NaN reach no conversion. */
  float hi = fmaxf(-0.5f * square, -86.0f);
  float lo = fminf(fmaxf(-0.5f * squareError + (p - 1.26551223f), -2.0f), 2.0f);
  float h = -0.5f * square > -86.0f ? 0.5f * t * tt_expf_sum(hi, lo) : 0.0f;
  return x * (x < 0.0f ? h : 1.0f - h);
}

/* Integer a^b (docs/IR.md): computed in double, then converted like a cast: NaN -> 0, truncated
 * toward zero, saturated at [low, high] (the bounds of the element type). */
static inline int64_t tt_pow_int(int64_t a, int64_t b, int64_t low, int64_t high) {
  double p = pow((double)a, (double)b);
  if (p != p) return 0;
  if (p <= (double)low) return low;
  if (p >= (double)high) return high;
  return (int64_t)p;
}

/* The remainder of a / b (docs/IR.md, `mod`): with `floored` the sign of b (Python's %), else the
 * sign of a (C's fmod). Integer divisors are never 0 here (tt_run checks them first). */
static inline float tt_mod_f32(float a, float b, int floored) {
  float r = fmodf(a, b);
  return floored && r != 0.0f && ((r < 0.0f) != (b < 0.0f)) ? r + b : r;
}
static inline int64_t tt_mod_int(int64_t a, int64_t b, int floored) {
  int64_t r = b == -1 ? 0 : a % b;
  return floored && r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
}

/* IEEE half <-> float (round to nearest even), bit-exact with Swift's Float16. */
static inline float tt_half_to_float(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  union { uint32_t u; float f; } out;
  if (exp == 0x1fu) {
    out.u = sign | 0x7f800000u | (mant << 13);
  } else if (exp != 0) {
    out.u = sign | ((exp + 112u) << 23) | (mant << 13);
  } else {
    out.f = (float)mant * 5.9604644775390625e-8f; /* subnormal: mant · 2^-24 */
    out.u |= sign;
  }
  return out.f;
}

static inline uint16_t tt_float_to_half(float f) {
  union { float f; uint32_t u; } in = {f};
  uint32_t sign = (in.u >> 16) & 0x8000u;
  uint32_t abs = in.u & 0x7fffffffu;
  if (abs >= 0x47800000u) return (uint16_t)(sign | (abs > 0x7f800000u ? 0x7e00u : 0x7c00u)); /* inf, NaN */
  if (abs < 0x38800000u) {                                 /* subnormal or zero half */
    union { uint32_t u; float f; } v = {abs}, magic = {0x3f000000u}; /* 0.5 */
    v.f += magic.f;              /* aligns the half's subnormal bits at the bottom, rounding RNE */
    return (uint16_t)(sign | (v.u - magic.u));
  }
  uint32_t mant_odd = (abs >> 13) & 1u;
  abs += 0xc8000fffu + mant_odd; /* rebias exponent (-112 << 23) and round to nearest even */
  return (uint16_t)(sign | (abs >> 13));
}

/* ---- Instruction sets (tt_cpu.c) ---- */

/* The kernel paths; a higher value needs a superset of the features of a lower one. */
typedef enum {
  TT_ISA_PORTABLE = 0, /* plain C with 4-float vector extensions: any CPU */
  TT_ISA_AVX2 = 1,     /* x86-64 AVX2 + FMA (Haswell, Zen 1-3 and later) */
  TT_ISA_AVX512 = 2    /* x86-64 AVX-512 F/BW/DQ/VL (Skylake-X, Zen 4-5 and later) */
} tt_isa;

/* The fastest path this CPU (library) or these build flags (model library) can run. */
TT_API tt_isa tt_best_isa(void);

/* Whether `isa` can run here and is compiled into this build. */
TT_API int tt_isa_available(tt_isa isa);

/* ---- Threads (tt_threads.c) ---- */

/* Sets how many threads the kernels of this runtime copy use (1 … 256; 1, the default, runs every
 * kernel on the calling thread); returns the count in effect. Workers are started once and kept
 * asleep between calls. Results are bitwise identical for every count. */
TT_API int tt_set_threads(int threads);

/* The thread count in effect. */
TT_API int tt_threads(void);

/* Scratch for a kernel's `scratch` argument, for callers that keep no buffer of their own (eager mode
 * and the interpreter, through TTKernels): the calling thread's buffer, grown to at least `floats`
 * (64-byte aligned) and kept for the thread's lifetime, so repeated calls allocate nothing. Its
 * contents are valid until the next tt_call_scratch on the same thread: one kernel call at a time. */
TT_API float *tt_call_scratch(int64_t floats);

/* Instruction-set features, as bits of tt_cpu_features(). */
typedef enum {
  TT_CPU_AVX2 = 1 << 0,        /* AVX2, FMA and F16C, with the OS saving the YMM state */
  TT_CPU_AVX512 = 1 << 1,      /* AVX-512 F/BW/DQ/VL, with the OS saving the ZMM and mask state */
  TT_CPU_AVX512_VNNI = 1 << 2  /* AVX512_VNNI (vpdpbusd) on top of TT_CPU_AVX512 */
} tt_cpu_feature;

/* The features this CPU has, asked from it (cpuid, xgetbv) once, in every build: the one source
 * tt_best_isa (library) and the int8 kernels' choice (tt_qgemm.c) are derived from. 0 off x86-64. */
TT_API unsigned tt_cpu_features(void);

/* ---- Machine limits (tt_peak.c; defined in the TTRuntime library only) ---- */

/* fp32 multiply-add peak of one thread on path `isa`, GFLOP/s: the best of repeated runs over
 * `seconds` (wall-clock), each timed by the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so that
 * time spent descheduled on a busy machine does not count. */
TT_API double tt_peak_fma_gflops(tt_isa isa, double seconds);

/* Memory read bandwidth of one thread, GB/s: the best of repeated sums of a 256 MiB buffer over
 * `seconds`, timed like tt_peak_fma_gflops. */
TT_API double tt_peak_read_gbs(double seconds);

/* ---- GEMM (tt_gemm.c, tt_gemm_kernel.inc) ---- */

/* What happens to each output element y = (A·B)[i,j] before it is stored, in this order:
 *   y += bias[j]; y += row_bias[i]; y += residual[i * ldr + j]; y = activation(y).
 * residual may be C itself (ldr = ldc): then the product is accumulated into C. The epilogue runs
 * while the output tile is still in registers or L1. */
typedef enum {
  TT_ACT_NONE = 0,
  TT_ACT_RELU = 1,
  TT_ACT_SIGMOID = 2,
  TT_ACT_TANH = 3,
  TT_ACT_GELU_TANH = 4,
  TT_ACT_GELU_ERF = 5,
  TT_ACT_EXP = 6 /* e^x (tt_expf): for tt_activate (the `exp` op of eager mode and the interpreter);
                    no node fuses it into a GEMM epilogue */
} tt_activation;

typedef struct {
  const float *bias;     /* n values (one per column), or NULL */
  const float *row_bias; /* m values (one per row, e.g. per output channel of a convolution), or NULL */
  const float *residual; /* m rows of n values, row stride ldr, or NULL; may alias C exactly */
  int64_t ldr;
  int32_t activation;    /* tt_activation */
} tt_epilogue;

/* Floats of scratch tt_sgemm needs for an m×n×k product (packed panels of A and B). */
TT_API int64_t tt_sgemm_scratch(int64_t m, int64_t n, int64_t k);

/* C[m,n] = epilogue(op(A)[m,k] · op(B)[k,n]); op(X) = X, or Xᵀ when trans_x (then X is stored
 * k×m resp. n×k). Row-major with leading dimensions lda/ldb/ldc. epilogue may be NULL (plain
 * product). scratch holds tt_sgemm_scratch(m, n, k) floats. k = 0 gives epilogue(0). */
TT_API void tt_sgemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, int trans_a,
                     const float *b, int64_t ldb, int trans_b, float *c, int64_t ldc,
                     const tt_epilogue *epilogue, float *scratch);

/* tt_sgemm on an explicit path (tests and benchmarks); isa must be tt_isa_available. */
TT_API void tt_sgemm_isa(tt_isa isa, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
                         int trans_a, const float *b, int64_t ldb, int trans_b, float *c, int64_t ldc,
                         const tt_epilogue *epilogue, float *scratch);

/* ---- GEMM with B pre-packed (constant weights; tt_gemm.c) ----
 * A constant B[k, n] (row-major, e.g. a linear layer's weight) can be packed once, into the layout the
 * micro-kernels of one path read, and multiplied many times without touching B's original layout:
 * the product is bitwise that of tt_sgemm on the original B (ldb = n, no transpose) on the same path.
 * The blob records the path it was packed for; on another path the product is still correct (it is
 * computed strip by strip, slower), and a blob of another shape is refused. */

/* Floats of the packed form of B[k, n] on path `isa` (64-byte aligned storage recommended), or 0
 * where this build does not compile that path (then there is nothing to pack for). */
TT_API int64_t tt_sgemm_packed_b_floats_isa(tt_isa isa, int64_t k, int64_t n);

/* Packs B[k, n] (row stride ldb) for path `isa` into `packed` (tt_sgemm_packed_b_floats_isa floats).
 * The path need not run here (packing moves floats only). Returns 0, or -1 (nothing written) where
 * the path is not compiled into this build. */
TT_API int tt_sgemm_pack_b_isa(tt_isa isa, int64_t k, int64_t n, const float *b, int64_t ldb, float *packed);

/* tt_sgemm_packed_b_floats_isa / tt_sgemm_pack_b_isa for tt_best_isa(). */
TT_API int64_t tt_sgemm_packed_b_floats(int64_t k, int64_t n);
TT_API int tt_sgemm_pack_b(int64_t k, int64_t n, const float *b, int64_t ldb, float *packed);

/* tt_sgemm(m, n, k, a, lda, trans_a, B, n, 0, c, ldc, epilogue, scratch) with B given packed
 * (tt_sgemm_pack_b): scratch holds tt_sgemm_scratch(m, n, k) floats. Returns 0, or -1 (C untouched)
 * when `packed` is not a packed B of k × n. */
TT_API int tt_sgemm_packed_b(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, int trans_a,
                             const float *packed, float *c, int64_t ldc, const tt_epilogue *epilogue,
                             float *scratch);

/* tt_sgemm_packed_b on an explicit path (tests); isa must be tt_isa_available. */
TT_API int tt_sgemm_packed_b_isa(tt_isa isa, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
                                 int trans_a, const float *packed, float *c, int64_t ldc,
                                 const tt_epilogue *epilogue, float *scratch);

/* x[i] = activation(x[i]) for n values with this path's vector instructions: the same functions
 * (tt_sigmoidf, tt_tanhf, tt_gelu_tanh, tt_gelu_erf, tt_expf) the GEMM epilogue and compiled models
 * apply, so eager mode and the interpreter compute every activation and `exp` with this one
 * implementation. */
TT_API void tt_activate(float *x, int64_t n, int32_t activation);

/* tt_activate on an explicit path (tests). */
TT_API void tt_activate_isa(tt_isa isa, float *x, int64_t n, int32_t activation);

/* ---- float16 weights (tt_hgemm.c) ---- */

/* out[i] = the float16 h[i] as float (exact; F16C / AVX-512 vcvtph2ps where the path has it). */
TT_API void tt_half_to_float_array(const uint16_t *h, int64_t count, float *out);

/* tt_half_to_float_array on an explicit path (tests). */
TT_API void tt_half_to_float_array_isa(tt_isa isa, const uint16_t *h, int64_t count, float *out);

/* Floats of scratch tt_hgemm needs for an m×n×k product. */
TT_API int64_t tt_hgemm_scratch(int64_t m, int64_t n, int64_t k);

/* tt_sgemm (no transposes) with B[k, n] stored as float16 bits (row-major, ldb): C[m,n] =
 * epilogue(A · widen(B)). Few rows read B as float16 in the kernel (half the bytes of tt_sgemm);
 * many rows widen it block by block and call tt_sgemm. scratch holds tt_hgemm_scratch(m, n, k). */
TT_API void tt_hgemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const uint16_t *b,
                     int64_t ldb, float *c, int64_t ldc, const tt_epilogue *epilogue, float *scratch);

/* tt_hgemm on an explicit path (tests and benchmarks). */
TT_API void tt_hgemm_isa(tt_isa isa, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
                         const uint16_t *b, int64_t ldb, float *c, int64_t ldc, const tt_epilogue *epilogue,
                         float *scratch);

/* ---- Convolution (tt_conv.c, tt_conv_kernel.inc) ---- */

/* The geometry of an NCHW convolution: x [n, c, h, w], weight [o, c/groups, kh, kw], y [n, o, oh, ow]
 * with oh = (h + 2·ph − dh·(kh − 1) − 1) / sh + 1 (likewise ow); groups divides c and o. */
typedef struct {
  int64_t n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups, oh, ow;
} tt_conv2d_shape;

/* Floats of scratch tt_conv2d needs. */
TT_API int64_t tt_conv2d_scratch(const tt_conv2d_shape *shape);

/* y = activation(conv(x, weight) + bias + residual). bias ([o]) and residual (y's shape; it may be y
 * itself) may be NULL; activation is a tt_activation. Most convolutions run directly on a padded
 * copy of each image, the rest as im2col + tt_sgemm (tt_conv_choose in tt_conv.c). scratch holds
 * tt_conv2d_scratch(shape) floats. */
TT_API void tt_conv2d(const tt_conv2d_shape *shape, const float *x, const float *weight, const float *bias,
                      const float *residual, int32_t activation, float *y, float *scratch);

/* tt_conv2d on an explicit path (tests and benchmarks). */
TT_API void tt_conv2d_isa(tt_isa isa, const tt_conv2d_shape *shape, const float *x, const float *weight,
                          const float *bias, const float *residual, int32_t activation, float *y,
                          float *scratch);

/* ---- Convolution with pre-packed weights (tt_conv.c) ----
 * A constant weight can be packed once (at compile time, or when the interpreter plans a graph) into
 * the layout the algorithm tt_conv2d chooses for the shape on one path reads, with the tap offsets
 * into the padded image; tt_conv2d itself packs into its scratch on every call and runs the packed
 * form, so tt_conv2d_packed gives the same bits as tt_conv2d on the path packed for, except for
 * im2col shapes (few channels with strides, small images with many weights: tt_conv2d multiplies
 * the weight unpacked, in another order, within the GEMM's rounding). The form records the shape
 * (all but the batch), the path and the algorithm. */

/* Floats of the packed form of a weight for `shape` on path `isa` (64-byte aligned storage
 * recommended), or 0 where this build does not compile that path or the shape is invalid. */
TT_API int64_t tt_conv2d_packed_floats_isa(tt_isa isa, const tt_conv2d_shape *shape);

/* Packs weight ([o, c/groups, kh, kw]) for path `isa` into `packed` (tt_conv2d_packed_floats_isa
 * floats). The path need not run here. Returns 0, or -1 (nothing written) where
 * tt_conv2d_packed_floats_isa is 0 or memory for a transpose ran out. */
TT_API int tt_conv2d_pack_isa(tt_isa isa, const tt_conv2d_shape *shape, const float *weight, float *packed);

/* tt_conv2d_packed_floats_isa / tt_conv2d_pack_isa for tt_best_isa(). */
TT_API int64_t tt_conv2d_packed_floats(const tt_conv2d_shape *shape);
TT_API int tt_conv2d_pack(const tt_conv2d_shape *shape, const float *weight, float *packed);

/* Floats of scratch tt_conv2d_packed needs (less than tt_conv2d_scratch, which also holds the packed
 * weights). */
TT_API int64_t tt_conv2d_packed_scratch(const tt_conv2d_shape *shape);

/* tt_conv2d with the weight packed by tt_conv2d_pack_isa for this shape (any batch), on the path it
 * was packed for: scratch holds tt_conv2d_packed_scratch(shape) floats. Returns 0, or -1 (y untouched)
 * when `packed` is not a packed weight of this shape, or was packed for a direct algorithm of a path
 * that does not run here (an im2col form runs on any path). */
TT_API int tt_conv2d_packed(const tt_conv2d_shape *shape, const float *x, const float *packed, const float *bias,
                            const float *residual, int32_t activation, float *y, float *scratch);

/* ---- Pooling, normalization, attention (tt_nn.c) ---- */

/* Every kernel of this section has an `_isa` form taking the path first (tests and benchmarks; a
 * path that does not run here falls back to tt_best_isa()). */

/* NCHW pooling; padding never wins a max, a NaN in the window does (docs/IR.md); average divides
 * by the full window when count_include_pad, else by the in-bounds count. */
TT_API void tt_max_pool2d(const float *x, float *y, int64_t nc, int64_t h, int64_t w, int64_t kh,
                             int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t oh, int64_t ow);
TT_API void tt_max_pool2d_isa(tt_isa isa, const float *x, float *y, int64_t nc, int64_t h, int64_t w, int64_t kh,
                              int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t oh, int64_t ow);
TT_API void tt_avg_pool2d(const float *x, float *y, int64_t nc, int64_t h, int64_t w, int64_t kh,
                             int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t oh, int64_t ow,
                             int count_include_pad);
TT_API void tt_avg_pool2d_isa(tt_isa isa, const float *x, float *y, int64_t nc, int64_t h, int64_t w, int64_t kh,
                              int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t oh, int64_t ow,
                              int count_include_pad);

/* Softmax (or log-softmax) over the middle axis of [outer, len, inner]. */
TT_API void tt_softmax(const float *x, float *y, int64_t outer, int64_t len, int64_t inner, int log);
TT_API void tt_softmax_isa(tt_isa isa, const float *x, float *y, int64_t outer, int64_t len, int64_t inner,
                           int log);

/* Layer norm over the last axis of [rows, len]; gamma/beta may be NULL. mean and rstd (NULL or rows
 * floats) receive each row's mean and 1/sqrt(variance + eps), which eager mode's backward pass
 * reads. */
TT_API void tt_layer_norm(const float *x, const float *gamma, const float *beta, float *y, int64_t rows,
                          int64_t len, float eps, float *mean, float *rstd);
TT_API void tt_layer_norm_isa(tt_isa isa, const float *x, const float *gamma, const float *beta, float *y,
                              int64_t rows, int64_t len, float eps, float *mean, float *rstd);

/* Floats of scratch tt_attention_head needs. */
TT_API int64_t tt_attention_scratch(int64_t sq, int64_t sk, int64_t d, int64_t dv);

/* One attention head: y[sq,dv] = softmax(q·kᵀ·scale + mask)·v over rows q[sq,d], k[sk,d], v[sk,dv]
 * whose rows lie ldq, ldk, ldv floats apart (y's rows ldy apart; d, d, dv, dv when packed).
 * mask is NULL or a [sq,sk] matrix with row/column strides mask_rs/mask_cs (0 broadcasts):
 * mask_dtype TT_F32 adds it to the scores, an integer dtype keeps the positions where it is
 * nonzero. causal keeps only j <= i + sk - sq (queries aligned with the last keys). A query whose
 * keys are all blocked gets a zero row. scratch holds tt_attention_scratch(sq, sk, d, dv) floats. */
TT_API void tt_attention_head(const float *q, int64_t ldq, const float *k, int64_t ldk, const float *v,
                                 int64_t ldv, const void *mask, int32_t mask_dtype, int64_t mask_rs,
                                 int64_t mask_cs, float *y, int64_t ldy, int64_t sq, int64_t sk, int64_t d,
                                 int64_t dv, float scale, int causal, float *scratch);
TT_API void tt_attention_head_isa(tt_isa isa, const float *q, int64_t ldq, const float *k, int64_t ldk,
                                  const float *v, int64_t ldv, const void *mask, int32_t mask_dtype,
                                  int64_t mask_rs, int64_t mask_cs, float *y, int64_t ldy, int64_t sq, int64_t sk,
                                  int64_t d, int64_t dv, float scale, int causal, float *scratch);

/* ---- Sparse weights (tt_sparse.c) ---- */

/* Floats of scratch tt_sparse_linear needs for `in` input features. */
TT_API int64_t tt_sparse_linear_scratch(int64_t in);

/* y[m, out] = x[m, in] · W + bias (bias may be null), W given as CSR of its transpose: output n
 * reads values[j] at inputs columns[j] for j in row_pointers[n] ..< row_pointers[n + 1]. The CSR
 * arrays must be valid (columns in 0 ..< in; TTIR's verifier checks model files). */
TT_API void tt_sparse_linear(int64_t m, int64_t in, int64_t out, const float *x, const float *values,
                             const int32_t *columns, const int32_t *row_pointers, const float *bias, float *y,
                             float *scratch);

/* tt_sparse_linear on an explicit path (tests and benchmarks). */
TT_API void tt_sparse_linear_isa(tt_isa isa, int64_t m, int64_t in, int64_t out, const float *x,
                                 const float *values, const int32_t *columns, const int32_t *row_pointers,
                                 const float *bias, float *y, float *scratch);

/* Floats of scratch tt_sparse_sliced_linear needs for `in` input features. */
TT_API int64_t tt_sparse_sliced_scratch(int64_t in);

/* y[m, out] = x[m, in] · W + bias (bias may be null), W in the sliced layout (tt_sparse.c; TTIR's
 * SlicedSparseMatrix): blocks of 16 outputs × chunks of 32 inputs, steps[b·chunks + c] steps of 16
 * values and 16 columns (positions 0 ..< 32 within the chunk) each. The arrays must be valid
 * (TTIR's verifier checks model files). */
TT_API void tt_sparse_sliced_linear(int64_t m, int64_t in, int64_t out, const float *x, const float *values,
                                    const int8_t *columns, const int32_t *steps, const float *bias, float *y,
                                    float *scratch);

/* tt_sparse_sliced_linear on an explicit path (tests and benchmarks). */
TT_API void tt_sparse_sliced_linear_isa(tt_isa isa, int64_t m, int64_t in, int64_t out, const float *x,
                                        const float *values, const int8_t *columns, const int32_t *steps,
                                        const float *bias, float *y, float *scratch);

#ifdef __cplusplus
}
#endif

#endif /* TT_RUNTIME_H */
