/* tt_gemm.c: fp32 GEMM with a fused epilogue, one path per instruction set.
 *
 * The algorithm (packing, cache blocking, register tiles) is written once, in tt_gemm_kernel.inc,
 * with clang/GCC vector extensions; this file instantiates it per path with that path's vector
 * width, tile shape and block sizes, and dispatches on tt_best_isa(). Dot-product shapes (one row
 * against a transposed B, or one column) and k = 0 are handled here, outside the tiles.
 */
#include "tt_internal.h"

/* One register tile's work: rows × cols of C from a[i·a_rs + p·a_ks] and B, p < kc, whose vector v
 * (columns v·W ..< (v+1)·W of the tile) of row p is at b + p·b_rs + v·b_vs: b_vs = W for B in place
 * or in panels, k·W for pre-packed strips (tt_sgemm_pack_b). */
typedef struct {
  int64_t kc;
  const float *a;
  int64_t a_rs, a_ks;
  const float *b;
  int64_t b_rs, b_vs;
  int rows;
  int64_t cols;
  float *c;
  int64_t ldc;
  int first, last; /* the first / last K slice: add bias and residual / apply the activation */
  const float *bias, *row_bias, *residual;
  int64_t ldr;
  int activation;
} tt_tile_job;

/* One column block of a packed product and its current K slice, shared by the tasks that compute it
 * (tt_gemm_block). */
typedef struct {
  int64_t m, k, jc, nc, pc, kc;
  const float *a;
  int64_t a_rs, a_ks;
  const float *b_slice, *bp; /* B's slice in place (its first `direct` columns) and packed */
  int64_t b_ps, direct;
  const float *strips; /* B pre-packed (tt_sgemm_pack_b), or NULL: b_slice, bp and direct are unused */
  float *c;
  int64_t ldc;
  const tt_epilogue *e;
  int a_in_place, first, last;
  int64_t panels, chunks; /* column panels of the block; column chunks per row block of a task */
  int64_t tiles, blocks;  /* register tiles of rows (TT_MR each) and row blocks of the tasks */
} tt_gemm_region;

/* Multiply-adds below which a product runs on one thread (~10 µs: waking workers costs more). */
#define TT_PARALLEL_WORK (1 << 20)

#if TT_COMPILE_AVX512
#define TT_SUFFIX avx512
#define TT_TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")))
#define TT_W 16
#define TT_MR 14
#define TT_NV 2
#define TT_KC 512
#define TT_MC 112
#define TT_NC 2048
#define TT_SMALL_M 8
#define TT_SMALL_MR 4
#define TT_SMALL_NV 4
#include "tt_gemm_kernel.inc"
#undef TT_SUFFIX
#undef TT_TARGET
#undef TT_W
#undef TT_MR
#undef TT_NV
#undef TT_KC
#undef TT_MC
#undef TT_NC
#undef TT_SMALL_M
#undef TT_SMALL_MR
#undef TT_SMALL_NV
#endif

#if TT_COMPILE_AVX2
#define TT_SUFFIX avx2
#define TT_TARGET __attribute__((target("avx2,fma")))
#define TT_W 8
#define TT_MR 6
#define TT_NV 2
#define TT_KC 256
#define TT_MC 96
#define TT_NC 2048
#define TT_SMALL_M 5
#define TT_SMALL_MR 4
#define TT_SMALL_NV 2
#include "tt_gemm_kernel.inc"
#undef TT_SUFFIX
#undef TT_TARGET
#undef TT_W
#undef TT_MR
#undef TT_NV
#undef TT_KC
#undef TT_MC
#undef TT_NC
#undef TT_SMALL_M
#undef TT_SMALL_MR
#undef TT_SMALL_NV
#endif

#if TT_COMPILE_PORTABLE
#define TT_SUFFIX portable
#define TT_TARGET
#define TT_W 4
#define TT_MR 6
#define TT_NV 2
#define TT_KC 256
#define TT_MC 60
#define TT_NC 1024
#define TT_SMALL_M 3
#define TT_SMALL_MR 4
#define TT_SMALL_NV 2
#include "tt_gemm_kernel.inc"
#undef TT_SUFFIX
#undef TT_TARGET
#undef TT_W
#undef TT_MR
#undef TT_NV
#undef TT_KC
#undef TT_MC
#undef TT_NC
#undef TT_SMALL_M
#undef TT_SMALL_MR
#undef TT_SMALL_NV
#endif

TT_API int64_t tt_sgemm_scratch(int64_t m, int64_t n, int64_t k) {
  int64_t floats = 0, path;
#if TT_COMPILE_AVX512
  path = tt_scratch_avx512(m, n, k);
  floats = path > floats ? path : floats;
#endif
#if TT_COMPILE_AVX2
  path = tt_scratch_avx2(m, n, k);
  floats = path > floats ? path : floats;
#endif
#if TT_COMPILE_PORTABLE
  path = tt_scratch_portable(m, n, k);
  floats = path > floats ? path : floats;
#endif
  (void)path;
  return floats;
}

