/* tt_sparse.c: sparse × dense products for pruned weights (the `sparse_linear` op).
 *
 * The weight is stored as CSR of its transpose: row n (an output feature) lists the input
 * features k with a nonzero weight, in increasing order, and their values:
 *   y[m, n] = bias[n] + Σ_{j = row_pointers[n]}^{row_pointers[n+1]-1} values[j] · x[m, columns[j]]
 *
 * Batches of rows are computed 16 at a time: the tile of x is transposed into scratch
 * (in × 16 floats, zero-padded past the last row), so each nonzero costs one broadcast and one
 * 16-float multiply-add over contiguous memory (one AVX-512 register, two AVX2 ones), with four
 * accumulators. Fewer than four rows are computed one by one, 16 products at a time (clang turns
 * the 16 loads into one gather where the path has one). The kernel is written once in vector
 * extensions and compiled per path (tt_internal.h) by inlining it into a function with that
 * path's target attribute.
 */
#include "tt_internal.h"
#if TT_COMPILE_AVX512 || TT_COMPILE_AVX2
#include <immintrin.h>
#endif

typedef float tt_sparse_v16 __attribute__((vector_size(64), aligned(4)));
typedef float tt_sparse_v8 __attribute__((vector_size(32), aligned(4)));
typedef float tt_sparse_v4 __attribute__((vector_size(16), aligned(4)));

TT_API int64_t tt_sparse_linear_scratch(int64_t in) { return in * 16; }

/* The sum of the 16 lanes, as a tree (4 dependent additions instead of 16). The vector is passed by
 * address: a 64-byte vector argument has a different ABI with and without AVX-512 (-Wpsabi). */
TT_ALWAYS_INLINE float tt_sparse_sum16(const tt_sparse_v16 *lanes) {
  tt_sparse_v16 v = *lanes;
  tt_sparse_v8 a = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7) +
                   __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
  tt_sparse_v4 b = __builtin_shufflevector(a, a, 0, 1, 2, 3) + __builtin_shufflevector(a, a, 4, 5, 6, 7);
  return (b[0] + b[2]) + (b[1] + b[3]);
}

TT_ALWAYS_INLINE void tt_sparse_rows(int64_t m, int64_t in, int64_t out, const float *x, const float *values,
                                     const int32_t *columns, const int32_t *row_pointers, const float *bias,
                                     float *y) {
  for (int64_t r = 0; r < m; r++) {
    const float *xr = x + r * in;
    for (int64_t n = 0; n < out; n++) {
      int32_t j = row_pointers[n], end = row_pointers[n + 1];
      tt_sparse_v16 acc = {0};
      for (; j + 16 <= end; j += 16) {
        tt_sparse_v16 gathered;
        for (int l = 0; l < 16; l++) gathered[l] = xr[columns[j + l]];
        acc += *(const tt_sparse_v16 *)(values + j) * gathered;
      }
      /* The last < 16 products go into their own lanes, not one serial sum. */
      tt_sparse_v16 gathered = {0}, weights = {0};
      for (int l = 0; l < 16; l++) {
        if (j + l < end) {
          gathered[l] = xr[columns[j + l]];
          weights[l] = values[j + l];
        }
      }
      acc += weights * gathered;
      y[r * out + n] = (bias ? bias[n] : 0.0f) + tt_sparse_sum16(&acc);
    }
  }
}

TT_ALWAYS_INLINE void tt_sparse_tiles(int64_t m, int64_t in, int64_t out, const float *x, const float *values,
                                      const int32_t *columns, const int32_t *row_pointers, const float *bias,
                                      float *y, float *scratch) {
  for (int64_t m0 = 0; m0 < m; m0 += 16) {
    int64_t rows = m - m0 < 16 ? m - m0 : 16;
    for (int64_t k = 0; k < in; k++) {
      for (int64_t r = 0; r < 16; r++) scratch[k * 16 + r] = r < rows ? x[(m0 + r) * in + k] : 0.0f;
    }
    for (int64_t n = 0; n < out; n++) {
      tt_sparse_v16 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
      int32_t j = row_pointers[n], end = row_pointers[n + 1];
      for (; j + 4 <= end; j += 4) {
        a0 += values[j] * *(const tt_sparse_v16 *)(scratch + (int64_t)columns[j] * 16);
        a1 += values[j + 1] * *(const tt_sparse_v16 *)(scratch + (int64_t)columns[j + 1] * 16);
        a2 += values[j + 2] * *(const tt_sparse_v16 *)(scratch + (int64_t)columns[j + 2] * 16);
        a3 += values[j + 3] * *(const tt_sparse_v16 *)(scratch + (int64_t)columns[j + 3] * 16);
      }
      for (; j < end; j++) a0 += values[j] * *(const tt_sparse_v16 *)(scratch + (int64_t)columns[j] * 16);
      tt_sparse_v16 acc = (a0 + a1) + (a2 + a3);
      float b = bias ? bias[n] : 0.0f;
      for (int64_t r = 0; r < rows; r++) y[(m0 + r) * out + n] = acc[r] + b;
    }
  }
}

