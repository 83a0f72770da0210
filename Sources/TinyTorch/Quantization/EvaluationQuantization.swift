import TTIR
import TTKernels

/// How ``Module/quantizeForEvaluation(_:)`` stores the weights of every ``Linear`` and ``Conv2d``
/// layer.
public enum EvaluationQuantization: Sendable {
  /// float16 weights (half the bytes), computed in float32.
  case fp16
  /// int8 weights, symmetric per output channel; activations quantized per call and per tensor;
  /// int8 × int8 products accumulated in int32 (the kernels compiled models run).
  case int8Dynamic
}

/// What ``Module/quantizeForEvaluation(_:)`` did.
public struct QuantizationReport: Sendable, CustomStringConvertible {
  /// The `Linear` and `Conv2d` layers quantized.
  public var layers: Int
  /// Bytes of all the model's tensors before.
  public var bytesBefore: Int
  /// Bytes of all the model's tensors as stored for evaluation (quantized weights instead of
  /// their float32 originals).
  public var bytesAfter: Int

  /// E.g. `2 linear/conv2d layers quantized: 34.1 KB → 9.2 KB`.
  public var description: String {
    func kilobytes(_ bytes: Int) -> String { String(Float(bytes) / 1000) + " KB" }
    return "\(layers) linear/conv2d layers quantized: \(kilobytes(bytesBefore)) → \(kilobytes(bytesAfter))"
  }
}

/// A layer's weights as stored for evaluation.
enum EvaluationWeights {
  /// int8 values in the int8 kernel's layout (`TTIR.QuantizedWeights`: `[out, in]` for a linear
  /// layer, the weight's own `[out, in/groups, kh, kw]` for a convolution) and `[out]` scales, and
  /// the calibrated per-tensor parameters of the input (static), or nil (dynamic: taken from each
  /// input).
  case int8(values: [Int8], scales: [Float], input: QuantizationParameters?)
  /// The weight rounded to float16 and widened back (what is computed with).
  case fp16(Tensor)

  var byteCount: Int {
    switch self {
    case .int8(let values, let scales, _): values.count + 4 * scales.count
    case .fp16(let weight): 2 * weight.count
    }
  }
}

/// A layer ``Module/quantizeForEvaluation(_:)`` quantizes (``Linear``, ``Conv2d``): it keeps its
/// float32 weight for training and tracing, and computes from ``evaluationWeights`` in evaluation
/// mode.
protocol EvaluationQuantizable: Module {
  /// The float32 weight.
  var weight: Tensor { get }
  /// Weights stored by ``Module/quantizeForEvaluation(_:)``, used in evaluation mode.
  var evaluationWeights: EvaluationWeights? { get set }
  /// While ``Module/quantizeForEvaluation(calibratingOn:batchSize:observer:)`` runs: the inputs
  /// seen so far; nil otherwise.
  var inputObserver: RangeObserver? { get set }
  /// The weight quantized per output channel, in the int8 kernel's layout.
  func quantizedWeight() -> QuantizedWeights
  /// The float32 output with `weight` in place of the layer's own (its float16 rounding).
  func forward(_ input: Tensor, weight: Tensor) throws -> Tensor
  /// The output of the int8 kernel on `input` (f32 quantized per call, or int8) with the stored
  /// int8 `weight` and its `scales`.
  func int8Forward(_ input: Tensor, _ x: QuantizedLinear.Input, weight: [Int8], scales: [Float]) throws
    -> Tensor
}

extension EvaluationQuantizable {
  /// The layer's output from its evaluation weights, or nil when it computes in float32 (training,
  /// tracing, or not quantized).
  func quantizedForward(_ input: Tensor) throws -> Tensor? {
    inputObserver?.record(input.scalars)
    guard !isTraining, Tracer.current == nil, let stored = evaluationWeights else { return nil }
    switch stored {
    case .fp16(let weight):
      return try forward(input, weight: weight)
    case .int8(let values, let scales, let parameters):
      return try input.scalars.withUnsafeBufferPointer { x throws -> Tensor in
        let xs = x.baseAddress ?? UnsafePointer(bitPattern: 4)!
        guard let parameters else {
          return try int8Forward(input, .float(xs), weight: values, scales: scales)
        }
        var quantized = [Int8](repeating: 0, count: Swift.max(input.count, 1))
        Quantization.quantize(
          xs, count: input.count, scale: parameters.scale, zeroPoint: parameters.zeroPoint, &quantized)
        return try quantized.withUnsafeBufferPointer { q in
          try int8Forward(
            input, .int8(q.baseAddress!, scale: parameters.scale, zeroPoint: parameters.zeroPoint),
            weight: values,
            scales: scales)
        }
      }
    }
  }

  /// Stores the weights `mode` asks for; returns how many bytes they add over the float32 weight's.
  fileprivate func storeEvaluationWeights(_ mode: EvaluationQuantization) -> Int {
    switch mode {
    case .fp16:
      let halves = weight.scalars.map { Float(Float16($0)) }
      evaluationWeights = .fp16(Tensor(uncheckedShape: weight.shape, scalars: halves))
    case .int8Dynamic:
      let quantized = quantizedWeight()
      evaluationWeights = .int8(
        values: quantized.values.bytes.map { Int8(bitPattern: $0) }, scales: quantized.scales.floats(),
        input: nil)
    }
    return evaluationWeights!.byteCount - 4 * weight.count
  }
}