/* Σ x[p]·y[p·y_stride], eight independent partial sums (which clang turns into one vector where
 * y_stride is 1). */
static inline float tt_dot(const float *x, const float *y, int64_t y_stride, int64_t k) {
  float part[8] = {0};
  int64_t p = 0;
  for (; p + 8 <= k; p += 8) {
    for (int u = 0; u < 8; u++) part[u] += x[p + u] * y[(p + u) * y_stride];
  }
  float sum = ((part[0] + part[4]) + (part[1] + part[5])) + ((part[2] + part[6]) + (part[3] + part[7]));
  for (; p < k; p++) sum += x[p] * y[p * y_stride];
  return sum;
}

/* The epilogue of one element. */
static inline float tt_epilogue_value(float x, const tt_epilogue *e, int64_t i, int64_t j) {
  if (e->bias) x += e->bias[j];
  if (e->row_bias) x += e->row_bias[i];
  if (e->residual) x += e->residual[i * e->ldr + j];
  tt_activate_row(&x, 1, e->activation);
  return x;
}

TT_API void tt_sgemm_isa(tt_isa isa, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
                         int trans_a, const float *b, int64_t ldb, int trans_b, float *c, int64_t ldc,
                         const tt_epilogue *epilogue, float *scratch) {
  static const tt_epilogue plain = {0, 0, 0, 0, TT_ACT_NONE};
  const tt_epilogue *e = epilogue ? epilogue : &plain;
  if (m <= 0 || n <= 0) return;
  /* Element (i, p) of op(A) is a[i·a_rs + p·a_ks]; element (p, j) of op(B) is b[p·b_ps + j·b_js]. */
  int64_t a_rs = trans_a ? 1 : lda, a_ks = trans_a ? lda : 1;
  int64_t b_ps = trans_b ? 1 : ldb, b_js = trans_b ? ldb : 1;
  if (k <= 0 || ((m == 1 || n == 1) && a_ks == 1 && b_ps == 1)) {
    /* k = 0, or dot products of contiguous vectors (one query against the keys, one column). With
     * k = 0 the operands are not touched and may be null (tt_hgemm applies an epilogue that way),
     * so no pointer is formed from them (arithmetic on a null pointer is undefined). */
    for (int64_t i = 0; i < m; i++) {
      for (int64_t j = 0; j < n; j++) {
        float dot = k > 0 ? tt_dot(a + i * a_rs, b + j * b_js, 1, k) : 0.0f;
        c[i * ldc + j] = tt_epilogue_value(dot, e, i, j);
      }
    }
    return;
  }
  TT_DISPATCH(isa, tt_sgemm, m, n, k, a, a_rs, a_ks, b, b_ps, b_js, c, ldc, e, scratch);
}

TT_API void tt_activate_isa(tt_isa isa, float *x, int64_t n, int32_t activation) {
  if (n <= 0) return;
  TT_DISPATCH(isa, tt_activate, x, n, activation);
}

TT_API void tt_activate(float *x, int64_t n, int32_t activation) { tt_activate_isa(tt_best_isa(), x, n, activation); }

TT_API void tt_sgemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, int trans_a,
                     const float *b, int64_t ldb, int trans_b, float *c, int64_t ldc,
                     const tt_epilogue *epilogue, float *scratch) {
  tt_sgemm_isa(tt_best_isa(), m, n, k, a, lda, trans_a, b, ldb, trans_b, c, ldc, epilogue, scratch);
}

/* ---- Pre-packed B ----
 * The blob: a 64-byte header, then B as the strips of the path it was packed for (the layout is
 * defined once, in tt_gemm_kernel.inc: strips of TT_W columns, padded to TT_PACK_COLUMNS). The
 * header records the path and its strip width, so a blob read by another path is still multiplied
 * correctly (strip by strip, below), and one of another shape is refused. */
typedef struct {
  uint32_t magic;  /* TT_PACKED_B_MAGIC */
  int32_t isa;     /* the tt_isa whose layout the strips follow */
  int32_t width;   /* that path's strip width (floats per vector) */
  int32_t padding; /* 0 */
  int64_t k, n;
} tt_packed_b_header;
#define TT_PACKED_B_MAGIC 0x42505454u /* "TTPB" */
#define TT_PACKED_B_HEADER_FLOATS 16 /* 64 bytes: the strips stay as aligned as the blob */

/* TT_IF_COMPILED(isa, code): `code` with P replaced by the path's suffix where this build compiles
 * the path `isa` (runnable here or not: packing only moves floats); nothing elsewhere. */
