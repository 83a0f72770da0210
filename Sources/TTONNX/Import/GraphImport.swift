import Foundation
import TTIR

/// One import of an ONNX graph: inputs, initializers, nodes in dependency order, outputs.
struct GraphImport {
  let graph: Onnx_GraphProto
  let opset: Int
  let options: ONNXImporter.Options
  let directory: URL?
  let name: String

  func run() throws(ONNXError) -> Graph {
    var reserved = Set(graph.input.map(\.name))
    for node in graph.node { reserved.formUnion(node.output) }
    reserved.formUnion(graph.initializer.map(\.name))
    let session = ImportSession(opset: opset, reserved: reserved)

    for initializer in graph.initializer {
      session.values[initializer.name] = .constant(
        try initializer.tensorData(directory: directory), name: initializer.name)
      session.recordElementType(initializer.dataType, of: initializer.name)
    }
    if !graph.sparseInitializer.isEmpty { throw ONNXError("sparse initializers are not supported") }
    var inputs: [ValueInfo] = []
    for input in graph.input where session.values[input.name] == nil {
      if case .tensorType(let tensor)? = input.type.value {
        session.recordElementType(tensor.elemType, of: input.name)
      }
      if let constant = options.constantInputs[input.name] {
        session.values[input.name] = .constant(constant, name: input.name)
        continue
      }
      let type = try inputType(input)
      session.addInput(input.name, type)
      inputs.append(ValueInfo(name: input.name, type: type))
    }

    let used = usedNames()
    for index in try dependencyOrder() {
      try convert(graph.node[index], session: session, used: used)
    }

    var outputs: [ValueInfo] = []
    var seen: Set<String> = []
    for output in graph.output {
      guard let value = session.values[output.name] else {
        throw ONNXError("graph output '\(output.name)' is not produced by any node, input or initializer")
      }
      var tensor = session.tensorName(value.named(output.name))
      if !session.isNodeOutput(tensor) || seen.contains(tensor) {
        let type = session.type(of: value)
        let copy = session.outputName(output.name)
        do {
          tensor = try session.emit(
            .reshape, [tensor], ["shape": .ints(type.shape)], output: copy, nodeName: copy)
        } catch {
          throw ONNXError("graph output '\(output.name)': \(error.message)")
        }
      }
      seen.insert(tensor)
      outputs.append(ValueInfo(name: tensor, type: session.types[tensor]!))
    }
    let result = Graph(
      name: name, inputs: inputs, outputs: outputs, nodes: session.nodes, weights: session.weights)
    do {
      try result.verify()
    } catch {
      throw ONNXError("the imported graph does not verify (an importer bug): \(error)")
    }
    return result
  }

  /// The static type of a graph input, with dynamic dimensions bound by the options.
  private func inputType(_ input: Onnx_ValueInfoProto) throws(ONNXError) -> TensorType {
    guard case .tensorType(let tensor)? = input.type.value else {
      throw ONNXError("input '\(input.name)': only tensor inputs are supported")
    }
    guard let dtype = ONNXDataType.storedDType(tensor.elemType) else {
      throw ONNXError(
        "input '\(input.name)': element type \(ONNXDataType.name(tensor.elemType)) is not supported "
          + "(\(ONNXDataType.storedNames))")
    }
    let dims = tensor.shape.dim
    if let given = options.inputShapes[input.name] {
      guard given.count == dims.count, given.allSatisfy({ $0 >= 0 }) else {
        throw ONNXError(
          "input '\(input.name)': --input-shape gives rank \(given.count), the model has rank \(dims.count)")
      }
      for (axis, dim) in dims.enumerated() {
        if case .dimValue(let fixed)? = dim.value, fixed != given[axis] {
          throw ONNXError(
            "input '\(input.name)': dimension \(axis) is \(fixed) in the model, \(given[axis]) given")
        }
      }
      return TensorType(dtype, given)
    }
    var shape: [Int] = []
    for (axis, dim) in dims.enumerated() {
      switch dim.value {
      case .dimValue(let fixed) where fixed >= 0:
        shape.append(Int(fixed))
      default:
        if axis == 0, let batch = options.batchSize {
          shape.append(batch)
          continue
        }
        let symbol = dim.dimParam.isEmpty ? "" : " ('\(dim.dimParam)')"
        throw ONNXError(
          "input '\(input.name)': dimension \(axis)\(symbol) is dynamic; bind it with "
            + (axis == 0 ? "--batch N or " : "") + "--input-shape \(input.name)=d0,d1,...")
      }
    }
    guard TensorType(dtype, shape).checkedByteCount != nil else {
      throw ONNXError("input '\(input.name)': shape \(shape) is too large")
    }
    return TensorType(dtype, shape)
  }

