/* tt_hgemm.c: float16 weights. Widening them to float32 (tt_half_to_float_array) and a GEMM whose B
 * is stored as float16 (tt_hgemm), one path per instruction set.
 *
 * float16 → float32 is exact, so tt_hgemm computes what tt_sgemm computes on the widened B; it only
 * moves half the bytes. Two regimes:
 *  - few rows (m < TT_HGEMM_DIRECT_M, e.g. batch 1, where the product is bound by reading B): B is
 *    read as float16 inside the kernel. A panel of MR rows × 16·NV columns of C stays in vector
 *    registers while p runs along k; each step widens 16·NV halves of row p of B (F16C/AVX-512
 *    `vcvtph2ps`, or the bit recipe below on the portable path) and multiplies them by MR
 *    broadcast elements of A. The columns past the last full panel go the way of many rows.
 *  - many rows (compute-bound): B is widened one block of columns at a time into scratch (sized to
 *    stay in L2) and each block is one tt_sgemm call, so the widening is paid once per element of
 *    B and amortized over the m rows.
 * The epilogue (bias, row bias, activation) is tt_sgemm's own: a residual is added when the
 * accumulators start, the rest by a k = 0 tt_sgemm over the finished rows (C as its residual).
 */
#include "tt_internal.h"

/* Rows below which B is read as float16 by the kernel. */
#define TT_HGEMM_DIRECT_M 8
/* Floats of scratch for one widened block of B (256 KiB). */
#define TT_HGEMM_BLOCK_FLOATS 65536

typedef float tt_hgemm_f16v __attribute__((vector_size(64), aligned(4)));
typedef uint32_t tt_hgemm_u16v __attribute__((vector_size(64), aligned(4)));
typedef uint16_t tt_hgemm_h16v __attribute__((vector_size(32), aligned(2)));
typedef _Float16 tt_hgemm_half16v __attribute__((vector_size(32), aligned(2)));

/* 16 halves at h as floats. `hardware`: the path has F16C or AVX-512 (clang emits vcvtph2ps);
 * else in integer lanes: the exponent and mantissa bits moved into float position times 2^112
 * rebias normal and subnormal halves exactly; infinities and NaNs get the all-ones exponent. */
TT_ALWAYS_INLINE void tt_hgemm_widen16(const uint16_t *h, tt_hgemm_f16v *out, int hardware) {
  if (hardware) {
    *out = __builtin_convertvector(*(const tt_hgemm_half16v *)h, tt_hgemm_f16v);
    return;
  }
  tt_hgemm_u16v bits = __builtin_convertvector(*(const tt_hgemm_h16v *)h, tt_hgemm_u16v);
  tt_hgemm_f16v magnitude = (tt_hgemm_f16v)((bits & 0x7fffu) << 13) * 0x1p112f;
  tt_hgemm_u16v special = (tt_hgemm_u16v)((bits & 0x7c00u) == 0x7c00u) & 0x7f800000u;
  *out = (tt_hgemm_f16v)((tt_hgemm_u16v)magnitude | special | ((bits & 0x8000u) << 16));
}

TT_ALWAYS_INLINE void tt_hgemm_widen_row(const uint16_t *h, int64_t count, float *out, int hardware) {
  int64_t i = 0;
  for (; i + 16 <= count; i += 16) tt_hgemm_widen16(h + i, (tt_hgemm_f16v *)(out + i), hardware);
  for (; i < count; i++) out[i] = tt_half_to_float(h[i]);
}

/* C[rows, 16·nv] (+)= A[rows, k] · B[k, 16·nv] for one register panel; the accumulators start from
 * the residual (which may be C) or zero. */
