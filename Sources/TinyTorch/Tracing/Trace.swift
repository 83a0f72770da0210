import TTIR

/// Why a forward pass could not be turned into a graph.
public struct TraceError: Error, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}

/// Records one forward pass of `model` on `example` and returns it as an IR graph with one
/// input `x` and one output `y`.
///
/// The model runs in evaluation mode (dropout off, batch norm on running statistics) and its
/// previous mode is restored afterwards. Parameters and buffers become weights named by their
/// module path (`fc1.weight`); any other tensor the pass reads becomes a constant weight
/// (`const.0`, …). Nodes are named after the module that ran them (`fc1`, `blocks.0.attention/matmul`).
///
/// Tracing records the path that the example input takes: Swift control flow that depends on
/// tensor *values* (e.g. `if x.item > 0`) is not captured, and the graph silently specializes to
/// the branch taken. Shapes are recorded for the example's batch size; reshapes and slices that
/// keep the batch axis are written so that the graph can be re-specialized to another batch size.
public func trace(_ model: Module, example: Tensor, name: String = "model") throws -> Graph {
  try model.withEvaluationMode {
    try trace(name: name, inputs: [("x", example)], outputNames: ["y"], model: model) { inputs in
      [try model(inputs[0])]
    }
  }
}

/// Records the tensor operations that `body` performs on `inputs` and returns them as a graph.
///
/// - Parameters:
///   - name: the graph's name.
///   - inputs: graph input names and example values.
///   - outputNames: names of the values `body` returns.
///   - model: when given, its parameters and buffers are named by module path and its submodules
///     name the nodes they run.
///   - body: computes the outputs from the input tensors.
public func trace(
  name: String, inputs: [(name: String, tensor: Tensor)], outputNames: [String], model: Module? = nil,
  _ body: ([Tensor]) throws -> [Tensor]
) throws -> Graph {
  let tracer = Tracer(root: model)
  let outputs = try withNoGrad {
    try Tracer.$current.withValue(tracer) { try body(inputs.map(\.tensor)) }
  }
  guard outputs.count == outputNames.count else {
    throw TraceError(
      "trace: the traced function returned \(outputs.count) tensors for \(outputNames.count) output names")
  }
  var graphBuilder = TraceGraphBuilder(
    name: name, records: tracer.records, parameters: model?.namedTensors() ?? [])
  return try graphBuilder.build(inputs: inputs, outputs: Array(zip(outputNames, outputs)))
}

/// Turns tracer records into a verified graph.
struct TraceGraphBuilder {
  let records: [Tracer.Record]
  var builder: GraphBuilder
  /// Value name of every tensor already in the graph.
  var valueNames: [ObjectIdentifier: String] = [:]
  /// Tensors whose leading axis is the batch axis of the inputs.
  var batchDependent: Set<ObjectIdentifier> = []
  var parameterNames: [ObjectIdentifier: String] = [:]
  var constantCount = 0
  var nodeNames = NameAllocator()

  init(name: String, records: [Tracer.Record], parameters: [(String, Tensor)]) {
    self.records = records
    builder = GraphBuilder(name: name)
    for (name, tensor) in parameters { parameterNames[ObjectIdentifier(tensor)] = name }
  }

  mutating func build(inputs: [(name: String, tensor: Tensor)], outputs: [(String, Tensor)]) throws -> Graph {
    for (name, tensor) in inputs {
      valueNames[ObjectIdentifier(tensor)] = builder.input(name, .f32, tensor.shape)
      batchDependent.insert(ObjectIdentifier(tensor))
    }
    let outputNameOf = Dictionary(
      outputs.map { (ObjectIdentifier($0.1), $0.0) }, uniquingKeysWith: { a, _ in a })
    // The op that kept each untraceable tensor out of the graph (an eager-only op, or an input
    // computed by one); an error only if an output needs it.
    var untraceable: [ObjectIdentifier: String] = [:]
    for record in records {
      let blocker = record.inputs.lazy.compactMap { untraceable[ObjectIdentifier($0)] }.first
      guard blocker == nil, let op = Op(rawValue: record.op.name) else {
        untraceable[ObjectIdentifier(record.output)] = blocker ?? record.op.name
        continue
      }
      let inputNames = record.inputs.map { value(for: $0) }
      let attributes = adjustedAttributes(record, op: op)
      let nodeName = uniqueNodeName(scope: record.scope, op: op)
      let outputName = outputNameOf[ObjectIdentifier(record.output)] ?? nodeName
      valueNames[ObjectIdentifier(record.output)] = builder.add(
        op, inputNames, attributes: attributes, name: nodeName, output: outputName)
      if isBatchDependent(record) { batchDependent.insert(ObjectIdentifier(record.output)) }
    }
    for (name, tensor) in outputs {
      if let op = untraceable[ObjectIdentifier(tensor)] {
        throw TraceError(
          "trace: operation '\(op)' has no graph IR equivalent (it is eager-only, e.g. a loss); "
            + "trace the model's forward pass only")
      }
      guard let value = valueNames[ObjectIdentifier(tensor)], value == name else {
        throw TraceError("trace: output '\(name)' was not computed by a traced operation from the inputs")
      }
      builder.output(value)
    }
    do {
      // Operations the outputs do not need are recorded too; the same dead-code elimination as
      // the `dce` pass drops them (and the constants only they read).
      var editor = try GraphEditor(try builder.build())
      editor.removeDeadNodes()
      editor.removeUnusedWeights()
      return editor.graph
    } catch {
      throw TraceError("trace: the recorded graph is invalid: \(error)")
    }
  }

  /// The graph value for `tensor`, adding it as a named parameter or a constant when it is new.
  mutating func value(for tensor: Tensor) -> String {
    let id = ObjectIdentifier(tensor)
    if let name = valueNames[id] { return name }
    let name: String
    if let parameter = parameterNames[id] {
      name = parameter
    } else {
      name = "const.\(constantCount)"
      constantCount += 1
    }
    valueNames[id] = builder.weight(name, TensorData(tensor.scalars, shape: tensor.shape))
    return name
  }

  func isBatchDependent(_ record: Tracer.Record) -> Bool {
    record.inputs.contains { batchDependent.contains(ObjectIdentifier($0)) }
      && !record.output.shape.isEmpty
  }

  /// Rewrites shape-carrying attributes so that a batch-dependent leading axis is not frozen:
  /// a reshape that keeps it writes `0` (copy), a slice over all of it ends at `Int32.max`.
  func adjustedAttributes(_ record: Tracer.Record, op: Op) -> [String: AttributeValue] {
    var attributes = record.op.attributes
    guard let input = record.inputs.first, batchDependent.contains(ObjectIdentifier(input)),
      let batch = input.shape.first
    else { return attributes }
    switch op {
    case .reshape:
      if case .ints(var shape)? = attributes["shape"], shape.first == batch {
        shape[0] = 0
        attributes["shape"] = .ints(shape)
      }
    case .slice:
      if case .ints(let starts)? = attributes["starts"], case .ints(var ends)? = attributes["ends"],
        case .ints(let steps)? = attributes["steps"], starts.first == 0, steps.first == 1, ends.first == batch
      {
        ends[0] = Int(Int32.max)
        attributes["ends"] = .ints(ends)
      }
    default: break
    }
    return attributes
  }

  mutating func uniqueNodeName(scope: String, op: Op) -> String {
    nodeNames.fresh(scope.isEmpty ? op.rawValue : "\(scope)/\(op.rawValue)")
  }
}
