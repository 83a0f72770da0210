/* tt_qgemm.c: int8 GEMM (AVX-512 VNNI, AVX2, portable) and the (de)quantization steps around it.
 * The contract and the choice of instructions are described in tt_qgemm.h.
 *
 * All three GEMMs use the same "dot product" blocking: weights are rows w[j][0..k) (one output
 * channel each, contiguous along k, as quantized_linear stores them), and a block of MR rows of a
 * times NR rows of w keeps MR·NR vector accumulators that run along k; each accumulator is summed
 * across its lanes once at the end. A k that is not a multiple of the vector width ends with one
 * zero-padded step (a masked load on AVX-512; on AVX2 the 16 bytes that end at k, the lanes of a
 * already counted masked out, or zero-padded copies where k < 16).
 *
 * tt_qlinear_packed (compiled layers, convolutions) reads weights packed by tt_qpack instead: a
 * block of rows against a panel of packed columns, each k group of a row broadcast to every lane,
 * so the accumulators hold whole columns and need no horizontal sums; the epilogue is applied to
 * them in registers with the bits of tt_qepilogue.
 */
#include "tt_qgemm.h"

#include <immintrin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- Path selection ---- */

static int tt_int8_supported(int kernel) {
  switch (kernel) {
  case TT_INT8_AVX512_VNNI: return (tt_cpu_features() & TT_CPU_AVX512_VNNI) != 0;
  case TT_INT8_AVX2: return (tt_cpu_features() & TT_CPU_AVX2) != 0;
  case TT_INT8_PORTABLE: return 1;
  default: return 0;
  }
}

TT_API const char *tt_int8_kernel_name(int kernel) {
  switch (kernel) {
  case TT_INT8_AVX512_VNNI: return "avx512-vnni";
  case TT_INT8_AVX2: return "avx2";
  case TT_INT8_PORTABLE: return "portable";
  default: return "auto";
  }
}

/* The path TT_INT8_KERNEL names, else the one TT_ISA caps to (portable or avx2), else TT_INT8_AUTO;
 * read once: a batch-1 layer takes about 100 ns, and getenv scans the whole environment. */
static int tt_int8_forced_kernel(void) {
  /* A benign race: every thread computes the same value. */
  static int cached = -1;
  int forced = __atomic_load_n(&cached, __ATOMIC_RELAXED);
  if (forced < 0) {
    const char *name = getenv("TT_INT8_KERNEL"), *isa = getenv("TT_ISA");
    forced = TT_INT8_AUTO;
    for (int kernel = TT_INT8_PORTABLE; name && kernel <= TT_INT8_AVX512_VNNI; kernel++) {
      if (strcmp(name, tt_int8_kernel_name(kernel)) == 0) forced = kernel;
    }
    if (!name && isa) { /* TT_ISA caps the int8 path like every other kernel's */
      forced = strcmp(isa, "portable") == 0 ? TT_INT8_PORTABLE
               : strcmp(isa, "avx2") == 0   ? TT_INT8_AVX2
                                            : TT_INT8_AUTO;
    }
    __atomic_store_n(&cached, forced, __ATOMIC_RELAXED);
  }
  return forced;
}

TT_API int tt_int8_kernel(int requested) {
  if (requested == TT_INT8_AUTO) requested = tt_int8_forced_kernel();
  if (requested != TT_INT8_AUTO && tt_int8_supported(requested)) return requested;
  for (int kernel = TT_INT8_AVX512_VNNI; kernel > TT_INT8_PORTABLE; kernel--) {
    if ((requested == TT_INT8_AUTO || kernel < requested) && tt_int8_supported(kernel)) return kernel;
  }
  return TT_INT8_PORTABLE;
}

/* ---- Portable ---- */

static void tt_qgemm_portable(int64_t m, int64_t n, int64_t k, const int8_t *a, int64_t lda, const int8_t *w,
                              int64_t ldw, int32_t *c, int64_t ldc) {
  for (int64_t i = 0; i < m; i++) {
    for (int64_t j = 0; j < n; j++) {
      int32_t sum = 0;
      for (int64_t p = 0; p < k; p++) sum += (int32_t)a[i * lda + p] * (int32_t)w[j * ldw + p];
      c[i * ldc + j] = sum;
    }
  }
}

/* ---- AVX2: int16 products through `vpmaddwd` (see tt_qgemm.h) ---- */

/* The arithmetic of both AVX2 paths (this one and tt_qlinear_packed_avx2): int8 values widened to
 * int16, then multiplied and added in pairs into int32 lanes. */

/* 16 int8 values at p widened to int16 (`vpmovsxbw`). */
__attribute__((target("avx2"), always_inline)) static inline __m256i tt_q2_widen(const int8_t *p) {
  return _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)p));
}

/* acc + the products of the 16 int16 lanes of x and w, neighbouring pairs added into 8 int32 lanes.
 * Exact for int8 values: a pair is at most 2 · 128² = 2¹⁵ in magnitude, and `vpmaddwd` adds it
 * in int32 without saturation. */
__attribute__((target("avx2"), always_inline)) static inline __m256i tt_q2_madd(__m256i acc, __m256i x, __m256i w) {
  return _mm256_add_epi32(acc, _mm256_madd_epi16(x, w));
}

/* Unpacked weights: blocks of 2 rows of a × 6 rows of w, 12 accumulators along k (with the two
 * rows of a and a row of w, 15 of the 16 registers). */
#define TT_Q2_MR 2
#define TT_Q2_NR 6

__attribute__((target("avx2"))) static inline int32_t tt_q2_sum(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
}

/* acc[r][q] += Σ over 16 k positions of a_r · w_q (a rows lie lda apart, w rows ldw apart), a's
 * lanes outside `fresh` (int16 lanes, all ones or zeros) counted as zero. */
__attribute__((target("avx2"), always_inline)) static inline void tt_q2_step(int mr, int nr, const int8_t *a,
                                                                             int64_t lda, const int8_t *w,
                                                                             int64_t ldw, __m256i fresh,
                                                                             __m256i acc[TT_Q2_MR][TT_Q2_NR]) {
  __m256i av[TT_Q2_MR];
  for (int r = 0; r < mr; r++) av[r] = _mm256_and_si256(tt_q2_widen(a + r * lda), fresh);
  for (int q = 0; q < nr; q++) {
    __m256i wv = tt_q2_widen(w + q * ldw);
    for (int r = 0; r < mr; r++) acc[r][q] = tt_q2_madd(acc[r][q], av[r], wv);
  }
}

