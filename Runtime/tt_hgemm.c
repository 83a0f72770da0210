/* tt_hgemm.c: float16 weights. Widening them to float32 (tt_half_to_float_array) and a GEMM whose B
 * is stored as float16 (tt_hgemm), one path per instruction set.
 *
 * float16 → float32 is exact, so tt_hgemm computes what tt_sgemm computes on the widened B; it only
 * moves half the bytes. Two regimes:
 *  - few rows (m < TT_HGEMM_DIRECT_M, e.g. batch 1, where the product is bound by reading B): B is
 *    read as float16 inside the kernel. A panel of MR rows × 16·NV columns of C stays in vector
 *    registers while p runs along k; each step widens 16·NV halves of row p of B (F16C/AVX-512
 *    `vcvtph2ps`, or the bit recipe below on the portable path) and multiplies them by MR
 *    broadcast elements of A. The last, partial panel reads B in place too, except for its last
 *    rows (where a full-width load would run past B: copied zero-padded into scratch, k × 64 halves
 *    at most), and the epilogue (bias, row bias, residual, activation) is applied as a panel is
 *    stored: nothing of B is widened to memory.
 *  - many rows (compute-bound): B is widened one block of columns at a time into scratch (sized to
 *    stay in L2) and each block is one tt_sgemm call, so the widening is paid once per element of
 *    B and amortized over the m rows; the epilogue is tt_sgemm's own.
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

/* Stores a finished panel: rows × cols (≤ 16·nv) of acc at c, plus the bias (at the panel's first
 * column), the row bias (at its first row) and the residual, then the activation. */
TT_ALWAYS_INLINE void tt_hgemm_store(const int rows, const int nv, tt_hgemm_f16v acc[4][4], int64_t cols,
                                     float *c, int64_t ldc, const tt_epilogue *e, const float *bias,
                                     const float *row_bias, const float *residual) {
  for (int r = 0; r < rows; r++) {
    float *row = c + r * ldc;
    const float *res = residual ? residual + r * e->ldr : 0;
    if (cols == 16 * nv) {
      for (int q = 0; q < nv; q++) {
        tt_hgemm_f16v x = acc[r][q];
        if (bias) x += *(const tt_hgemm_f16v *)(bias + 16 * q);
        if (row_bias) x += row_bias[r];
        if (res) x += *(const tt_hgemm_f16v *)(res + 16 * q);
        if (e->activation == TT_ACT_RELU) x = (tt_hgemm_f16v)((tt_hgemm_u16v)x & (tt_hgemm_u16v)(x > 0.0f));
        *(tt_hgemm_f16v *)(row + 16 * q) = x;
      }
    } else {
      /* A partial panel: each term is its own loop, entered only when the term exists (as in
       * tt_gemm_kernel.inc's tt_store: a test inside the loop becomes a load masked by the
       * pointer, which from a null pointer costs a microcode assist per vector on AMD Zen). */
      float out[64];
      for (int q = 0; q < nv; q++) *(tt_hgemm_f16v *)(out + 16 * q) = acc[r][q];
      if (bias) for (int64_t j = 0; j < cols; j++) out[j] += bias[j];
      if (row_bias) for (int64_t j = 0; j < cols; j++) out[j] += row_bias[r];
      if (res) for (int64_t j = 0; j < cols; j++) out[j] += res[j];
      if (e->activation == TT_ACT_RELU) {
        for (int64_t j = 0; j < cols; j++) row[j] = out[j] > 0.0f ? out[j] : 0.0f;
      } else {
        for (int64_t j = 0; j < cols; j++) row[j] = out[j];
      }
    }
    if (e->activation > TT_ACT_RELU) tt_activate_row(row, cols, e->activation);
  }
}

