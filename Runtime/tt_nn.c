/* tt_nn.c: pooling, softmax, layer norm and attention kernels.
 *
 * Each kernel is written once (the always-inline *_body functions and their helpers) and compiled
 * per instruction-set path at the end of the file, like tt_sparse.c: the TTRuntime library that eager
 * mode and the interpreter call is built without -march, so without per-path functions its vector
 * loops would only use SSE. */
#include "tt_internal.h"

#include <float.h>

/* Pooling runs tap by tap over whole output rows: for each window offset (ki, kj) the output
 * columns whose input column exists are found analytically (tt_valid_range), and one contiguous
 * loop over them updates the row, which clang vectorizes (stride-2 loads become shuffles). */
/* The max of each 2×2 window, stride 2, no padding (the common pooling): each pair of input rows
 * is split into even and odd columns with shuffles, 8 (or, in rows narrower than 8 outputs, 4)
 * outputs at a time, combined in the same order as the general loop below (so NaN behaves the
 * same). A row's last outputs are computed by one more vector that overlaps the previous one
 * (every output is written with the same value wherever it is computed), so no output is left
 * to a scalar loop unless the row has fewer than 4. */
typedef float tt_pool_v8 __attribute__((vector_size(32), aligned(4)));
typedef int32_t tt_pool_i8 __attribute__((vector_size(32), aligned(4)));
typedef float tt_pool_v4 __attribute__((vector_size(16), aligned(4)));
typedef int32_t tt_pool_i4 __attribute__((vector_size(16), aligned(4)));
/* acc = v where v > acc or v is NaN (so a NaN, once in acc, stays: docs/IR.md). */
#define TT_WINS(v, acc) (((v) > (acc)) | ((v) != (v)))
#define TT_MAX_INTO(I, acc, v) acc = (__typeof__(acc))(((I)(v) & TT_WINS(v, acc)) | ((I)(acc) & ~TT_WINS(v, acc)))
/* dst[0, L) = the maxima of the 2×2 windows starting at top[0] and bottom[0], L = 8 or 4. */
#define TT_POOL_VECTOR(V, I, L, top, bottom, dst, EVEN, ODD)                                               \
  do {                                                                                                      \
    V t0 = *(const V *)(top), t1 = *(const V *)((top) + L);                                                 \
    V b0 = *(const V *)(bottom), b1 = *(const V *)((bottom) + L);                                           \
    V acc = (V){0} - INFINITY;                                                                              \
    V v = __builtin_shufflevector(t0, t1, EVEN);                                                            \
    TT_MAX_INTO(I, acc, v);                                                                                 \
    v = __builtin_shufflevector(t0, t1, ODD);                                                               \
    TT_MAX_INTO(I, acc, v);                                                                                 \
    v = __builtin_shufflevector(b0, b1, EVEN);                                                              \
    TT_MAX_INTO(I, acc, v);                                                                                 \
    v = __builtin_shufflevector(b0, b1, ODD);                                                               \
    TT_MAX_INTO(I, acc, v);                                                                                 \
    *(V *)(dst) = acc;                                                                                      \
  } while (0)
/* The running maximum of one output: the tap when it is larger or NaN, so a NaN propagates
 * (docs/IR.md; not a max instruction, which returns its second operand when either is NaN). */
#define TT_POOL_MAX(v, acc) ((v) > (acc) || (v) != (v) ? (v) : (acc))
#define TT_EVEN8 0, 2, 4, 6, 8, 10, 12, 14
#define TT_ODD8 1, 3, 5, 7, 9, 11, 13, 15
#define TT_EVEN4 0, 2, 4, 6
#define TT_ODD4 1, 3, 5, 7
TT_ALWAYS_INLINE void tt_max_pool_2x2(const float *x, float *y, int64_t nc, int64_t h, int64_t w, int64_t oh, int64_t ow) {
  for (int64_t p = 0; p < nc; p++) {
    for (int64_t oy = 0; oy < oh; oy++) {
      const float *top = x + (p * h + 2 * oy) * w, *bottom = top + w;
      float *dst = y + (p * oh + oy) * ow;
      if (ow >= 8) {
        for (int64_t ox = 0;; ox += 8) {
          if (ox + 8 > ow) ox = ow - 8; /* the last vector overlaps the one before */
          TT_POOL_VECTOR(tt_pool_v8, tt_pool_i8, 8, top + 2 * ox, bottom + 2 * ox, dst + ox, TT_EVEN8, TT_ODD8);
          if (ox + 8 == ow) break;
        }
      } else if (ow >= 4) {
        TT_POOL_VECTOR(tt_pool_v4, tt_pool_i4, 4, top, bottom, dst, TT_EVEN4, TT_ODD4);
        int64_t ox = ow - 4;
        TT_POOL_VECTOR(tt_pool_v4, tt_pool_i4, 4, top + 2 * ox, bottom + 2 * ox, dst + ox, TT_EVEN4, TT_ODD4);
      } else {
        for (int64_t ox = 0; ox < ow; ox++) {
          float acc = -INFINITY;
          const float taps[4] = {top[2 * ox], top[2 * ox + 1], bottom[2 * ox], bottom[2 * ox + 1]};
          for (int t = 0; t < 4; t++) acc = TT_POOL_MAX(taps[t], acc);
          dst[ox] = acc;
        }
      }
    }
  }
}
#undef TT_MAX_INTO
#undef TT_WINS
#undef TT_POOL_VECTOR
#undef TT_EVEN8
#undef TT_ODD8
#undef TT_EVEN4
#undef TT_ODD4

TT_ALWAYS_INLINE void tt_max_pool2d_body(const float *x, float *y, int64_t nc, int64_t h, int64_t w, int64_t kh,
                                         int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t oh,
                                         int64_t ow) {
  if (kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0 && 2 * oh <= h && 2 * ow <= w) {
    tt_max_pool_2x2(x, y, nc, h, w, oh, ow);
    return;
  }
  TT_MAX_POOL_PLANES(float, -INFINITY, TT_POOL_MAX, x, y, nc, h, w, kh, kw, sh, sw, ph, pw, oh, ow);
}

TT_ALWAYS_INLINE void tt_avg_pool2d_body(const float *x, float *y, int64_t nc, int64_t h, int64_t w, int64_t kh,
                                         int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t oh,
                                         int64_t ow, int count_include_pad) {
  for (int64_t p = 0; p < nc; p++) {
    const float *plane = x + p * h * w;
    for (int64_t oy = 0; oy < oh; oy++) {
      float *dst = y + (p * oh + oy) * ow;
      for (int64_t ox = 0; ox < ow; ox++) dst[ox] = 0.0f;
      int64_t rows = 0;
      for (int64_t ki = 0; ki < kh; ki++) {
        int64_t iy = oy * sh - ph + ki;
        if (iy < 0 || iy >= h) continue;
        rows++;
        for (int64_t kj = 0; kj < kw; kj++) {
          int64_t lo, hi;
          tt_valid_range(kj - pw, sw, w, ow, &lo, &hi);
          const float *src = plane + iy * w + kj - pw;
          if (sw == 1) {
            for (int64_t ox = lo; ox < hi; ox++) dst[ox] += src[ox];
          } else if (sw == 2) {
            for (int64_t ox = lo; ox < hi; ox++) dst[ox] += src[2 * ox];
          } else {
            for (int64_t ox = lo; ox < hi; ox++) dst[ox] += src[ox * sw];
          }
        }
      }
      for (int64_t ox = 0; ox < ow; ox++) {
        int64_t left = ox * sw - pw, right = left + kw;
        int64_t columns = (right < w ? right : w) - (left > 0 ? left : 0);
        dst[ox] /= (float)(count_include_pad ? kh * kw : rows * columns);
      }
    }
  }
}

