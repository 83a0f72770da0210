/* tt_conv.c: 2-D convolution (NCHW), one entry point choosing between three algorithms
 * (tt_conv_choose).
 *
 * Direct on vectors of pixels (stride 1, the common case): each image's channels are copied once
 * into a zero-padded buffer of hp × wp planes (hp = h + 2·ph, wp = w + 2·pw). In that buffer the
 * input of output pixel (oy, ox) for weight tap (c, ki, kj) lies at offset[c, ki, kj] + q with q =
 * oy·wp + ox: for a fixed tap, consecutive q read consecutive floats. So the convolution is a GEMM
 * whose B operand is never built: a register tile of R output channels × V vectors of q reads, per
 * tap, V vector loads straight from the padded image and R weights (packed once per call, R per
 * tap), with no im2col. The price is that the q lanes with ox ≥ ow (the right padding columns) are
 * computed and thrown away, a fraction 1 − ow/wp of the work. The tile is stored row by row with
 * the epilogue (bias, residual, activation) applied; see tt_conv_kernel.inc.
 *
 * Direct on vectors of output channels (any stride, when the group's channels fill whole vectors
 * better than the image's rows do: LeNet's 16 channels of 10 × 10 pixels, ResNet's 64 channels):
 * the same padded image (read in place when there is no padding) and tap offsets, a vector of
 * channels per pixel; see tt_conv_channels.inc.
 *
 * im2col (the rest: few channels with strides, wide padding, or small images with megabytes of
 * weights): per image and group the patches are unfolded into a column matrix and multiplied by
 * tt_sgemm, whose epilogue adds the bias, the residual and the activation.
 */
#include "tt_internal.h"

#if defined(__x86_64__) && (TT_COMPILE_AVX512 || TT_COMPILE_AVX2)
#include <immintrin.h>
#endif

/* The three algorithms (see the top of this file and tt_conv_channels.inc). */
typedef enum { TT_CONV_IM2COL, TT_CONV_PIXELS, TT_CONV_CHANNELS } tt_conv_algorithm;

/* The algorithm serving a convolution on a path of `lanes` floats per vector, from measurements on
 * this project's machines (C microbenchmarks of each algorithm; 1 thread, AVX-512 unless said):
 * - vectors of output channels when a group's channels fill at least two thirds of whole vectors
 *   (any stride: 3→64 7×7 stride 2 at 224×224 ran at 97 GFLOP/s against im2col's 67) and either a
 *   tile has at least 12 pixels (enough accumulators) or a block's packed weights fit in L1
 *   (taps · lanes ≤ 8192 floats): a tile of 7 pixels reading 512 · 3 · 3 taps of weights per vector
 *   of pixels ran at 56 GFLOP/s against im2col's 79; with stride 1 only when they also waste fewer
 *   lanes than vectors of pixels would (by 15% of the lanes on paths without AVX-512);
 * - else, stride 1, vectors of pixels unless the padding columns waste more than a third of the work
 *   or the weights are many (taps · lanes > 16384: 256→256 3×3 at 8×8 ran at 60 GFLOP/s on pixels,
 *   102 as im2col);
 * - else im2col + GEMM. */
