import TTRuntime

/// The int8 kernels of Runtime/tt_qgemm.c (the same C every compiled model runs): an int8 GEMM
/// with int32 accumulation on the instruction set the CPU has, and the quantization steps around
/// it. docs/IR.md (`quantized_linear`) defines the arithmetic.
public enum QuantizedLinear {
  /// An int8 GEMM implementation.
  public enum KernelPath: Int32, CaseIterable, Sendable {
    /// The best the CPU supports, or the one `TT_INT8_KERNEL` names.
    case automatic = 0
    /// A plain loop.
    case portable = 1
    /// AVX2: `vpmaddwd` on values widened to int16 (packed weights and `tt_qgemm` alike).
    case avx2 = 2
    /// AVX-512 VNNI `vpdpbusd`.
    case avx512VNNI = 3

    /// The path that runs when this one is asked for on this CPU (see `tt_int8_kernel`).
    public var resolved: KernelPath { KernelPath(rawValue: tt_int8_kernel(rawValue)) ?? .portable }

    /// `portable`, `avx2`, `avx512-vnni` (or `auto`).
    public var name: String { String(cString: tt_int8_kernel_name(rawValue)) }
  }

  /// An int8 GEMM input: `x` holds per-tensor parameters, `x_scale`/`x_zero_point`.
  public enum Input {
    /// f32 values, quantized per call with `tt_dynamic_qparams`.
    case float(UnsafePointer<Float>)
    /// int8 values with their scale and zero point.
    case int8(UnsafePointer<Int8>, scale: Float, zeroPoint: Int)
  }

  /// Where the result goes.
  public enum Output {
    /// f32 values.
    case float(UnsafeMutablePointer<Float>)
    /// Requantized to int8 with this scale and zero point.
    case int8(UnsafeMutablePointer<Int8>, scale: Float, zeroPoint: Int)
  }

  /// `out[rows, n] = epilogue(x[rows, k] · weight[n, k]ᵀ)`: int8 products accumulated in int32,
  /// then `(acc − x_zero_point · Σ weight[j, :]) · x_scale · weightScales[j] + bias[j]`, ReLU if
  /// asked, requantized for an int8 output. With `packed` (`weight` packed ahead of time, one
  /// block) it runs `tt_qlinear_packed` on it instead: the same bits, no row sums per call.
  public static func run(
    _ x: Input, rows m: Int, inFeatures k: Int, weight: UnsafePointer<Int8>, outFeatures n: Int,
    weightScales: UnsafePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool, _ out: Output,
    packed: PackedInt8Weight? = nil, path: KernelPath = .automatic
  ) {
    let (m64, n64, k64) = (Int64(m), Int64(n), Int64(k))
    if let packed {
      precondition(
        packed.rows == n && packed.columns == k && packed.groups == 1, "packed weight of another shape")
      let scratch = UnsafeMutableRawPointer.allocate(
        byteCount: max(Int(tt_qlinear_packed_scratch(m64, n64, k64)), 64), alignment: 64)
      defer { scratch.deallocate() }
      x.withInt8(count: m * k) { a, scale, zeroPoint in
        tt_qlinear_packed(
          path.rawValue, m64, n64, k64, a, packed.bytes, scratch, zeroPoint, scale, weightScales, bias,
          relu ? 1 : 0, out.floats, out.int8s, out.scale, out.zeroPoint)
      }
      return
    }
    var sums = [Int32](repeating: 0, count: max(n, 1))
    var accumulators = [Int32](repeating: 0, count: max(m * n, 1))
    tt_qgemm_row_sums(weight, n64, k64, k64, &sums)
    x.withInt8(count: m * k) { a, scale, zeroPoint in
      tt_qgemm(path.rawValue, m64, n64, k64, a, k64, weight, k64, sums, &accumulators, n64)
      tt_qlinear_epilogue(
        accumulators, m64, n64, n64, sums, zeroPoint, scale, weightScales, bias, relu ? 1 : 0, out.floats,
        out.int8s, out.scale, out.zeroPoint)
    }
  }

  /// `c[i, j] = Σ_p a[i, p] · w[j, p]` exactly, on `path` (for tests and benchmarks of each
  /// path), for any `Int8` values.
  public static func gemm(
    _ a: UnsafePointer<Int8>, _ w: UnsafePointer<Int8>, m: Int, n: Int, k: Int,
    _ c: UnsafeMutablePointer<Int32>,
    path: KernelPath
  ) {
    var sums = [Int32](repeating: 0, count: max(n, 1))
    tt_qgemm_row_sums(w, Int64(n), Int64(k), Int64(k), &sums)
    tt_qgemm(path.rawValue, Int64(m), Int64(n), Int64(k), a, Int64(k), w, Int64(k), sums, c, Int64(n))
  }
}

extension QuantizedLinear.Input {
  /// Calls `body` with the int8 values, scale and zero point of these `count` values: f32 values
  /// are quantized first, with the per-tensor parameters `tt_dynamic_qparams` chooses.
  func withInt8(count: Int, _ body: (UnsafePointer<Int8>, Float, Int32) -> Void) {
    switch self {
    case .float(let values):
      var scale: Float = 1
      var zeroPoint: Int32 = 0
      tt_dynamic_qparams(values, Int64(count), &scale, &zeroPoint)
      var quantized = [Int8](repeating: 0, count: max(count, 1))
      tt_quantize(values, Int64(count), scale, zeroPoint, &quantized)
      body(quantized, scale, zeroPoint)
    case .int8(let values, let scale, let zeroPoint):
      body(values, scale, Int32(zeroPoint))
    }
  }
}

extension QuantizedLinear.Output {
  /// The f32 destination (nil for an int8 output).
  var floats: UnsafeMutablePointer<Float>? {
    if case .float(let y) = self { return y }
    return nil
  }
  /// The int8 destination (nil for an f32 output).
  var int8s: UnsafeMutablePointer<Int8>? {
    if case .int8(let y, _, _) = self { return y }
    return nil
  }
  /// The requantization scale (1 for an f32 output).
  var scale: Float {
    if case .int8(_, let scale, _) = self { return scale }
    return 1
  }
  /// The requantization zero point (0 for an f32 output).
  var zeroPoint: Int32 {
    if case .int8(_, _, let zeroPoint) = self { return Int32(zeroPoint) }
    return 0
  }
}