/* tt_expf for x in [-87, 0] (a score minus its row's largest), with the same steps and so the same
 * result, minus the overflow and underflow cases, which cannot occur there; NaN stays NaN. */
TT_ALWAYS_INLINE float tt_expf_softmax(float x) {
  float n = floorf(x * 1.44269504088896341f + 0.5f);
  float y = tt_expf_reduced(x, n);
  int32_t m = x == x ? (int32_t)n : 0;
  union { int32_t i; float f; } scale = {(m + 127) << 23};
  return x == x ? y * scale.f : x;
}

/* The additive term of mask element `offset` for float masks; an integer mask element of 0 clears
 * *keep (it never sets it, so a causally blocked position stays blocked). */
TT_ALWAYS_INLINE float tt_mask_term(const void *mask, int32_t dtype, int64_t offset, int *keep) {
  switch (dtype) {
  case TT_F32: return ((const float *)mask)[offset];
  case TT_I8: *keep = *keep && ((const int8_t *)mask)[offset] != 0; return 0.0f;
  case TT_I32: *keep = *keep && ((const int32_t *)mask)[offset] != 0; return 0.0f;
  default: *keep = *keep && ((const int64_t *)mask)[offset] != 0; return 0.0f;
  }
}

typedef float tt_nn_v16 __attribute__((vector_size(64), aligned(4)));

typedef int32_t tt_nn_i16 __attribute__((vector_size(64), aligned(4)));

/* The larger of each pair of lanes of a and b (a NaN in b is not taken). A macro: vectors passed to
 * functions change the ABI on paths without AVX-512. */
#define TT_LANES_MAX(a, b)                                                                                    \
  ((tt_nn_v16)(((tt_nn_i16)(b) & ((b) > (a))) | ((tt_nn_i16)(a) & ~((b) > (a)))))

/* The largest of the 16 lanes of *v (which hold no NaN) and their sum, in four halving steps (a loop
 * over the lanes would be one chain of 15 dependent operations). */