/* c[r][q] = Σ_p a_r · w_q for an mr × nr block: steps of 16 k positions, then the last k % 16
 * from the 16 bytes that end at k with a's lanes before them masked out (they were counted), or,
 * for k < 16, from zero-padded copies (zeros add nothing). Each accumulator is summed across its
 * lanes at the end. */
__attribute__((target("avx2"), always_inline)) static inline void tt_q2_block(int mr, int nr, int64_t k,
                                                                              const int8_t *a, int64_t lda,
                                                                              const int8_t *w, int64_t ldw,
                                                                              int32_t *c, int64_t ldc) {
  __m256i acc[TT_Q2_MR][TT_Q2_NR];
  for (int r = 0; r < TT_Q2_MR; r++) {
    for (int q = 0; q < TT_Q2_NR; q++) acc[r][q] = _mm256_setzero_si256();
  }
  const __m256i every = _mm256_set1_epi16(-1);
  int64_t p = 0;
  for (; p + 16 <= k; p += 16) tt_q2_step(mr, nr, a + p, lda, w + p, ldw, every, acc);
  if (p < k && k >= 16) {
    __m256i lane = _mm256_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    __m256i fresh = _mm256_cmpgt_epi16(lane, _mm256_set1_epi16((short)(15 - (k - p))));
    tt_q2_step(mr, nr, a + k - 16, lda, w + k - 16, ldw, fresh, acc);
  } else if (p < k) {
    int8_t rows[TT_Q2_MR + TT_Q2_NR][16] = {{0}};
    for (int r = 0; r < mr; r++) memcpy(rows[r], a + r * lda, (size_t)k);
    for (int q = 0; q < nr; q++) memcpy(rows[TT_Q2_MR + q], w + q * ldw, (size_t)k);
    tt_q2_step(mr, nr, rows[0], 16, rows[TT_Q2_MR], 16, every, acc);
  }
  for (int r = 0; r < mr; r++) {
    for (int q = 0; q < nr; q++) c[r * ldc + q] = tt_q2_sum(acc[r][q]);
  }
}

__attribute__((target("avx2"))) static void tt_qgemm_avx2(int64_t m, int64_t n, int64_t k, const int8_t *a,
                                                          int64_t lda, const int8_t *w, int64_t ldw, int32_t *c,
                                                          int64_t ldc) {
  for (int64_t j = 0; j < n; j += TT_Q2_NR) {
    int nr = n - j < TT_Q2_NR ? (int)(n - j) : TT_Q2_NR;
    for (int64_t i = 0; i < m; i += TT_Q2_MR) {
      int mr = m - i < TT_Q2_MR ? (int)(m - i) : TT_Q2_MR;
      const int8_t *ai = a + i * lda, *wj = w + j * ldw;
      int32_t *cij = c + i * ldc + j;
      /* Constant block shapes, so each case is unrolled into registers. */
      switch (mr * 8 + nr) {
#define TT_Q2_CASE(R, Q) \
  case R * 8 + Q: tt_q2_block(R, Q, k, ai, lda, wj, ldw, cij, ldc); break;
        TT_Q2_CASE(2, 6) TT_Q2_CASE(2, 5) TT_Q2_CASE(2, 4) TT_Q2_CASE(2, 3) TT_Q2_CASE(2, 2) TT_Q2_CASE(2, 1)
        TT_Q2_CASE(1, 6) TT_Q2_CASE(1, 5) TT_Q2_CASE(1, 4) TT_Q2_CASE(1, 3) TT_Q2_CASE(1, 2)
#undef TT_Q2_CASE
      default: tt_q2_block(1, 1, k, ai, lda, wj, ldw, cij, ldc); break;
      }
    }
  }
}

/* ---- AVX-512 VNNI: (a + 128) · w through vpdpbusd, minus 128 · Σ w (see tt_qgemm.h) ---- */

#define TT_Q5_MR 4
#define TT_Q5_NR 4
#define TT_Q5_TARGET "avx512f,avx512bw,avx512vnni"

/* acc[r][q] += Σ over the bytes of `mask` of (a_r + 128) · w_q. Bytes outside the mask load as
 * zero: a becomes 128 there, w 0, so they add nothing. */
__attribute__((target(TT_Q5_TARGET), always_inline)) static inline void tt_q5_step(
    int mr, int nr, __mmask64 mask, const int8_t *a, int64_t lda, const int8_t *w, int64_t ldw,
    __m512i acc[TT_Q5_MR][TT_Q5_NR]) {
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  __m512i au[TT_Q5_MR];
  for (int r = 0; r < mr; r++) au[r] = _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, a + r * lda), flip);
  for (int q = 0; q < nr; q++) {
    __m512i wv = _mm512_maskz_loadu_epi8(mask, w + q * ldw);
    for (int r = 0; r < mr; r++) acc[r][q] = _mm512_dpbusd_epi32(acc[r][q], au[r], wv);
  }
}

__attribute__((target(TT_Q5_TARGET), always_inline)) static inline void tt_q5_block(
    int mr, int nr, int64_t k, const int8_t *a, int64_t lda, const int8_t *w, int64_t ldw,
    const int32_t *w_sums, int32_t *c, int64_t ldc) {
  __m512i acc[TT_Q5_MR][TT_Q5_NR];
  for (int r = 0; r < TT_Q5_MR; r++) {
    for (int q = 0; q < TT_Q5_NR; q++) acc[r][q] = _mm512_setzero_si512();
  }
  int64_t p = 0;
  for (; p + 64 <= k; p += 64) tt_q5_step(mr, nr, ~(__mmask64)0, a + p, lda, w + p, ldw, acc);
  if (p < k) tt_q5_step(mr, nr, ((__mmask64)1 << (k - p)) - 1, a + p, lda, w + p, ldw, acc);
  for (int r = 0; r < mr; r++) {
    for (int q = 0; q < nr; q++) c[r * ldc + q] = _mm512_reduce_add_epi32(acc[r][q]) - 128 * w_sums[q];
  }
}