static tt_conv_algorithm tt_conv_choose(const tt_conv2d_shape *s, int64_t lanes) {
  int64_t og = s->o / s->groups, taps = s->c / s->groups * s->kh * s->kw;
  int64_t most_pixels = lanes == 16 ? 16 : lanes == 8 ? 12 : 8; /* TT_CONVC_MAXP of the path */
  int64_t tile_pixels = s->ow < most_pixels ? s->ow : most_pixels;
  double channels = (double)og / (double)((og + lanes - 1) / lanes * lanes);
  int channels_fit = 3 * channels >= 2 && (tile_pixels >= 12 || taps * lanes <= 8192);
  if (s->sh != 1 || s->sw != 1) return channels_fit ? TT_CONV_CHANNELS : TT_CONV_IM2COL;
  int64_t wp = s->w + 2 * s->pw, q_end = (s->oh - 1) * wp + s->ow;
  double pixels = (double)(s->oh * s->ow) / (double)((q_end + lanes - 1) / lanes * lanes);
  /* Without AVX-512's broadcasting multiply-add, a channel tile pays one broadcast per pixel per tap
   * (AVX2: 64→64 3×3 at 56×56 ran at 76 GFLOP/s on channels, 91 on pixels; 256→256 at 14×14, 61
   * and 78). */
  double margin = lanes == 16 ? 0.0 : 0.15;
  if (channels_fit && channels > pixels + margin) return TT_CONV_CHANNELS;
  if (og >= 2 && 3 * s->ow >= 2 * wp && taps * lanes <= 16384) return TT_CONV_PIXELS;
  return TT_CONV_IM2COL;
}

/* Floats per vector of a path. */
static int64_t tt_conv_lanes(tt_isa isa) {
  switch (tt_runnable_isa(isa)) {
  case TT_ISA_AVX512: return 16;
  case TT_ISA_AVX2: return 8;
  case TT_ISA_PORTABLE: return 4;
  }
  return 4;
}

/* Floats of the largest tile any path reads past the last valid q (see the padded buffer). */
#define TT_CONV_SLACK 128

/* The direct algorithms' scratch: the padded image, the packed weights (tt_conv_packed_floats) and
 * the tap offsets (int32). */
static int64_t tt_conv_padded_floats(const tt_conv2d_shape *s) {
  return s->c / s->groups * (s->h + 2 * s->ph) * (s->w + 2 * s->pw) + TT_CONV_SLACK;
}

/* Packed weights of either direct algorithm: every group's channels rounded up to whole vectors of
 * the widest path (16 floats), which also holds the pixel algorithm's panels (o · taps). */
static int64_t tt_conv_packed_floats(const tt_conv2d_shape *s) {
  return s->groups * ((s->o / s->groups + 15) / 16 * 16) * (s->c / s->groups * s->kh * s->kw);
}

TT_API int64_t tt_conv2d_scratch(const tt_conv2d_shape *s) {
  int64_t taps = s->c / s->groups * s->kh * s->kw, floats = 0;
  for (int64_t lanes = 4; lanes <= 16; lanes *= 2) { /* whichever path runs */
    int64_t need = tt_conv_choose(s, lanes) == TT_CONV_IM2COL
                       ? taps * s->oh * s->ow + tt_sgemm_scratch(s->o / s->groups, s->oh * s->ow, taps)
                       : tt_conv_padded_floats(s) + tt_conv_packed_floats(s) + taps + 64;
    floats = need > floats ? need : floats;
  }
  return floats;
}

/* offsets[(ci · kh + ki) · kw + kj]: where tap (ci, ki, kj) of output pixel (0, 0) lies in the padded
 * image; pixel (oy, ox) adds oy · sh · wp + ox · sw. */
static void tt_conv_tap_offsets(const tt_conv2d_shape *s, int32_t *offsets) {
  int64_t hp = s->h + 2 * s->ph, wp = s->w + 2 * s->pw;
  for (int64_t ci = 0; ci < s->c / s->groups; ci++) {
    for (int64_t ki = 0; ki < s->kh; ki++) {
      for (int64_t kj = 0; kj < s->kw; kj++) {
        offsets[(ci * s->kh + ki) * s->kw + kj] = (int32_t)((ci * hp + ki * s->dh) * wp + kj * s->dw);
      }
    }
  }
}

/* What one direct convolution call shares between its tiles. */
typedef struct {
  const tt_conv2d_shape *s;
  int64_t taps, hp, wp, q_end;  /* q_end = (oh − 1)·wp + ow: one past the last valid q */
  const float *padded;          /* this image's padded group */
  const int32_t *offsets;       /* taps offsets into padded */
  const float *bias, *residual; /* bias and residual of this image's group (or NULL) */
  float *y;                     /* this image's group output */
  int activation;
} tt_conv_job;

