import TTIR

/// How an activation's range is taken from the values it had over the calibration samples.
public enum CalibrationObserver: Hashable, Sendable {
  /// The smallest and largest value seen.
  case minMax
  /// The values at `100 − p` and `p` percent (e.g. 99.99): outliers are clipped so the int8 steps
  /// stay fine where most values are.
  case percentile(Double)
}

/// Static-quantization calibration: runs sample inputs through the interpreter and records the
/// range of every f32 value (the graph input and every node output).
///
/// ```swift
/// let samples = try NumpyFile(contentsOf: url)          // [N, features...], float32
/// let ranges = try Calibration.ranges(of: graph, samples: samples, observer: .minMax)
/// let quantized = try Int8Quantizer.quantize(graph, ranges: ranges)   // TTPasses
/// ```
public enum Calibration {
  /// The range of every f32 value of `graph` over `samples`.
  ///
  /// - Parameter samples: float32 array `[N, …]`, N ≥ 1, whose trailing dimensions match the
  ///   graph's single input without its batch dimension. They run in batches of the graph's
  ///   batch size; the last batch is filled up with samples from the start, so a percentile may
  ///   count a few samples twice.
  /// - Throws: ``InterpreterError`` for a graph with more than one input, empty samples, samples
  ///   that are not float32 or whose shape does not fit, and anything running the graph throws.
  public static func ranges(of graph: Graph, samples: NumpyFile, observer: CalibrationObserver)
    throws(InterpreterError)
    -> [String: ClosedRange<Float>]
  {
    guard graph.inputs.count == 1, let input = graph.inputs.first else {
      throw InterpreterError(
        "\(graph.name): calibration needs a model with exactly one input, this one has \(graph.inputs.count)")
    }
    guard case .float32(let values) = samples.elements else {
      throw InterpreterError(
        input: input.name, "calibration samples must be float32 (<f4), got \(samples.elements.descriptor)")
    }
    let sampleShape = Array(input.type.shape.dropFirst())
    guard input.type.dtype == .f32, samples.shape.count == input.type.rank,
      Array(samples.shape.dropFirst()) == sampleShape
    else {
      throw InterpreterError(
        input: input.name,
        "calibration samples have shape \(samples.shape), but the input \(input.type) needs [N, \(sampleShape.map(String.init).joined(separator: ", "))]"
      )
    }
    let count = samples.shape[0]
    guard count > 0 else {
      throw InterpreterError(input: input.name, "calibration samples are empty (N = 0)")
    }

    var observed = graph
    let observedValues = [input.name] + graph.nodes.flatMap(\.outputs)
    let types: [String: TensorType]
    do { types = try graph.valueTypes() } catch { throw InterpreterError(error) }
    observed.outputs = observedValues.filter { types[$0]?.dtype == .f32 }.map {
      ValueInfo(name: $0, type: types[$0]!)
    }

    // Batches of the graph's own batch size; the last one is filled up with samples from the
    // start (repeats change no minimum or maximum).
    var recorders: [String: Recorder] = [:]
    let perSample = sampleShape.reduce(1, *)
    let batch = Swift.max(input.type.shape.first ?? 1, 1)
    let interpreter = try Interpreter(graph: observed)
    for start in stride(from: 0, to: count, by: batch) {
      let indices = (start..<start + batch).map { $0 % count }
      let chunk = indices.flatMap { values[$0 * perSample..<($0 + 1) * perSample] }
      let results = try interpreter.run([input.name: InterpreterTensor(chunk, shape: input.type.shape)])
      for (name, tensor) in results { recorders[name, default: Recorder(observer)].record(tensor.floats()) }
    }
    return recorders.mapValues { $0.range }
  }

  /// Accumulates one value's observations.
  struct Recorder {
    let observer: CalibrationObserver
    var low = Float.infinity
    var high = -Float.infinity
    var all: [Float] = []

    init(_ observer: CalibrationObserver) { self.observer = observer }

    mutating func record(_ values: [Float]) {
      let finite = values.filter(\.isFinite)
      switch observer {
      case .minMax:
        low = Swift.min(low, finite.min() ?? low)
        high = Swift.max(high, finite.max() ?? high)
      case .percentile:
        all += finite
      }
    }

    var range: ClosedRange<Float> {
      switch observer {
      case .minMax:
        return low <= high ? low...high : 0...0
      case .percentile(let percent):
        guard !all.isEmpty else { return 0...0 }
        let sorted = all.sorted()
        let fraction = Swift.min(Swift.max(percent / 100, 0.5), 1)
        let upper = Int((Double(sorted.count - 1) * fraction).rounded())
        let lower = sorted.count - 1 - upper
        return sorted[lower]...sorted[upper]
      }
    }
  }
}