#define TT_SPARSE_PATH(suffix)                                                                                 \
  static TT_TARGET_##suffix void tt_sparse_linear_##suffix(int64_t m, int64_t in, int64_t out, const float *x, \
                                                           const float *values, const int32_t *columns,        \
                                                           const int32_t *row_pointers, const float *bias,     \
                                                           float *y, float *scratch) {                         \
    if (m < 4) {                                                                                               \
      tt_sparse_rows(m, in, out, x, values, columns, row_pointers, bias, y);                                   \
    } else {                                                                                                   \
      tt_sparse_tiles(m, in, out, x, values, columns, row_pointers, bias, y, scratch);                         \
    }                                                                                                          \
  }
TT_FOR_EACH_PATH(TT_SPARSE_PATH)
#undef TT_SPARSE_PATH

TT_API void tt_sparse_linear_isa(tt_isa isa, int64_t m, int64_t in, int64_t out, const float *x,
                                 const float *values, const int32_t *columns, const int32_t *row_pointers,
                                 const float *bias, float *y, float *scratch) {
  TT_DISPATCH(isa, tt_sparse_linear, m, in, out, x, values, columns, row_pointers, bias, y, scratch);
}

TT_API void tt_sparse_linear(int64_t m, int64_t in, int64_t out, const float *x, const float *values,
                             const int32_t *columns, const int32_t *row_pointers, const float *bias, float *y,
                             float *scratch) {
  tt_sparse_linear_isa(tt_best_isa(), m, in, out, x, values, columns, row_pointers, bias, y, scratch);
}

/* ---- The sliced layout (`sparse_linear` with layout "sliced", TTIR's SlicedSparseMatrix), built
 * for few rows (batch 1), where a CSR row's scattered reads of x cost a scalar load each.
 *
 * Output features are grouped in blocks of 16 (block b holds n = 16·b + lane), input features in
 * chunks of 32. For block b and chunk c, steps[b·chunks + c] steps of 16 lanes follow each other in
 * `values` and `columns` (blocks in order, chunks in order within a block): lane l of a step holds
 * one nonzero weight of output 16·b + l and its input's position within the chunk (0 ..< 32), or
 * 0 and any position where that output has no more nonzeros in the chunk. So
 *   y[m, 16·b + l] = bias + Σ_{c, s} values[s][l] · x[m, 32·c + columns[s][l]]
 * (x zero-padded past `in`). Each step is one 16-lane multiply-add whose x operand comes from the
 * chunk's 32 floats held in registers: AVX-512 picks the 16 lanes with one `vpermt2ps` from two
 * registers, AVX2 each 8 with four `vpermps` and three blends; the portable path gathers lane by
 * lane (slower than CSR: the sparsify pass uses this layout on x86-64 only). At 90% sparsity a
 * step is about half padding, still far fewer instructions per nonzero than CSR's scalar loads.
 */

/* Floats of scratch: one row of x zero-padded to whole chunks. */
TT_API int64_t tt_sparse_sliced_scratch(int64_t in) { return (in + 31) / 32 * 32; }

/* The 16 lanes of a step, x[columns[l]], from the chunk's 32 floats, per path: TT_SLICED_SETUP_<path>
 * once per chunk, then TT_SLICED_GATHER_<path>(columns, out) per step: lane by lane (portable), four
 * registers permuted and blended (AVX2), or one two-register permute of the chunk (AVX-512). */
#define TT_SLICED_SETUP_portable
#define TT_SLICED_GATHER_portable(columns, out) \
  for (int l = 0; l < 16; l++) (out)[l] = chunk[(columns)[l] & 31]
#define TT_SLICED_SETUP_avx2                                                                                   \
  __m256 q0 = _mm256_loadu_ps(chunk), q1 = _mm256_loadu_ps(chunk + 8), q2 = _mm256_loadu_ps(chunk + 16),       \
         q3 = _mm256_loadu_ps(chunk + 24);
/* 8 lanes from the chunk's four registers: one vpermps each, then blends on bits 3 and 4. */
#define TT_SLICED_AVX2_8(columns)                                                                               \
  ({                                                                                                           \
    __m256i index = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(columns)));                         \
    __m256 bit3 = _mm256_castsi256_ps(_mm256_slli_epi32(index, 28));                                           \
    __m256 low = _mm256_blendv_ps(_mm256_permutevar8x32_ps(q0, index), _mm256_permutevar8x32_ps(q1, index), bit3); \
    __m256 high = _mm256_blendv_ps(_mm256_permutevar8x32_ps(q2, index), _mm256_permutevar8x32_ps(q3, index), bit3); \
    _mm256_blendv_ps(low, high, _mm256_castsi256_ps(_mm256_slli_epi32(index, 27)));                            \
  })