/* A direct convolution call: what its tasks (image-group × q-block chunk) share. */
typedef struct {
  const tt_conv2d_shape *s;
  const float *x, *packed, *bias, *residual;
  const int32_t *offsets;
  float *y;
  float *padded; /* the caller's buffer on one thread; NULL: each worker's own scratch */
  int64_t chunks; /* q-block chunks per image-group */
  int activation;
  int in_place; /* no padding: tiles read the input itself (the channel-vector kernel reads no slack) */
} tt_conv_region;

/* Multiply-adds below which a convolution runs on one thread. */
#define TT_CONV_PARALLEL_WORK (1 << 20)

/* Bytes of input rows one band of the channel-vector kernel reads (half of a 1 MiB L2). */
#define TT_CONVC_BAND_BYTES (512 * 1024)

/* Floats between the rows of a tile in its store buffer (at least the widest tile, 4 · 16). */
#define TT_CONV_TILE_STRIDE 64

/* Copies channels [0, cg) of one image into the zero-padded planes of j->padded. */
static void tt_conv_pad(const tt_conv2d_shape *s, const float *x, float *padded, int64_t hp, int64_t wp) {
  int64_t cg = s->c / s->groups;
  memset(padded, 0, (size_t)(cg * hp * wp + TT_CONV_SLACK) * sizeof(float));
  for (int64_t ci = 0; ci < cg; ci++) {
    for (int64_t iy = 0; iy < s->h; iy++) {
      memcpy(padded + (ci * hp + iy + s->ph) * wp + s->pw, x + (ci * s->h + iy) * s->w, (size_t)s->w * sizeof(float));
    }
  }
}

/* The job of task `index` of a direct convolution (image-group index / chunks, either algorithm):
 * the image's group is padded into the caller's buffer on one thread, into the worker's own
 * scratch on several, or read in place (r->in_place). */
static tt_conv_job tt_conv_task_job(const tt_conv_region *r, int64_t index) {
  const tt_conv2d_shape *s = r->s;
  int64_t cg = s->c / s->groups, og = s->o / s->groups, plane = s->oh * s->ow;
  int64_t b = index / r->chunks / s->groups, g = index / r->chunks % s->groups;
  tt_conv_job j = {.s = s, .taps = cg * s->kh * s->kw, .hp = s->h + 2 * s->ph, .wp = s->w + 2 * s->pw,
                   .offsets = r->offsets, .activation = r->activation};
  j.q_end = (s->oh - 1) * j.wp + s->ow;
  const float *x = r->x + (b * s->c + g * cg) * s->h * s->w;
  if (r->in_place) {
    j.padded = x;
  } else {
    float *padded = r->padded ? r->padded : tt_thread_scratch(tt_conv_padded_floats(s));
    tt_conv_pad(s, x, padded, j.hp, j.wp);
    j.padded = padded;
  }
  j.bias = r->bias ? r->bias + g * og : 0;
  j.residual = r->residual ? r->residual + (b * s->o + g * og) * plane : 0;
  j.y = r->y + (b * s->o + g * og) * plane;
  return j;
}

/* The panels of a group's og output channels: the fewest panels of at most max_rows channels, as
 * equal as possible (16 channels on a path of 6 give 6, 5, 5). Panel p starts at channel
 * tt_conv_panel_start(p) and has the next start minus that rows. */
static inline int64_t tt_conv_panel_start(int64_t og, int max_rows, int64_t p) {
  int64_t panels = (og + max_rows - 1) / max_rows;
  return p * og / panels;
}

/* Packs the weights of output channels [o0, o0 + rows) (rows of `taps` floats) as dst[t·rows + r]. */
static void tt_conv_pack_weights(const float *w, int64_t taps, int64_t rows, float *dst) {
  for (int64_t t = 0; t < taps; t++) {
    for (int64_t r = 0; r < rows; r++) dst[t * rows + r] = w[r * taps + t];
  }
}