/* acc[r][q] += Σ_p a[r·lda + p] · B[p, 16·q ..] over p < k, B's halves at b (row stride ldb). */
TT_ALWAYS_INLINE void tt_hgemm_accumulate(const int rows, const int nv, tt_hgemm_f16v acc[4][4], int64_t k,
                                          const float *a, int64_t lda, const uint16_t *b, int64_t ldb,
                                          int hardware) {
  int64_t p = 0;
  if (rows * nv == 1) {
    /* One accumulator: alternate with a second one so that consecutive multiply-adds do not wait
     * for each other. */
    tt_hgemm_f16v odd = {0};
    for (; p + 2 <= k; p += 2) {
      tt_hgemm_f16v w0, w1;
      tt_hgemm_widen16(b + p * ldb, &w0, hardware);
      tt_hgemm_widen16(b + (p + 1) * ldb, &w1, hardware);
      acc[0][0] += a[p] * w0;
      odd += a[p + 1] * w1;
    }
    acc[0][0] += odd;
  }
  for (; p < k; p++) {
    const uint16_t *row = b + p * ldb;
    __builtin_prefetch(row + 8 * ldb);
    tt_hgemm_f16v w[4];
    for (int q = 0; q < nv; q++) tt_hgemm_widen16(row + 16 * q, &w[q], hardware);
    for (int r = 0; r < rows; r++) {
      float x = a[r * lda + p];
      for (int q = 0; q < nv; q++) acc[r][q] += x * w[q];
    }
  }
}

/* A panel's place: C[rows, cols] (cols ≤ 16·nv) = A[rows, k] · B[k, 16·nv] + the epilogue, rows
 * p < direct of B read in place at b (row stride ldb), the rest from the zero-padded copy `tail`
 * (row stride `width`; see tt_hgemm_direct). */
typedef struct {
  int64_t k, direct, cols;
  const uint16_t *b, *tail;
  int64_t ldb, width;
} tt_hgemm_panel_b;

/* One register panel: rows × cols of C at c, the epilogue included. Lanes past cols are computed
 * from whatever B holds there and never stored. */
TT_ALWAYS_INLINE void tt_hgemm_panel(const int rows, const int nv, const tt_hgemm_panel_b *pb, const float *a,
                                     int64_t lda, float *c, int64_t ldc, const tt_epilogue *e, const float *bias,
                                     const float *row_bias, const float *residual, int hardware) {
  tt_hgemm_f16v acc[4][4];
  for (int r = 0; r < rows; r++) {
    for (int q = 0; q < nv; q++) acc[r][q] = (tt_hgemm_f16v){0};
  }
  tt_hgemm_accumulate(rows, nv, acc, pb->direct, a, lda, pb->b, pb->ldb, hardware);
  tt_hgemm_accumulate(rows, nv, acc, pb->k - pb->direct, a + pb->direct, lda, pb->tail, pb->width, hardware);
  tt_hgemm_store(rows, nv, acc, pb->cols, c, ldc, e, bias, row_bias, residual);
}

/* Columns [j, j + pb->cols) of C, rows in blocks of mr, the epilogue included. */
TT_ALWAYS_INLINE void tt_hgemm_columns(const int mr, const int nv, int64_t m, int64_t j, const tt_hgemm_panel_b *pb,
                                       const float *a, int64_t lda, float *c, int64_t ldc, const tt_epilogue *e,
                                       int hardware) {
  for (int64_t i = 0; i < m; i += mr) {
    const float *bias = e->bias ? e->bias + j : 0, *row_bias = e->row_bias ? e->row_bias + i : 0;
    const float *res = e->residual ? e->residual + i * e->ldr + j : 0;
    const float *ai = a + i * lda;
    float *ci = c + i * ldc + j;
    /* Constant row counts, so each case keeps its accumulators in registers. */
    switch (m - i < mr ? m - i : mr) {
    case 4: tt_hgemm_panel(4, nv, pb, ai, lda, ci, ldc, e, bias, row_bias, res, hardware); break;
    case 3: tt_hgemm_panel(3, nv, pb, ai, lda, ci, ldc, e, bias, row_bias, res, hardware); break;
    case 2: tt_hgemm_panel(2, nv, pb, ai, lda, ci, ldc, e, bias, row_bias, res, hardware); break;
    default: tt_hgemm_panel(1, nv, pb, ai, lda, ci, ldc, e, bias, row_bias, res, hardware); break;
    }
  }
}

