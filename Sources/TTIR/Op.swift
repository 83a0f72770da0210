/// Every operation the graph IR can express.
///
/// Raw values are the snake_case names used in `model.json`. Each op's inputs, attributes
/// and defaults are declared by its ``schema``; its output type is derived by
/// ``ShapeInference``. Every op produces exactly one output.
public enum Op: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
  // Unary elementwise.
  /// `-x`.
  case neg
  /// `e^x`.
  case exp
  /// Natural logarithm.
  case log
  /// Square root.
  case sqrt
  /// Absolute value.
  case abs
  /// `max(x, 0)`.
  case relu
  /// `1 / (1 + e^-x)`.
  case sigmoid
  /// Hyperbolic tangent.
  case tanh
  /// The Gauss error function `erf(x)` (ONNX `Erf`).
  case erf
  /// Gaussian error linear unit; attribute `approximate` is `"none"` (erf) or `"tanh"`.
  case gelu
  /// `x ≥ 0 ? x : alpha·x`; attribute `alpha` (default 0.01).
  case leakyRelu = "leaky_relu"
  /// Clamps to `[min, max]`; both float attributes are optional.
  case clamp

  // Binary elementwise with NumPy broadcasting.
  /// `a + b`.
  case add
  /// `a - b`.
  case sub
  /// `a * b`.
  case mul
  /// `a / b`.
  case div
  /// `a ^ b`.
  case pow
  /// Elementwise maximum.
  case maximum
  /// Elementwise minimum.
  case minimum
  /// `a == b` as 0/1 in `f32`.
  case equal
  /// `a < b` as 0/1 in `f32`.
  case less
  /// `a > b` as 0/1 in `f32`.
  case greater

  // Selection.
  /// `condition ≠ 0 ? a : b` elementwise, all three broadcasting (ONNX `Where`).
  case `where`

  // Matrix products.
  /// Batched matrix product `a[..., m, k] · b[..., k, n]`; batch dimensions broadcast.
  case matmul
  /// `x[..., in] · weight[in, out] + bias[out]` (note the `(in, out)` weight layout).
  case linear

  // Convolution and pooling (NCHW).
  /// 2-D convolution: `x[N, C, H, W]`, `weight[O, C/groups, kh, kw]`, optional `bias[O]`.
  case conv2d
  /// 2-D max pooling over `kernel` windows.
  case maxPool2d = "max_pool2d"
  /// 2-D average pooling over `kernel` windows.
  case avgPool2d = "avg_pool2d"

  // Normalization.
  /// Inference batch norm over channel axis 1: inputs `x, scale, bias, running_mean, running_var`.
  case batchNorm = "batch_norm"
  /// Softmax along `axis`.
  case softmax
  /// Log-softmax along `axis`.
  case logSoftmax = "log_softmax"
  /// Layer norm over the last axis with optional `gamma` and `beta`.
  case layerNorm = "layer_norm"

  // Shape and data movement.
  /// Reshape to `shape` (`-1` infers one dimension, `0` copies the input's dimension).
  case reshape
  /// Permutes axes by `perm`.
  case transpose
  /// Flattens axes `start_dim...end_dim` into one.
  case flatten
  /// Concatenates inputs along `axis`.
  case concat
  /// Python-style slicing with per-axis `starts`, `ends`, `steps`.
  case slice
  /// Gathers slices of `data` along `axis` at `indices` (embedding lookup on axis 0).
  case gather

  // Reductions.
  /// Sum over `axes`.
  case reduceSum = "reduce_sum"
  /// Mean over `axes`.
  case reduceMean = "reduce_mean"
  /// Maximum over `axes`.
  case reduceMax = "reduce_max"
  /// Minimum over `axes`.
  case reduceMin = "reduce_min"
  /// Index of the maximum along `axis`, as `i64`.
  case argmax

  // Attention.
  /// `softmax(q·kᵀ·scale + mask)·v` with optional causal masking (queries aligned with the last
  /// keys).
  case scaledDotProductAttention = "scaled_dot_product_attention"

  // Type conversion and quantization.
  /// Converts to dtype `to`.
  case cast
  /// `clamp(round(x / scale) + zero_point, -128, 127)` as `i8`, rounding ties to even.
  case quantizeLinear = "quantize_linear"
  /// `(q - zero_point) · scale` as `f32`.
  case dequantizeLinear = "dequantize_linear"

  // Sparse weights (pruned models). New cases go last: incremental builds have been seen to keep
  // stale case numbers in dependent modules.
  /// `linear` with a pruned weight stored sparse: `x[..., in]`, the weight's transpose as CSR
  /// (`values`, `columns`, `row_pointers`: row `n` lists the inputs feeding output `n`), `bias?`.
  case sparseLinear = "sparse_linear"

  // Fusion.
  /// An ``ElementwiseProgram`` (attribute `program`) over broadcast inputs, in one pass.
  case fusedElementwise = "fused_elementwise"
  // Integer arithmetic on quantized values.
  /// `x[..., in] · weight[out, in]ᵀ` with int8 operands and int32 accumulation, per-output-channel
  /// weight scales, optional bias and ReLU; `x` is `f32` (quantized per call) or `i8`; the output
  /// is `f32`, or `i8` when `out_scale` is set. Note the `(out, in)` weight layout.
  case quantizedLinear = "quantized_linear"
  /// The remainder of `a / b` (ONNX `Mod`): with `fmod` false (the default) it takes the sign of
  /// `b` (Python's `%`, floored division), with `fmod` true the sign of `a` (C's `fmod`).
  case mod
  /// Resamples `x` to the shape `sizes` (ONNX `Resize`, nearest or linear): output position `j`
  /// of each axis reads input coordinate `transform(j, scale)` (``ResizeTaps``).
  case resize
  /// The NCHW convolution of `conv2d` with int8 operands and int32 accumulation (padding reads the
  /// value standing for 0), per-output-channel weight scales, optional bias and ReLU; `x` is `f32`
  /// (quantized per call) or `i8`; the output is `f32`, or `i8` when `out_scale` is set.
  case quantizedConv2d = "quantized_conv2d"

  /// The family an op belongs to.
  public enum Category: String, Sendable, CaseIterable {
    /// One input, same-shaped output.
    case unaryElementwise
    /// Two broadcasting inputs.
    case binaryElementwise
    /// `where`: a broadcasting elementwise choice between two inputs.
    case selection
    /// Matrix products (`matmul`, `linear`).
    case matrix
    /// Convolutions.
    case convolution
    /// Pooling.
    case pooling
    /// Normalizations, softmax included.
    case normalization
    /// Reshapes, permutations, concatenation, slicing, gathering.
    case dataMovement
    /// Reductions and `argmax`.
    case reduction
    /// Attention.
    case attention
    /// Casts and (de)quantization.
    case conversion
    /// Elementwise programs fused into one node.
    case fusedElementwise
    /// Integer arithmetic on int8 values (`quantized_linear`, `quantized_conv2d`).
    case quantized
    /// Resampling to another shape by interpolation (`resize`).
    case resampling
  }

  /// The family this op belongs to.
  public var category: Category {
    switch self {
    case .neg, .exp, .log, .sqrt, .abs, .relu, .sigmoid, .tanh, .erf, .gelu, .leakyRelu, .clamp:
      .unaryElementwise
    case .add, .sub, .mul, .div, .pow, .maximum, .minimum, .equal, .less, .greater, .mod:
      .binaryElementwise
    case .where: .selection
    case .matmul, .linear, .sparseLinear: .matrix
    case .conv2d: .convolution
    case .maxPool2d, .avgPool2d: .pooling
    case .batchNorm, .softmax, .logSoftmax, .layerNorm: .normalization
    case .reshape, .transpose, .flatten, .concat, .slice, .gather: .dataMovement
    case .reduceSum, .reduceMean, .reduceMax, .reduceMin, .argmax: .reduction
    case .scaledDotProductAttention: .attention
    case .cast, .quantizeLinear, .dequantizeLinear: .conversion
    case .fusedElementwise: .fusedElementwise
    case .quantizedLinear, .quantizedConv2d: .quantized
    case .resize: .resampling
    }
  }

  /// Whether this is a comparison (`equal`, `less`, `greater`) whose output is `f32` 0/1.
  public var isComparison: Bool { self == .equal || self == .less || self == .greater }

  /// Whether this op can carry an `epilogue` program (`matmul`, `linear`, `conv2d`).
  public var acceptsEpilogue: Bool { self == .matmul || self == .linear || self == .conv2d }

  /// Whether this op is elementwise (unary or binary).
  public var isElementwise: Bool {
    category == .unaryElementwise || category == .binaryElementwise
  }

  /// The JSON name, e.g. `leaky_relu`.
  public var description: String { rawValue }
}
