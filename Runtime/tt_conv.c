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

#include <stdlib.h>

#if defined(__x86_64__) && (TT_COMPILE_AVX512 || TT_COMPILE_AVX2)
#include <immintrin.h>
#endif

/* The three algorithms (see the top of this file and tt_conv_channels.inc). */
typedef enum { TT_CONV_IM2COL, TT_CONV_PIXELS, TT_CONV_CHANNELS } tt_conv_algorithm;

/* Each path's tile limits, defined once: floats per vector, the most output channels of a pixel-vector
 * tile (TT_CONV_MAXR of tt_conv_kernel.inc) and the most pixels of a channel-vector tile
 * (TT_CONVC_MAXP of tt_conv_channels.inc). tt_conv_choose and the packed layouts read them for any
 * path, compiled here or not (packing only moves floats). */
#define TT_CONV_AVX512_LANES 16
#define TT_CONV_AVX512_MAXR 8
#define TT_CONV_AVX512_MAXP 16
#define TT_CONV_AVX2_LANES 8
#define TT_CONV_AVX2_MAXR 6
#define TT_CONV_AVX2_MAXP 12
#define TT_CONV_PORTABLE_LANES 4
#define TT_CONV_PORTABLE_MAXR 4
#define TT_CONV_PORTABLE_MAXP 8

typedef struct {
  int64_t lanes, max_rows, max_pixels;
} tt_conv_path;

static tt_conv_path tt_conv_path_of(tt_isa isa) {
  switch (isa) {
  case TT_ISA_AVX512: return (tt_conv_path){TT_CONV_AVX512_LANES, TT_CONV_AVX512_MAXR, TT_CONV_AVX512_MAXP};
  case TT_ISA_AVX2: return (tt_conv_path){TT_CONV_AVX2_LANES, TT_CONV_AVX2_MAXR, TT_CONV_AVX2_MAXP};
  case TT_ISA_PORTABLE: break;
  }
  return (tt_conv_path){TT_CONV_PORTABLE_LANES, TT_CONV_PORTABLE_MAXR, TT_CONV_PORTABLE_MAXP};
}

/* The algorithm serving a convolution on path `isa`, from measurements on this project's machines
 * (C microbenchmarks of each algorithm; 1 thread, AVX-512 unless said):
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
static tt_conv_algorithm tt_conv_choose(const tt_conv2d_shape *s, tt_isa isa) {
  tt_conv_path path = tt_conv_path_of(isa);
  int64_t lanes = path.lanes;
  int64_t og = s->o / s->groups, taps = s->c / s->groups * s->kh * s->kw;
  int64_t tile_pixels = s->ow < path.max_pixels ? s->ow : path.max_pixels;
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

/* Floats of the largest tile any path reads past the last valid q (see the padded buffer). */
#define TT_CONV_SLACK 128

