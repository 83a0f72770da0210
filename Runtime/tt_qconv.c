/* tt_qconv.c: int8 2-D convolution (NCHW) on the packed int8 kernels of tt_qgemm.c, and int8 max
 * pooling.
 *
 * The weights of each group come packed (tt_qpack_grouped: o/groups × taps bytes per group, with
 * row sums), ahead of time for tt_qconv2d_packed, per call for tt_qconv2d. Per image and group, the group's planes are copied into a padded image (the border holding
 * x_zero_point, the int8 value standing for 0), and a block of output pixels is unfolded from it
 * into rows of int8 patches ("im2row": one row per pixel, its columns the taps (c, ki, kj) in the
 * weight's own order); then tt_qlinear_packed_strided
 * multiplies the rows with the packed weights on the int8 path the CPU has (no horizontal sums),
 * applying the epilogue of tt_qlinear_epilogue as it stores each pixel's channels into their
 * planes of y.
 */
#include "tt_internal.h"
#include "tt_qgemm.h"

#include <string.h>

/* Output pixels unfolded at a time: bounds the scratch and keeps the patches in cache. */
#define TT_QCONV_PIXELS 256

/* Bytes rounded up to whole cache lines, so that each scratch region stays 64-byte aligned. */
static inline int64_t tt_qconv_lines(int64_t bytes) { return (bytes + 63) / 64 * 64; }

/* The scratch regions of tt_qconv2d_packed: one group of an image padded with the zero point, the
 * patches (pixels × taps) and the kernel's own scratch. The padded image and the patches have 8
 * bytes to spare: the unfolding moves 8 bytes at a time. */
typedef struct {
  int64_t taps, pixels, packed_group, padded, patches, kernel, total;
} tt_qconv_layout;

static tt_qconv_layout tt_qconv_layout_of(const tt_conv2d_shape *s) {
  tt_qconv_layout l;
  int64_t og = s->o / s->groups, cg = s->c / s->groups;
  l.taps = cg * s->kh * s->kw;
  l.pixels = s->oh * s->ow < TT_QCONV_PIXELS ? s->oh * s->ow : TT_QCONV_PIXELS;
  l.packed_group = tt_qpack_bytes(og, l.taps);
  l.padded = 0;
  l.patches = l.padded + tt_qconv_lines(cg * (s->h + 2 * s->ph) * (s->w + 2 * s->pw) + 8);
  l.kernel = l.patches + tt_qconv_lines(l.pixels * l.taps + 8);
  l.total = l.kernel + tt_qconv_lines(tt_qlinear_packed_scratch(l.pixels, og, l.taps));
  return l;
}

/* The bytes of the grouped packed weights, a multiple of 64 (tt_qpack_bytes is). */
static int64_t tt_qconv_packed_bytes(const tt_conv2d_shape *s) {
  return tt_qpack_grouped_bytes(s->groups, s->o, s->c / s->groups * s->kh * s->kw);
}

TT_API int64_t tt_qconv2d_packed_scratch(const tt_conv2d_shape *s) { return tt_qconv_layout_of(s).total; }

TT_API int64_t tt_qconv2d_scratch(const tt_conv2d_shape *s) {
  return tt_qconv_packed_bytes(s) + tt_qconv_layout_of(s).total;
}

/* One group's cg planes of x (h × w) into `padded` ((h + 2·ph) × (w + 2·pw) each), the border
 * holding zero_point (the int8 value standing for 0). */
static void tt_qconv_pad(const tt_conv2d_shape *s, const int8_t *x, int8_t zero_point, int8_t *padded) {
  int64_t cg = s->c / s->groups, hp = s->h + 2 * s->ph, wp = s->w + 2 * s->pw;
  if (s->ph > 0 || s->pw > 0) memset(padded, zero_point, (size_t)(cg * hp * wp));
  for (int64_t ci = 0; ci < cg; ci++) {
    for (int64_t iy = 0; iy < s->h; iy++) {
      memcpy(padded + (ci * hp + iy + s->ph) * wp + s->pw, x + (ci * s->h + iy) * s->w, (size_t)s->w);
    }
  }
}

/* Rows [0, count) of the patches of output pixels p0 … p0 + count − 1 from the padded image, `row`
 * bytes apart. Pixels are walked in order (no division per pixel) and nothing is bounds-checked;
 * kernel rows of at most 8 adjacent taps move as one 8-byte copy whose excess the next one
 * overwrites (the last spills into the spare bytes). */
