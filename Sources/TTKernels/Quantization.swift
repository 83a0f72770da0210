import Foundation

/// Affine int8 quantization with a per-tensor scale and zero point, as in ONNX
/// `QuantizeLinear`/`DequantizeLinear`.
public enum Quantization {
  /// `out[i] = clamp(round(x[i] / scale) + zeroPoint, −128, 127)`, rounding halves to even.
  /// NaN quantizes to the zero point.
  public static func quantize(
    _ x: UnsafePointer<Float>, count: Int, scale: Float, zeroPoint: Int,
    _ out: UnsafeMutablePointer<Int8>
  ) {
    let zero = Float(zeroPoint)
    for i in 0..<count {
      let scaled = (x[i] / scale).rounded(.toNearestOrEven) + zero
      out[i] = scaled.isNaN ? Int8(clamping: zeroPoint) : Int8(Swift.min(Swift.max(scaled, -128), 127))
    }
  }

  /// `out[i] = (q[i] − zeroPoint) · scale`.
  public static func dequantize(
    _ q: UnsafePointer<Int8>, count: Int, scale: Float, zeroPoint: Int,
    _ out: UnsafeMutablePointer<Float>
  ) {
    for i in 0..<count { out[i] = Float(Int(q[i]) - zeroPoint) * scale }
  }
}