TT_ALWAYS_INLINE float tt_lanes_max(const tt_nn_v16 *v) {
  tt_nn_v16 x = *v, y;
  y = __builtin_shufflevector(x, x, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
  x = TT_LANES_MAX(x, y);
  y = __builtin_shufflevector(x, x, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11);
  x = TT_LANES_MAX(x, y);
  y = __builtin_shufflevector(x, x, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
  x = TT_LANES_MAX(x, y);
  y = __builtin_shufflevector(x, x, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
  x = TT_LANES_MAX(x, y);
  return x[0];
}

TT_ALWAYS_INLINE float tt_lanes_sum(const tt_nn_v16 *v) {
  tt_nn_v16 x = *v;
  x += __builtin_shufflevector(x, x, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
  x += __builtin_shufflevector(x, x, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11);
  x += __builtin_shufflevector(x, x, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
  x += __builtin_shufflevector(x, x, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
  return x[0];
}

/* One stage of transposing the n×n block whose rows (vectors of type T) are m[0, n): the stage of
 * size b swaps the off-diagonal b×b blocks of every 2b×2b block (rows i and i + b exchange their
 * halves). */
#define TT_TRANSPOSE_STAGE(T, n, b, lo, hi)                                                                  \
  for (int i = 0; i < n; i++) {                                                                              \
    if (i & b) continue;                                                                                     \
    T x = m[i], y = m[i + b];                                                                                \
    m[i] = __builtin_shufflevector(x, y, lo);                                                                \
    m[i + b] = __builtin_shufflevector(x, y, hi);                                                            \
  }
#define TT_LANES(...) __VA_ARGS__
/* Transposes the 16×16 block whose rows are m[0..15], in four stages. */
TT_ALWAYS_INLINE void tt_transpose16(tt_nn_v16 m[16]) {
  TT_TRANSPOSE_STAGE(tt_nn_v16, 16, 8, TT_LANES(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23),
                     TT_LANES(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31))
  TT_TRANSPOSE_STAGE(tt_nn_v16, 16, 4, TT_LANES(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27),
                     TT_LANES(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31))
  TT_TRANSPOSE_STAGE(tt_nn_v16, 16, 2, TT_LANES(0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29),
                     TT_LANES(2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31))
  TT_TRANSPOSE_STAGE(tt_nn_v16, 16, 1, TT_LANES(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30),
                     TT_LANES(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31))
}

/* Σ (row[j] − center)^power for power 1 or 2, over 16 lanes (a sequential float sum would be one
 * long chain of dependent additions). */
TT_ALWAYS_INLINE float tt_row_moment(const float *row, int64_t n, float center, int power) {
  tt_nn_v16 lanes = {0};
  int64_t j = 0;
  for (; j + 16 <= n; j += 16) {
    tt_nn_v16 x = *(const tt_nn_v16 *)(row + j) - center;
    lanes += power == 2 ? x * x : x;
  }
  float sum = tt_lanes_sum(&lanes);
  for (; j < n; j++) sum += power == 2 ? (row[j] - center) * (row[j] - center) : row[j] - center;
  return sum;
}

/* Lane r of the result = the sum of the 16 lanes of v[r], in four halving stages (15 additions for
 * 16 rows, where one tt_lanes_sum per row would be 4 dependent steps each). */
TT_ALWAYS_INLINE tt_nn_v16 tt_row_sums16(const tt_nn_v16 v[16]) {
  tt_nn_v16 w[8], x[4], y[2];
  for (int r = 0; r < 8; r++) {
    w[r] = __builtin_shufflevector(v[r], v[r + 8], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) +
           __builtin_shufflevector(v[r], v[r + 8], 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  }
  for (int r = 0; r < 4; r++) {
    x[r] = __builtin_shufflevector(w[r], w[r + 4], 0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27) +
           __builtin_shufflevector(w[r], w[r + 4], 4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31);
  }
  for (int r = 0; r < 2; r++) {
    y[r] = __builtin_shufflevector(x[r], x[r + 2], 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29) +
           __builtin_shufflevector(x[r], x[r + 2], 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
  }
  return __builtin_shufflevector(y[0], y[1], 0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30) +
         __builtin_shufflevector(y[0], y[1], 1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31);
}

/* Lane r = Σ_j (src[r][j] − center[r])^power over j < len, power 1 or 2, for 16 rows at once: 16
 * lanes per row, reduced by tt_row_sums16 (the rows' chains overlap). */
TT_ALWAYS_INLINE tt_nn_v16 tt_row_moments16(const float *const src[16], int64_t len, const float center[16],
                                            int power) {
  tt_nn_v16 part[16];
  float tail[16];
  int64_t full = len / 16 * 16;
  for (int r = 0; r < 16; r++) part[r] = (tt_nn_v16){0};
  for (int64_t j = 0; j < full; j += 16) { /* the rows innermost: 16 independent chains */
    for (int r = 0; r < 16; r++) {
      tt_nn_v16 d = *(const tt_nn_v16 *)(src[r] + j) - center[r];
      part[r] += power == 2 ? d * d : d;
    }
  }
  tt_nn_v16 sums = tt_row_sums16(part);
  if (full == len) return sums;
  for (int r = 0; r < 16; r++) {
    float t = 0.0f;
    for (int64_t j = full; j < len; j++) {
      float d = src[r][j] - center[r];
      t += power == 2 ? d * d : d;
    }
    tail[r] = t;
  }
  tt_nn_v16 tails;
  memcpy(&tails, tail, sizeof tails);
  return sums + tails;
}

/* Rows of len values normalized to mean 0 and variance 1 (two passes: the mean, then the squared
 * deviations from it), then scaled by gamma and shifted by beta where given; 16 rows at a time, so
 * the reductions of different rows overlap (a last block short of 16 repeats its last row,
 * computed and not stored). */
TT_ALWAYS_INLINE void tt_layer_norm_body(const float *x, const float *gamma, const float *beta, float *y,
                                         int64_t rows, int64_t len, float eps, float *mean_out, float *rstd_out) {
  for (int64_t r0 = 0; r0 < rows; r0 += 16) {
    int64_t block = rows - r0 < 16 ? rows - r0 : 16;
    const float *src[16];
    for (int r = 0; r < 16; r++) src[r] = x + (r0 + (r < block ? r : block - 1)) * len;
    float zero[16] = {0}, mean[16], rstd[16];
    tt_nn_v16 m = tt_row_moments16(src, len, zero, 1) / (float)len;
    memcpy(mean, &m, sizeof mean);
    tt_nn_v16 var = tt_row_moments16(src, len, mean, 2) / (float)len;
    /* One vector square root (sqrtf per lane is a call with an errno branch under -fmath-errno). */
#if defined(__has_builtin) && __has_builtin(__builtin_elementwise_sqrt)
    tt_nn_v16 r = 1.0f / __builtin_elementwise_sqrt(var + eps);
    memcpy(rstd, &r, sizeof rstd);
#else
    for (int r = 0; r < 16; r++) rstd[r] = 1.0f / sqrtf(var[r] + eps);
#endif
    for (int64_t r = 0; r < block; r++) {
      if (mean_out) mean_out[r0 + r] = mean[r];
      if (rstd_out) rstd_out[r0 + r] = rstd[r];
      float *dst = y + (r0 + r) * len;
      for (int64_t j = 0; j < len; j++) {
        float v = (src[r][j] - mean[r]) * rstd[r];
        if (gamma) v *= gamma[j];
        if (beta) v += beta[j];
        dst[j] = v;
      }
    }
  }
}

/* The largest element of row[0, n) (−inf for an empty or all −inf row), over 16 lanes. */
TT_ALWAYS_INLINE float tt_row_max(const float *row, int64_t n) {
  tt_nn_v16 lanes = {0};
  lanes -= INFINITY;
  int64_t j = 0;
  for (; j + 16 <= n; j += 16) {
    tt_nn_v16 v = *(const tt_nn_v16 *)(row + j);
    tt_nn_i16 greater = (v > lanes) | (v != v);
    lanes = (tt_nn_v16)(((tt_nn_i16)v & greater) | ((tt_nn_i16)lanes & ~greater));
  }
  float max = tt_lanes_max(&lanes);
  /* tt_lanes_max skips NaN lanes; a NaN kept in any lane makes the maximum NaN (docs/IR.md). */
  for (int l = 0; l < 16; l++) max = lanes[l] != lanes[l] ? lanes[l] : max;
  for (; j < n; j++) max = row[j] > max || row[j] != row[j] ? row[j] : max;
  return max;
}

/* e^d for d = x − max of a softmax row: exactly 0 below e^-87 (never a subnormal), NaN for NaN. */
TT_ALWAYS_INLINE float tt_softmax_term(float d) { return d < -87.0f ? 0.0f : tt_expf_softmax(d); }

/* Σ e^(row[j] − max) over j < n, 16 terms per vector (NaN if max or an element is NaN). */
TT_ALWAYS_INLINE float tt_row_exp_sum(const float *row, int64_t n, float max) {
  tt_nn_v16 lanes = {0};
  int64_t j = 0;
  for (; j + 16 <= n; j += 16) {
    float terms[16];
    for (int l = 0; l < 16; l++) terms[l] = tt_softmax_term(row[j + l] - max);
    tt_nn_v16 v;
    memcpy(&v, terms, sizeof v);
    lanes += v;
  }
  float sum = tt_lanes_sum(&lanes);
  for (; j < n; j++) sum += tt_softmax_term(row[j] - max);
  return sum;
}

/* Softmax along rows of `len` elements `inner` apart, for `width` ≤ 16 neighbouring rows at once
 * (x and y point at the first row's first element): every step is a loop over the rows, which are
 * neighbours in memory, so it vectorizes. The same results per row as tt_softmax_body's contiguous
 * case: a NaN anywhere makes the row NaN, a fully masked (all −∞) row is 0 (NaN for log). */
TT_ALWAYS_INLINE void tt_softmax_columns(const float *x, float *y, int64_t len, int64_t inner, int64_t width,
                                         int log) {
  float max[16], sum[16], shift[16];
  for (int64_t l = 0; l < width; l++) max[l] = -INFINITY;
  for (int64_t j = 0; j < len; j++) {
    const float *src = x + j * inner;
    for (int64_t l = 0; l < width; l++) max[l] = src[l] > max[l] || src[l] != src[l] ? src[l] : max[l];
  }
  for (int64_t l = 0; l < width; l++) sum[l] = 0.0f;
  for (int64_t j = 0; j < len; j++) {
    const float *src = x + j * inner;
    float *dst = y + j * inner;
    for (int64_t l = 0; l < width; l++) {
      float e = tt_softmax_term(src[l] - max[l]);
      sum[l] += e;
      if (!log) dst[l] = e;
    }
  }
  /* log: y = (x − max) − log(sum), in that order (max + log(sum) first would lose log(sum) next to
   * a huge max: a row of 1e30s gave 0 instead of −log(len)); softmax: y = e · (1 / sum). */
  for (int64_t l = 0; l < width; l++) shift[l] = log ? logf(sum[l]) : 1.0f / sum[l];
  for (int64_t j = 0; j < len; j++) {
    const float *src = x + j * inner;
    float *dst = y + j * inner;
    for (int64_t l = 0; l < width; l++) {
      float value = log ? (src[l] - max[l]) - shift[l] : dst[l] * shift[l];
      dst[l] = max[l] == -INFINITY ? (log ? NAN : 0.0f) : value;
    }
  }
}

TT_ALWAYS_INLINE void tt_softmax_body(const float *x, float *y, int64_t outer, int64_t len, int64_t inner, int log) {
  if (inner == 1) {
    /* Contiguous rows: every step is a vectorized loop. */
    for (int64_t o = 0; o < outer; o++) {
      const float *src = x + o * len;
      float *dst = y + o * len;
      /* A NaN is kept (then every output of the row is NaN), not mistaken for a fully masked row. */
      float max = tt_row_max(src, len);
      if (max == -INFINITY) { /* a fully masked row: all zeros (log: NaN, the log of 0/0) */
        for (int64_t j = 0; j < len; j++) dst[j] = log ? NAN : 0.0f;
        continue;
      }
      if (log) {
        /* (x − max) − log(sum), in that order (see tt_softmax_columns). */
        float log_sum = logf(tt_row_exp_sum(src, len, max));
        for (int64_t j = 0; j < len; j++) dst[j] = (src[j] - max) - log_sum;
        continue;
      }
      for (int64_t j = 0; j < len; j++) dst[j] = tt_softmax_term(src[j] - max);
      float scale = 1.0f / tt_row_moment(dst, len, 0.0f, 1);
      for (int64_t j = 0; j < len; j++) dst[j] *= scale;
    }
    return;
  }
  /* Rows `inner` apart: 16 neighbouring rows at a time. */
  for (int64_t o = 0; o < outer; o++) {
    for (int64_t i = 0; i < inner; i += 16) {
      tt_softmax_columns(x + o * len * inner + i, y + o * len * inner + i, len, inner,
                         inner - i < 16 ? inner - i : 16, log);
    }
  }
}

/* row[j] = e^(row[j] − max) / Σ e^(row[j] − max) for a row whose largest element is the finite
 * `max`; blocked positions (−inf) get exactly 0. The exponentials are one vectorizable loop and
 * the sum runs over 16 lanes, so the row costs a few instructions per element. */
TT_ALWAYS_INLINE void tt_normalized_exponentials(float *row, int64_t n, float max) {
  for (int64_t j = 0; j < n; j++) {
    float d = row[j] - max;
    row[j] = d < -87.0f ? 0.0f : tt_expf(d);
  }
  tt_nn_v16 lanes = {0};
  int64_t j = 0;
  for (; j + 16 <= n; j += 16) lanes += *(const tt_nn_v16 *)(row + j);
  float sum = 0.0f;
  for (int l = 0; l < 16; l++) sum += lanes[l];
  for (; j < n; j++) sum += row[j];
  float inv = 1.0f / sum;
  for (j = 0; j < n; j++) row[j] *= inv;
}

/* Heads whose rows fit a few vectors (d, dv ≤ TT_ATTENTION_SMALL), with at least TT_ATTENTION_ROWS
 * queries, skip tt_sgemm, whose packing costs more than the products at these sizes (with fewer
 * queries, copying kᵀ would cost as much as the products). */
enum { TT_ATTENTION_SMALL = 64, TT_ATTENTION_ROWS = 8 };

static int tt_attention_is_small(int64_t sq, int64_t d, int64_t dv) {
  return sq >= TT_ATTENTION_ROWS && d <= TT_ATTENTION_SMALL && dv <= TT_ATTENTION_SMALL;
}

/* Heads without a mask with at least 8 queries and at most TT_LANE_KEYS keys run by query lanes
 * (see tt_attention_lanes; with more keys the small path's per-row softmax costs less than the
 * lanes' extra passes over the scores: 96 keys × 32 columns took 24% longer by lanes). */
enum { TT_QUERY_LANES = 8, TT_LANE_KEYS = 16 };

static int tt_attention_by_lanes(int64_t sq, int64_t sk) { return sq >= TT_QUERY_LANES && sk <= TT_LANE_KEYS; }

TT_API int64_t tt_attention_scratch(int64_t sq, int64_t sk, int64_t d, int64_t dv) {
  /* Whichever form a call takes (a mask decides between lanes and the others). */
  int64_t lanes = tt_attention_by_lanes(sq, sk) ? (d + sk) * 8 : 0, other;
  if (tt_attention_is_small(sq, d, dv)) {
    other = (d + TT_ATTENTION_ROWS) * ((sk + 15) / 16 * 16);
  } else {
    int64_t scores = tt_sgemm_scratch(sq, sk, d), output = tt_sgemm_scratch(sq, dv, sk);
    other = sq * sk + (scores > output ? scores : output);
  }
  return lanes > other ? lanes : other;
}

/* Turns row[0, keys) of query i's scores into attention weights: scaled, masked, softmax; keys past
 * `keys` (or past the causal limit) are blocked. Returns 0 when every key is blocked (the row is
 * then all zeros: a zero output row, never NaN). A NaN score makes the whole row NaN (tt_row_max
 * keeps it), as in TTKernels. */
TT_ALWAYS_INLINE int tt_attention_weights(float *row, int64_t keys, int64_t i, int64_t last, const void *mask,
                                int32_t mask_dtype, int64_t mask_rs, int64_t mask_cs, float scale) {
  /* Keys up to `last` (and below `keys`) are scaled and masked, one loop per mask kind so that each
   * vectorizes; the rest are blocked. */
  int64_t seen = last + 1 < keys ? last + 1 : keys;
  seen = seen > 0 ? seen : 0;
  if (mask && mask_dtype == TT_F32) {
    const float *m = (const float *)mask + i * mask_rs;
    if (mask_cs == 1) {
      for (int64_t j = 0; j < seen; j++) row[j] = row[j] * scale + m[j];
    } else {
      for (int64_t j = 0; j < seen; j++) row[j] = row[j] * scale + m[j * mask_cs];
    }
  } else if (mask) {
    for (int64_t j = 0; j < seen; j++) {
      int keep = 1;
      tt_mask_term(mask, mask_dtype, i * mask_rs + j * mask_cs, &keep);
      row[j] = keep ? row[j] * scale : -INFINITY;
    }
  } else {
    for (int64_t j = 0; j < seen; j++) row[j] *= scale;
  }
  for (int64_t j = seen; j < keys; j++) row[j] = -INFINITY;
  float max = tt_row_max(row, keys);
  if (max == -INFINITY) {
    for (int64_t j = 0; j < keys; j++) row[j] = 0.0f;
    return 0;
  }
  tt_normalized_exponentials(row, keys, max);
  return 1;
}

/* tt_attention_weights without a mask, for `rows` rows of `padded` scores each (a multiple of 16, as
 * the small path stores them; row r at scores + r·width): in row r, keys after last0 + r are
 * blocked. Every loop runs whole 16-lane vectors, and each step runs over all rows before the next
 * (the rows are independent, so their dependency chains overlap). Returns nothing: a row whose
 * keys are all blocked is all zeros. */
TT_ALWAYS_INLINE void tt_attention_block_weights(float *scores, int64_t width, int64_t rows, int64_t padded, int64_t last0,
                                       int causal, float scale) {
  enum { R = TT_ATTENTION_ROWS };
  const tt_nn_v16 lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  const tt_nn_v16 blocked = (tt_nn_v16){0} - INFINITY;
  float max[R], inv[R];
  for (int64_t r = 0; r < rows; r++) {
    float *row = scores + r * width;
    tt_nn_v16 lanes = blocked;
    for (int64_t j0 = 0; j0 < padded; j0 += 16) {
      tt_nn_v16 s = *(tt_nn_v16 *)(row + j0) * scale;
      tt_nn_i16 keep = lane + (float)j0 <= (float)(last0 + (causal ? r : 0));
      s = (tt_nn_v16)(((tt_nn_i16)s & keep) | ((tt_nn_i16)blocked & ~keep));
      *(tt_nn_v16 *)(row + j0) = s;
      lanes = TT_LANES_MAX(lanes, s);
    }
    max[r] = tt_lanes_max(&lanes);
  }
  for (int64_t r = 0; r < rows; r++) {
    float *row = scores + r * width;
    float m = max[r] == -INFINITY ? INFINITY : max[r]; /* all blocked: every exponential is 0 */
#pragma clang loop vectorize_width(16) interleave_count(1)
    for (int64_t j = 0; j < padded; j++) {
      float d = row[j] - m;
      row[j] = d < -87.0f ? 0.0f : tt_expf_softmax(d);
    }
    tt_nn_v16 sums = {0};
    for (int64_t j0 = 0; j0 < padded; j0 += 16) sums += *(const tt_nn_v16 *)(row + j0);
    float sum = tt_lanes_sum(&sums);
    inv[r] = sum != 0.0f ? 1.0f / sum : 0.0f; /* NaN stays NaN */
  }
  for (int64_t r = 0; r < rows; r++) {
    float *row = scores + r * width;
    for (int64_t j0 = 0; j0 < padded; j0 += 16) *(tt_nn_v16 *)(row + j0) *= inv[r];
  }
}

enum { TT_CAUSAL_BLOCK = 32 };

/* The keys a block of `rows` queries from query i0 sees (causal: queries are the last sq of the sk
 * positions, so the block's last query sees keys j <= i0 + rows - 1 + sk - sq); 0 when it sees
 * none, after zeroing the block's output rows. */
TT_ALWAYS_INLINE int64_t tt_attention_block_keys(float *y, int64_t ldy, int64_t dv, int64_t i0, int64_t rows, int64_t sq,
                                       int64_t sk, int causal) {
  int64_t keys = causal ? i0 + rows + sk - sq : sk;
  keys = keys > sk ? sk : keys;
  if (keys > 0) return keys;
  for (int64_t r = 0; r < rows; r++) memset(y + (i0 + r) * ldy, 0, (size_t)dv * sizeof(float));
  return 0;
}

/* One small head (see TT_ATTENTION_SMALL): kᵀ is copied once into scratch, rows of 16 keys
 * (zero-padded), so the scores of TT_ATTENTION_ROWS queries against 16 keys accumulate in one
 * vector each, one broadcast query element per multiply-add; the weighted values accumulate 16
 * output columns per vector the same way, reading v in place. Causal blocks compute only the keys
 * their last query sees. */
TT_ALWAYS_INLINE void tt_attention_small(const float *q, int64_t ldq, const float *k, int64_t ldk, const float *v,
                               int64_t ldv, const void *mask, int32_t mask_dtype, int64_t mask_rs,
                               int64_t mask_cs, float *y, int64_t ldy, int64_t sq, int64_t sk, int64_t d,
                               int64_t dv, float scale, int causal, float *scratch) {
  enum { R = TT_ATTENTION_ROWS };
  int64_t width = (sk + 15) / 16 * 16;
  float *kt = scratch, *scores = scratch + d * width;
  /* kᵀ, 16 columns × 16 keys at a time: 16 key rows (zero vectors past sk, so the padding costs
   * nothing) transposed in registers. The last d % 16 columns go one by one, each row c of kᵀ in
   * order (a vectorized loop over c would scatter, microcoded on some CPUs). */
  int64_t c = 0;
  for (; c + 16 <= d; c += 16) {
    for (int64_t j0 = 0; j0 < width; j0 += 16) {
      tt_nn_v16 block[16];
      for (int i = 0; i < 16; i++) block[i] = j0 + i < sk ? *(const tt_nn_v16 *)(k + (j0 + i) * ldk + c) : (tt_nn_v16){0};
      tt_transpose16(block);
      for (int i = 0; i < 16; i++) *(tt_nn_v16 *)(kt + (c + i) * width + j0) = block[i];
    }
  }
  for (; c < d; c++) {
    float *dst = kt + c * width;
#pragma clang loop vectorize(disable)
    for (int64_t j = 0; j < sk; j++) dst[j] = k[j * ldk + c];
    for (int64_t j = sk; j < width; j++) dst[j] = 0.0f;
  }
  for (int64_t i0 = 0; i0 < sq; i0 += R) {
    int64_t rows = sq - i0 < R ? sq - i0 : R;
    int64_t keys = tt_attention_block_keys(y, ldy, dv, i0, rows, sq, sk, causal);
    if (keys == 0) continue;
    const float *qr[R];
    for (int64_t r = 0; r < R; r++) qr[r] = q + (i0 + (r < rows ? r : 0)) * ldq;
    for (int64_t j0 = 0; j0 < keys; j0 += 16) {
      tt_nn_v16 acc[R];
      for (int r = 0; r < R; r++) acc[r] = (tt_nn_v16){0};
      for (int64_t c = 0; c < d; c++) {
        tt_nn_v16 kv = *(const tt_nn_v16 *)(kt + c * width + j0);
        for (int r = 0; r < R; r++) acc[r] += qr[r][c] * kv;
      }
      for (int r = 0; r < R; r++) *(tt_nn_v16 *)(scores + r * width + j0) = acc[r];
    }
    if (mask || width >= (1 << 24)) { /* key indices compare as floats below, exact under 2^24 */
      for (int64_t r = 0; r < rows; r++) {
        int64_t i = i0 + r;
        tt_attention_weights(scores + r * width, keys, i, causal ? i + sk - sq : sk - 1, mask, mask_dtype, mask_rs,
                             mask_cs, scale);
      }
    } else {
      tt_attention_block_weights(scores, width, rows, (keys + 15) / 16 * 16, causal ? i0 + sk - sq : sk - 1,
                                 causal, scale);
    }
    int64_t c0 = 0;
    for (; c0 + 16 <= dv; c0 += 16) {
      tt_nn_v16 acc[R];
      for (int r = 0; r < R; r++) acc[r] = (tt_nn_v16){0};
      for (int64_t j = 0; j < keys; j++) {
        tt_nn_v16 vv = *(const tt_nn_v16 *)(v + j * ldv + c0);
        for (int r = 0; r < R; r++) acc[r] += scores[r * width + j] * vv;
      }
      for (int64_t r = 0; r < rows; r++) *(tt_nn_v16 *)(y + (i0 + r) * ldy + c0) = acc[r];
    }
    for (; c0 < dv; c0++) { /* the last dv % 16 columns */
      for (int64_t r = 0; r < rows; r++) {
        float sum = 0.0f;
        for (int64_t j = 0; j < keys; j++) sum += scores[r * width + j] * v[j * ldv + c0];
        y[(i0 + r) * ldy + c0] = sum;
      }
    }
  }
}

/* ---- Heads by query lanes ----
 * The scores of 8 queries live in the 8 lanes of one vector per key (sᵀ), so every step of the
 * softmax is a lane-wise operation over the keys' vectors: no horizontal reductions, and a short
 * row (8 keys) fills whole vectors. The queries are transposed once per block (qᵀ, 8 × 8 blocks in
 * registers); k and v are read in place, each key's row broadcast into the multiply-adds. */
typedef float tt_nn_v8 __attribute__((vector_size(32), aligned(4)));
typedef int32_t tt_nn_i8 __attribute__((vector_size(32), aligned(4)));

/* Transposes the 8×8 block whose rows are m[0..7], in three stages. */
TT_ALWAYS_INLINE void tt_transpose8(tt_nn_v8 m[8]) {
  TT_TRANSPOSE_STAGE(tt_nn_v8, 8, 4, TT_LANES(0, 1, 2, 3, 8, 9, 10, 11), TT_LANES(4, 5, 6, 7, 12, 13, 14, 15))
  TT_TRANSPOSE_STAGE(tt_nn_v8, 8, 2, TT_LANES(0, 1, 8, 9, 4, 5, 12, 13), TT_LANES(2, 3, 10, 11, 6, 7, 14, 15))
  TT_TRANSPOSE_STAGE(tt_nn_v8, 8, 1, TT_LANES(0, 8, 2, 10, 4, 12, 6, 14), TT_LANES(1, 9, 3, 11, 5, 13, 7, 15))
}
#undef TT_LANES
#undef TT_TRANSPOSE_STAGE

/* qt[c·8 + l] = q[l·ldq + c] for c < d and the block's rows l < rows (lanes past them repeat row 0:
 * computed, never stored). */
TT_ALWAYS_INLINE void tt_transpose_queries(const float *q, int64_t ldq, int64_t rows, int64_t d, float *qt) {
  const float *src[TT_QUERY_LANES];
  for (int l = 0; l < TT_QUERY_LANES; l++) src[l] = q + (l < rows ? l : 0) * ldq;
  int64_t c = 0;
  for (; c + 8 <= d; c += 8) {
    tt_nn_v8 m[8];
    for (int l = 0; l < 8; l++) memcpy(&m[l], src[l] + c, sizeof m[l]);
    tt_transpose8(m);
    for (int u = 0; u < 8; u++) *(tt_nn_v8 *)(qt + (c + u) * 8) = m[u];
  }
  for (; c < d; c++) {
    for (int l = 0; l < TT_QUERY_LANES; l++) qt[c * 8 + l] = src[l][c];
  }
}

/* st[j·8 + l] = scale·Σ_c q_l[c]·k[j][c] for keys j < keys, 8 keys at a time (8 independent sums; a
 * last group short of 8 repeats its last key, whose sums are not stored), −∞ where key j is blocked
 * for lane l (causal: j > last0 + l). Returns each lane's largest score (NaN scores are not taken). */
TT_ALWAYS_INLINE tt_nn_v8 tt_lane_scores(const float *qt, const float *k, int64_t ldk, int64_t keys, int64_t d,
                                         int64_t last0, int causal, float scale, float *st) {
  const tt_nn_i8 lane = {0, 1, 2, 3, 4, 5, 6, 7};
  const tt_nn_v8 blocked = (tt_nn_v8){0} - INFINITY;
  tt_nn_v8 max = blocked;
  for (int64_t j0 = 0; j0 < keys; j0 += 8) {
    const float *kr[8];
    for (int u = 0; u < 8; u++) kr[u] = k + (j0 + u < keys ? j0 + u : keys - 1) * ldk;
    tt_nn_v8 acc[8];
    for (int u = 0; u < 8; u++) acc[u] = (tt_nn_v8){0};
    for (int64_t c = 0; c < d; c++) {
      tt_nn_v8 qv = *(const tt_nn_v8 *)(qt + c * 8);
      for (int u = 0; u < 8; u++) acc[u] += kr[u][c] * qv;
    }
    for (int u = 0; u < 8 && j0 + u < keys; u++) {
      tt_nn_v8 s = acc[u] * scale;
      if (causal) {
        /* Lane l sees key j when l ≥ j − last0 (clamped to [0, 8], so it fits an int32). */
        int64_t first = j0 + u - last0;
        first = first < 0 ? 0 : first > 8 ? 8 : first;
        tt_nn_i8 keep = lane >= (int32_t)first;
        s = (tt_nn_v8)(((tt_nn_i8)s & keep) | ((tt_nn_i8)blocked & ~keep));
      }
      *(tt_nn_v8 *)(st + (j0 + u) * 8) = s;
      tt_nn_i8 greater = s > max;
      max = (tt_nn_v8)(((tt_nn_i8)s & greater) | ((tt_nn_i8)max & ~greater));
    }
  }
  return max;
}

/* Turns st (keys vectors of 8 queries' scores, the largest of each lane in max) into unnormalized
 * attention weights, lane by lane: e^(s − max). Returns 1 / the sum of each lane's weights, which
 * tt_lane_values applies to the outputs (one multiply per output instead of one per weight). A
 * lane whose keys are all blocked gets weights and factor 0, a NaN score makes its lane NaN (as
 * tt_attention_block_weights). */
TT_ALWAYS_INLINE tt_nn_v8 tt_lane_weights(float *st, int64_t keys, tt_nn_v8 max) {
  tt_nn_i8 none = max == (tt_nn_v8){0} - INFINITY; /* every key blocked: every exponential is 0 */
  max = (tt_nn_v8)(((tt_nn_i8)((tt_nn_v8){0} + INFINITY) & none) | ((tt_nn_i8)max & ~none));
  for (int64_t j = 0; j < keys; j++) *(tt_nn_v8 *)(st + j * 8) -= max;
#pragma clang loop vectorize_width(8) interleave_count(1)
  for (int64_t i = 0; i < keys * 8; i++) {
    float x = st[i];
    st[i] = x < -87.0f ? 0.0f : tt_expf_softmax(x);
  }
  tt_nn_v8 sum = {0};
  for (int64_t j = 0; j < keys; j++) sum += *(const tt_nn_v8 *)(st + j * 8);
  tt_nn_v8 inv = 1.0f / sum;
  tt_nn_i8 zero = sum == (tt_nn_v8){0}; /* NaN stays NaN */
  return (tt_nn_v8)((tt_nn_i8)inv & ~zero);
}

/* y rows [0, rows) = inv[r]·Σ_j st[j·8 + r]·v[j], 16 (then 8, then 1) columns at a time, 8 rows
 * together. */
TT_ALWAYS_INLINE void tt_lane_values(const float *st, const float *v, int64_t ldv, int64_t keys, int64_t dv,
                                     float *y, int64_t ldy, int64_t rows, tt_nn_v8 inv) {
  enum { R = TT_QUERY_LANES };
  int64_t c0 = 0;
/* One block of WIDTH columns (vector type V) for every row: the same loop at 16 and at 8 columns. */
#define TT_LANE_VALUES_BLOCK(V, WIDTH)                                                            \
  for (; c0 + (WIDTH) <= dv; c0 += (WIDTH)) {                                                     \
    V acc[R];                                                                                     \
    for (int r = 0; r < R; r++) acc[r] = (V){0};                                                  \
    for (int64_t j = 0; j < keys; j++) {                                                          \
      V vv = *(const V *)(v + j * ldv + c0);                                                      \
      for (int r = 0; r < R; r++) acc[r] += st[j * 8 + r] * vv;                                   \
    }                                                                                             \
    for (int64_t r = 0; r < rows; r++) *(V *)(y + r * ldy + c0) = acc[r] * inv[r];                \
  }
  TT_LANE_VALUES_BLOCK(tt_nn_v16, 16)
  TT_LANE_VALUES_BLOCK(tt_nn_v8, 8)
#undef TT_LANE_VALUES_BLOCK
  for (; c0 < dv; c0++) {
    for (int64_t r = 0; r < rows; r++) {
      float sum = 0.0f;
      for (int64_t j = 0; j < keys; j++) sum += st[j * 8 + r] * v[j * ldv + c0];
      y[r * ldy + c0] = sum * inv[r];
    }
  }
}

/* One head without a mask, 8 queries at a time (see "Heads by query lanes"); causal blocks compute
 * only the keys their last query sees. scratch: d·8 + sk·8 floats. */
TT_ALWAYS_INLINE void tt_attention_lanes(const float *q, int64_t ldq, const float *k, int64_t ldk, const float *v,
                                         int64_t ldv, float *y, int64_t ldy, int64_t sq, int64_t sk, int64_t d,
                                         int64_t dv, float scale, int causal, float *scratch) {
  enum { R = TT_QUERY_LANES };
  float *qt = scratch, *st = scratch + d * R;
  for (int64_t i0 = 0; i0 < sq; i0 += R) {
    int64_t rows = sq - i0 < R ? sq - i0 : R;
    int64_t keys = tt_attention_block_keys(y, ldy, dv, i0, rows, sq, sk, causal);
    if (keys == 0) continue;
    tt_transpose_queries(q + i0 * ldq, ldq, rows, d, qt);
    tt_nn_v8 max = tt_lane_scores(qt, k, ldk, keys, d, causal ? i0 + sk - sq : sk - 1, causal, scale, st);
    tt_nn_v8 inv = tt_lane_weights(st, keys, max);
    tt_lane_values(st, v, ldv, keys, dv, y + i0 * ldy, ldy, rows, inv);
  }
}

/* Fewer than TT_ATTENTION_ROWS queries (a decode step: one new query against the cached keys): each
 * query's scores are dot products with the key rows read in place, 16 lanes at a time, then its
 * weights (tt_attention_weights), then the weighted sum of the value rows, up to 64 output columns
 * (four vectors) per pass over the keys. No kᵀ copy and no GEMM calls: at one query, the GEMM's
 * dispatch and one-column dot products cost more than these products. scores: sk floats. */
TT_ALWAYS_INLINE void tt_attention_few(const float *q, int64_t ldq, const float *k, int64_t ldk, const float *v,
                                       int64_t ldv, const void *mask, int32_t mask_dtype, int64_t mask_rs,
                                       int64_t mask_cs, float *y, int64_t ldy, int64_t sq, int64_t sk, int64_t d,
                                       int64_t dv, float scale, int causal, float *scores) {
  for (int64_t i = 0; i < sq; i++) {
    int64_t keys = tt_attention_block_keys(y, ldy, dv, i, 1, sq, sk, causal);
    if (keys == 0) continue;
    const float *qi = q + i * ldq;
    float *yi = y + i * ldy;
    for (int64_t j = 0; j < keys; j++) {
      const float *kj = k + j * ldk;
      tt_nn_v16 lanes = {0};
      int64_t c = 0;
      for (; c + 16 <= d; c += 16) lanes += *(const tt_nn_v16 *)(qi + c) * *(const tt_nn_v16 *)(kj + c);
      float dot = tt_lanes_sum(&lanes);
      for (; c < d; c++) dot += qi[c] * kj[c];
      scores[j] = dot;
    }
    tt_attention_weights(scores, keys, i, causal ? i + sk - sq : sk - 1, mask, mask_dtype, mask_rs, mask_cs, scale);
    int64_t whole = dv / 16 * 16, c0 = 0;
    for (; c0 < whole; c0 += 64) {
      int64_t vectors = (whole - c0) / 16 < 4 ? (whole - c0) / 16 : 4;
      tt_nn_v16 acc[4] = {{0}, {0}, {0}, {0}};
      for (int64_t j = 0; j < keys; j++) {
        const float *row = v + j * ldv + c0;
        for (int64_t u = 0; u < vectors; u++) acc[u] += scores[j] * *(const tt_nn_v16 *)(row + 16 * u);
      }
      for (int64_t u = 0; u < vectors; u++) *(tt_nn_v16 *)(yi + c0 + 16 * u) = acc[u];
    }
    for (c0 = whole; c0 < dv; c0++) { /* the last dv % 16 columns */
      float sum = 0.0f;
      for (int64_t j = 0; j < keys; j++) sum += scores[j] * v[j * ldv + c0];
      yi[c0] = sum;
    }
  }
}

TT_ALWAYS_INLINE void tt_attention_head_body(const float *q, int64_t ldq, const float *k, int64_t ldk,
                                             const float *v, int64_t ldv, const void *mask, int32_t mask_dtype,
                                             int64_t mask_rs, int64_t mask_cs, float *y, int64_t ldy, int64_t sq,
                                             int64_t sk, int64_t d, int64_t dv, float scale, int causal,
                                             float *scratch) {
  /* Few keys: by query lanes; fewer than 8 queries: tt_attention_few; small heads:
   * tt_attention_small; else scores and weighted values as GEMMs. Causal: queries are the last sq
   * of the sk positions, so query i sees keys j <= i + sk - sq; the queries go in blocks of
   * TT_CAUSAL_BLOCK rows, each computing only the keys its last query sees (about half the work of
   * the full square). */
  if (!mask && tt_attention_by_lanes(sq, sk)) {
    tt_attention_lanes(q, ldq, k, ldk, v, ldv, y, ldy, sq, sk, d, dv, scale, causal, scratch);
    return;
  }
  if (sq < TT_ATTENTION_ROWS) {
    tt_attention_few(q, ldq, k, ldk, v, ldv, mask, mask_dtype, mask_rs, mask_cs, y, ldy, sq, sk, d, dv, scale, causal,
                     scratch);
    return;
  }
  if (tt_attention_is_small(sq, d, dv)) {
    tt_attention_small(q, ldq, k, ldk, v, ldv, mask, mask_dtype, mask_rs, mask_cs, y, ldy, sq, sk, d, dv, scale,
                       causal, scratch);
    return;
  }
  float *scores = scratch, *gemm_scratch = scratch + sq * sk;
  int64_t block = causal ? TT_CAUSAL_BLOCK : sq;
  for (int64_t i0 = 0; i0 < sq; i0 += block) {
    int64_t rows = sq - i0 < block ? sq - i0 : block;
    int64_t keys = tt_attention_block_keys(y, ldy, dv, i0, rows, sq, sk, causal);
    if (keys == 0) continue;
    tt_sgemm(rows, keys, d, q + i0 * ldq, ldq, 0, k, ldk, 1, scores, keys, 0, gemm_scratch);
    for (int64_t r = 0; r < rows; r++) {
      int64_t i = i0 + r;
      tt_attention_weights(scores + r * keys, keys, i, causal ? i + sk - sq : sk - 1, mask, mask_dtype,
                           mask_rs, mask_cs, scale);
    }
    tt_sgemm(rows, dv, keys, scores, keys, 0, v, ldv, 0, y + i0 * ldy, ldy, 0, gemm_scratch);
  }
}

/* ---- One function per path (tt_internal.h): each inlines the kernels above, so their vector loops
 * get that path's instructions (the TTRuntime library is compiled without -march), and the public
 * entry points dispatch on tt_best_isa(). ---- */
#define TT_NN_PATH(suffix)                                                                                    \
  static TT_TARGET_##suffix void tt_max_pool2d_##suffix(const float *x, float *y, int64_t nc, int64_t h,      \
                                                        int64_t w, int64_t kh, int64_t kw, int64_t sh,        \
                                                        int64_t sw, int64_t ph, int64_t pw, int64_t oh,       \
                                                        int64_t ow) {                                         \
    tt_max_pool2d_body(x, y, nc, h, w, kh, kw, sh, sw, ph, pw, oh, ow);                                       \
  }                                                                                                           \
  static TT_TARGET_##suffix void tt_avg_pool2d_##suffix(const float *x, float *y, int64_t nc, int64_t h,      \
                                                        int64_t w, int64_t kh, int64_t kw, int64_t sh,        \
                                                        int64_t sw, int64_t ph, int64_t pw, int64_t oh,       \
                                                        int64_t ow, int count_include_pad) {                  \
    tt_avg_pool2d_body(x, y, nc, h, w, kh, kw, sh, sw, ph, pw, oh, ow, count_include_pad);                    \
  }                                                                                                           \
  static TT_TARGET_##suffix void tt_softmax_##suffix(const float *x, float *y, int64_t outer, int64_t len,    \
                                                     int64_t inner, int log) {                                \
    tt_softmax_body(x, y, outer, len, inner, log);                                                            \
  }                                                                                                           \
  static TT_TARGET_##suffix void tt_layer_norm_##suffix(const float *x, const float *gamma, const float *beta,\
                                                        float *y, int64_t rows, int64_t len, float eps,       \
                                                        float *mean, float *rstd) {                           \
    tt_layer_norm_body(x, gamma, beta, y, rows, len, eps, mean, rstd);                                        \
  }                                                                                                           \
  static TT_TARGET_##suffix void tt_attention_head_##suffix(                                                  \
      const float *q, int64_t ldq, const float *k, int64_t ldk, const float *v, int64_t ldv, const void *mask,\
      int32_t mask_dtype, int64_t mask_rs, int64_t mask_cs, float *y, int64_t ldy, int64_t sq, int64_t sk,    \
      int64_t d, int64_t dv, float scale, int causal, float *scratch) {                                       \
    tt_attention_head_body(q, ldq, k, ldk, v, ldv, mask, mask_dtype, mask_rs, mask_cs, y, ldy, sq, sk, d, dv, \
                           scale, causal, scratch);                                                           \
  }
TT_FOR_EACH_PATH(TT_NN_PATH)
#undef TT_NN_PATH

TT_API void tt_max_pool2d_isa(tt_isa isa, const float *x, float *y, int64_t nc, int64_t h, int64_t w, int64_t kh,
                              int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t oh, int64_t ow) {
  TT_DISPATCH(isa, tt_max_pool2d, x, y, nc, h, w, kh, kw, sh, sw, ph, pw, oh, ow);
}

TT_API void tt_max_pool2d(const float *x, float *y, int64_t nc, int64_t h, int64_t w, int64_t kh, int64_t kw,
                          int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t oh, int64_t ow) {
  tt_max_pool2d_isa(tt_best_isa(), x, y, nc, h, w, kh, kw, sh, sw, ph, pw, oh, ow);
}

TT_API void tt_avg_pool2d_isa(tt_isa isa, const float *x, float *y, int64_t nc, int64_t h, int64_t w, int64_t kh,
                              int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t oh, int64_t ow,
                              int count_include_pad) {
  TT_DISPATCH(isa, tt_avg_pool2d, x, y, nc, h, w, kh, kw, sh, sw, ph, pw, oh, ow, count_include_pad);
}

TT_API void tt_avg_pool2d(const float *x, float *y, int64_t nc, int64_t h, int64_t w, int64_t kh, int64_t kw,
                          int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t oh, int64_t ow,
                          int count_include_pad) {
  tt_avg_pool2d_isa(tt_best_isa(), x, y, nc, h, w, kh, kw, sh, sw, ph, pw, oh, ow, count_include_pad);
}

TT_API void tt_softmax_isa(tt_isa isa, const float *x, float *y, int64_t outer, int64_t len, int64_t inner,
                           int log) {
  TT_DISPATCH(isa, tt_softmax, x, y, outer, len, inner, log);
}

TT_API void tt_softmax(const float *x, float *y, int64_t outer, int64_t len, int64_t inner, int log) {
  tt_softmax_isa(tt_best_isa(), x, y, outer, len, inner, log);
}

TT_API void tt_layer_norm_isa(tt_isa isa, const float *x, const float *gamma, const float *beta, float *y,
                              int64_t rows, int64_t len, float eps, float *mean, float *rstd) {
  TT_DISPATCH(isa, tt_layer_norm, x, gamma, beta, y, rows, len, eps, mean, rstd);
}

TT_API void tt_layer_norm(const float *x, const float *gamma, const float *beta, float *y, int64_t rows,
                          int64_t len, float eps, float *mean, float *rstd) {
  tt_layer_norm_isa(tt_best_isa(), x, gamma, beta, y, rows, len, eps, mean, rstd);
}

TT_API void tt_attention_head_isa(tt_isa isa, const float *q, int64_t ldq, const float *k, int64_t ldk,
                                  const float *v, int64_t ldv, const void *mask, int32_t mask_dtype,
                                  int64_t mask_rs, int64_t mask_cs, float *y, int64_t ldy, int64_t sq, int64_t sk,
                                  int64_t d, int64_t dv, float scale, int causal, float *scratch) {
  TT_DISPATCH(isa, tt_attention_head, q, ldq, k, ldk, v, ldv, mask, mask_dtype, mask_rs, mask_cs, y, ldy, sq, sk,
              d, dv, scale, causal, scratch);
}

TT_API void tt_attention_head(const float *q, int64_t ldq, const float *k, int64_t ldk, const float *v,
                              int64_t ldv, const void *mask, int32_t mask_dtype, int64_t mask_rs, int64_t mask_cs,
                              float *y, int64_t ldy, int64_t sq, int64_t sk, int64_t d, int64_t dv, float scale,
                              int causal, float *scratch) {
  tt_attention_head_isa(tt_best_isa(), q, ldq, k, ldk, v, ldv, mask, mask_dtype, mask_rs, mask_cs, y, ldy, sq, sk,
                        d, dv, scale, causal, scratch);
}