__attribute__((target(TT_Q5_TARGET))) static void tt_qgemm_avx512_vnni(int64_t m, int64_t n, int64_t k,
                                                                       const int8_t *a, int64_t lda,
                                                                       const int8_t *w, int64_t ldw,
                                                                       const int32_t *w_sums, int32_t *c,
                                                                       int64_t ldc) {
  for (int64_t j = 0; j < n; j += TT_Q5_NR) {
    int nr = n - j < TT_Q5_NR ? (int)(n - j) : TT_Q5_NR;
    for (int64_t i = 0; i < m; i += TT_Q5_MR) {
      int mr = m - i < TT_Q5_MR ? (int)(m - i) : TT_Q5_MR;
      const int8_t *ai = a + i * lda, *wj = w + j * ldw;
      const int32_t *sj = w_sums + j;
      int32_t *cij = c + i * ldc + j;
      /* Constant block shapes, so each case is unrolled into registers. */
      switch (mr * 8 + nr) {
#define TT_Q5_CASE(R, Q) \
  case R * 8 + Q: tt_q5_block(R, Q, k, ai, lda, wj, ldw, sj, cij, ldc); break;
        TT_Q5_CASE(4, 4) TT_Q5_CASE(4, 3) TT_Q5_CASE(4, 2) TT_Q5_CASE(4, 1)
        TT_Q5_CASE(3, 4) TT_Q5_CASE(3, 3) TT_Q5_CASE(3, 2) TT_Q5_CASE(3, 1)
        TT_Q5_CASE(2, 4) TT_Q5_CASE(2, 3) TT_Q5_CASE(2, 2) TT_Q5_CASE(2, 1)
        TT_Q5_CASE(1, 4) TT_Q5_CASE(1, 3) TT_Q5_CASE(1, 2)
#undef TT_Q5_CASE
      default: tt_q5_block(1, 1, k, ai, lda, wj, ldw, sj, cij, ldc); break;
      }
    }
  }
}

/* ---- Packed weights for few rows (see tt_qpack in tt_qgemm.h) ---- */

static inline int64_t tt_qpack_columns(int64_t n) { return (n + 15) / 16 * 16; }

TT_API int64_t tt_qpack_bytes(int64_t n, int64_t k) {
  return tt_qpack_columns(n) * 4 + (k + 3) / 4 * tt_qpack_columns(n) * 4;
}

TT_API void tt_qpack(const int8_t *w, int64_t n, int64_t k, void *packed) {
  int64_t columns = tt_qpack_columns(n);
  memset(packed, 0, (size_t)tt_qpack_bytes(n, k));
  int32_t *sums = packed;
  int8_t *groups = (int8_t *)(sums + columns);
  for (int64_t j = 0; j < n; j++) {
    int32_t sum = 0;
    for (int64_t p = 0; p < k; p++) {
      groups[(p / 4 * columns + j) * 4 + p % 4] = w[j * k + p];
      sum += w[j * k + p];
    }
    sums[j] = sum;
  }
}

TT_API int64_t tt_qpack_grouped_bytes(int64_t groups, int64_t n, int64_t k) {
  return groups * tt_qpack_bytes(n / groups, k);
}

TT_API void tt_qpack_grouped(const int8_t *w, int64_t groups, int64_t n, int64_t k, void *packed) {
  int64_t rows = n / groups, stride = tt_qpack_bytes(rows, k);
  for (int64_t g = 0; g < groups; g++) tt_qpack(w + g * rows * k, rows, k, (int8_t *)packed + g * stride);
}

/* part += (x + 128) · w for one group of four k positions (`word`: their bytes) and `vectors`
 * vectors of 16 columns. Padding positions of x become 128 after the flip, against zero weights. */
__attribute__((target(TT_Q5_TARGET), always_inline)) static inline void tt_qpack_step(const int vectors,
                                                                                      int32_t word,
                                                                                      const int8_t *w,
                                                                                      __m512i part[4]) {
  __m512i a = _mm512_xor_si512(_mm512_set1_epi32(word), _mm512_set1_epi8((char)0x80));
  for (int v = 0; v < vectors; v++) part[v] = _mm512_dpbusd_epi32(part[v], a, _mm512_loadu_si512(w + v * 64));
}

/* acc[v] = Σ_p (x[p] + 128) · w[j][p] for `vectors` vectors of 16 columns of packed groups, with two
 * partial sums each (the dependency chains are half as long). */
__attribute__((target(TT_Q5_TARGET), always_inline)) static inline void tt_qpack_block(
    const int vectors, const int8_t *x, int64_t k, const int8_t *groups, int64_t columns, __m512i acc[4]) {
  __m512i part[2][4];
  for (int v = 0; v < vectors; v++) part[0][v] = part[1][v] = _mm512_setzero_si512();
  int64_t g = 0, full = k / 4;
  int32_t word;
  for (; g + 2 <= full; g += 2) {
    for (int u = 0; u < 2; u++) {
      memcpy(&word, x + 4 * (g + u), 4);
      tt_qpack_step(vectors, word, groups + (g + u) * columns * 4, part[u]);
    }
  }
  if (g < full) {
    memcpy(&word, x + 4 * g, 4);
    tt_qpack_step(vectors, word, groups + g * columns * 4, part[0]);
    g++;
  }
  if (4 * g < k) { /* the last, partial group: its missing positions are zero */
    word = 0;
    for (int64_t p = 4 * g; p < k; p++) word |= (int32_t)(uint8_t)x[p] << (8 * (p - 4 * g));
    tt_qpack_step(vectors, word, groups + g * columns * 4, part[1]);
  }
  for (int v = 0; v < vectors; v++) acc[v] = _mm512_add_epi32(part[0][v], part[1][v]);
}

/* tt_qlinear_epilogue for 16 columns j… of one row from acc = Σ (x + 128) · w, lane by lane: the
 * same operations in the same order (an IEEE division, round to nearest even, NaN to the zero
 * point). The correction (128 + x_zero_point) · Σ w folds the epilogue's zero point in; `cols` ≤ 16
 * columns are stored, column c at out[c · out_column]. */
