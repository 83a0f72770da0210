/* tt_qgemm.h: int8 GEMM and the (de)quantization steps around it.
 *
 * Numbers follow docs/IR.md: an int8 value q stands for (q − zero_point) · scale; quantizing
 * rounds x / scale to the nearest integer, ties to even, adds the zero point and clamps to
 * [−128, 127]. Weights are symmetric (zero point 0) per output channel with values in
 * [−127, 127]; activations are per tensor and may be asymmetric.
 *
 * The GEMM has one exact result, c[i][j] = Σ_p a[i][p] · w[j][p] in int32, and three
 * implementations chosen at run time from the CPU's features (tt_int8_kernel):
 *
 *  - AVX-512 VNNI: `vpdpbusd` multiplies unsigned by signed bytes, four at a time, straight into
 *    int32 (no intermediate saturation). The signed activations are made unsigned by flipping
 *    their sign bit (a + 128), and 128 · Σ_p w[j][p] is subtracted at the end.
 *  - AVX2 (tt_qgemm and the packed path below alike): a and w are widened to int16
 *    (`vpmovsxbw`) and multiplied by `vpmaddwd`, which adds each pair of int32 products into an
 *    int32 lane without saturation (a pair is at most 2 · 128² = 2¹⁵), so the result is exact for
 *    every int8 input and needs no correction term. (The `vpmaddubsw` form, |a| against w with a's
 *    sign through `vpsignb`, multiplies as often, `vpmaddubsw` and `vpmaddwd` by ones per 32
 *    products against two `vpmaddwd`, but widens nothing; its int16 pair sums stay unsaturated
 *    only for w in [−127, 127]. On a Zen 4 it ran 0–18% faster on unpacked weights, 1-row
 *    products the most (Benchmarks/qgemm_avx2.sh); one arithmetic for both paths was preferred.)
 *  - Portable: a plain loop (also the reference the tests compare against).
 *
 * Setting the environment variable TT_INT8_KERNEL to `portable`, `avx2` or `avx512-vnni` makes
 * TT_INT8_AUTO pick that path (if the CPU can run it), so benchmarks can compare paths. Without it,
 * TT_ISA=portable or TT_ISA=avx2 caps TT_INT8_AUTO as it caps the float kernels (tt_best_isa).
 */
#ifndef TT_QGEMM_H
#define TT_QGEMM_H

#include "tt_runtime.h"

#include <math.h>

/* The int8 kernel paths. */
enum { TT_INT8_AUTO = 0, TT_INT8_PORTABLE = 1, TT_INT8_AVX2 = 2, TT_INT8_AVX512_VNNI = 3 };

/* The path that runs for `requested`: AUTO becomes TT_INT8_KERNEL's path if set and supported,
 * else the best the CPU supports; an explicit path the CPU lacks falls back to the best it has. */
TT_API int tt_int8_kernel(int requested);

/* "portable", "avx2" or "avx512-vnni". */
TT_API const char *tt_int8_kernel_name(int kernel);

/* c[i][j] = Σ_p a[i][p] · w[j][p] for i < m, j < n, p < k (row-major with leading dimensions
 * lda, ldw, ldc), exact for any int8 a and w (docs/IR.md keeps weights in [−127, 127], the
 * symmetric range); w_sums[j] = Σ_p w[j][p]
 * (tt_qgemm_row_sums). `kernel` is resolved with tt_int8_kernel. */
TT_API void tt_qgemm(int kernel, int64_t m, int64_t n, int64_t k, const int8_t *a, int64_t lda, const int8_t *w,
              int64_t ldw, const int32_t *w_sums, int32_t *c, int64_t ldc);

/* sums[j] = Σ_p w[j][p] over the n rows of k values (leading dimension ldw). */
TT_API void tt_qgemm_row_sums(const int8_t *w, int64_t n, int64_t k, int64_t ldw, int32_t *sums);

/* out[i] = clamp(roundEven(x[i] / scale) + zero_point, −128, 127); NaN becomes zero_point. Eight
 * values at a time with AVX2 where the int8 path is not the portable one. */
TT_API void tt_quantize(const float *x, int64_t count, float scale, int32_t zero_point, int8_t *out);