  /// Every value name a node or the graph's outputs read.
  private func usedNames() -> Set<String> {
    var used = Set(graph.output.map(\.name))
    for node in graph.node { used.formUnion(node.input) }
    return used
  }

  /// Node indices with every node after the nodes it reads from (the file's order when it is
  /// already topological). Linear in nodes plus edges.
  ///
  /// - Throws: for a name defined twice, an input nothing defines, or a cycle.
  private func dependencyOrder() throws(ONNXError) -> [Int] {
    var producer: [String: Int] = [:]
    var available = Set(graph.input.map(\.name)).union(graph.initializer.map(\.name))
    available.formUnion(options.constantInputs.keys)
    for (index, node) in graph.node.enumerated() {
      for output in node.output where !output.isEmpty {
        guard producer[output] == nil, !available.contains(output) else {
          throw ONNXError("\(describe(node, index)): output '\(output)' is defined twice")
        }
        producer[output] = index
      }
    }
    var waiting = Array(repeating: 0, count: graph.node.count)
    var consumers: [[Int]] = Array(repeating: [], count: graph.node.count)
    for (index, node) in graph.node.enumerated() {
      for input in Set(node.input) where !input.isEmpty && !available.contains(input) {
        guard let source = producer[input] else {
          throw ONNXError(
            "\(describe(node, index)): input '\(input)' is not defined by any node, graph input or initializer"
          )
        }
        waiting[index] += 1
        consumers[source].append(index)
      }
    }
    var order: [Int] = []
    var ready = (0..<graph.node.count).filter { waiting[$0] == 0 }.reversed() as [Int]
    while let index = ready.popLast() {
      order.append(index)
      for consumer in consumers[index].reversed() {
        waiting[consumer] -= 1
        if waiting[consumer] == 0 { ready.append(consumer) }
      }
    }
    if let stuck = waiting.indices.first(where: { waiting[$0] > 0 }) {
      throw ONNXError("\(describe(graph.node[stuck], stuck)): the graph has a cycle through this node")
    }
    return order
  }

  private func describe(_ node: Onnx_NodeProto, _ index: Int) -> String {
    let label = node.name.isEmpty ? (node.output.first ?? "#\(index)") : node.name
    return "node '\(label)' (\(node.opType))"
  }

  /// Converts one node and records its outputs (named after the ONNX outputs).
  private func convert(_ node: Onnx_NodeProto, session: ImportSession, used: Set<String>) throws(ONNXError) {
    let label = node.name.isEmpty ? (node.output.first { !$0.isEmpty } ?? node.opType) : node.name
    let context = NodeContext(session: session, node: node, name: label, directory: directory)
    guard node.domain.isEmpty || node.domain == "ai.onnx" else {
      throw ONNXError(
        "node '\(label)' (\(node.opType)): domain '\(node.domain)' is not supported (only the default ai.onnx domain)"
      )
    }
    guard let converter = Converters.all[node.opType] else {
      throw context.fail(
        "op \(node.opType) is not supported; supported ops: \(ONNXImporter.supportedOps.joined(separator: ", "))"
      )
    }
    if let unknown = node.attribute.map(\.name).first(where: { !converter.attributes.contains($0) }) {
      throw context.fail("attribute '\(unknown)' is not supported")
    }
    let start = session.nodeCount
    let results = try converter.convert(context)
    for (index, output) in node.output.enumerated() where !output.isEmpty {
      guard index < results.count else {
        if used.contains(output) { throw context.fail("output \(index) ('\(output)') is not supported") }
        continue
      }
      var value = results[index]
      if case .tensor(let tensor) = value, session.isNodeOutput(tensor) {
        let renamed = session.rename(tensor, to: output, since: start)
        if renamed == output,
          let definer = session.nodes[start...].lastIndex(where: { $0.outputs == [output] })
        {
          session.renameNode(at: definer, to: index == 0 ? label : output)
        }
        value = .tensor(renamed)
      }
      session.values[output] = value.named(output)
    }
  }
}