__attribute__((target(TT_Q5_TARGET ",avx512dq,avx512vl"), always_inline)) static inline void tt_q5_epilogue(
    __m512i acc, int64_t j, int cols, const int32_t *sums, int32_t x_zero_point, float x_scale,
    const float *w_scale, const float *bias, int relu, float *out_f32, int8_t *out_i8, int64_t out_column,
    float out_scale, int32_t out_zero_point) {
#pragma STDC FP_CONTRACT OFF
  __mmask16 lanes = (__mmask16)((1u << cols) - 1);
  __m512i correction = _mm512_mullo_epi32(_mm512_set1_epi32(128 + x_zero_point), _mm512_loadu_si512(sums + j));
  __m512i exact = _mm512_sub_epi32(acc, correction);
  __m512 scale = _mm512_mul_ps(_mm512_set1_ps(x_scale), _mm512_maskz_loadu_ps(lanes, w_scale + j));
  __m512 y = _mm512_mul_ps(_mm512_cvtepi32_ps(exact), scale);
  if (bias) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(lanes, bias + j));
  if (relu) y = _mm512_max_ps(y, _mm512_setzero_ps()); /* NaN and −0 become +0, as y > 0 ? y : 0 */
  if (!out_i8 && out_column == 1) {
    _mm512_mask_storeu_ps(out_f32, lanes, y);
    return;
  }
  if (!out_i8) {
    float values[16];
    _mm512_storeu_ps(values, y);
    for (int c = 0; c < cols; c++) out_f32[c * out_column] = values[c];
    return;
  }
  __m512 q = _mm512_roundscale_ps(_mm512_div_ps(y, _mm512_set1_ps(out_scale)),
                                  _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  q = _mm512_add_ps(q, _mm512_set1_ps((float)out_zero_point));
  __mmask16 nan = _mm512_cmp_ps_mask(q, q, _CMP_UNORD_Q);
  q = _mm512_min_ps(_mm512_max_ps(q, _mm512_set1_ps(-128.0f)), _mm512_set1_ps(127.0f));
  __m512i bytes = _mm512_mask_blend_epi32(nan, _mm512_cvtps_epi32(q), _mm512_set1_epi32(out_zero_point));
  if (out_column == 1) {
    _mm_mask_storeu_epi8(out_i8, lanes, _mm512_cvtepi32_epi8(bytes));
  } else {
    int8_t values[16];
    _mm_storeu_si128((__m128i *)values, _mm512_cvtepi32_epi8(bytes));
    for (int c = 0; c < cols; c++) out_i8[c * out_column] = values[c];
  }
}

/* One row with `vpdpbusd`, up to four vectors of 16 columns at a time (x made unsigned, x + 128,
 * see tt_qgemm.h), the epilogue per vector; column j goes to out[j · out_column]. */
__attribute__((target(TT_Q5_TARGET ",avx512dq,avx512vl"), always_inline)) static inline void tt_qlinear_packed_row_vnni(
    int64_t n, int64_t k, const int8_t *x, const int32_t *sums, const int8_t *groups, int32_t x_zero_point,
    float x_scale, const float *w_scale, const float *bias, int relu, float *out_f32, int8_t *out_i8,
    int64_t out_column, float out_scale, int32_t out_zero_point) {
  int64_t columns = tt_qpack_columns(n);
  for (int64_t j0 = 0; j0 < columns; j0 += 64) {
    int vectors = columns - j0 < 64 ? (int)((columns - j0) / 16) : 4;
    __m512i acc[4];
    /* Constant block widths, so that each case keeps its accumulators in registers. */
    switch (vectors) {
    case 4: tt_qpack_block(4, x, k, groups + j0 * 4, columns, acc); break;
    case 3: tt_qpack_block(3, x, k, groups + j0 * 4, columns, acc); break;
    case 2: tt_qpack_block(2, x, k, groups + j0 * 4, columns, acc); break;
    default: tt_qpack_block(1, x, k, groups + j0 * 4, columns, acc); break;
    }
    for (int v = 0; v < vectors && j0 + v * 16 < n; v++) {
      int64_t j = j0 + v * 16;
      tt_q5_epilogue(acc[v], j, n - j < 16 ? (int)(n - j) : 16, sums, x_zero_point, x_scale, w_scale, bias, relu,
                     out_f32 ? out_f32 + j * out_column : 0, out_i8 ? out_i8 + j * out_column : 0, out_column,
                     out_scale, out_zero_point);
    }
  }
}

/* The row kernel inlined twice: for out_column = 1 as a constant (every linear layer), where the
 * epilogue stores whole vectors without the strided store's branches (at batch 1 those cost about
 * a fifth of the layer), and for any out_column (convolutions). */
__attribute__((target(TT_Q5_TARGET ",avx512dq,avx512vl"), noinline)) static void tt_qrow_vnni_contiguous(
    int64_t n, int64_t k, const int8_t *x, const int32_t *sums, const int8_t *groups, int32_t x_zero_point,
    float x_scale, const float *w_scale, const float *bias, int relu, float *out_f32, int8_t *out_i8, float out_scale,
    int32_t out_zero_point) {
  tt_qlinear_packed_row_vnni(n, k, x, sums, groups, x_zero_point, x_scale, w_scale, bias, relu, out_f32, out_i8, 1,
                             out_scale, out_zero_point);
}

__attribute__((target(TT_Q5_TARGET ",avx512dq,avx512vl"), noinline)) static void tt_qrow_vnni_strided(
    int64_t n, int64_t k, const int8_t *x, const int32_t *sums, const int8_t *groups, int32_t x_zero_point,
    float x_scale, const float *w_scale, const float *bias, int relu, float *out_f32, int8_t *out_i8,
    int64_t out_column, float out_scale, int32_t out_zero_point) {
  tt_qlinear_packed_row_vnni(n, k, x, sums, groups, x_zero_point, x_scale, w_scale, bias, relu, out_f32, out_i8,
                             out_column, out_scale, out_zero_point);
}

/* Many rows with `vpdpbusd`: x + 128 into `flipped` (m·k bytes) once, then each panel of 64 packed
 * columns (4·k bytes per 16) against every block of up to 4 rows: per k group, 4 weight vectors
 * and 4 broadcasts feed 16 `vpdpbusd` (no horizontal sums); the epilogue from the registers. */
#define TT_QP5_MR 4

/* acc[r][v] += Σ over one k group of (x_r + 128) · w for 16 columns per v; words[r]: row r's group. */
__attribute__((target(TT_Q5_TARGET), always_inline)) static inline void tt_qp5_step(const int mr, const int vectors,
                                                                                   const int32_t *words,
                                                                                   const int8_t *w,
                                                                                   __m512i acc[TT_QP5_MR][4]) {
  __m512i wv[4];
  for (int v = 0; v < vectors; v++) wv[v] = _mm512_loadu_si512(w + v * 64);
  for (int r = 0; r < mr; r++) {
    __m512i xb = _mm512_set1_epi32(words[r]);
    for (int v = 0; v < vectors; v++) acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], xb, wv[v]);
  }
}

