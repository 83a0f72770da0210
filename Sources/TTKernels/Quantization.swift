import TTRuntime

/// Affine int8 quantization with a per-tensor scale and zero point, as in ONNX
/// `QuantizeLinear`/`DequantizeLinear`: Runtime/tt_qgemm.c, the code compiled models run.
public enum Quantization {
  /// `out[i] = clamp(round(x[i] / scale) + zeroPoint, −128, 127)`, rounding halves to even.
  /// NaN quantizes to the zero point. `path` chooses the int8 path (tests; every path gives the
  /// same bytes).
  public static func quantize(
    _ x: UnsafePointer<Float>, count: Int, scale: Float, zeroPoint: Int,
    _ out: UnsafeMutablePointer<Int8>, path: QuantizedLinear.KernelPath = .automatic
  ) {
    tt_quantize_path(path.rawValue, x, Int64(count), scale, Int32(clamping: zeroPoint), out)
  }

  /// `out[i] = (q[i] − zeroPoint) · scale`.
  public static func dequantize(
    _ q: UnsafePointer<Int8>, count: Int, scale: Float, zeroPoint: Int,
    _ out: UnsafeMutablePointer<Float>
  ) {
    tt_dequantize(q, Int64(count), scale, Int32(clamping: zeroPoint), out)
  }
}