extension Linear: EvaluationQuantizable {
  func quantizedWeight() -> QuantizedWeights {
    QuantizedWeights(linearWeight: TensorData(weight.scalars, shape: weight.shape))
  }

  func forward(_ input: Tensor, weight: Tensor) throws -> Tensor {
    try input.linear(weight: weight, bias: bias)
  }

  func int8Forward(_ input: Tensor, _ x: QuantizedLinear.Input, weight: [Int8], scales: [Float]) throws
    -> Tensor
  {
    guard input.rank >= 1, input.shape[input.rank - 1] == inFeatures else {
      throw TensorError.invalidArgument(
        "linear: input shape \(input.shape) does not match weight shape \(self.weight.shape) (expected [..., \(inFeatures)])"
      )
    }
    let (k, n) = (inFeatures, outFeatures)
    let rows = TensorType(.f32, input.shape).rowCount
    var out = [Float](repeating: 0, count: rows * n)
    out.withUnsafeMutableBufferPointer { y in
      guard let ys = y.baseAddress else { return }
      (bias?.scalars).withOptionalPointer { b in
        QuantizedLinear.run(
          x, rows: rows, inFeatures: k, weight: weight, outFeatures: n, weightScales: scales, bias: b,
          relu: false,
          .float(ys))
      }
    }
    return Tensor(uncheckedShape: Array(input.shape.dropLast()) + [n], scalars: out)
  }
}

extension Conv2d: EvaluationQuantizable {
  func quantizedWeight() -> QuantizedWeights {
    QuantizedWeights(convolutionWeight: TensorData(weight.scalars, shape: weight.shape))
  }

  func forward(_ input: Tensor, weight: Tensor) throws -> Tensor {
    try input.conv2d(
      weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
  }

  func int8Forward(_ input: Tensor, _ x: QuantizedLinear.Input, weight: [Int8], scales: [Float]) throws
    -> Tensor
  {
    let geometry = Conv2DGeometry(
      batch: input.shape[0], inChannels: input.shape[1], height: input.shape[2], width: input.shape[3],
      outChannels: outChannels, groups: groups,
      window: Window2D(
        kernel: (kernelSize.height, kernelSize.width), stride: stride.tuple, padding: padding.tuple,
        dilation: dilation.tuple))
    if let problem = geometry.problem {
      throw TensorError.invalidArgument(
        "conv2d: \(problem) (input \(input.shape), weight \(self.weight.shape))")
    }
    var out = [Float](repeating: 0, count: ShapeMath.count(geometry.outputShape))
    out.withUnsafeMutableBufferPointer { y in
      guard let ys = y.baseAddress else { return }
      (bias?.scalars).withOptionalPointer { b in
        QuantizedConvolution.run(
          x, weight: weight, weightScales: scales, bias: b, relu: false, geometry: geometry, .float(ys))
      }
    }
    return Tensor(uncheckedShape: geometry.outputShape, scalars: out)
  }
}

extension Module {
  /// Quantizes every ``Linear`` and ``Conv2d`` layer for evaluation, TinyTorch style: in
  /// evaluation mode (``eval()``) the layers compute with the stored int8 or float16 weights (a
  /// convolution runs the int8 kernel of compiled `quantized_conv2d` layers); in training mode,
  /// and while tracing, they keep using (and training) their float32 weights, which are kept.
  /// Quantizing again replaces the stored weights with ones made from the current float32 weights.
  ///
  /// ```swift
  /// model.eval()
  /// print(model.quantizeForEvaluation(.int8Dynamic))   // 4 linear/conv2d layers quantized: … → …
  /// let accuracy = try trainer.evaluate(test).accuracy
  /// ```
  @discardableResult
  public func quantizeForEvaluation(_ mode: EvaluationQuantization) -> QuantizationReport {
    let before = namedTensors().reduce(0) { $0 + 4 * $1.1.count }
    let layers = modules().compactMap { $0 as? EvaluationQuantizable }
    let after = layers.reduce(before) { $0 + $1.storeEvaluationWeights(mode) }
    return QuantizationReport(layers: layers.count, bytesBefore: before, bytesAfter: after)
  }

  /// Quantizes every ``Linear`` and ``Conv2d`` layer to int8 for evaluation with *static*
  /// activation quantization: runs `samples` (`[N, …]`, the model's input with N samples) through
  /// the model in float32, in batches of `batchSize`, recording the values each layer receives and
  /// taking their range by `observer` (`TTIR.RangeObserver`, as `ttc --observer`: the smallest and
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
    let layers = modules().compactMap { $0 as? EvaluationQuantizable }
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
    for case let layer as EvaluationQuantizable in modules() { layer.evaluationWeights = nil }
  }
}

extension Optional where Wrapped == [Float] {
  fileprivate func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let values = self else { return body(nil) }
    return values.withUnsafeBufferPointer { body($0.baseAddress) }
  }
}