__attribute__((target(TT_Q5_TARGET), always_inline)) static inline void tt_qp5_block(
    const int mr, const int vectors, const uint8_t *flipped, int64_t k, const int8_t *groups, int64_t columns,
    __m512i acc[TT_QP5_MR][4]) {
  for (int r = 0; r < TT_QP5_MR; r++) {
    for (int v = 0; v < 4; v++) acc[r][v] = _mm512_setzero_si512();
  }
  int32_t words[TT_QP5_MR];
  int64_t g = 0, full = k / 4;
  for (; g < full; g++) {
    for (int r = 0; r < mr; r++) memcpy(&words[r], flipped + r * k + 4 * g, 4);
    tt_qp5_step(mr, vectors, words, groups + g * columns * 4, acc);
  }
  if (4 * g < k) { /* the last, partial group: its missing positions meet zero weights */
    for (int r = 0; r < mr; r++) {
      words[r] = 0;
      for (int64_t p = 4 * g; p < k; p++) words[r] |= (int32_t)flipped[r * k + p] << (8 * (p - 4 * g));
    }
    tt_qp5_step(mr, vectors, words, groups + g * columns * 4, acc);
  }
}

__attribute__((target(TT_Q5_TARGET ",avx512dq,avx512vl"))) static void tt_qlinear_packed_vnni(
    int64_t m, int64_t n, int64_t k, const int8_t *x, uint8_t *flipped, const int32_t *sums,
    const int8_t *groups, int32_t x_zero_point, float x_scale, const float *w_scale, const float *bias, int relu,
    float *out_f32, int8_t *out_i8, int64_t out_row, int64_t out_column, float out_scale,
    int32_t out_zero_point) {
  int64_t columns = tt_qpack_columns(n);
  for (int64_t i = 0; i < m * k; i++) flipped[i] = (uint8_t)(x[i] ^ 0x80); /* x + 128 */
  for (int64_t j0 = 0; j0 < columns; j0 += 64) {
    int vectors = columns - j0 < 64 ? (int)((columns - j0) / 16) : 4;
    for (int64_t i = 0; i < m; i += TT_QP5_MR) {
      int mr = m - i < TT_QP5_MR ? (int)(m - i) : TT_QP5_MR;
      __m512i acc[TT_QP5_MR][4];
      const uint8_t *rows = flipped + i * k;
      /* Constant block shapes, so that each case keeps its accumulators in registers. */
      switch (mr * 8 + vectors) {
#define TT_QP5_CASE(R, V) \
  case R * 8 + V: tt_qp5_block(R, V, rows, k, groups + j0 * 4, columns, acc); break;
        TT_QP5_CASE(4, 4) TT_QP5_CASE(4, 3) TT_QP5_CASE(4, 2) TT_QP5_CASE(4, 1)
        TT_QP5_CASE(3, 4) TT_QP5_CASE(3, 3) TT_QP5_CASE(3, 2) TT_QP5_CASE(3, 1)
        TT_QP5_CASE(2, 4) TT_QP5_CASE(2, 3) TT_QP5_CASE(2, 2) TT_QP5_CASE(2, 1)
        TT_QP5_CASE(1, 4) TT_QP5_CASE(1, 3) TT_QP5_CASE(1, 2)
#undef TT_QP5_CASE
      default: tt_qp5_block(1, 1, rows, k, groups + j0 * 4, columns, acc); break;
      }
      for (int r = 0; r < mr; r++) {
        for (int v = 0; v < vectors && j0 + v * 16 < n; v++) {
          int64_t j = j0 + v * 16, at = (i + r) * out_row + j * out_column;
          tt_q5_epilogue(acc[r][v], j, n - j < 16 ? (int)(n - j) : 16, sums, x_zero_point, x_scale, w_scale, bias,
                         relu, out_f32 ? out_f32 + at : 0, out_i8 ? out_i8 + at : 0, out_column, out_scale,
                         out_zero_point);
        }
      }
    }
  }
}

/* ---- AVX2 on packed weights: int16 products ---- */

/* The packed AVX2 product has the arithmetic of the unpacked one (tt_q2_widen, tt_q2_madd: int16
 * products through `vpmaddwd`, exact for every int8 input) in another layout. x is widened to int16
 * once per call (rows padded with zeros to whole k groups); each load of 16 packed weight bytes (4
 * columns × one k group of 4) is widened and multiplied against a broadcast of a row's 4 int16
 * values of that group: lane pair (2c, 2c + 1) of the int32 result holds column c's sums over k
 * positions {0, 1} and {2, 3}, added together in the epilogue, so no accumulator needs the
 * horizontal sum of the unpacked blocks.
 *
 * Many rows (more than TT_QP2_MR): each panel of 8 columns is first widened into scratch, contiguous
 * (in place its groups lie a whole packed row apart, 4·n' bytes, and would fall into few L1 sets),
 * then blocks of 6 rows × 8 columns keep 12 accumulators, the two weight vectors and a broadcast in
 * the 16 registers. Few rows read the weights once anyway: blocks of 2 rows × 16 columns (whole
 * 64-byte groups) widen them as they load. */
#define TT_QP2_MR 6

/* acc[r][v] += Σ over one k group of x_r · w for the 4 columns of v (two partial sums each);
 * rows[r] points at row r's group of 4 int16 values, w at the group's `vectors` · 4 packed columns:
 * int8 bytes, or (`widened`) the same values as int16. */
__attribute__((target("avx2"), always_inline)) static inline void tt_qp2_step(const int mr, const int vectors,
                                                                              const int widened,
                                                                              const int16_t *rows[],
                                                                              const void *w,
                                                                              __m256i acc[TT_QP2_MR][4]) {
  __m256i wv[4];
  for (int v = 0; v < vectors; v++) {
    wv[v] = widened ? _mm256_loadu_si256((const __m256i *)w + v) : tt_q2_widen((const int8_t *)w + 16 * v);
  }
  for (int r = 0; r < mr; r++) {
    int64_t word;
    memcpy(&word, rows[r], 8);
    __m256i xb = _mm256_set1_epi64x(word);
    for (int v = 0; v < vectors; v++) acc[r][v] = tt_q2_madd(acc[r][v], xb, wv[v]);
  }
}

/* acc[r][v] = the partial sums of row r of x16 (`k4` int16 values a row, k rounded up to whole
 * groups, zero past k) against `vectors` · 4 packed columns: the groups of 4 k positions lie
 * `stride` bytes apart from `panel` on (64 for a widened panel). */
