/* tt_gemm.c: fp32 GEMM with a register-tiled micro-kernel.
 *
 * The output is computed in 4×32 tiles held in eight 16-float vector registers (GCC/clang vector
 * extensions; one AVX-512 register each, two AVX2 registers elsewhere). For each 32-column panel
 * B is first packed (transposed and zero-padded as needed) into a contiguous 32·k-float panel in
 * scratch, which stays in L1/L2 across all row tiles; the micro-kernel streams the panel's rows,
 * broadcasting one element of A per tile row. One kernel thus serves every transpose and remainder.
 */
#include "tt_runtime.h"

#define TT_MR 4 /* tile rows */
#define TT_NV 2 /* 16-float vectors per tile row */
#define TT_NR (16 * TT_NV)

typedef float tt_v16 __attribute__((vector_size(64), aligned(4)));

static inline tt_v16 tt_load16(const float *p) { return *(const tt_v16 *)p; }
static inline void tt_store16(float *p, tt_v16 v) { *(tt_v16 *)p = v; }

TT_HIDDEN int64_t tt_sgemm_scratch(int64_t k) { return k * TT_NR; }

/* Computes rows [0, mr) of one tile: acc = A[rows, :] · panel (k rows of TT_NR floats). */
static inline __attribute__((always_inline)) void tt_tile(int mr, int64_t k, const float *a, int64_t a_rs,
                                                          int64_t a_ks, const float *panel,
                                                          tt_v16 acc[TT_MR][TT_NV]) {
  for (int r = 0; r < TT_MR; r++) {
    for (int v = 0; v < TT_NV; v++) acc[r][v] = (tt_v16){0};
  }
  for (int64_t p = 0; p < k; p++) {
    tt_v16 bv[TT_NV];
    for (int v = 0; v < TT_NV; v++) bv[v] = tt_load16(panel + p * TT_NR + 16 * v);
    for (int r = 0; r < mr; r++) {
      float av = a[r * a_rs + p * a_ks];
      for (int v = 0; v < TT_NV; v++) acc[r][v] += av * bv[v];
    }
  }
}

/* Writes nr columns of mr rows of a tile to C, adding bias and the old C as asked. */
static void tt_store_tile(int mr, int64_t nr, tt_v16 acc[TT_MR][TT_NV], float *c, int64_t ldc, const float *bias,
                          int accumulate) {
  for (int r = 0; r < mr; r++) {
    float *row = c + r * ldc;
    if (nr == TT_NR) {
      for (int v = 0; v < TT_NV; v++) {
        tt_v16 x = acc[r][v];
        if (bias) x += tt_load16(bias + 16 * v);
        if (accumulate) x += tt_load16(row + 16 * v);
        tt_store16(row + 16 * v, x);
      }
    } else {
      float tmp[TT_NR];
      for (int v = 0; v < TT_NV; v++) tt_store16(tmp + 16 * v, acc[r][v]);
      for (int64_t j = 0; j < nr; j++) {
        float v = tmp[j] + (bias ? bias[j] : 0.0f);
        row[j] = accumulate ? row[j] + v : v;
      }
    }
  }
}

TT_HIDDEN void tt_sgemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, int trans_a,
                        const float *b, int64_t ldb, int trans_b, float *c, int64_t ldc,
                        const float *bias, int accumulate, float *scratch) {
  int64_t a_rs = trans_a ? 1 : lda; /* step between rows of op(A) */
  int64_t a_ks = trans_a ? lda : 1; /* step along k */
  for (int64_t j = 0; j < n; j += TT_NR) {
    int64_t nr = n - j < TT_NR ? n - j : TT_NR;
    for (int64_t p = 0; p < k; p++) {
      float *dst = scratch + p * TT_NR;
      if (!trans_b && nr == TT_NR) {
        memcpy(dst, b + p * ldb + j, TT_NR * sizeof(float));
      } else {
        for (int64_t q = 0; q < TT_NR; q++) {
          dst[q] = q < nr ? (trans_b ? b[(j + q) * ldb + p] : b[p * ldb + j + q]) : 0.0f;
        }
      }
    }
    const float *bias_j = bias ? bias + j : 0;
    int64_t i = 0;
    for (; i + TT_MR <= m; i += TT_MR) {
      tt_v16 acc[TT_MR][TT_NV];
      if (a_ks == 1) {
        tt_tile(TT_MR, k, a + i * a_rs, a_rs, 1, scratch, acc);
      } else {
        tt_tile(TT_MR, k, a + i * a_rs, 1, a_ks, scratch, acc);
      }
      tt_store_tile(TT_MR, nr, acc, c + i * ldc + j, ldc, bias_j, accumulate);
    }
    for (; i < m; i++) {
      tt_v16 acc[TT_MR][TT_NV];
      tt_tile(1, k, a + i * a_rs, a_rs, a_ks, scratch, acc);
      tt_store_tile(1, nr, acc, c + i * ldc + j, ldc, bias_j, accumulate);
    }
  }
}
