import TTIR

/// Static-quantization calibration: runs sample inputs through the interpreter and records the
/// range of every f32 value (the graph input and every node output).
///
/// ```swift
/// let samples = try NumpyFile(contentsOf: url)          // [N, features...], float32
/// let ranges = try Calibration.ranges(of: graph, samples: samples, observer: .minMax)
/// let quantized = try Int8Quantizer.quantize(graph, ranges: ranges)   // TTPasses
/// ```
public enum Calibration {
  /// The range of every f32 value of `graph`, a model with one input, over `samples`.
  ///
  /// - Parameter samples: float32 array `[N, …]`, N ≥ 1, whose trailing dimensions match the
  ///   graph's input without its batch dimension.
  /// - Throws: ``InterpreterError`` for a graph with more than one input, and whatever
  ///   ``ranges(of:inputs:observer:)`` throws.
  public static func ranges(of graph: Graph, samples: NumpyFile, observer: CalibrationObserver)
    throws(InterpreterError)
    -> [String: ClosedRange<Float>]
  {
    guard graph.inputs.count == 1, let input = graph.inputs.first else {
      throw InterpreterError(
        "\(graph.name): calibration samples without an input name need a model with exactly one input, this one has \(graph.inputs.count)"
      )
    }
    return try ranges(of: graph, inputs: [input.name: [samples]], observer: observer)
  }

  /// The range of every f32 value of `graph` over samples of each of its inputs.
  ///
  /// - Parameter inputs: for every graph input (by name), one or more float32 arrays `[N_i, …]`
  ///   (e.g. one per file) whose trailing dimensions match the input without its batch
  ///   dimension. They are concatenated along the first dimension; every input must get the same
  ///   number of samples N ≥ 1 (sample i of each input together form one model input). They run
  ///   in batches of the graph's batch size; the last batch is filled up with samples from the
  ///   start, so a percentile may count a few samples twice.
  /// - Throws: ``InterpreterError`` for an input without samples (or samples for a name that is
  ///   no input), samples that are empty, not float32 or whose shape does not fit, different
  ///   sample counts, and anything running the graph throws.
  public static func ranges(
    of graph: Graph, inputs samples: [String: [NumpyFile]], observer: CalibrationObserver
  ) throws(InterpreterError) -> [String: ClosedRange<Float>] {
    let names = graph.inputs.map(\.name)
    let batch = Swift.max(graph.inputs.first?.type.shape.first ?? 1, 1)
    if let other = graph.inputs.first(where: { Swift.max($0.type.shape.first ?? 1, 1) != batch }) {
      throw InterpreterError(
        input: other.name, "calibration needs every input to have the batch size \(batch) of '\(names[0])'")
    }
    for name in samples.keys.sorted() where !names.contains(name) {
      throw InterpreterError(
        "\(graph.name): calibration samples for '\(name)', which is not an input (inputs: \(names.joined(separator: ", ")))"
      )
    }
    var columns: [(input: ValueInfo, values: [Float])] = []
    var count: Int?
    for input in graph.inputs {
      guard let files = samples[input.name], !files.isEmpty else {
        throw InterpreterError(input: input.name, "no calibration samples for this input")
      }
      let sampleShape = Array(input.type.shape.dropFirst())
      var values: [Float] = []
      var rows = 0
      for (index, file) in files.enumerated() {
        let which = files.count > 1 ? " (array \(index + 1) of \(files.count))" : ""
        guard case .float32(let elements) = file.elements else {
          throw InterpreterError(
            input: input.name,
            "calibration samples\(which) must be float32 (<f4), got \(file.elements.descriptor)")
        }
        guard input.type.dtype == .f32, file.shape.count == input.type.rank,
          Array(file.shape.dropFirst()) == sampleShape
        else {
          throw InterpreterError(
            input: input.name,
            "calibration samples\(which) have shape \(file.shape), but the input \(input.type) needs [N, \(sampleShape.map(String.init).joined(separator: ", "))]"
          )
        }
        values += elements
        rows += file.shape[0]
      }
      guard rows > 0 else {
        throw InterpreterError(input: input.name, "calibration samples are empty (N = 0)")
      }
      if let count, count != rows {
        throw InterpreterError(
          input: input.name, "has \(rows) calibration samples, but '\(columns[0].input.name)' has \(count)")
      }
      count = rows
      columns.append((input, values))
    }

    var observed = graph
    let observedValues = names + graph.nodes.flatMap(\.outputs)
    let types: [String: TensorType]
    do { types = try graph.valueTypes() } catch { throw InterpreterError(error) }
    observed.outputs = observedValues.filter { types[$0]?.dtype == .f32 }.map {
      ValueInfo(name: $0, type: types[$0]!)
    }

    // Batches of the graph's own batch size; the last one is filled up with samples from the
    // start (repeats change no minimum or maximum).
    var recorders: [String: RangeObserver] = [:]
    let total = count ?? 0
    let interpreter = try Interpreter(graph: observed)
    for start in stride(from: 0, to: total, by: batch) {
      let indices = (start..<start + batch).map { $0 % total }
      var feeds: [String: InterpreterTensor] = [:]
      for (input, values) in columns {
        let perSample = input.type.shape.dropFirst().reduce(1, *)
        let chunk = indices.flatMap { values[$0 * perSample..<($0 + 1) * perSample] }
        feeds[input.name] = InterpreterTensor(chunk, shape: input.type.shape)
      }
      let results = try interpreter.run(feeds)
      for (name, tensor) in results {
        recorders[name, default: RangeObserver(observer)].record(tensor.floats())
      }
    }
    return recorders.mapValues { $0.range }
  }
}