/* Few rows (m < TT_HGEMM_DIRECT_M): every full panel of 16·nv columns reads B's halves in place. The
 * last, partial one (16 or 16·nv lanes wide) does too for the rows of B where a full-width load stays
 * inside B (its last element is b[(k-1)·ldb + n-1]); its remaining rows are copied zero-padded
 * into scratch (at most k × 16·nv halves). */
TT_ALWAYS_INLINE void tt_hgemm_direct(const int mr, const int nv, int64_t m, int64_t n, int64_t k, const float *a,
                                      int64_t lda, const uint16_t *b, int64_t ldb, float *c, int64_t ldc,
                                      const tt_epilogue *e, float *scratch, int hardware) {
  int64_t full = n / (16 * nv) * (16 * nv);
  for (int64_t j = 0; j < full; j += 16 * nv) {
    tt_hgemm_panel_b pb = {k, k, 16 * nv, b + j, 0, ldb, 0};
    tt_hgemm_columns(mr, nv, m, j, &pb, a, lda, c, ldc, e, hardware);
  }
  int64_t cols = n - full;
  if (cols == 0) return;
  int64_t width = cols <= 16 ? 16 : 16 * nv;
  int64_t room = (k - 1) * ldb + n - full - width; /* the last row start whose load fits */
  int64_t direct = room < 0 ? 0 : room / ldb + 1;
  direct = direct < k ? direct : k;
  uint16_t *tail = (uint16_t *)scratch;
  for (int64_t p = direct; p < k; p++) {
    uint16_t *row = tail + (p - direct) * width;
    for (int64_t j = 0; j < width; j++) row[j] = j < cols ? b[p * ldb + full + j] : 0;
  }
  tt_hgemm_panel_b pb = {k, direct, cols, b + full, tail, ldb, width};
  if (cols <= 16) {
    tt_hgemm_columns(mr, 1, m, full, &pb, a, lda, c, ldc, e, hardware);
  } else {
    tt_hgemm_columns(mr, nv, m, full, &pb, a, lda, c, ldc, e, hardware);
  }
}

/* Columns per widened block for depth k: a multiple of 16 within TT_HGEMM_BLOCK_FLOATS. */
static inline int64_t tt_hgemm_block_columns(int64_t k) {
  int64_t columns = k > 0 ? TT_HGEMM_BLOCK_FLOATS / k / 16 * 16 : TT_HGEMM_BLOCK_FLOATS;
  return columns < 16 ? 16 : columns;
}

TT_API int64_t tt_hgemm_scratch(int64_t m, int64_t n, int64_t k) {
  /* Few rows: the zero-padded copy of the last partial panel, k × 64 halves at most. */
  if (m < TT_HGEMM_DIRECT_M) return k * 32;
  int64_t columns = tt_hgemm_block_columns(k);
  columns = columns < n ? columns : n;
  return k * columns + 16 + tt_sgemm_scratch(m, columns, k);
}

/* Many rows: B through widened blocks and tt_sgemm (the epilogue included). */
TT_ALWAYS_INLINE void tt_hgemm_blocks(tt_isa isa, int64_t m, int64_t n, int64_t k, const float *a,
                                      int64_t lda, const uint16_t *b, int64_t ldb, float *c, int64_t ldc,
                                      const tt_epilogue *e, float *scratch, int hardware) {
  int64_t block = tt_hgemm_block_columns(k);
  float *gemm_scratch = scratch + k * (block < n ? block : n) + 16;
  for (int64_t j0 = 0; j0 < n; j0 += block) {
    int64_t columns = n - j0 < block ? n - j0 : block;
    for (int64_t p = 0; p < k; p++) tt_hgemm_widen_row(b + p * ldb + j0, columns, scratch + p * columns, hardware);
    tt_epilogue shifted = {e->bias ? e->bias + j0 : 0, e->row_bias, e->residual ? e->residual + j0 : 0, e->ldr,
                           e->activation};
    tt_sgemm_isa(isa, m, columns, k, a, lda, 0, scratch, columns, 0, c + j0, ldc, &shifted, gemm_scratch);
  }
}

