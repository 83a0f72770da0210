/// Symmetric per-output-channel int8 weights: the form `quantized_linear` and `quantized_conv2d`
/// read.
public struct QuantizedWeights: Sendable {
  /// One row of values in −127...127 per output channel: `[out, in]` for a linear layer,
  /// `[out, in/groups, kh, kw]` for a convolution.
  public var values: TensorData
  /// `[out]` scales: channel `j`'s weights are `values[j, ...] · scales[j]`.
  public var scales: TensorData

  /// Quantizes a `linear` weight `[in, out]` (f32) into `[out, in]` rows (see ``init(rows:shape:)``).
  public init(linearWeight weight: TensorData) {
    let (inFeatures, outFeatures) = (weight.shape[0], weight.shape[1])
    let floats = weight.floats()
    var rows = [Float](repeating: 0, count: floats.count)
    for i in 0..<inFeatures {
      for j in 0..<outFeatures { rows[j * inFeatures + i] = floats[i * outFeatures + j] }
    }
    self.init(rows: rows, shape: [outFeatures, inFeatures])
  }

  /// Quantizes a `conv2d` weight `[out, in/groups, kh, kw]` (f32), one row per output channel.
  public init(convolutionWeight weight: TensorData) {
    self.init(rows: weight.floats(), shape: weight.shape)
  }

  /// Quantizes `rows` (shape[0] rows of equal length, row-major): each row `j` gets
  /// `scale = max |w| / 127` over its finite values (1 for a row of zeros) and
  /// `q = roundEven(w / scale)` clamped to −127...127 (NaN becomes 0).
  init(rows floats: [Float], shape: [Int]) {
    let outFeatures = shape[0]
    let length = outFeatures == 0 ? 0 : floats.count / outFeatures
    var quantized = [Int8](repeating: 0, count: floats.count)
    var scales = [Float](repeating: 1, count: outFeatures)
    for j in 0..<outFeatures {
      let row = floats[(j * length)..<((j + 1) * length)]
      let largest = row.reduce(Float(0)) { $1.isFinite ? Swift.max($0, Swift.abs($1)) : $0 }
      let scale = largest > 0 ? largest / 127 : 1
      scales[j] = scale
      for (offset, value) in row.enumerated() {
        let q = (value / scale).rounded(.toNearestOrEven)
        quantized[j * length + offset] = q.isNaN ? 0 : Int8(Swift.min(Swift.max(q, -127), 127))
      }
    }
    values = TensorData(int8s: quantized, shape: shape)
    self.scales = TensorData(scales, shape: [outFeatures])
  }
}
