/* tt_gemm.c: fp32 GEMM with a register-tiled micro-kernel.
 *
 * The output is computed in tiles of 4 rows × 32 columns (or 16 for the last panel when at most 16
 * columns remain), held in 16-float vector registers (GCC/clang vector extensions; one AVX-512
 * register each, two AVX2 registers elsewhere). The micro-kernel streams the rows of a panel of
 * B, broadcasting one element of A per tile row. When B is not transposed, the panel's rows are
 * read in place (stride ldb) as long as a full panel width from the panel's first column stays
 * inside B; only the last few rows of a partial panel, and every row of a transposed B, are packed
 * (zero-padded) into scratch. Reading in place matters for small batches (a few rows of A against
 * a weight matrix), where packing would cost more than the multiply-adds; a single row of A uses
 * four partial sums to hide the multiply-add latency.
 */
#include "tt_runtime.h"

#define TT_MR 4 /* tile rows */
#define TT_NV 2 /* 16-float vectors per tile row, at most */
#define TT_NR (16 * TT_NV)

typedef float tt_v16 __attribute__((vector_size(64), aligned(4)));

static inline tt_v16 tt_load16(const float *p) { return *(const tt_v16 *)p; }
static inline void tt_store16(float *p, tt_v16 v) { *(tt_v16 *)p = v; }

TT_HIDDEN int64_t tt_sgemm_scratch(int64_t k) { return k * TT_NR; }

/* Adds rows [0, mr) of A[:, p0:p1] · panel[p0:p1, 0:16·nv] to acc; panel rows lie `ps` floats
 * apart. */
static inline __attribute__((always_inline)) void tt_tile(int mr, int nv, int64_t p0, int64_t p1,
                                                          const float *a, int64_t a_rs, int64_t a_ks,
                                                          const float *panel, int64_t ps,
                                                          tt_v16 acc[TT_MR][TT_NV]) {
  for (int64_t p = p0; p < p1; p++) {
    tt_v16 bv[TT_NV];
    for (int v = 0; v < nv; v++) bv[v] = tt_load16(panel + p * ps + 16 * v);
    for (int r = 0; r < mr; r++) {
      float av = a[r * a_rs + p * a_ks];
      for (int v = 0; v < nv; v++) acc[r][v] += av * bv[v];
    }
  }
}

/* The same for a single row of A, with four independent partial sums. */
static inline __attribute__((always_inline)) void tt_row(int nv, int64_t p0, int64_t p1, const float *a,
                                                         int64_t a_ks, const float *panel, int64_t ps,
                                                         tt_v16 acc[TT_NV]) {
  tt_v16 part[4][TT_NV];
  for (int u = 0; u < 4; u++) {
    for (int v = 0; v < nv; v++) part[u][v] = (tt_v16){0};
  }
  int64_t p = p0;
  for (; p + 4 <= p1; p += 4) {
    for (int u = 0; u < 4; u++) {
      float av = a[(p + u) * a_ks];
      for (int v = 0; v < nv; v++) part[u][v] += av * tt_load16(panel + (p + u) * ps + 16 * v);
    }
  }
  for (; p < p1; p++) {
    float av = a[p * a_ks];
    for (int v = 0; v < nv; v++) part[0][v] += av * tt_load16(panel + p * ps + 16 * v);
  }
  for (int v = 0; v < nv; v++) acc[v] += (part[0][v] + part[1][v]) + (part[2][v] + part[3][v]);
}

/* One tile of mr rows and nv vectors: rows [0, direct) of the panel come from `b` in place
 * (stride ldb), the rest from the packed panel (stride 16·nv). */