#define TT_SLICED_GATHER_avx2(columns, out)                                                                    \
  (out) = __builtin_shufflevector((tt_sparse_v8)TT_SLICED_AVX2_8(columns), (tt_sparse_v8)TT_SLICED_AVX2_8((columns) + 8), 0, 1, 2, \
                                  3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#define TT_SLICED_SETUP_avx512                                                                                 \
  __m512 low = _mm512_loadu_ps(chunk), high = _mm512_loadu_ps(chunk + 16);
#define TT_SLICED_GATHER_avx512(columns, out)                                                                  \
  (out) = (tt_sparse_v16)_mm512_permutex2var_ps(                                                               \
      low, _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(columns))), high)

/* y[m, out] = x[m, in] · W + bias for one path: each row is copied zero-padded to whole chunks into
 * scratch, then every block of 16 outputs runs its steps with two accumulators taking turns (so
 * that consecutive multiply-adds do not wait for each other). */
#define TT_SLICED_PATH(suffix)                                                                                 \
  static TT_TARGET_##suffix void tt_sparse_sliced_linear_##suffix(                                             \
      int64_t m, int64_t in, int64_t out, const float *x, const float *all_values, const int8_t *all_columns,  \
      const int32_t *all_steps, const float *bias, float *y, float *padded) {                                  \
    int64_t chunks = (in + 31) / 32, blocks = (out + 15) / 16;                                                 \
    for (int64_t r = 0; r < m; r++) {                                                                          \
      memcpy(padded, x + r * in, (size_t)in * sizeof(float));                                                  \
      memset(padded + in, 0, (size_t)(chunks * 32 - in) * sizeof(float));                                      \
      const float *values = all_values;                                                                        \
      const uint8_t *columns = (const uint8_t *)all_columns;                                                   \
      const int32_t *steps = all_steps;                                                                        \
      for (int64_t b = 0; b < blocks; b++) {                                                                   \
        tt_sparse_v16 even = {0}, odd = {0}, x0, x1;                                                           \
        for (int64_t c = 0; c < chunks; c++) {                                                                 \
          const float *chunk = padded + 32 * c;                                                                \
          int32_t count = *steps++, s = 0;                                                                     \
          TT_SLICED_SETUP_##suffix                                                                             \
          for (; s + 2 <= count; s += 2) {                                                                     \
            TT_SLICED_GATHER_##suffix(columns, x0);                                                            \
            TT_SLICED_GATHER_##suffix(columns + 16, x1);                                                       \
            even += *(const tt_sparse_v16 *)values * x0;                                                       \
            odd += *(const tt_sparse_v16 *)(values + 16) * x1;                                                 \
            values += 32;                                                                                      \
            columns += 32;                                                                                     \
          }                                                                                                    \
          if (s < count) {                                                                                     \
            TT_SLICED_GATHER_##suffix(columns, x0);                                                            \
            even += *(const tt_sparse_v16 *)values * x0;                                                       \
            values += 16;                                                                                      \
            columns += 16;                                                                                     \
          }                                                                                                    \
        }                                                                                                      \
        tt_sparse_v16 sum = even + odd;                                                                        \
        float *row = y + r * out + 16 * b;                                                                     \
        for (int64_t l = 0; l < 16 && 16 * b + l < out; l++) row[l] = sum[l] + (bias ? bias[16 * b + l] : 0.0f); \
      }                                                                                                        \
    }                                                                                                          \
  }
TT_FOR_EACH_PATH(TT_SLICED_PATH)
#undef TT_SLICED_PATH
#undef TT_SLICED_SETUP_portable
#undef TT_SLICED_GATHER_portable
#undef TT_SLICED_SETUP_avx2
#undef TT_SLICED_GATHER_avx2
#undef TT_SLICED_SETUP_avx512
#undef TT_SLICED_GATHER_avx512

TT_API void tt_sparse_sliced_linear_isa(tt_isa isa, int64_t m, int64_t in, int64_t out, const float *x,
                                        const float *values, const int8_t *columns, const int32_t *steps,
                                        const float *bias, float *y, float *scratch) {
  TT_DISPATCH(isa, tt_sparse_sliced_linear, m, in, out, x, values, columns, steps, bias, y, scratch);
}

TT_API void tt_sparse_sliced_linear(int64_t m, int64_t in, int64_t out, const float *x, const float *values,
                                    const int8_t *columns, const int32_t *steps, const float *bias, float *y,
                                    float *scratch) {
  tt_sparse_sliced_linear_isa(tt_best_isa(), m, in, out, x, values, columns, steps, bias, y, scratch);
}
