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
  /// `[out, in]` int8 values and `[out]` scales (`TTIR.QuantizedWeights`), and the calibrated
  /// per-tensor parameters of the input (static), or nil (dynamic: taken from each input).
  case int8(values: [Int8], scales: [Float], input: QuantizationParameters?)
  /// The weight `[in, out]` rounded to float16 and widened back (what is computed with).
  case fp16(Tensor)

  var byteCount: Int {
    switch self {
    case .int8(let values, let scales, _): values.count + 4 * scales.count
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
          values: quantized.values.bytes.map { Int8(bitPattern: $0) }, scales: quantized.scales.floats(),
          input: nil)
      }
      after += layer.evaluationWeights!.byteCount - 4 * weight.count
    }
    return QuantizationReport(layers: layers.count, bytesBefore: before, bytesAfter: after)
  }

  /// Quantizes every ``Linear`` layer to int8 for evaluation with *static* activation
  /// quantization: runs `samples` (`[N, …]`, the model's input with N samples) through the model
  /// in float32, in batches of `batchSize`, recording the values each layer receives and taking
  /// their range by `observer` (`TTIR.RangeObserver`, as `ttc --observer`: the smallest and
  /// largest, or `.percentile(99.99)` to clip outliers); each layer then stores int8 weights (as
  /// ``EvaluationQuantization/int8Dynamic``) and quantizes its input with the fixed per-tensor
  /// parameters of that range (`TTIR.QuantizationParameters(covering:)`, the rule of
  /// `ttc --quantize int8`), clamping values outside it. A layer the samples never reach gets the
  /// range 0...0.
  ///
  /// ```swift
  /// try model.quantizeForEvaluation(calibratingOn: trainImages)
  /// model.eval()
  /// ```
  /// - Throws: what running the model on `samples` throws, or `TensorError.invalidArgument`
  ///   for empty samples or a batch size below 1.
  @discardableResult
  public func quantizeForEvaluation(
    calibratingOn samples: Tensor, batchSize: Int = 64, observer: CalibrationObserver = .minMax
  ) throws -> QuantizationReport {
    guard samples.rank >= 1, samples.shape[0] > 0, batchSize >= 1 else {
      throw TensorError.invalidArgument(
        "quantizeForEvaluation(calibratingOn:): samples \(samples.shape) need N ≥ 1 along axis 0, batch size \(batchSize) ≥ 1"
      )
    }
    let layers = modules().compactMap { $0 as? Linear }
    removeEvaluationQuantization()
    for layer in layers { layer.inputObserver = RangeObserver(observer) }
    defer { for layer in layers { layer.inputObserver = nil } }
    try withEvaluationMode {
      try withNoGrad {
        for start in stride(from: 0, to: samples.shape[0], by: batchSize) {
          _ = try self(
            try samples.slice(axis: 0, start: start, end: Swift.min(start + batchSize, samples.shape[0])))
        }
      }
    }
    let report = quantizeForEvaluation(.int8Dynamic)
    for layer in layers {
      guard case .int8(let values, let scales, _) = layer.evaluationWeights else { continue }
      layer.evaluationWeights = .int8(
        values: values, scales: scales, input: QuantizationParameters(covering: layer.inputObserver!.range))
    }
    return report
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
    inputObserver?.record(input.scalars)
    guard !isTraining, Tracer.current == nil, let stored = evaluationWeights else { return nil }
    switch stored {
    case .fp16(let weight):
      return try input.linear(weight: weight, bias: bias)
    case .int8(let values, let scales, let parameters):
      guard input.rank >= 1, input.shape[input.rank - 1] == inFeatures else {
        throw TensorError.invalidArgument(
          "linear: input shape \(input.shape) does not match weight shape \(weight.shape) (expected [..., \(inFeatures)])"
        )
      }
      let (k, n) = (inFeatures, outFeatures)
      let rows = TensorType(.f32, input.shape).rowCount
      var out = [Float](repeating: 0, count: rows * n)
      let biasValues = bias?.scalars
      input.scalars.withUnsafeBufferPointer { x in
        out.withUnsafeMutableBufferPointer { y in
          guard let xs = x.baseAddress, let ys = y.baseAddress else { return }
          biasValues.withOptionalPointer { b in
            func run(_ x: QuantizedLinear.Input) {
              QuantizedLinear.run(
                x, rows: rows, inFeatures: k, weight: values, outFeatures: n, weightScales: scales, bias: b,
                relu: false, .float(ys))
            }
            guard let parameters else { return run(.float(xs)) }
            var quantized = [Int8](repeating: 0, count: Swift.max(rows * k, 1))
            Quantization.quantize(
              xs, count: rows * k, scale: parameters.scale, zeroPoint: parameters.zeroPoint, &quantized)
            quantized.withUnsafeBufferPointer { q in
              run(.int8(q.baseAddress!, scale: parameters.scale, zeroPoint: parameters.zeroPoint))
            }
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