#if TT_COMPILE_AVX512
#define TT_SUFFIX avx512
#define TT_TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")))
#define TT_W 16
#define TT_CONV_MAXR 8
#define TT_CONV_V(R) ((R) <= 6 ? 4 : 3) /* 24 accumulators of 32 registers */
#define TT_CONVC_MAXP 16
#define TT_CONV_LOAD_FIRST(p, n) ((tt_conv_vec_avx512)_mm512_maskz_loadu_ps((__mmask16)((1u << (n)) - 1), p))
#define TT_CONV_STORE_FIRST(p, v, n) _mm512_mask_storeu_ps(p, (__mmask16)((1u << (n)) - 1), (__m512)(v))
#include "tt_conv_kernel.inc"
#include "tt_conv_channels.inc"
#undef TT_SUFFIX
#undef TT_TARGET
#undef TT_W
#undef TT_CONV_MAXR
#undef TT_CONV_V
#undef TT_CONVC_MAXP
#undef TT_CONV_LOAD_FIRST
#undef TT_CONV_STORE_FIRST
#endif

#if TT_COMPILE_AVX2
#define TT_SUFFIX avx2
#define TT_TARGET __attribute__((target("avx2,fma")))
#define TT_W 8
#define TT_CONV_MAXR 6
#define TT_CONV_V(R) ((R) <= 4 ? 3 : 2) /* at most 12 accumulators of 16 registers */
#define TT_CONVC_MAXP 12
#define TT_CONV_FIRST_MASK(n) ((__m256i)((tt_conv_ivec_avx2){0, 1, 2, 3, 4, 5, 6, 7} < (int32_t)(n)))
#define TT_CONV_LOAD_FIRST(p, n) ((tt_conv_vec_avx2)_mm256_maskload_ps(p, TT_CONV_FIRST_MASK(n)))
#define TT_CONV_STORE_FIRST(p, v, n) _mm256_maskstore_ps(p, TT_CONV_FIRST_MASK(n), (__m256)(v))
#include "tt_conv_kernel.inc"
#include "tt_conv_channels.inc"
#undef TT_SUFFIX
#undef TT_TARGET
#undef TT_W
#undef TT_CONV_MAXR
#undef TT_CONV_V
#undef TT_CONVC_MAXP
#undef TT_CONV_LOAD_FIRST
#undef TT_CONV_STORE_FIRST
#undef TT_CONV_FIRST_MASK
#endif

#if TT_COMPILE_PORTABLE
#define TT_SUFFIX portable
#define TT_TARGET
#define TT_W 4
#define TT_CONV_MAXR 4
#define TT_CONV_V(R) 2
#define TT_CONVC_MAXP 8
#include "tt_conv_kernel.inc"
#include "tt_conv_channels.inc"
#undef TT_SUFFIX
#undef TT_TARGET
#undef TT_W
#undef TT_CONV_MAXR
#undef TT_CONV_V
#undef TT_CONVC_MAXP
#endif

/* Unfolds one group of one image into cols[(ci, ki, kj), (oy, ox)]. For each kernel offset the
 * rectangle of output positions that read the image is found analytically: the plane is zeroed
 * only when padding reaches it, and the rectangle is copied without bounds tests. */