TT_ALWAYS_INLINE void tt_hgemm_panel(const int rows, const int nv, int64_t k, const float *a, int64_t lda,
                                     const uint16_t *b, int64_t ldb, float *c, int64_t ldc,
                                     const float *residual, int64_t ldr, int hardware) {
  tt_hgemm_f16v acc[4][4];
  for (int r = 0; r < rows; r++) {
    for (int q = 0; q < nv; q++) {
      acc[r][q] = residual ? *(const tt_hgemm_f16v *)(residual + r * ldr + 16 * q) : (tt_hgemm_f16v){0};
    }
  }
  for (int64_t p = 0; p < k; p++) {
    const uint16_t *row = b + p * ldb;
    __builtin_prefetch(row + 8 * ldb);
    tt_hgemm_f16v w[4];
    for (int q = 0; q < nv; q++) tt_hgemm_widen16(row + 16 * q, &w[q], hardware);
    for (int r = 0; r < rows; r++) {
      float x = a[r * lda + p];
      for (int q = 0; q < nv; q++) acc[r][q] += x * w[q];
    }
  }
  for (int r = 0; r < rows; r++) {
    for (int q = 0; q < nv; q++) *(tt_hgemm_f16v *)(c + r * ldc + 16 * q) = acc[r][q];
  }
}

/* The direct product over the first `panels` panels of 16·nv columns, rows in blocks of mr. */
TT_ALWAYS_INLINE void tt_hgemm_direct(const int mr, const int nv, int64_t m, int64_t panels, int64_t k,
                                      const float *a, int64_t lda, const uint16_t *b, int64_t ldb, float *c,
                                      int64_t ldc, const float *residual, int64_t ldr, int hardware) {
  for (int64_t j = 0; j < panels * 16 * nv; j += 16 * nv) {
    for (int64_t i = 0; i < m; i += mr) {
      const float *ri = residual ? residual + i * ldr + j : 0;
      /* Constant row counts, so each case keeps its accumulators in registers. */
      switch (m - i < mr ? m - i : mr) {
      case 4: tt_hgemm_panel(4, nv, k, a + i * lda, lda, b + j, ldb, c + i * ldc + j, ldc, ri, ldr, hardware); break;
      case 3: tt_hgemm_panel(3, nv, k, a + i * lda, lda, b + j, ldb, c + i * ldc + j, ldc, ri, ldr, hardware); break;
      case 2: tt_hgemm_panel(2, nv, k, a + i * lda, lda, b + j, ldb, c + i * ldc + j, ldc, ri, ldr, hardware); break;
      default: tt_hgemm_panel(1, nv, k, a + i * lda, lda, b + j, ldb, c + i * ldc + j, ldc, ri, ldr, hardware); break;
      }
    }
  }
}

/* Columns per widened block for depth k: a multiple of 16 within TT_HGEMM_BLOCK_FLOATS. */
static inline int64_t tt_hgemm_block_columns(int64_t k) {
  int64_t columns = k > 0 ? TT_HGEMM_BLOCK_FLOATS / k / 16 * 16 : TT_HGEMM_BLOCK_FLOATS;
  return columns < 16 ? 16 : columns;
}

TT_API int64_t tt_hgemm_scratch(int64_t m, int64_t n, int64_t k) {
  int64_t columns = tt_hgemm_block_columns(k);
  columns = columns < n ? columns : n;
  return k * columns + 16 + tt_sgemm_scratch(m, columns, k);
}

/* Columns [j0, n) through widened blocks and tt_sgemm (the epilogue included). */
TT_ALWAYS_INLINE void tt_hgemm_blocks(tt_isa isa, int64_t j0, int64_t m, int64_t n, int64_t k, const float *a,
                                      int64_t lda, const uint16_t *b, int64_t ldb, float *c, int64_t ldc,
                                      const tt_epilogue *e, float *scratch, int hardware) {
  int64_t block = tt_hgemm_block_columns(k);
  float *gemm_scratch = scratch + k * (block < n ? block : n) + 16;
  for (; j0 < n; j0 += block) {
    int64_t columns = n - j0 < block ? n - j0 : block;
    for (int64_t p = 0; p < k; p++) tt_hgemm_widen_row(b + p * ldb + j0, columns, scratch + p * columns, hardware);
    tt_epilogue shifted = {e->bias ? e->bias + j0 : 0, e->row_bias, e->residual ? e->residual + j0 : 0, e->ldr,
                           e->activation};
    tt_sgemm_isa(isa, m, columns, k, a, lda, 0, scratch, columns, 0, c + j0, ldc, &shifted, gemm_scratch);
  }
}

