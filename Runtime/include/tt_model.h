/* tt_model.h: the C ABI of a library compiled by ttc (TinyTorch for Swift).
 *
 * A compiled model is one shared library that exports tt_describe, tt_run and tt_run_ex, and
 * (libraries built since kernel threads; loaders treat it as optional) tt_model_set_threads. Every
 * call works only on caller-owned buffers (inputs, outputs and a workspace of
 * desc->workspace_bytes bytes, 64-byte aligned), so one library may run on several threads at
 * once, each with its own workspace; the only global state is the library's kernel thread count.
 *
 * Tensors are dense, row-major (C order), little-endian. Shapes are compile-time constants.
 * TT_ABI_VERSION changes whenever anything in this header changes meaning; the loader refuses a
 * library whose abi_version differs from its own.
 */
#ifndef TT_MODEL_H
#define TT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define TT_ABI_VERSION 1u

#ifdef __cplusplus
extern "C" {
#endif

/* Element types; the numbering is part of the ABI. */
typedef enum {
  TT_F32 = 0,
  TT_F16 = 1, /* IEEE half, stored as uint16_t */
  TT_I8 = 2,
  TT_I32 = 3,
  TT_I64 = 4
} tt_dtype;

/* Status codes returned by tt_run / tt_run_ex. */
enum {
  TT_OK = 0,
  TT_ERR_NO_WEIGHTS = 1,     /* weights are external and none were passed */
  TT_ERR_INDEX = 2,          /* a gather index was out of range */
  TT_ERR_NULL_ARGUMENT = 3,  /* an input, output or the workspace pointer was NULL */
  TT_ERR_DIVISION_BY_ZERO = 4 /* an integer div had a zero divisor */
};

/* A graph input, output or weight. */
typedef struct {
  const char *name;
  int32_t dtype; /* tt_dtype */
  int32_t rank;
  const int64_t *shape; /* rank entries */
} tt_tensor_desc;

/* A weight: where its bytes lie in the weights blob (64-byte aligned offsets). */
typedef struct {
  tt_tensor_desc tensor;
  uint64_t offset;
  uint64_t bytes;
} tt_weight_desc;

/* Everything the loader needs to know about a compiled model. */
typedef struct {
  uint32_t abi_version;    /* TT_ABI_VERSION the library was built against */
  const char *graph_hash;  /* lowercase hex SHA-256 of the graph (structure and weights) */
  const char *model_name;
  int32_t n_inputs;
  int32_t n_outputs;
  const tt_tensor_desc *inputs;
  const tt_tensor_desc *outputs;
  uint64_t workspace_bytes; /* caller-provided scratch per concurrent call */
  uint64_t weights_bytes;   /* size of the weights blob */
  int32_t weights_embedded; /* 1: the blob is inside the library; 0: pass it to tt_run_ex */
  int32_t n_weights;
  const tt_weight_desc *weights;
  int32_t n_nodes; /* graph nodes, numbered 0..<n_nodes as in model.json */
} tt_model_desc;

/* Observes the value a node just produced (used by `ttc diff` to compare intermediates). */
typedef void (*tt_observer)(int32_t node_index, const char *node_name, int32_t dtype, const void *data,
                            int64_t count, void *ctx);

/* The model's description; a pointer to static, immutable data. */
const tt_model_desc *tt_describe(void);

/* Runs the model with embedded weights. inputs[i] / outputs[i] follow desc->inputs / outputs;
 * workspace holds desc->workspace_bytes bytes aligned to 64. Returns TT_OK (0) on success. */
int tt_run(const void *const *inputs, void *const *outputs, void *workspace);

/* Runs the model with an explicit weights blob (NULL: the embedded one) and an optional observer
 * called after every node with that node's output (NULL: none). */
int tt_run_ex(const void *weights, const void *const *inputs, void *const *outputs, void *workspace,
              tt_observer observe, void *ctx);

/* Sets how many threads this library's kernels use inside one call (its own pool of persistent
 * workers; 1, the default, runs everything on the calling thread); returns the count in effect.
 * Outputs are bitwise identical for every count. Optional: older libraries lack it. */
int tt_model_set_threads(int threads);

#ifdef __cplusplus
}
#endif

#endif /* TT_MODEL_H */
