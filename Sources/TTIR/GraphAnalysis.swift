/// The cost of one node: FLOPs (see ``CostModel``) and the bytes an unfused execution moves.
public struct NodeCost: Hashable, Sendable {
  /// The node's name.
  public var name: String
  /// The node's op.
  public var op: Op
  /// The node's output type.
  public var outputType: TensorType
  /// Floating-point operations, multiply-add = 2.
  public var flops: Int
  /// The bytes of all inputs (each read once).
  public var bytesRead: Int
  /// The bytes of the output.
  public var bytesWritten: Int
}

/// Static costs of a graph: per-node FLOPs and traffic, parameters, and a liveness-based
/// estimate of peak intermediate memory.
///
/// Intermediates are the values nodes produce (graph outputs included; graph inputs and
/// weights excluded). One lives from the step of its producing node through the step of its
/// last reader (graph outputs to the end). At each step the live intermediates (including
/// the node's inputs and its new output) are summed; ``peakIntermediateBytes`` is the maximum.
/// This is what a planner that frees each buffer after its last use, without in-place reuse,
/// would need.
public struct GraphAnalysis: Sendable {
  /// One entry per node, in graph order.
  public var nodes: [NodeCost]
  /// The sum of all nodes' FLOPs.
  public var totalFLOPs: Int
  /// The number of weight elements.
  public var parameterCount: Int
  /// The number of weight bytes.
  public var parameterBytes: Int
  /// The bytes of intermediates live at each step (one entry per node).
  public var liveBytes: [Int]
  /// The largest entry of ``liveBytes`` (0 for a graph without nodes).
  public var peakIntermediateBytes: Int
  /// The index of the first node at which the peak is reached.
  public var peakNodeIndex: Int?

  /// Analyzes `graph`.
  ///
  /// - Throws: ``GraphError`` if shape inference fails.
  public init(_ graph: Graph) throws(GraphError) {
    let types = try graph.valueTypes()
    nodes = graph.nodes.map { node in
      let inputTypes = node.inputs.map { types[$0]! }
      let outputType = types[node.outputs[0]]!
      return NodeCost(
        name: node.name, op: node.op, outputType: outputType,
        flops: CostModel.flops(of: node, inputTypes: inputTypes, outputType: outputType),
        bytesRead: CostModel.sum(inputTypes.map(\.byteCount)),
        bytesWritten: CostModel.sum(node.outputs.map { types[$0]!.byteCount }))
    }
    totalFLOPs = CostModel.sum(nodes.map(\.flops))
    parameterCount = CostModel.sum(graph.weights.values.map(\.type.elementCount))
    parameterBytes = CostModel.sum(graph.weights.values.map(\.bytes.count))

    let lastUses = graph.lastUses()
    var freeAt = [Int](repeating: 0, count: graph.nodes.count + 1)  // bytes released after step i
    var live = 0
    liveBytes = []
    for (index, node) in graph.nodes.enumerated() {
      for output in node.outputs {
        let bytes = types[output]!.byteCount
        live += bytes
        freeAt[min(lastUses[output] ?? index, graph.nodes.count)] += bytes
      }
      liveBytes.append(live)
      live -= freeAt[index]
    }
    peakIntermediateBytes = liveBytes.max() ?? 0
    peakNodeIndex = liveBytes.firstIndex(of: peakIntermediateBytes)
  }
}

extension Graph {
  /// FLOPs, traffic, parameters and peak memory of this graph; see ``GraphAnalysis``.
  public func analysis() throws(GraphError) -> GraphAnalysis {
    try GraphAnalysis(self)
  }
}
