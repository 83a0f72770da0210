/// The scale and zero point of an affine int8 quantization: `q` stands for `(q − zeroPoint) · scale`.
public struct QuantizationParameters: Hashable, Sendable {
  /// The step between neighbouring int8 values.
  public var scale: Float
  /// The int8 value that stands for 0.
  public var zeroPoint: Int

  /// Creates parameters.
  public init(scale: Float, zeroPoint: Int) {
    self.scale = scale
    self.zeroPoint = zeroPoint
  }

  /// Per-tensor asymmetric parameters for values in `range`, the rule dynamic quantization uses
  /// at run time (docs/IR.md, `quantized_linear`; `tt_dynamic_qparams` in Runtime/tt_qgemm.c):
  /// `[min(lo, 0), max(hi, 0)]` maps onto `[−128, 127]`.
  public init(covering range: ClosedRange<Float>) {
    let lo = Swift.min(range.lowerBound, 0)
    let hi = Swift.max(range.upperBound, 0)
    var scale = (hi - lo) / 255
    if !(scale > 0) || !scale.isFinite { scale = 1 }
    let zero = (-128 - lo / scale).rounded(.toNearestOrEven)
    self.init(scale: scale, zeroPoint: Int(Swift.min(Swift.max(zero, -128), 127)))
  }
}