/* The padded image of the direct algorithms (their scratch). */
static int64_t tt_conv_padded_floats(const tt_conv2d_shape *s) {
  return s->c / s->groups * (s->h + 2 * s->ph) * (s->w + 2 * s->pw) + TT_CONV_SLACK;
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

/* Copies channels [0, cg) of one image into the zero-padded planes of `padded` (then TT_CONV_SLACK
 * zeros): only the padding is zeroed, each row's copy and borders written in one pass by plain loops,
 * not memset/memcpy calls (whose start-up, dozens of calls per image, cost LeNet-5's first
 * convolution 0.4 µs of its 3.5). */
__attribute__((no_builtin("memset", "memcpy"))) static void tt_conv_pad(const tt_conv2d_shape *s, const float *x, float *padded, int64_t hp, int64_t wp) {
  int64_t cg = s->c / s->groups, w = s->w, pw = s->pw;
  for (int64_t ci = 0; ci < cg; ci++) {
    float *plane = padded + ci * hp * wp;
    for (int64_t i = 0; i < s->ph * wp; i++) plane[i] = 0.0f;
    for (int64_t iy = 0; iy < s->h; iy++) {
      const float *src = x + (ci * s->h + iy) * w;
      float *row = plane + (iy + s->ph) * wp;
      for (int64_t j = 0; j < pw; j++) row[j] = 0.0f;
      for (int64_t j = 0; j < w; j++) row[pw + j] = src[j];
      for (int64_t j = pw + w; j < wp; j++) row[j] = 0.0f;
    }
    for (int64_t i = (s->h + s->ph) * wp; i < hp * wp; i++) plane[i] = 0.0f;
  }
  for (int64_t i = 0; i < TT_CONV_SLACK; i++) padded[cg * hp * wp + i] = 0.0f;
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

#if TT_COMPILE_AVX512
#define TT_SUFFIX avx512
#define TT_TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")))
#define TT_W TT_CONV_AVX512_LANES
#define TT_CONV_MAXR TT_CONV_AVX512_MAXR
#define TT_CONV_V(R) ((R) <= 6 ? 4 : 3) /* 24 accumulators of 32 registers */
#define TT_CONVC_MAXP TT_CONV_AVX512_MAXP
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
#define TT_W TT_CONV_AVX2_LANES
#define TT_CONV_MAXR TT_CONV_AVX2_MAXR
#define TT_CONV_V(R) ((R) <= 4 ? 3 : 2) /* at most 12 accumulators of 16 registers */
#define TT_CONVC_MAXP TT_CONV_AVX2_MAXP
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
#define TT_W TT_CONV_PORTABLE_LANES
#define TT_CONV_MAXR TT_CONV_PORTABLE_MAXR
#define TT_CONV_V(R) 2
#define TT_CONVC_MAXP TT_CONV_PORTABLE_MAXP
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

/* An im2col convolution call: one task per image and group. With the weight as it is, a task computes
 * y = w · cols with tt_sgemm (which packs w's blocks as it goes: packing megabytes of weights whole
 * per call would cost more than the product gains), bias, residual and activation in its epilogue.
 * With each group's weight packed once as a GEMM B operand (tt_sgemm_pack_b_isa of its transpose,
 * taps × og), it computes yᵀ[pixel, channel] = colsᵀ · wᵀ + bias with tt_sgemm_packed_b and stores
 * yᵀ transposed into the group's channel planes, adding the residual and applying the activation
 * there when there is a residual (the GEMM epilogue applies it otherwise). The two orders of the
 * product round differently (within the GEMM's error; ConvolutionPathTests); the direct algorithms
 * give the same bits packed or not. (Reading w transposed as tt_sgemm's B gives the packed form's
 * bits, but its strided packing made 512→512 3×3 at 7×7 1.7× slower.) */
typedef struct {
  const tt_conv2d_shape *s;
  tt_isa isa;           /* the path that runs (packed: the one the weights were packed for) */
  const float *x, *w, *packed, *bias, *residual; /* w (as it is) or packed */
  int64_t group_floats; /* floats between the groups' packed weights */
  float *y;
  float *scratch; /* the caller's on one thread; NULL: each worker's own */
  int activation;
} tt_im2col_region;

/* Floats of one im2col task's scratch: the column matrix, yᵀ and the GEMM's own (either order). */
static int64_t tt_im2col_scratch(const tt_conv2d_shape *s) {
  int64_t taps = s->c / s->groups * s->kh * s->kw, pixels = s->oh * s->ow, og = s->o / s->groups;
  int64_t packed = tt_sgemm_scratch(pixels, og, taps), plain = tt_sgemm_scratch(og, pixels, taps);
  return (taps * pixels + 15) / 16 * 16 + (pixels * og + 15) / 16 * 16 + (packed > plain ? packed : plain);
}

static void tt_conv_im2col_task(void *context, int64_t index) {
  const tt_im2col_region *r = context;
  const tt_conv2d_shape *s = r->s;
  int64_t cg = s->c / s->groups, og = s->o / s->groups, taps = cg * s->kh * s->kw, pixels = s->oh * s->ow;
  int64_t b = index / s->groups, g = index % s->groups;
  float *cols = r->scratch ? r->scratch : tt_thread_scratch(tt_im2col_scratch(s));
  float *yt = cols + (taps * pixels + 15) / 16 * 16, *gemm_scratch = yt + (pixels * og + 15) / 16 * 16;
  tt_im2col(s, r->x + (b * s->c + g * cg) * s->h * s->w, cols);
  int64_t at = (b * s->o + g * og) * pixels;
  const float *residual = r->residual ? r->residual + at : 0;
  if (!r->packed) {
    tt_epilogue epilogue = {0, r->bias ? r->bias + g * og : 0, residual, pixels, r->activation};
    tt_sgemm_isa(r->isa, og, pixels, taps, r->w + g * og * taps, taps, 0, cols, pixels, 0, r->y + at, pixels,
                 &epilogue, gemm_scratch);
    return;
  }
  tt_epilogue epilogue = {r->bias ? r->bias + g * og : 0, 0, 0, 0, residual ? TT_ACT_NONE : r->activation};
  tt_sgemm_packed_b_isa(r->isa, pixels, og, taps, cols, pixels, 1, r->packed + g * r->group_floats, yt, og,
                        &epilogue, gemm_scratch);
  /* yᵀ into the channel planes, 16 pixels (16 rows of yᵀ, in L1) at a time. */
  float *y = r->y + at;
  for (int64_t p0 = 0; p0 < pixels; p0 += 16) {
    int64_t p1 = p0 + 16 < pixels ? p0 + 16 : pixels;
    for (int64_t o = 0; o < og; o++) {
      for (int64_t p = p0; p < p1; p++) y[o * pixels + p] = yt[p * og + o];
      if (residual) {
        for (int64_t p = p0; p < p1; p++) y[o * pixels + p] += residual[o * pixels + p];
      }
    }
  }
  if (residual && r->activation != TT_ACT_NONE) tt_activate_row(y, og * pixels, r->activation);
}

static void tt_conv2d_im2col(const tt_im2col_region *region) {
  tt_im2col_region r = *region;
  const tt_conv2d_shape *s = r.s;
  int64_t images = s->n * s->groups;
  if (tt_threads() > 1 && images > 1 && !tt_in_parallel_task() &&
      s->n * s->o * s->oh * s->ow * (s->c / s->groups) * s->kh * s->kw >= TT_CONV_PARALLEL_WORK) {
    r.scratch = 0;
    tt_parallel_for(images, tt_conv_im2col_task, &r);
  } else {
    for (int64_t index = 0; index < images; index++) tt_conv_im2col_task(&r, index);
  }
}

/* ---- Packed weights ----
 * The packed form of a weight: a header naming the shape (all but n), the path and the algorithm
 * tt_conv_choose gives that shape on that path; the tap offsets into the padded image (int32, for
 * the direct algorithms); then the weights in the layout of that algorithm on that path:
 * - vectors of pixels: per group, panels of at most the path's TT_CONV_MAXR channels, as equal as
 *   possible (tt_conv_panel_start), each stored tap-major (w[t · rows + r]);
 * - vectors of channels: per group, blocks of one vector of channels (zeros past the last
 *   channel), tap-major (w[t · lanes + lane]);
 * - im2col: per group, the transpose of the group's weight (taps × og) as a packed GEMM B
 *   (tt_sgemm_pack_b_isa).
 * tt_conv2d packs into its scratch and runs the packed form, so a packed call gives the same bits. */
typedef struct {
  uint32_t magic;   /* TT_CONV_PACKED_MAGIC */
  int32_t isa;      /* the path whose layout follows */
  int32_t algorithm; /* tt_conv_algorithm */
  int32_t padding;  /* 0 */
  tt_conv2d_shape shape; /* n = 0 */
} tt_conv_packed_header;
#define TT_CONV_PACKED_MAGIC 0x43505454u /* "TTPC" */
#define TT_CONV_HEADER_FLOATS 48         /* 192 bytes: what follows stays as aligned as the blob */

/* Whether this build compiles path `isa` (packing for it needs its GEMM layout). */
static int tt_conv_compiled(tt_isa isa) {
  switch (isa) {
  case TT_ISA_AVX512: return TT_COMPILE_AVX512;
  case TT_ISA_AVX2: return TT_COMPILE_AVX2;
  case TT_ISA_PORTABLE: return TT_COMPILE_PORTABLE;
  }
  return 0;
}

/* Floats of the tap offsets (int32), whole vectors of the widest path. */
static int64_t tt_conv_offsets_floats(const tt_conv2d_shape *s) {
  return (s->c / s->groups * s->kh * s->kw + 15) / 16 * 16;
}

/* Floats of one group's packed weights for algorithm a on path isa. */
static int64_t tt_conv_group_floats(const tt_conv2d_shape *s, tt_isa isa, tt_conv_algorithm a) {
  int64_t og = s->o / s->groups, taps = s->c / s->groups * s->kh * s->kw, lanes = tt_conv_path_of(isa).lanes;
  switch (a) {
  case TT_CONV_PIXELS: return og * taps;
  case TT_CONV_CHANNELS: return (og + lanes - 1) / lanes * lanes * taps;
  case TT_CONV_IM2COL: return (tt_sgemm_packed_b_floats_isa(isa, taps, og) + 15) / 16 * 16;
  }
  return 0;
}

/* Whether the shape is one tt_conv2d computes (positive sizes, groups dividing the channels). */
static int tt_conv_shape_valid(const tt_conv2d_shape *s) {
  return s->c >= 0 && s->o > 0 && s->groups > 0 && s->c % s->groups == 0 && s->o % s->groups == 0 &&
         s->kh > 0 && s->kw > 0 && s->sh > 0 && s->sw > 0 && s->ph >= 0 && s->pw >= 0 && s->dh > 0 &&
         s->dw > 0 && s->h >= 0 && s->w >= 0 && s->oh >= 0 && s->ow >= 0;
}

TT_API int64_t tt_conv2d_packed_floats_isa(tt_isa isa, const tt_conv2d_shape *s) {
  if (!tt_conv_compiled(isa) || !tt_conv_shape_valid(s)) return 0;
  return TT_CONV_HEADER_FLOATS + tt_conv_offsets_floats(s) +
         s->groups * tt_conv_group_floats(s, isa, tt_conv_choose(s, isa));
}

TT_API int64_t tt_conv2d_packed_floats(const tt_conv2d_shape *s) {
  return tt_conv2d_packed_floats_isa(tt_best_isa(), s);
}

/* Floats tt_conv_pack needs as `transposed` (the im2col layout's transpose of one group's weight). */
static int64_t tt_conv_pack_temp_floats(const tt_conv2d_shape *s, tt_isa isa) {
  return tt_conv_choose(s, isa) == TT_CONV_IM2COL ? s->o / s->groups * (s->c / s->groups * s->kh * s->kw) : 0;
}

/* Packs w for path isa (compiled here) into `packed`, using `transposed`
 * (tt_conv_pack_temp_floats) for the im2col layout. */
static void tt_conv_pack(tt_isa isa, const tt_conv2d_shape *s, const float *w, float *packed, float *transposed) {
  tt_conv_algorithm a = tt_conv_choose(s, isa);
  tt_conv_packed_header header = {TT_CONV_PACKED_MAGIC, (int32_t)isa, (int32_t)a, 0, *s};
  header.shape.n = 0;
  memset(packed, 0, TT_CONV_HEADER_FLOATS * sizeof(float));
  memcpy(packed, &header, sizeof header);
  tt_conv_tap_offsets(s, (int32_t *)(packed + TT_CONV_HEADER_FLOATS));
  float *dst = packed + TT_CONV_HEADER_FLOATS + tt_conv_offsets_floats(s);
  int64_t og = s->o / s->groups, taps = s->c / s->groups * s->kh * s->kw, group_floats = tt_conv_group_floats(s, isa, a);
  tt_conv_path path = tt_conv_path_of(isa);
  for (int64_t g = 0; g < s->groups; g++) {
    const float *wg = w + g * og * taps;
    float *dg = dst + g * group_floats;
    switch (a) {
    case TT_CONV_PIXELS:
      for (int64_t p = 0; p * path.max_rows < og; p++) {
        int64_t start = tt_conv_panel_start(og, (int)path.max_rows, p);
        int64_t rows = tt_conv_panel_start(og, (int)path.max_rows, p + 1) - start;
        for (int64_t t = 0; t < taps; t++) {
          for (int64_t r = 0; r < rows; r++) dg[start * taps + t * rows + r] = wg[(start + r) * taps + t];
        }
      }
      break;
    case TT_CONV_CHANNELS:
      for (int64_t c0 = 0; c0 < og; c0 += path.lanes) {
        float *block = dg + c0 * taps;
        int64_t lanes = og - c0 < path.lanes ? og - c0 : path.lanes;
        if (lanes < path.lanes) memset(block, 0, (size_t)(taps * path.lanes) * sizeof(float));
        /* A transpose in slices of 64 taps (4 KiB of each side in L1), scalar moves: vectorized, the
         * inner loop becomes scatters, several times slower on AMD. */
        for (int64_t t0 = 0; t0 < taps; t0 += 64) {
          int64_t t1 = t0 + 64 < taps ? t0 + 64 : taps;
          for (int64_t r = 0; r < lanes; r++) {
            const float *src = wg + (c0 + r) * taps;
#pragma clang loop vectorize(disable)
            for (int64_t t = t0; t < t1; t++) block[t * path.lanes + r] = src[t];
          }
        }
      }
      break;
    case TT_CONV_IM2COL:
      /* 16 channels at a time: 16 rows read in turn, 64 contiguous bytes written per tap. */
      for (int64_t o0 = 0; o0 < og; o0 += 16) {
        int64_t o1 = o0 + 16 < og ? o0 + 16 : og;
        for (int64_t t = 0; t < taps; t++) {
          for (int64_t o = o0; o < o1; o++) transposed[t * og + o] = wg[o * taps + t];
        }
      }
      tt_sgemm_pack_b_isa(isa, taps, og, transposed, og, dg);
      break;
    }
  }
}

TT_API int tt_conv2d_pack_isa(tt_isa isa, const tt_conv2d_shape *s, const float *w, float *packed) {
  if (tt_conv2d_packed_floats_isa(isa, s) == 0) return -1;
  float *transposed = 0;
  int64_t temp = tt_conv_pack_temp_floats(s, isa);
  if (temp > 0 && !(transposed = malloc((size_t)temp * sizeof(float)))) return -1;
  tt_conv_pack(isa, s, w, packed, transposed);
  free(transposed);
  return 0;
}

TT_API int tt_conv2d_pack(const tt_conv2d_shape *s, const float *w, float *packed) {
  return tt_conv2d_pack_isa(tt_best_isa(), s, w, packed);
}

TT_API int64_t tt_conv2d_packed_scratch(const tt_conv2d_shape *s) {
  int64_t floats = 0;
  for (int isa = TT_ISA_PORTABLE; isa <= TT_ISA_AVX512; isa++) { /* whichever path runs */
    int64_t need = tt_conv_choose(s, (tt_isa)isa) == TT_CONV_IM2COL ? tt_im2col_scratch(s) : tt_conv_padded_floats(s);
    floats = need > floats ? need : floats;
  }
  return floats;
}

/* tt_conv2d packs the direct algorithms' weights into its scratch (cheap: they are small, see
 * tt_conv_choose); im2col reads the weight as it is (tt_conv_im2col_task). */
TT_API int64_t tt_conv2d_scratch(const tt_conv2d_shape *s) {
  int64_t floats = 0;
  for (int isa = TT_ISA_PORTABLE; isa <= TT_ISA_AVX512; isa++) {
    int64_t need =
        tt_conv_choose(s, (tt_isa)isa) == TT_CONV_IM2COL ? 0 : (tt_conv2d_packed_floats_isa((tt_isa)isa, s) + 15) / 16 * 16;
    floats = need > floats ? need : floats;
  }
  return floats + tt_conv2d_packed_scratch(s);
}

TT_API int tt_conv2d_packed(const tt_conv2d_shape *s, const float *x, const float *packed, const float *bias,
                            const float *residual, int32_t activation, float *y, float *scratch) {
  tt_conv_packed_header h;
  memcpy(&h, packed, sizeof h);
  tt_conv2d_shape shape = *s;
  shape.n = 0;
  if (h.magic != TT_CONV_PACKED_MAGIC || memcmp(&h.shape, &shape, sizeof shape) != 0 ||
      (h.isa != TT_ISA_PORTABLE && h.isa != TT_ISA_AVX2 && h.isa != TT_ISA_AVX512) ||
      h.algorithm != (int32_t)tt_conv_choose(s, (tt_isa)h.isa)) {
    return -1;
  }
  tt_isa isa = (tt_isa)h.isa;
  /* The direct layouts are read by their own path's kernels only; a packed GEMM B by any path. */
  if (h.algorithm != TT_CONV_IM2COL && !tt_isa_available(isa)) return -1;
  if (s->n <= 0 || s->o <= 0 || s->oh <= 0 || s->ow <= 0) return 0;
  const int32_t *offsets = (const int32_t *)(packed + TT_CONV_HEADER_FLOATS);
  const float *w = packed + TT_CONV_HEADER_FLOATS + tt_conv_offsets_floats(s);
  switch ((tt_conv_algorithm)h.algorithm) {
  case TT_CONV_IM2COL: {
    int64_t group_floats = tt_conv_group_floats(s, isa, TT_CONV_IM2COL);
    tt_im2col_region r = {s, isa, x, 0, w, bias, residual, group_floats, y, scratch, activation};
    tt_conv2d_im2col(&r);
    break;
  }
  case TT_CONV_PIXELS:
    TT_DISPATCH(isa, tt_conv_direct, s, x, w, offsets, bias, residual, activation, y, scratch);
    break;
  case TT_CONV_CHANNELS:
    TT_DISPATCH(isa, tt_conv_channels, s, x, w, offsets, bias, residual, activation, y, scratch);
    break;
  }
  return 0;
}

TT_API void tt_conv2d_isa(tt_isa isa, const tt_conv2d_shape *s, const float *x, const float *w,
                          const float *bias, const float *residual, int32_t activation, float *y,
                          float *scratch) {
  if (s->n <= 0 || s->o <= 0 || s->oh <= 0 || s->ow <= 0) return;
  isa = tt_runnable_isa(isa);
  if (tt_conv_choose(s, isa) == TT_CONV_IM2COL) {
    tt_im2col_region r = {s, isa, x, w, 0, bias, residual, 0, y, scratch, activation};
    tt_conv2d_im2col(&r);
    return;
  }
  /* The scratch: the packed weights, then what the packed call needs. */
  float *packed = scratch;
  tt_conv_pack(isa, s, w, packed, 0);
  tt_conv2d_packed(s, x, packed, bias, residual, activation, y,
                   scratch + (tt_conv2d_packed_floats_isa(isa, s) + 15) / 16 * 16);
}

TT_API void tt_conv2d(const tt_conv2d_shape *s, const float *x, const float *w, const float *bias,
                      const float *residual, int32_t activation, float *y, float *scratch) {
  tt_conv2d_isa(tt_best_isa(), s, x, w, bias, residual, activation, y, scratch);
}