__attribute__((target("avx2"), always_inline)) static inline void tt_qp2_block(const int mr, const int vectors,
                                                                               const int widened,
                                                                               const int16_t *x16, int64_t k4,
                                                                               const int8_t *panel, int64_t stride,
                                                                               __m256i acc[TT_QP2_MR][4]) {
  for (int r = 0; r < mr; r++) {
    for (int v = 0; v < vectors; v++) acc[r][v] = _mm256_setzero_si256();
  }
  const int16_t *rows[TT_QP2_MR];
  for (int r = 0; r < mr; r++) rows[r] = x16 + r * k4;
  if (widened) stride = 64; /* a constant: one register less in the loop */
  for (int64_t p = 0; p < k4; p += 4, panel += stride) {
    tt_qp2_step(mr, vectors, widened, rows, panel, acc);
    for (int r = 0; r < mr; r++) rows[r] += 4;
  }
}

/* The sums of 8 columns from two accumulators of 4 columns × 2 partial sums (tt_qp2_step). */
__attribute__((target("avx2"))) static inline __m256i tt_qp2_columns(__m256i low, __m256i high) {
  /* vphaddd per 128-bit lane gives columns (0, 1, 4, 5 | 2, 3, 6, 7); vpermq puts them in order. */
  return _mm256_permute4x64_epi64(_mm256_hadd_epi32(low, high), 0xD8);
}

/* tt_quantize_one(y / scale, zero_point) for 8 lanes (an IEEE division, round to nearest even, NaN
 * to the zero point), in the low 8 bytes of the result. */
__attribute__((target("avx2"))) static inline __m128i tt_qp2_quantize(__m256 y, float scale, int32_t zero_point) {
  __m256 q = _mm256_round_ps(_mm256_div_ps(y, _mm256_set1_ps(scale)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  q = _mm256_add_ps(q, _mm256_set1_ps((float)zero_point));
  __m256 nan = _mm256_cmp_ps(q, q, _CMP_UNORD_Q);
  q = _mm256_min_ps(_mm256_max_ps(q, _mm256_set1_ps(-128.0f)), _mm256_set1_ps(127.0f));
  __m256i values = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(_mm256_cvtps_epi32(q)),
                                                        _mm256_castsi256_ps(_mm256_set1_epi32(zero_point)), nan));
  __m128i halves = _mm_packs_epi32(_mm256_castsi256_si128(values), _mm256_extracti128_si256(values, 1));
  return _mm_packs_epi16(halves, halves); /* exact: each value is in [−128, 127] */
}

/* tt_quantize, 8 values at a time. */
__attribute__((target("avx2"))) static void tt_quantize_avx2(const float *x, int64_t count, float scale,
                                                             int32_t zero_point, int8_t *out) {
  int64_t i = 0;
  for (; i + 8 <= count; i += 8) _mm_storel_epi64((__m128i *)(out + i), tt_qp2_quantize(_mm256_loadu_ps(x + i), scale, zero_point));
  for (; i < count; i++) out[i] = tt_quantize_one(x[i] / scale, zero_point);
}

/* tt_qlinear_epilogue for 8 columns of one row, lane by lane (the same operations in the same order:
 * one rounding each, an IEEE division, round to nearest even, NaN to the zero point); `cols` ≤ 8
 * of them are stored, column c at out[c · out_column]. correction = x_zero_point · Σ w,
 * scale = x_scale · w_scale. */
__attribute__((target("avx2"))) static inline void tt_qp2_epilogue(__m256i acc, __m256i correction, __m256 scale,
                                                                   __m256 bias, int relu, int cols, float *out_f32,
                                                                   int8_t *out_i8, int64_t out_column,
                                                                   float out_scale, int32_t out_zero_point) {
#pragma STDC FP_CONTRACT OFF
  __m256 y = _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(acc, correction)), scale), bias);
  if (relu) y = _mm256_max_ps(y, _mm256_setzero_ps()); /* NaN and −0 become +0, as y > 0 ? y : 0 */
  if (!out_i8) {
    if (out_column != 1) {
      float values[8];
      _mm256_storeu_ps(values, y);
      for (int c = 0; c < cols; c++) out_f32[c * out_column] = values[c];
    } else if (cols == 8) {
      _mm256_storeu_ps(out_f32, y);
    } else {
      __m256i lanes = _mm256_cmpgt_epi32(_mm256_set1_epi32(cols), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
      _mm256_maskstore_ps(out_f32, lanes, y);
    }
    return;
  }
  __m128i bytes = tt_qp2_quantize(y, out_scale, out_zero_point);
  if (out_column != 1) {
    int8_t values[16];
    _mm_storeu_si128((__m128i *)values, bytes);
    for (int c = 0; c < cols; c++) out_i8[c * out_column] = values[c];
  } else if (cols == 8) {
    _mm_storel_epi64((__m128i *)out_i8, bytes);
  } else {
    int64_t first = _mm_cvtsi128_si64(bytes);
    memcpy(out_i8, &first, (size_t)cols);
  }
}

/* tt_qlinear_packed on AVX2: x widened to int16 into `x16` (m rows of k rounded up to 4), then
 * each panel of packed columns against every block of rows (see above), the epilogue applied
 * straight from the accumulators; y[i][j] goes to out[i · out_row + j · out_column]. */