static inline __attribute__((always_inline)) void tt_tile_split(int mr, int nv, int64_t k, int64_t direct,
                                                                const float *a, int64_t a_rs, int64_t a_ks,
                                                                const float *b, int64_t ldb,
                                                                const float *packed,
                                                                tt_v16 acc[TT_MR][TT_NV]) {
  for (int r = 0; r < TT_MR; r++) {
    for (int v = 0; v < TT_NV; v++) acc[r][v] = (tt_v16){0};
  }
  if (mr == 1) {
    if (direct > 0) tt_row(nv, 0, direct, a, a_ks, b, ldb, acc[0]);
    if (direct < k) tt_row(nv, direct, k, a, a_ks, packed, 16 * nv, acc[0]);
    return;
  }
  if (direct > 0) tt_tile(mr, nv, 0, direct, a, a_rs, a_ks, b, ldb, acc);
  if (direct < k) tt_tile(mr, nv, direct, k, a, a_rs, a_ks, packed, 16 * nv, acc);
}

/* Writes nr columns of mr rows of a tile to C, adding bias and the old C as asked. */
static void tt_store_tile(int mr, int64_t nr, tt_v16 acc[TT_MR][TT_NV], float *c, int64_t ldc, const float *bias,
                          int accumulate) {
  for (int r = 0; r < mr; r++) {
    float *row = c + r * ldc;
    if (nr % 16 == 0) {
      for (int v = 0; v < nr / 16; v++) {
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

/* All tiles of one panel of nv vectors (columns j ..< j + nr of C). */
static inline __attribute__((always_inline)) void tt_panel(int nv, int64_t m, int64_t nr, int64_t k,
                                                           int64_t direct, const float *a, int64_t a_rs,
                                                           int64_t a_ks, const float *b_j, int64_t ldb,
                                                           const float *packed, float *c_j, int64_t ldc,
                                                           const float *bias_j, int accumulate) {
  int64_t i = 0;
  for (; i + TT_MR <= m; i += TT_MR) {
    tt_v16 acc[TT_MR][TT_NV];
    if (a_ks == 1) {
      tt_tile_split(TT_MR, nv, k, direct, a + i * a_rs, a_rs, 1, b_j, ldb, packed, acc);
    } else {
      tt_tile_split(TT_MR, nv, k, direct, a + i * a_rs, 1, a_ks, b_j, ldb, packed, acc);
    }
    tt_store_tile(TT_MR, nr, acc, c_j + i * ldc, ldc, bias_j, accumulate);
  }
  for (; i < m; i++) {
    tt_v16 acc[TT_MR][TT_NV];
    tt_tile_split(1, nv, k, direct, a + i * a_rs, a_rs, a_ks, b_j, ldb, packed, acc);
    tt_store_tile(1, nr, acc, c_j + i * ldc, ldc, bias_j, accumulate);
  }
}

TT_HIDDEN void tt_sgemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, int trans_a,
                        const float *b, int64_t ldb, int trans_b, float *c, int64_t ldc,
                        const float *bias, int accumulate, float *scratch) {
  int64_t a_rs = trans_a ? 1 : lda; /* step between rows of op(A) */
  int64_t a_ks = trans_a ? lda : 1; /* step along k */
  for (int64_t j = 0; j < n; j += TT_NR) {
    int64_t nr = n - j < TT_NR ? n - j : TT_NR;
    int64_t width = nr <= 16 ? 16 : TT_NR; /* panel width: one or two vectors */
    /* Rows p of B readable in place: p * ldb + j + width <= k * ldb (the panel stays inside B). */
    int64_t direct = 0;
    if (!trans_b) {
      int64_t last = k * ldb - j - width;
      direct = last < 0 ? 0 : last / ldb + 1;
      if (direct > k) direct = k;
    }
    for (int64_t p = direct; p < k; p++) {
      float *dst = scratch + p * width;
      for (int64_t q = 0; q < width; q++) {
        dst[q] = q < nr ? (trans_b ? b[(j + q) * ldb + p] : b[p * ldb + j + q]) : 0.0f;
      }
    }
    const float *bias_j = bias ? bias + j : 0;
    if (width == 16) {
      tt_panel(1, m, nr, k, direct, a, a_rs, a_ks, b + j, ldb, scratch, c + j, ldc, bias_j, accumulate);
    } else {
      tt_panel(2, m, nr, k, direct, a, a_rs, a_ks, b + j, ldb, scratch, c + j, ldc, bias_j, accumulate);
    }
  }
}