/* tt_quantize on the int8 path `kernel` (resolved with tt_int8_kernel; tests). */
TT_API void tt_quantize_path(int kernel, const float *x, int64_t count, float scale, int32_t zero_point,
                             int8_t *out);

/* out[i] = (q[i] − zero_point) · scale. */
TT_API void tt_dequantize(const int8_t *q, int64_t count, float scale, int32_t zero_point, float *out);

/* The per-tensor parameters dynamic quantization uses for x (docs/IR.md, quantized_linear):
 * the range [min(x, 0), max(x, 0)] maps onto [−128, 127]; scale = (hi − lo) / 255 (1 when the
 * range is empty), zero_point = clamp(roundEven(−128 − lo / scale), −128, 127). NaNs are skipped. */
TT_API void tt_dynamic_qparams(const float *x, int64_t count, float *scale, int32_t *zero_point);

/* The epilogue of a quantized linear layer, for an m×n block of accumulators acc (ldc):
 * y = acc[i][j] − x_zero_point · w_sums[j], as float, times (x_scale · w_scale[j]), plus
 * bias[j] (bias may be NULL), then max(y, 0) if relu. Writes y to out_f32 (ld n) when out_i8 is
 * NULL, else quantizes it with out_scale/out_zero_point into out_i8 (ld n). */
TT_API void tt_qlinear_epilogue(const int32_t *acc, int64_t m, int64_t n, int64_t ldc, const int32_t *w_sums,
                         int32_t x_zero_point, float x_scale, const float *w_scale, const float *bias, int relu,
                         float *out_f32, int8_t *out_i8, float out_scale, int32_t out_zero_point);

/* tt_qlinear_epilogue with y[i][j] stored at out[i · out_row + j · out_column] (out_f32 or out_i8). */
TT_API void tt_qepilogue(const int32_t *acc, int64_t m, int64_t n, int64_t ldc, const int32_t *w_sums,
                         int32_t x_zero_point, float x_scale, const float *w_scale, const float *bias, int relu,
                         float *out_f32, int8_t *out_i8, int64_t out_row, int64_t out_column, float out_scale,
                         int32_t out_zero_point);

/* ---- int8 convolution (tt_qconv.c) ---- */

/* Bytes of scratch tt_qconv2d and tt_qconv2d_packed need for this geometry. */
TT_API int64_t tt_qconv2d_scratch(const tt_conv2d_shape *shape);
TT_API int64_t tt_qconv2d_packed_scratch(const tt_conv2d_shape *shape);

/* The int8 NCHW convolution of docs/IR.md (quantized_conv2d): x [n, c, h, w] int8 with x_scale and
 * x_zero_point (padding reads x_zero_point, the value standing for 0), w [o, c/groups, kh, kw] int8
 * in [−127, 127] with per-output-channel w_scale [o], bias [o] (may be NULL), ReLU if relu. acc =
 * Σ over each output's taps of x · w in int32 (tt_qlinear_packed_strided on `kernel`'s path), then
 * the epilogue of tt_qlinear_epilogue per output channel j: y as f32 into out_f32 when out_i8 is
 * NULL, else requantized into out_i8 (both [n, o, oh, ow]). tt_qconv2d packs w per call into its
 * scratch (tt_qconv2d_scratch(shape) bytes); tt_qconv2d_packed reads w packed ahead of time by
 * tt_qpack_grouped(w, groups, o, c/groups · kh · kw) (compiled models: in the weights blob; the
 * interpreter: at plan time), scratch holding tt_qconv2d_packed_scratch(shape) bytes. */
TT_API void tt_qconv2d(int kernel, const tt_conv2d_shape *shape, const int8_t *x, int32_t x_zero_point,
                       float x_scale, const int8_t *w, const float *w_scale, const float *bias, int relu,
                       float *out_f32, int8_t *out_i8, float out_scale, int32_t out_zero_point, void *scratch);
TT_API void tt_qconv2d_packed(int kernel, const tt_conv2d_shape *shape, const int8_t *x, int32_t x_zero_point,
                              float x_scale, const void *packed, const float *w_scale, const float *bias, int relu,
                              float *out_f32, int8_t *out_i8, float out_scale, int32_t out_zero_point,
                              void *scratch);