__attribute__((target("avx2"))) static void tt_qlinear_packed_avx2(int64_t m, int64_t n, int64_t k, const int8_t *x,
                                                                   int16_t *x16, const int32_t *sums,
                                                                   const int8_t *groups,
                                                                   int32_t x_zero_point, float x_scale,
                                                                   const float *w_scale, const float *bias, int relu,
                                                                   float *out_f32, int8_t *out_i8, int64_t out_row,
                                                                   int64_t out_column, float out_scale,
                                                                   int32_t out_zero_point) {
#pragma STDC FP_CONTRACT OFF
  int64_t columns = tt_qpack_columns(n), k4 = (k + 3) / 4 * 4;
  int16_t *wide = x16 + (m * k4 + 31) / 32 * 32; /* the widened panel, on its own cache lines */
  const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (int64_t i = 0; i < m; i++) {
    int64_t p = 0;
    for (; p + 16 <= k; p += 16) {
      _mm256_storeu_si256((__m256i *)(x16 + i * k4 + p), tt_q2_widen(x + i * k + p));
    }
    for (; p < k4; p++) x16[i * k4 + p] = p < k ? x[i * k + p] : 0;
  }
  int widened = m > TT_QP2_MR, width = widened ? 8 : 16, height = widened ? TT_QP2_MR : 2;
  for (int64_t j0 = 0; j0 < n; j0 += width) {
    int cols[2];
    __m256i correction[2];
    __m256 scale[2], offset[2];
    for (int h = 0; h < width / 8; h++) {
      int64_t left = n - j0 - 8 * h;
      cols[h] = left < 0 ? 0 : left > 8 ? 8 : (int)left;
      __m256i lanes = _mm256_cmpgt_epi32(_mm256_set1_epi32(cols[h]), index);
      correction[h] = _mm256_mullo_epi32(_mm256_set1_epi32(x_zero_point),
                                         _mm256_loadu_si256((const __m256i *)(sums + j0 + 8 * h)));
      scale[h] = _mm256_mul_ps(_mm256_set1_ps(x_scale), _mm256_maskload_ps(w_scale + j0 + 8 * h, lanes));
      offset[h] = bias ? _mm256_maskload_ps(bias + j0 + 8 * h, lanes) : _mm256_setzero_ps();
    }
    const int8_t *panel = groups + j0 * 4;
    int64_t stride = columns * 4;
    if (widened) { /* the panel as int16, contiguous: read from L1 by every block of rows */
      for (int64_t g = 0; g < k4 / 4; g++) {
        for (int h = 0; h < 2; h++) {
          _mm256_storeu_si256((__m256i *)(wide + 32 * g + 16 * h), tt_q2_widen(panel + g * stride + 16 * h));
        }
      }
      panel = (const int8_t *)wide;
      stride = 64;
    }
    for (int64_t i = 0; i < m; i += height) {
      int mr = m - i < height ? (int)(m - i) : height;
      __m256i acc[TT_QP2_MR][4];
      const int16_t *rows = x16 + i * k4;
      /* Constant block shapes, so that each case keeps its accumulators in registers. */
      switch (widened ? mr : -mr) {
      case 6: tt_qp2_block(6, 2, 1, rows, k4, panel, stride, acc); break;
      case 5: tt_qp2_block(5, 2, 1, rows, k4, panel, stride, acc); break;
      case 4: tt_qp2_block(4, 2, 1, rows, k4, panel, stride, acc); break;
      case 3: tt_qp2_block(3, 2, 1, rows, k4, panel, stride, acc); break;
      case 2: tt_qp2_block(2, 2, 1, rows, k4, panel, stride, acc); break;
      case 1: tt_qp2_block(1, 2, 1, rows, k4, panel, stride, acc); break;
      case -2: tt_qp2_block(2, 4, 0, rows, k4, panel, stride, acc); break;
      default: tt_qp2_block(1, 4, 0, rows, k4, panel, stride, acc); break;
      }
      for (int r = 0; r < mr; r++) {
        for (int h = 0; h < width / 8 && cols[h] > 0; h++) {
          int64_t at = (i + r) * out_row + (j0 + 8 * h) * out_column;
          tt_qp2_epilogue(tt_qp2_columns(acc[r][2 * h], acc[r][2 * h + 1]), correction[h], scale[h], offset[h],
                          relu, cols[h], out_f32 ? out_f32 + at : 0, out_i8 ? out_i8 + at : 0, out_column,
                          out_scale, out_zero_point);
        }
      }
    }
  }
}

TT_API int64_t tt_qlinear_packed_scratch(int64_t m, int64_t n, int64_t k) {
  /* AVX2: x and one panel of 8 columns as int16, k rounded up to whole groups of 4 */
  int64_t k4 = (k + 3) / 4 * 4, accumulators = 4 * m * n, widened = 2 * ((m * k4 + 31) / 32 * 32 + 8 * k4);
  return accumulators > widened ? accumulators : widened;
}

/* acc[i][j] = Σ_p x[i][p] · w[j][p] from the packed weights, one product at a time (the portable
 * path; the reference the vector paths are tested against goes through tt_qgemm on w). */
static void tt_qlinear_packed_portable(int64_t m, int64_t n, int64_t k, const int8_t *x, const int8_t *groups,
                                       int32_t *acc) {
  int64_t columns = tt_qpack_columns(n);
  for (int64_t i = 0; i < m; i++) {
    int32_t *row = acc + i * n;
    for (int64_t j = 0; j < n; j++) row[j] = 0;
    for (int64_t p = 0; p < k; p++) {
      const int8_t *w = groups + (p / 4 * columns) * 4 + p % 4;
      for (int64_t j = 0; j < n; j++) row[j] += (int32_t)x[i * k + p] * (int32_t)w[4 * j];
    }
  }
}

/* The path for the shape and the CPU (tt_qlinear_packed_strided), inlined into both entry points:
 * tt_qlinear_packed calling tt_qlinear_packed_strided would pass its 16 arguments on once more,
 * which costs more than a batch-1 layer's epilogue. */
__attribute__((always_inline)) static inline void tt_qlinear_packed_dispatch(
    int kernel, int64_t m, int64_t n, int64_t k, const int8_t *x, const void *packed, void *scratch,
    int32_t x_zero_point, float x_scale, const float *w_scale, const float *bias, int relu, float *out_f32,
    int8_t *out_i8, int64_t out_row, int64_t out_column, float out_scale, int32_t out_zero_point) {
  const int32_t *sums = packed;
  const int8_t *groups = (const int8_t *)(sums + tt_qpack_columns(n));
  kernel = tt_int8_kernel(kernel);
  if (kernel == TT_INT8_AVX512_VNNI && m <= TT_QP5_MR) { /* few rows: each reads the weights once anyway */
    for (int64_t i = 0; i < m; i++) {
      float *yf = out_f32 ? out_f32 + i * out_row : 0;
      int8_t *yq = out_i8 ? out_i8 + i * out_row : 0;
      if (out_column == 1) {
        tt_qrow_vnni_contiguous(n, k, x + i * k, sums, groups, x_zero_point, x_scale, w_scale, bias, relu, yf, yq,
                                out_scale, out_zero_point);
      } else {
        tt_qrow_vnni_strided(n, k, x + i * k, sums, groups, x_zero_point, x_scale, w_scale, bias, relu, yf, yq,
                             out_column, out_scale, out_zero_point);
      }
    }
  } else if (kernel == TT_INT8_AVX512_VNNI) {
    tt_qlinear_packed_vnni(m, n, k, x, scratch, sums, groups, x_zero_point, x_scale, w_scale, bias, relu, out_f32,
                           out_i8, out_row, out_column, out_scale, out_zero_point);
  } else if (kernel == TT_INT8_AVX2) {
    tt_qlinear_packed_avx2(m, n, k, x, scratch, sums, groups, x_zero_point, x_scale, w_scale, bias, relu, out_f32,
                           out_i8, out_row, out_column, out_scale, out_zero_point);
  } else {
    tt_qlinear_packed_portable(m, n, k, x, groups, scratch);
    tt_qepilogue(scratch, m, n, n, sums, x_zero_point, x_scale, w_scale, bias, relu, out_f32, out_i8, out_row,
                 out_column, out_scale, out_zero_point);
  }
}

