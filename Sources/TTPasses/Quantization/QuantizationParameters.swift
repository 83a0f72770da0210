import TTIR

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

/// Symmetric per-output-channel int8 weights: the form `quantized_linear` reads.
public struct QuantizedWeights: Sendable {
  /// `[out, in]` values in −127...127.
  public var values: TensorData
  /// `[out]` scales: channel `j`'s weights are `values[j, :] · scales[j]`.
  public var scales: TensorData

  /// Quantizes a `linear` weight `[in, out]` (f32): each output channel gets
  /// `scale = max |w| / 127` (1 for an all-zero channel) and `q = roundEven(w / scale)`.
  public init(linearWeight weight: TensorData) {
    let (inFeatures, outFeatures) = (weight.shape[0], weight.shape[1])
    let floats = weight.floats()
    var quantized = [Int8](repeating: 0, count: floats.count)
    var scales = [Float](repeating: 1, count: outFeatures)
    for j in 0..<outFeatures {
      var largest: Float = 0
      for i in 0..<inFeatures where floats[i * outFeatures + j].isFinite {
        largest = Swift.max(largest, Swift.abs(floats[i * outFeatures + j]))
      }
      let scale = largest > 0 ? largest / 127 : 1
      scales[j] = scale
      for i in 0..<inFeatures {
        let q = (floats[i * outFeatures + j] / scale).rounded(.toNearestOrEven)
        quantized[j * inFeatures + i] = q.isNaN ? 0 : Int8(Swift.min(Swift.max(q, -127), 127))
      }
    }
    values = TensorData(int8s: quantized, shape: [outFeatures, inFeatures])
    self.scales = TensorData(scales, shape: [outFeatures])
  }
}