static void tt_im2col(const tt_conv2d_shape *s, const float *x, float *cols) {
  int64_t cg = s->c / s->groups, oh = s->oh, ow = s->ow, h = s->h, w = s->w;
  for (int64_t ki = 0; ki < s->kh; ki++) {
    int64_t ylo, yhi;
    tt_valid_range(ki * s->dh - s->ph, s->sh, h, oh, &ylo, &yhi);
    for (int64_t kj = 0; kj < s->kw; kj++) {
      int64_t xlo, xhi;
      tt_valid_range(kj * s->dw - s->pw, s->sw, w, ow, &xlo, &xhi);
      int padded = ylo > 0 || yhi < oh || xlo > 0 || xhi < ow;
      for (int64_t ci = 0; ci < cg; ci++) {
        float *dst = cols + ((ci * s->kh + ki) * s->kw + kj) * oh * ow;
        if (padded) memset(dst, 0, (size_t)(oh * ow) * sizeof(float));
        const float *plane = x + ci * h * w + (ki * s->dh - s->ph) * w + (kj * s->dw - s->pw);
        for (int64_t oy = ylo; oy < yhi; oy++) {
          const float *src = plane + oy * s->sh * w;
          float *row = dst + oy * ow;
          if (s->sw == 1) {
            memcpy(row + xlo, src + xlo, (size_t)(xhi - xlo) * sizeof(float));
          } else {
            for (int64_t ox = xlo; ox < xhi; ox++) row[ox] = src[ox * s->sw];
          }
        }
      }
    }
  }
}

/* An im2col convolution call: one task per image and group. */
typedef struct {
  const tt_conv2d_shape *s;
  const float *x, *w, *bias, *residual;
  float *y;
  float *scratch; /* the caller's on one thread; NULL: each worker's own */
  int activation;
} tt_im2col_region;

static void tt_conv_im2col_task(void *context, int64_t index) {
  const tt_im2col_region *r = context;
  const tt_conv2d_shape *s = r->s;
  int64_t cg = s->c / s->groups, og = s->o / s->groups, taps = cg * s->kh * s->kw, pixels = s->oh * s->ow;
  int64_t b = index / s->groups, g = index % s->groups;
  float *cols = r->scratch ? r->scratch : tt_thread_scratch(tt_conv2d_scratch(s));
  tt_im2col(s, r->x + (b * s->c + g * cg) * s->h * s->w, cols);
  int64_t at = (b * s->o + g * og) * pixels;
  tt_epilogue epilogue = {0, r->bias ? r->bias + g * og : 0, r->residual ? r->residual + at : 0, pixels,
                          r->activation};
  tt_sgemm(og, pixels, taps, r->w + g * og * taps, taps, 0, cols, pixels, 0, r->y + at, pixels, &epilogue,
           cols + taps * pixels);
}

static void tt_conv2d_im2col(const tt_conv2d_shape *s, const float *x, const float *w, const float *bias,
                             const float *residual, int activation, float *y, float *scratch) {
  tt_im2col_region r = {s, x, w, bias, residual, y, scratch, activation};
  int64_t images = s->n * s->groups;
  if (tt_threads() > 1 && images > 1 && !tt_in_parallel_task() &&
      s->n * s->o * s->oh * s->ow * (s->c / s->groups) * s->kh * s->kw >= TT_CONV_PARALLEL_WORK) {
    r.scratch = 0;
    tt_parallel_for(images, tt_conv_im2col_task, &r);
  } else {
    for (int64_t index = 0; index < images; index++) tt_conv_im2col_task(&r, index);
  }
}

TT_API void tt_conv2d_isa(tt_isa isa, const tt_conv2d_shape *s, const float *x, const float *w,
                          const float *bias, const float *residual, int32_t activation, float *y,
                          float *scratch) {
  if (s->n <= 0 || s->o <= 0 || s->oh <= 0 || s->ow <= 0) return;
  switch (tt_conv_choose(s, tt_conv_lanes(isa))) {
  case TT_CONV_IM2COL: tt_conv2d_im2col(s, x, w, bias, residual, activation, y, scratch); break;
  case TT_CONV_PIXELS: TT_DISPATCH(isa, tt_conv_direct, s, x, w, bias, residual, activation, y, scratch); break;
  case TT_CONV_CHANNELS: TT_DISPATCH(isa, tt_conv_channels, s, x, w, bias, residual, activation, y, scratch); break;
  }
}

TT_API void tt_conv2d(const tt_conv2d_shape *s, const float *x, const float *w, const float *bias,
                      const float *residual, int32_t activation, float *y, float *scratch) {
  tt_conv2d_isa(tt_best_isa(), s, x, w, bias, residual, activation, y, scratch);
}
