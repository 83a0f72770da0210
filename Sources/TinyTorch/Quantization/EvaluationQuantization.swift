import TTIR
import TTKernels

/// How ``Module/quantizeForEvaluation(_:)`` stores the weights of every ``Linear`` layer.
public enum EvaluationQuantization: Sendable {
  /// float16 weights (half the bytes), computed in float32.
  case fp16
  /// int8 weights, symmetric per output channel; activations quantized per call and per tensor;
  /// int8 × int8 products accumulated in int32 (the kernels compiled models run).
  case int8Dynamic
}

/// What ``Module/quantizeForEvaluation(_:)`` did.
public struct QuantizationReport: Sendable, CustomStringConvertible {
  /// The `Linear` layers quantized.
  public var layers: Int
  /// Bytes of all the model's tensors before.
  public var bytesBefore: Int
  /// Bytes of all the model's tensors as stored for evaluation (quantized weights instead of
  /// their float32 originals).
  public var bytesAfter: Int

  /// E.g. `2 linear layers quantized: 34.1 KB → 9.2 KB`.
  public var description: String {
    func kilobytes(_ bytes: Int) -> String { String(Float(bytes) / 1000) + " KB" }
    return "\(layers) linear layers quantized: \(kilobytes(bytesBefore)) → \(kilobytes(bytesAfter))"
  }
}

/// A `Linear` layer's weights as stored for evaluation.
enum EvaluationWeights {
  /// `[out, in]` int8 values and `[out]` scales (``TTIR/QuantizedWeights``).
  case int8(values: [Int8], scales: [Float])
  /// The weight `[in, out]` rounded to float16 and widened back (what is computed with).
  case fp16(Tensor)

  var byteCount: Int {
    switch self {
    case .int8(let values, let scales): values.count + 4 * scales.count
    case .fp16(let weight): 2 * weight.count
    }
  }
}

extension Module {
  /// Quantizes every ``Linear`` layer for evaluation, TinyTorch style: in evaluation mode
  /// (``eval()``) the layers compute with the stored int8 or float16 weights; in training mode,
  /// and while tracing, they keep using (and training) their float32 weights, which are kept.
  /// Quantizing again replaces the stored weights with ones made from the current float32 weights.
  ///
  /// ```swift
  /// model.eval()
  /// print(model.quantizeForEvaluation(.int8Dynamic))   // 2 linear layers quantized: … → …
  /// let accuracy = try trainer.evaluate(test).accuracy
  /// ```
  @discardableResult
  public func quantizeForEvaluation(_ mode: EvaluationQuantization) -> QuantizationReport {
    let before = namedTensors().reduce(0) { $0 + 4 * $1.1.count }
    var after = before
    let layers = modules().compactMap { $0 as? Linear }
    for layer in layers {
      let weight = layer.weight
      switch mode {
      case .fp16:
        let halves = weight.scalars.map { Float(Float16($0)) }
        layer.evaluationWeights = .fp16(Tensor(uncheckedShape: weight.shape, scalars: halves))
      case .int8Dynamic:
        let quantized = QuantizedWeights(linearWeight: TensorData(weight.scalars, shape: weight.shape))
        layer.evaluationWeights = .int8(
          values: quantized.values.bytes.map { Int8(bitPattern: $0) }, scales: quantized.scales.floats())
      }
      after += layer.evaluationWeights!.byteCount - 4 * weight.count
    }
    return QuantizationReport(layers: layers.count, bytesBefore: before, bytesAfter: after)
  }

  /// Drops the weights stored by ``quantizeForEvaluation(_:)``: evaluation uses float32 again.
  public func removeEvaluationQuantization() {
    for case let layer as Linear in modules() { layer.evaluationWeights = nil }
  }
}

extension Linear {
  /// The layer's output from its evaluation weights, or nil when it computes in float32 (training,
  /// tracing, or not quantized).
  func quantizedForward(_ input: Tensor) throws -> Tensor? {
    guard !isTraining, Tracer.current == nil, let stored = evaluationWeights else { return nil }
    switch stored {
    case .fp16(let weight):
      return try input.linear(weight: weight, bias: bias)
    case .int8(let values, let scales):
      guard input.rank >= 1, input.shape[input.rank - 1] == inFeatures else {
        throw TensorError.invalidArgument(
          "linear: input shape \(input.shape) does not match weight shape \(weight.shape) (expected [..., \(inFeatures)])"
        )
      }
      let (k, n) = (inFeatures, outFeatures)
      let rows = input.count / max(k, 1)
      var out = [Float](repeating: 0, count: rows * n)
      let biasValues = bias?.scalars
      input.scalars.withUnsafeBufferPointer { x in
        out.withUnsafeMutableBufferPointer { y in
          guard let xs = x.baseAddress, let ys = y.baseAddress else { return }
          biasValues.withOptionalPointer { b in
            QuantizedLinear.run(
              .float(xs), rows: rows, inFeatures: k, weight: values, outFeatures: n, weightScales: scales,
              bias: b,
              relu: false, .float(ys))
          }
        }
      }
      return Tensor(uncheckedShape: Array(input.shape.dropLast()) + [n], scalars: out)
    }
  }
}

extension Optional where Wrapped == [Float] {
  fileprivate func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let values = self else { return body(nil) }
    return values.withUnsafeBufferPointer { body($0.baseAddress) }
  }
}