#define TT_IF_COMPILED(isa, kernel, ...)                                                                     \
  switch (isa) {                                                                                             \
  case TT_ISA_AVX512: TT_IF_AVX512(kernel##_avx512(__VA_ARGS__);) break;                                     \
  case TT_ISA_AVX2: TT_IF_AVX2(kernel##_avx2(__VA_ARGS__);) break;                                           \
  case TT_ISA_PORTABLE: TT_IF_PORTABLE(kernel##_portable(__VA_ARGS__);) break;                               \
  }

TT_API int64_t tt_sgemm_packed_b_floats_isa(tt_isa isa, int64_t k, int64_t n) {
  int64_t strips = -1;
  if (k < 0 || n <= 0) return 0;
  TT_IF_COMPILED(isa, strips = tt_strip_floats, k, n)
  return strips < 0 ? 0 : TT_PACKED_B_HEADER_FLOATS + strips;
}

TT_API int tt_sgemm_pack_b_isa(tt_isa isa, int64_t k, int64_t n, const float *b, int64_t ldb, float *packed) {
  int32_t width = 0;
  if (tt_sgemm_packed_b_floats_isa(isa, k, n) == 0) return -1;
  TT_IF_COMPILED(isa, width = tt_strip_width, )
  tt_packed_b_header header = {TT_PACKED_B_MAGIC, (int32_t)isa, width, 0, k, n};
  memset(packed, 0, TT_PACKED_B_HEADER_FLOATS * sizeof(float));
  memcpy(packed, &header, sizeof header);
  TT_IF_COMPILED(isa, tt_pack_strips, k, n, b, ldb, packed + TT_PACKED_B_HEADER_FLOATS)
  return 0;
}

TT_API int64_t tt_sgemm_packed_b_floats(int64_t k, int64_t n) {
  return tt_sgemm_packed_b_floats_isa(tt_best_isa(), k, n);
}

TT_API int tt_sgemm_pack_b(int64_t k, int64_t n, const float *b, int64_t ldb, float *packed) {
  return tt_sgemm_pack_b_isa(tt_best_isa(), k, n, b, ldb, packed);
}

TT_API int tt_sgemm_packed_b_isa(tt_isa isa, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
                                 int trans_a, const float *packed, float *c, int64_t ldc,
                                 const tt_epilogue *epilogue, float *scratch) {
  static const tt_epilogue plain = {0, 0, 0, 0, TT_ACT_NONE};
  const tt_epilogue *e = epilogue ? epilogue : &plain;
  tt_packed_b_header h;
  memcpy(&h, packed, sizeof h);
  if (h.magic != TT_PACKED_B_MAGIC || h.k != k || h.n != n || (h.width != 4 && h.width != 8 && h.width != 16)) {
    return -1;
  }
  if (m <= 0 || n <= 0) return 0;
  const float *strips = packed + TT_PACKED_B_HEADER_FLOATS;
  int64_t a_rs = trans_a ? 1 : lda, a_ks = trans_a ? lda : 1;
  isa = tt_runnable_isa(isa);
  if (k <= 0 || (n == 1 && a_ks == 1)) {
    /* tt_sgemm_isa's dot products (its B column is contiguous; here it lies h.width apart). */
    for (int64_t i = 0; i < m; i++) {
      for (int64_t j = 0; j < n; j++) {
        float dot = k > 0 ? tt_dot(a + i * a_rs, strips + j, h.width, k) : 0.0f;
        c[i * ldc + j] = tt_epilogue_value(dot, e, i, j);
      }
    }
    return 0;
  }
  int32_t width = 0;
  TT_IF_COMPILED(isa, width = tt_strip_width, )
  if (h.isa == (int32_t)isa && h.width == width) {
    TT_DISPATCH(isa, tt_sgemm_strips, m, n, k, a, a_rs, a_ks, strips, c, ldc, e, scratch);
    return 0;
  }
  /* Packed for another path: each strip is a row-major k × width matrix, multiplied as such. */
  for (int64_t j0 = 0; j0 < n; j0 += h.width) {
    tt_epilogue shifted = *e;
    shifted.bias = e->bias ? e->bias + j0 : 0;
    shifted.residual = e->residual ? e->residual + j0 : 0;
    tt_sgemm_isa(isa, m, n - j0 < h.width ? n - j0 : h.width, k, a, lda, trans_a, strips + j0 * k, h.width, 0,
                 c + j0, ldc, &shifted, scratch);
  }
  return 0;
}

TT_API int tt_sgemm_packed_b(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, int trans_a,
                             const float *packed, float *c, int64_t ldc, const tt_epilogue *epilogue,
                             float *scratch) {
  return tt_sgemm_packed_b_isa(tt_best_isa(), m, n, k, a, lda, trans_a, packed, c, ldc, epilogue, scratch);
}
