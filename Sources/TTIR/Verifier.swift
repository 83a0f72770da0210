/// Checks that a ``Graph`` is well formed, so later stages can trust it.
///
/// In order: no name contains a NUL byte; every name is defined once (graph inputs, weights, node names, node outputs);
/// input and weight shapes are valid; every node reads only values defined before it (a read
/// of a later value is reported as a cycle when there is one, and as an ordering error
/// otherwise); every node matches its op's schema (arity, attributes) and passes shape and
/// dtype inference; every declared graph output exists with the declared type; the CSR weights
/// of every `sparse_linear` node are weights with valid contents (``CSRMatrix``).
/// The first problem found is thrown as a one-line ``GraphError``.
public enum Verifier {
  /// Verifies `graph`, throwing the first problem found.
  public static func verify(_ graph: Graph) throws(GraphError) {
    let definitions = try checkNames(graph)
    try checkOrder(graph, definitions: definitions)
    let types = try ShapeInference.valueTypes(of: graph)
    try checkOutputs(graph, types: types)
    try checkSparseWeights(graph, types: types)
    try checkQuantizedWeights(graph)
  }

  /// A `quantized_linear` or `quantized_conv2d` weight is a stored weight with values in
  /// −127...127: the int8 kernels rely on it (docs/IR.md).
  private static func checkQuantizedWeights(_ graph: Graph) throws(GraphError) {
    for node in graph.nodes where node.op.category == .quantized {
      guard let weight = graph.weights[node.inputs[1]] else {
        throw GraphError(
          node: node, "weight '\(node.inputs[1])' must be a stored weight, not a computed value")
      }
      if let index = weight.bytes.firstIndex(of: 0x80) {
        throw GraphError(
          node: node,
          "weight '\(node.inputs[1])' holds -128 at element \(index); int8 weights lie in -127...127")
      }
    }
  }

  /// Where a value name is defined.
  private enum Definition {
    case input
    case weight
    case node(Int)

    func describe(in graph: Graph) -> String {
      switch self {
      case .input: "graph input"
      case .weight: "weight"
      case .node(let index): "node '\(graph.nodes[index].name)'"
      }
    }
  }

  private static func checkNames(_ graph: Graph) throws(GraphError) -> [String: Definition] {
    func fail(_ message: String) -> GraphError { GraphError(graph: graph.name, message) }
    // Names reach compiled libraries as C strings, which end at the first NUL byte.
    let names = [graph.name] + graph.inputs.map(\.name) + graph.weights.keys + graph.outputs.map(\.name)
    for name in names + graph.nodes.flatMap({ [$0.name] + $0.outputs }) where name.utf8.contains(0) {
      throw fail("name '\(name)' contains a NUL byte")
    }
    var definitions: [String: Definition] = [:]
    for input in graph.inputs {
      guard !input.name.isEmpty else { throw fail("an input has an empty name") }
      guard definitions[input.name] == nil else {
        throw fail("input '\(input.name)' is listed twice")
      }
      guard input.type.checkedByteCount != nil else {
        throw fail("input '\(input.name)' has invalid shape \(input.type.shape)")
      }
      definitions[input.name] = .input
    }
    for name in graph.weights.keys.sorted() {
      guard !name.isEmpty else { throw fail("a weight has an empty name") }
      if let existing = definitions[name] {
        throw fail("weight '\(name)' is already defined by \(existing.describe(in: graph))")
      }
      definitions[name] = .weight
    }
    var nodeNames: Set<String> = []
    for (index, node) in graph.nodes.enumerated() {
      guard !node.name.isEmpty else { throw fail("node \(index) (\(node.op)) has an empty name") }
      guard nodeNames.insert(node.name).inserted else {
        throw GraphError(node: node, "node name '\(node.name)' is used by an earlier node")
      }
      for output in node.outputs {
        guard !output.isEmpty else { throw GraphError(node: node, "an output has an empty name") }
        if let existing = definitions[output] {
          throw GraphError(
            node: node, "output '\(output)' is already defined by \(existing.describe(in: graph))")
        }
        definitions[output] = .node(index)
      }
    }
    return definitions
  }

