import TTRuntime

/// Single-precision matrix multiplication on row-major buffers: the C kernel library's
/// `tt_sgemm` (Runtime/tt_gemm.c), the same code every compiled model runs.
///
/// `C = op(A)·op(B)` (or `C += …` when `accumulate`, or `C = op(A)·op(B) + bias` with a
/// per-column bias), where `op` optionally transposes. The C side packs panels, blocks for the
/// caches and picks the register tile of this CPU's instruction set (AVX-512, AVX2+FMA or
/// portable) at run time, and splits large products over ``KernelThreads`` (1 by default).
public enum Gemm {
  /// An activation applied to every output element after the bias (the GEMM's fused epilogue).
  /// `exp` serves ``Elementwise/unary(_:_:_:count:)`` (`tt_activate`); no node fuses it.
  public enum Activation: Sendable {
    case none, relu, sigmoid, tanh, geluTanh, geluErf, exp

    /// The kernel library's `tt_activation` value.
    public var runtimeValue: Int32 {
      switch self {
      case .none: Int32(TT_ACT_NONE.rawValue)
      case .relu: Int32(TT_ACT_RELU.rawValue)
      case .sigmoid: Int32(TT_ACT_SIGMOID.rawValue)
      case .tanh: Int32(TT_ACT_TANH.rawValue)
      case .geluTanh: Int32(TT_ACT_GELU_TANH.rawValue)
      case .geluErf: Int32(TT_ACT_GELU_ERF.rawValue)
      case .exp: Int32(TT_ACT_EXP.rawValue)
      }
    }
  }

  /// Computes `C[m×n] (+)= op(A)[m×k] · op(B)[k×n]`.
  ///
  /// - Parameters:
  ///   - transposeA: read A as `k×m` (row stride `lda`) and use its transpose.
  ///   - transposeB: read B as `n×k` (row stride `ldb`) and use its transpose.
  ///   - accumulate: add the product to C instead of overwriting it.
  ///   - bias: `n` values added to every row of the product (ignored when `accumulate`).
  ///   - residual: an `m×n` matrix (row stride `ldc`) added after the bias (ignored when
  ///     `accumulate`); it may be C itself.
  ///   - activation: applied last, to every output element.
  public static func multiply(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
    b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false,
    bias: UnsafePointer<Float>? = nil, residual: UnsafePointer<Float>? = nil,
    activation: Activation = .none
  ) {
    if m <= 0 || n <= 0 { return }
    let bias = accumulate ? nil : bias
    // The thread's reused buffer (tt_call_scratch), sized by the library itself.
    let scratch = tt_call_scratch(tt_sgemm_scratch(Int64(m), Int64(n), Int64(k)))
    var epilogue = tt_epilogue(
      bias: bias, row_bias: nil, residual: accumulate ? UnsafePointer(c) : residual, ldr: Int64(ldc),
      activation: activation.runtimeValue)
    tt_sgemm(
      Int64(m), Int64(n), Int64(k), a, Int64(lda), transposeA ? 1 : 0, b, Int64(ldb), transposeB ? 1 : 0, c,
      Int64(ldc), &epilogue, scratch)
  }
}