#define TT_HGEMM_PATH(suffix, target, isa, mr, nv, hardware)                                                 \
  static target void tt_hgemm_##suffix(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,        \
                                       const uint16_t *b, int64_t ldb, float *c, int64_t ldc,               \
                                       const tt_epilogue *e, float *scratch) {                              \
    int64_t panels = m < TT_HGEMM_DIRECT_M ? n / (16 * nv) : 0, direct = panels * 16 * nv;                 \
    if (panels > 0) {                                                                                       \
      tt_hgemm_direct(mr, nv, m, panels, k, a, lda, b, ldb, c, ldc, e->residual, e->ldr, hardware);         \
      if (e->bias || e->row_bias || e->activation != TT_ACT_NONE) {                                         \
        tt_epilogue rest = {e->bias, e->row_bias, c, ldc, e->activation};                                   \
        tt_sgemm_isa(isa, m, direct, 0, a, lda, 0, 0, direct, 0, c, ldc, &rest, scratch);                   \
      }                                                                                                     \
    }                                                                                                       \
    tt_hgemm_blocks(isa, direct, m, n, k, a, lda, b, ldb, c, ldc, e, scratch, hardware);                    \
  }                                                                                                         \
  static target void tt_half_to_float_##suffix(const uint16_t *h, int64_t count, float *out) {             \
    tt_hgemm_widen_row(h, count, out, hardware);                                                            \
  }
#if TT_COMPILE_AVX512
TT_HGEMM_PATH(avx512, __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma,f16c"))),
              TT_ISA_AVX512, 4, 4, 1)
#endif
#if TT_COMPILE_AVX2
TT_HGEMM_PATH(avx2, __attribute__((target("avx2,fma,f16c"))), TT_ISA_AVX2, 2, 2, 1)
#endif
#if TT_COMPILE_PORTABLE
TT_HGEMM_PATH(portable, , TT_ISA_PORTABLE, 2, 2, 0)
#endif
#undef TT_HGEMM_PATH

TT_API void tt_hgemm_isa(tt_isa isa, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
                         const uint16_t *b, int64_t ldb, float *c, int64_t ldc, const tt_epilogue *epilogue,
                         float *scratch) {
  static const tt_epilogue plain = {0, 0, 0, 0, TT_ACT_NONE};
  const tt_epilogue *e = epilogue ? epilogue : &plain;
  if (m <= 0 || n <= 0) return;
  if (!tt_isa_available(isa)) isa = tt_best_isa();
  switch (isa) {
  case TT_ISA_AVX512:
#if TT_COMPILE_AVX512
    tt_hgemm_avx512(m, n, k, a, lda, b, ldb, c, ldc, e, scratch);
    return;
#endif
  case TT_ISA_AVX2:
#if TT_COMPILE_AVX2
    tt_hgemm_avx2(m, n, k, a, lda, b, ldb, c, ldc, e, scratch);
    return;
#endif
  case TT_ISA_PORTABLE:
#if TT_COMPILE_PORTABLE
    tt_hgemm_portable(m, n, k, a, lda, b, ldb, c, ldc, e, scratch);
#endif
    return;
  }
}

TT_API void tt_hgemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const uint16_t *b, int64_t ldb,
                     float *c, int64_t ldc, const tt_epilogue *epilogue, float *scratch) {
  tt_hgemm_isa(tt_best_isa(), m, n, k, a, lda, b, ldb, c, ldc, epilogue, scratch);
}

TT_API void tt_half_to_float_array_isa(tt_isa isa, const uint16_t *h, int64_t count, float *out) {
  if (!tt_isa_available(isa)) isa = tt_best_isa();
  switch (isa) {
  case TT_ISA_AVX512:
#if TT_COMPILE_AVX512
    tt_half_to_float_avx512(h, count, out);
    return;
#endif
  case TT_ISA_AVX2:
#if TT_COMPILE_AVX2
    tt_half_to_float_avx2(h, count, out);
    return;
#endif
  case TT_ISA_PORTABLE:
#if TT_COMPILE_PORTABLE
    tt_half_to_float_portable(h, count, out);
#endif
    return;
  }
}

TT_API void tt_half_to_float_array(const uint16_t *h, int64_t count, float *out) {
  tt_half_to_float_array_isa(tt_best_isa(), h, count, out);
}
