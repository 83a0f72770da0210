/// Builds a ``Graph`` one value at a time, inferring types as it goes.
///
/// ```swift
/// var b = GraphBuilder(name: "mlp")
/// let x = b.input("x", .f32, [1, 64])
/// let w = b.weight("fc.weight", TensorData(weights, shape: [64, 10]))
/// let y = b.add(.softmax, [b.add(.linear, [x, w], name: "fc")], attributes: ["axis": -1])
/// b.output(y)
/// let graph = try b.build()
/// ```
///
/// Every method returns the name of the value it defines, so calls compose. Type errors are
/// remembered and thrown by ``build()``; ``unverifiedGraph`` returns the graph as is, which
/// lets tests build deliberately broken graphs.
public struct GraphBuilder: Sendable {
  private var graph: Graph
  private var types: [String: TensorType] = [:]
  private var firstError: GraphError?
  private var nodeNames = NameAllocator()

  /// Starts an empty graph called `name`.
  public init(name: String) {
    graph = Graph(name: name, inputs: [], outputs: [], nodes: [])
  }

  /// Declares a graph input and returns its name.
  @discardableResult
  public mutating func input(_ name: String, _ dtype: DType, _ shape: [Int]) -> String {
    graph.inputs.append(ValueInfo(name, dtype, shape))
    types[name] = TensorType(dtype, shape)
    return name
  }

  /// Adds a weight (constant tensor) and returns its name.
  @discardableResult
  public mutating func weight(_ name: String, _ data: TensorData) -> String {
    graph.weights[name] = data
    types[name] = data.type
    return name
  }

  /// Appends a node and returns the name of its output value.
  ///
  /// - Parameters:
  ///   - op: The operation.
  ///   - inputs: Names of the values it reads, in schema order.
  ///   - attributes: Attributes; omitted optional ones take their defaults.
  ///   - name: The node name; defaults to `<op>_<n>`, unique in the graph.
  ///   - output: The output value name; defaults to the node name.
  @discardableResult
  public mutating func add(
    _ op: Op, _ inputs: [String], attributes: [String: AttributeValue] = [:], name: String? = nil,
    output: String? = nil
  ) -> String {
    let nodeName = name ?? nodeNames.fresh("\(op.rawValue)_\(graph.nodes.count)")
    let outputName = output ?? nodeName
    let node = Node(
      name: nodeName, op: op, inputs: inputs, outputs: [outputName], attributes: attributes)
    graph.nodes.append(node)
    nodeNames.reserve(nodeName)
    let inputTypes = inputs.compactMap { types[$0] }
    guard inputTypes.count == inputs.count else {
      let missing = inputs.first { types[$0] == nil } ?? ""
      record(GraphError(node: node, "input '\(missing)' is not defined before this node"))
      return outputName
    }
    do {
      types[outputName] = try ShapeInference.outputTypes(of: node, inputTypes: inputTypes)[0]
    } catch {
      record(error)
    }
    return outputName
  }

  /// Declares `value` a graph output, with the type inferred for it.
  public mutating func output(_ value: String) {
    guard let type = types[value] else {
      record(GraphError(graph: graph.name, "output '\(value)' is not defined"))
      graph.outputs.append(ValueInfo(value, .f32, []))
      return
    }
    graph.outputs.append(ValueInfo(name: value, type: type))
  }

  /// Declares `value` a graph output with an explicit type (checked by ``build()``).
  public mutating func output(_ value: String, _ dtype: DType, _ shape: [Int]) {
    graph.outputs.append(ValueInfo(value, dtype, shape))
  }

  /// The type inferred so far for `value`, if any.
  public func type(of value: String) -> TensorType? { types[value] }

  /// The graph as built, not verified.
  public var unverifiedGraph: Graph { graph }

  /// The graph, after the first recorded error (if any) and a full ``Verifier`` run.
  public func build() throws(GraphError) -> Graph {
    if let firstError { throw firstError }
    try Verifier.verify(graph)
    return graph
  }

  private mutating func record(_ error: GraphError) {
    if firstError == nil { firstError = error }
  }
}