static void tt_qconv_unfold(const tt_conv2d_shape *s, const int8_t *padded, int64_t p0, int64_t count, int64_t row,
                            int8_t *patches) {
  int64_t cg = s->c / s->groups, hp = s->h + 2 * s->ph, wp = s->w + 2 * s->pw, oy = p0 / s->ow, ox = p0 % s->ow;
  int word = s->dw == 1 && s->kw <= 8;
  for (int64_t r = 0; r < count; r++) {
    int8_t *dst = patches + r * row;
    const int8_t *corner = padded + oy * s->sh * wp + ox * s->sw;
    for (int64_t ci = 0; ci < cg; ci++) {
      for (int64_t ki = 0; ki < s->kh; ki++, dst += s->kw) {
        const int8_t *src = corner + (ci * hp + ki * s->dh) * wp;
        if (word) {
          memcpy(dst, src, 8);
        } else {
          for (int64_t kj = 0; kj < s->kw; kj++) dst[kj] = src[kj * s->dw];
        }
      }
    }
    if (++ox == s->ow) ox = 0, oy++;
  }
}

TT_API void tt_qconv2d_packed(int kernel, const tt_conv2d_shape *s, const int8_t *x, int32_t x_zero_point,
                              float x_scale, const void *packed_weights, const float *w_scale, const float *bias,
                              int relu, float *out_f32, int8_t *out_i8, float out_scale, int32_t out_zero_point,
                              void *scratch) {
  if (s->n <= 0 || s->o <= 0 || s->oh <= 0 || s->ow <= 0) return;
  tt_qconv_layout l = tt_qconv_layout_of(s);
  int8_t *base = scratch, *padded = base + l.padded, *patches = base + l.patches;
  const int8_t *packed = packed_weights;
  int64_t cg = s->c / s->groups, og = s->o / s->groups, plane = s->oh * s->ow;
  for (int64_t b = 0; b < s->n; b++) {
    for (int64_t g = 0; g < s->groups; g++) {
      tt_qconv_pad(s, x + (b * s->c + g * cg) * s->h * s->w, (int8_t)x_zero_point, padded);
      int64_t first = (b * s->o + g * og) * plane; /* y's element of channel g·og, pixel 0 */
      for (int64_t p0 = 0; p0 < plane; p0 += l.pixels) {
        int64_t count = plane - p0 < l.pixels ? plane - p0 : l.pixels;
        tt_qconv_unfold(s, padded, p0, count, l.taps, patches);
        tt_qlinear_packed_strided(kernel, count, og, l.taps, patches, packed + g * l.packed_group,
                                  base + l.kernel, x_zero_point, x_scale, w_scale + g * og, bias ? bias + g * og : 0,
                                  relu, out_f32 ? out_f32 + first + p0 : 0, out_i8 ? out_i8 + first + p0 : 0, 1,
                                  plane, out_scale, out_zero_point);
      }
    }
  }
}

TT_API void tt_qconv2d(int kernel, const tt_conv2d_shape *s, const int8_t *x, int32_t x_zero_point, float x_scale,
                       const int8_t *w, const float *w_scale, const float *bias, int relu, float *out_f32,
                       int8_t *out_i8, float out_scale, int32_t out_zero_point, void *scratch) {
  if (s->n <= 0 || s->o <= 0 || s->oh <= 0 || s->ow <= 0) return;
  int64_t packed_bytes = tt_qconv_packed_bytes(s);
  tt_qpack_grouped(w, s->groups, s->o, s->c / s->groups * s->kh * s->kw, scratch);
  tt_qconv2d_packed(kernel, s, x, x_zero_point, x_scale, scratch, w_scale, bias, relu, out_f32, out_i8, out_scale,
                    out_zero_point, (int8_t *)scratch + packed_bytes);
}

/* Max pooling commutes with quantization (rounding and clamping never reverse an order), so an
 * int8 region keeps its scale and zero point through it: the f32 kernel's loop (TT_MAX_POOL_PLANES)
 * on int8 values, each output row starting at −128; padding is never read, and every window holds an
 * input (padding ≤ kernel / 2). The common 2×2 window runs in one pass. */
#define TT_QPOOL_MAX(v, acc) ((v) > (acc) ? (v) : (acc))
TT_API void tt_qmax_pool2d(const int8_t *x, int8_t *y, int64_t nc, int64_t h, int64_t w, int64_t kh, int64_t kw,
                           int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t oh, int64_t ow) {
  if (kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0) {
    for (int64_t p = 0; p < nc; p++) {
      for (int64_t oy = 0; oy < oh; oy++) {
        const int8_t *top = x + (p * h + 2 * oy) * w, *bottom = top + w;
        int8_t *dst = y + (p * oh + oy) * ow;
        for (int64_t ox = 0; ox < ow; ox++) {
          int8_t a = TT_QPOOL_MAX(top[2 * ox + 1], top[2 * ox]), b = TT_QPOOL_MAX(bottom[2 * ox + 1], bottom[2 * ox]);
          dst[ox] = TT_QPOOL_MAX(b, a);
        }
      }
    }
    return;
  }
  TT_MAX_POOL_PLANES(int8_t, -128, TT_QPOOL_MAX, x, y, nc, h, w, kh, kw, sh, sw, ph, pw, oh, ow);
}
#undef TT_QPOOL_MAX