/* tt_hgemm on path `isa` (a constant in each path's function): the widened blocks run tt_sgemm on
 * that path; the few-row kernel keeps a register panel of 4 rows × 4 vectors of 16 columns on
 * AVX-512 (16 of 32 registers), 2 × 2 elsewhere, and converts float16 in hardware (F16C or
 * AVX-512 `vcvtph2ps`) on every path but the portable one. */
TT_ALWAYS_INLINE void tt_hgemm_body(tt_isa isa, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
                                    const uint16_t *b, int64_t ldb, float *c, int64_t ldc, const tt_epilogue *e,
                                    float *scratch) {
  const int panel = isa == TT_ISA_AVX512 ? 4 : 2, hardware = isa != TT_ISA_PORTABLE;
  if (m < TT_HGEMM_DIRECT_M) {
    tt_hgemm_direct(panel, panel, m, n, k, a, lda, b, ldb, c, ldc, e, scratch, hardware);
  } else {
    tt_hgemm_blocks(isa, m, n, k, a, lda, b, ldb, c, ldc, e, scratch, hardware);
  }
}

/* One function per path (tt_internal.h), each inlining the kernels above for its instructions. */
#define TT_HGEMM_PATH(suffix)                                                                                 \
  static TT_TARGET_##suffix void tt_hgemm_##suffix(int64_t m, int64_t n, int64_t k, const float *a,          \
                                                   int64_t lda, const uint16_t *b, int64_t ldb, float *c,    \
                                                   int64_t ldc, const tt_epilogue *e, float *scratch) {      \
    tt_hgemm_body(TT_PATH_ISA_##suffix, m, n, k, a, lda, b, ldb, c, ldc, e, scratch);                         \
  }                                                                                                           \
  static TT_TARGET_##suffix void tt_half_to_float_##suffix(const uint16_t *h, int64_t count, float *out) {   \
    tt_hgemm_widen_row(h, count, out, TT_PATH_ISA_##suffix != TT_ISA_PORTABLE);                               \
  }
TT_FOR_EACH_PATH(TT_HGEMM_PATH)
#undef TT_HGEMM_PATH

TT_API void tt_hgemm_isa(tt_isa isa, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
                         const uint16_t *b, int64_t ldb, float *c, int64_t ldc, const tt_epilogue *epilogue,
                         float *scratch) {
  static const tt_epilogue plain = {0, 0, 0, 0, TT_ACT_NONE};
  const tt_epilogue *e = epilogue ? epilogue : &plain;
  if (m <= 0 || n <= 0) return;
  TT_DISPATCH(isa, tt_hgemm, m, n, k, a, lda, b, ldb, c, ldc, e, scratch);
}

TT_API void tt_hgemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const uint16_t *b, int64_t ldb,
                     float *c, int64_t ldc, const tt_epilogue *epilogue, float *scratch) {
  tt_hgemm_isa(tt_best_isa(), m, n, k, a, lda, b, ldb, c, ldc, epilogue, scratch);
}

TT_API void tt_half_to_float_array_isa(tt_isa isa, const uint16_t *h, int64_t count, float *out) {
  TT_DISPATCH(isa, tt_half_to_float, h, count, out);
}

TT_API void tt_half_to_float_array(const uint16_t *h, int64_t count, float *out) {
  tt_half_to_float_array_isa(tt_best_isa(), h, count, out);
}