/* tt_max_pool2d on int8 values (the same windows; padding never wins). Exact on quantized values:
 * quantizing is monotonic, so the max of the int8 values is the int8 value of the max. */
TT_API void tt_qmax_pool2d(const int8_t *x, int8_t *y, int64_t nc, int64_t h, int64_t w, int64_t kh, int64_t kw,
                           int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t oh, int64_t ow);

/* Compiled quantized linear layers read their weights packed ahead of time (at compile time, into
 * the library's weights blob, which then holds only this form) by tt_qpack: n' = n rounded up to
 * 16; first the row sums Σ_p w[j][p] as n' int32 (zero past n), then for each group g of four k
 * positions and each column j < n' the four bytes w[j][4g..4g+3] (zero past n and k). One
 * `vpdpbusd` then multiplies four k positions of x, broadcast, by 16 columns at once, with no
 * horizontal sums; on AVX2, one `vpmaddwd` multiplies them, widened to int16, by 4 columns.
 * tt_qpack_bytes(n, k) is the packed size (a multiple of 64). */
TT_API int64_t tt_qpack_bytes(int64_t n, int64_t k);
TT_API void tt_qpack(const int8_t *w, int64_t n, int64_t k, void *packed);

/* w [n][k] as `groups` consecutive blocks of n / groups rows (a grouped convolution's weights, one
 * block per group; groups = 1 is tt_qpack), each packed by tt_qpack at tt_qpack_bytes(n / groups, k)
 * bytes from the previous one. n is a multiple of groups. */
TT_API int64_t tt_qpack_grouped_bytes(int64_t groups, int64_t n, int64_t k);
TT_API void tt_qpack_grouped(const int8_t *w, int64_t groups, int64_t n, int64_t k, void *packed);

/* tt_qgemm plus tt_qlinear_epilogue for x[m][k] against the weights w[n][k] given only in their
 * packed form (tt_qpack), with the epilogue's exact arithmetic on every path (the same bits):
 *  - AVX2: x widened to int16 once; blocks of 6 rows × 8 columns, each k group of a row broadcast
 *    against 4 columns' groups widened to int16 (`vpmaddwd`: exact, no int16 saturation), the
 *    columns' panel widened once per call into scratch when more than 6 rows read it; the epilogue
 *    applied to the accumulators in registers;
 *  - VNNI: row by row, each packed group one `vpdpbusd` per 16 columns (no horizontal sums; at
 *    64 rows still faster than tt_qgemm's dot products, 240 against 280 µs for 64×512×784);
 *  - portable: a plain loop over the packed bytes.
 * No path computes row sums: they come packed. `kernel`: as tt_qgemm. scratch holds
 * tt_qlinear_packed_scratch(m, n, k) bytes (the accumulators, or AVX2's int16 x and panel). */
TT_API int64_t tt_qlinear_packed_scratch(int64_t m, int64_t n, int64_t k);
TT_API void tt_qlinear_packed(int kernel, int64_t m, int64_t n, int64_t k, const int8_t *x, const void *packed,
                              void *scratch, int32_t x_zero_point, float x_scale, const float *w_scale,
                              const float *bias, int relu, float *out_f32, int8_t *out_i8, float out_scale,
                              int32_t out_zero_point);

/* tt_qlinear_packed with y[i][j] stored at out[i · out_row + j · out_column] (tt_qconv2d: pixels
 * by channel planes). */
TT_API void tt_qlinear_packed_strided(int kernel, int64_t m, int64_t n, int64_t k, const int8_t *x,
                                      const void *packed, void *scratch, int32_t x_zero_point, float x_scale,
                                      const float *w_scale, const float *bias, int relu, float *out_f32,
                                      int8_t *out_i8, int64_t out_row, int64_t out_column, float out_scale,
                                      int32_t out_zero_point);

/* roundEven(v) + zero_point clamped to [−128, 127]; NaN gives zero_point. `v` is x / scale. */
static inline int8_t tt_quantize_one(float v, int32_t zero_point) {
  float q = rintf(v) + (float)zero_point;
  q = q < -128.0f ? -128.0f : q;
  q = q > 127.0f ? 127.0f : q;
  return q == q ? (int8_t)q : (int8_t)zero_point;
}

#endif /* TT_QGEMM_H */