  private static func checkOrder(_ graph: Graph, definitions: [String: Definition])
    throws(GraphError)
  {
    for (index, node) in graph.nodes.enumerated() {
      for input in node.inputs {
        guard let definition = definitions[input] else {
          throw GraphError(
            node: node,
            "input '\(input)' is not defined (no graph input, weight or node output has this name)")
        }
        guard case .node(let producer) = definition, producer >= index else { continue }
        if let cycle = cycle(through: index, in: graph, definitions: definitions) {
          var names = (cycle + [index]).map { graph.nodes[$0].name }
          if names.count > 12 { names = names.prefix(6) + ["… (\(cycle.count) nodes)"] + names.suffix(6) }
          throw GraphError(node: node, "cycle: \(names.joined(separator: " → "))")
        }
        throw GraphError(
          node: node,
          "input '\(input)' is produced by later node '\(graph.nodes[producer].name)' (nodes must be in topological order)"
        )
      }
    }
  }

  /// A path of node indices from `start` back to `start` along data dependencies, if any.
  ///
  /// One depth-first search with an explicit stack (the stack is the current path) and a visited
  /// mark per node: linear time and memory in the size of the graph, and no recursion, so a
  /// 100,000-node chain cannot overflow the call stack.
  private static func cycle(through start: Int, in graph: Graph, definitions: [String: Definition])
    -> [Int]?
  {
    var visited = [Bool](repeating: false, count: graph.nodes.count)
    visited[start] = true
    var path: [(node: Int, nextInput: Int)] = [(start, 0)]
    while let (current, nextInput) = path.last {
      let inputs = graph.nodes[current].inputs
      guard nextInput < inputs.count else {
        path.removeLast()
        continue
      }
      path[path.count - 1].nextInput += 1
      guard case .node(let producer)? = definitions[inputs[nextInput]] else { continue }
      if producer == start { return path.map(\.node) }
      if !visited[producer] {
        visited[producer] = true
        path.append((producer, 0))
      }
    }
    return nil
  }

  private static func checkOutputs(_ graph: Graph, types: [String: TensorType]) throws(GraphError) {
    var seen: Set<String> = []
    for output in graph.outputs {
      guard seen.insert(output.name).inserted else {
        throw GraphError(graph: graph.name, "output '\(output.name)' is listed twice")
      }
      guard let type = types[output.name] else {
        throw GraphError(
          graph: graph.name, "output '\(output.name)' is not defined by any input, weight or node")
      }
      guard type == output.type else {
        throw GraphError(
          graph: graph.name,
          "output '\(output.name)' is declared \(output.type) but computed as \(type)")
      }
    }
  }

  /// The CSR inputs of `sparse_linear` nodes are weights (kernels index with them, so a
  /// computed value is not allowed) whose contents form a valid ``CSRMatrix`` (or
  /// ``SlicedSparseMatrix`` in layout `sliced`).
  private static func checkSparseWeights(_ graph: Graph, types: [String: TensorType])
    throws(GraphError)
  {
    for node in graph.nodes where node.op == .sparseLinear {
      let csr = node.inputs[1...3].map { graph.weights[$0] }
      guard let values = csr[0], let columns = csr[1], let rowPointers = csr[2] else {
        throw GraphError(node: node, "values, columns and row_pointers must be weights")
      }
      do {
        if node.string("layout") == "sliced" {
          _ = try SlicedSparseMatrix(
            values: values.floats(), columns: columns.int64s().map { Int8(truncatingIfNeeded: $0) },
            steps: rowPointers.int64s().map { Int32(truncatingIfNeeded: $0) },
            inFeatures: types[node.inputs[0]]!.shape.last!, outFeatures: node.int("out")!)
          continue
        }
        _ = try CSRMatrix(
          rowPointers: rowPointers.int64s().map { Int32(truncatingIfNeeded: $0) },
          columns: columns.int64s().map { Int32(truncatingIfNeeded: $0) }, values: values.floats(),
          columnCount: types[node.inputs[0]]!.shape.last!)
      } catch {
        throw GraphError(node: node, "sparse weight '\(node.inputs[1])': \(error)")
      }
    }
  }
}
