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