TT_API void tt_qlinear_packed_strided(int kernel, int64_t m, int64_t n, int64_t k, const int8_t *x,
                                      const void *packed, void *scratch, int32_t x_zero_point, float x_scale,
                                      const float *w_scale, const float *bias, int relu, float *out_f32,
                                      int8_t *out_i8, int64_t out_row, int64_t out_column, float out_scale,
                                      int32_t out_zero_point) {
  tt_qlinear_packed_dispatch(kernel, m, n, k, x, packed, scratch, x_zero_point, x_scale, w_scale, bias, relu,
                             out_f32, out_i8, out_row, out_column, out_scale, out_zero_point);
}

TT_API void tt_qlinear_packed(int kernel, int64_t m, int64_t n, int64_t k, const int8_t *x, const void *packed,
                              void *scratch, int32_t x_zero_point, float x_scale, const float *w_scale,
                              const float *bias, int relu, float *out_f32, int8_t *out_i8, float out_scale,
                              int32_t out_zero_point) {
  tt_qlinear_packed_dispatch(kernel, m, n, k, x, packed, scratch, x_zero_point, x_scale, w_scale, bias, relu,
                             out_f32, out_i8, n, 1, out_scale, out_zero_point);
}

/* ---- Entry points ---- */

TT_API void tt_qgemm(int kernel, int64_t m, int64_t n, int64_t k, const int8_t *a, int64_t lda,
                        const int8_t *w, int64_t ldw, const int32_t *w_sums, int32_t *c, int64_t ldc) {
  switch (tt_int8_kernel(kernel)) {
  case TT_INT8_AVX512_VNNI: tt_qgemm_avx512_vnni(m, n, k, a, lda, w, ldw, w_sums, c, ldc); break;
  case TT_INT8_AVX2: tt_qgemm_avx2(m, n, k, a, lda, w, ldw, c, ldc); break;
  default: tt_qgemm_portable(m, n, k, a, lda, w, ldw, c, ldc); break;
  }
}

TT_API void tt_qgemm_row_sums(const int8_t *w, int64_t n, int64_t k, int64_t ldw, int32_t *sums) {
  for (int64_t j = 0; j < n; j++) {
    int32_t sum = 0;
    for (int64_t p = 0; p < k; p++) sum += w[j * ldw + p];
    sums[j] = sum;
  }
}

TT_API void tt_quantize_path(int kernel, const float *x, int64_t count, float scale, int32_t zero_point,
                             int8_t *out) {
  if (tt_int8_kernel(kernel) != TT_INT8_PORTABLE) { /* every int8 path but the portable one has AVX2 */
    tt_quantize_avx2(x, count, scale, zero_point, out);
    return;
  }
  for (int64_t i = 0; i < count; i++) out[i] = tt_quantize_one(x[i] / scale, zero_point);
}

TT_API void tt_quantize(const float *x, int64_t count, float scale, int32_t zero_point, int8_t *out) {
  tt_quantize_path(TT_INT8_AUTO, x, count, scale, zero_point, out);
}

TT_API void tt_dequantize(const int8_t *q, int64_t count, float scale, int32_t zero_point, float *out) {
  for (int64_t i = 0; i < count; i++) out[i] = (float)((int32_t)q[i] - zero_point) * scale;
}

TT_API void tt_dynamic_qparams(const float *x, int64_t count, float *scale, int32_t *zero_point) {
  /* 16 running minima and maxima, so that the loop vectorizes; a value that is not finite counts
   * as 0 (v − v is NaN for ±inf and NaN), which changes neither bound. */
  float lows[16] = {0}, highs[16] = {0};
  int64_t i = 0;
  for (; i + 16 <= count; i += 16) {
    for (int j = 0; j < 16; j++) {
      float v = x[i + j] - x[i + j] == 0.0f ? x[i + j] : 0.0f;
      lows[j] = v < lows[j] ? v : lows[j];
      highs[j] = v > highs[j] ? v : highs[j];
    }
  }
  for (; i < count; i++) {
    float v = x[i] - x[i] == 0.0f ? x[i] : 0.0f;
    lows[0] = v < lows[0] ? v : lows[0];
    highs[0] = v > highs[0] ? v : highs[0];
  }
  float lo = 0.0f, hi = 0.0f;
  for (int j = 0; j < 16; j++) {
    lo = lows[j] < lo ? lows[j] : lo;
    hi = highs[j] > hi ? highs[j] : hi;
  }
  float s = (hi - lo) / 255.0f;
  if (!(s > 0.0f) || !isfinite(s)) s = 1.0f;
  float z = rintf(-128.0f - lo / s);
  z = z < -128.0f ? -128.0f : (z > 127.0f ? 127.0f : z);
  *scale = s;
  *zero_point = (int32_t)z;
}

TT_API void tt_qepilogue(const int32_t *acc, int64_t m, int64_t n, int64_t ldc, const int32_t *w_sums,
                         int32_t x_zero_point, float x_scale, const float *w_scale, const float *bias, int relu,
                         float *out_f32, int8_t *out_i8, int64_t out_row, int64_t out_column, float out_scale,
                         int32_t out_zero_point) {
#pragma STDC FP_CONTRACT OFF /* one rounding per operation, in every build (docs/IR.md) */
  for (int64_t i = 0; i < m; i++) {
    for (int64_t j = 0; j < n; j++) {
      float y = (float)(acc[i * ldc + j] - x_zero_point * w_sums[j]) * (x_scale * w_scale[j]);
      if (bias) y = y + bias[j];
      if (relu) y = y > 0.0f ? y : 0.0f;
      int64_t at = i * out_row + j * out_column;
      if (out_i8) {
        out_i8[at] = tt_quantize_one(y / out_scale, out_zero_point);
      } else {
        out_f32[at] = y;
      }
    }
  }
}

TT_API void tt_qlinear_epilogue(const int32_t *acc, int64_t m, int64_t n, int64_t ldc, const int32_t *w_sums,
                                int32_t x_zero_point, float x_scale, const float *w_scale, const float *bias,
                                int relu, float *out_f32, int8_t *out_i8, float out_scale, int32_t out_zero_point) {
  tt_qepilogue(acc, m, n, ldc, w_sums, x_zero_point, x_scale, w_scale, bias, relu, out_f32, out_i8, n, 1, out_scale,
               out_zero_point);
}
