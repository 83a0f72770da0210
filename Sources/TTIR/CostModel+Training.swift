/// FLOPs of a training step's backward pass: the gradients of every node input that needs one.
///
/// A value needs a gradient when it is a trainable weight or a node computed it from a value that
/// needs one (graph inputs never do). Per input that needs a gradient, with the forward rules'
/// names:
/// - `linear`: the input `2·M·in·out` (g·Wᵀ), the weight `2·M·in·out` (xᵀ·g), the bias `M·out`
///   (a sum over rows);
/// - `matmul`: either operand `2·batch·m·n·k` (one product of the forward's size each);
/// - `conv2d`: the input and the weight `2·N·O·OH·OW·(C/groups)·kh·kw` each (the forward's
///   products), the bias `N·O·OH·OW`;
/// - every other op: the node's forward FLOPs per input (its derivative applied elementwise or
///   along the same reductions: an estimate, exact for unary elementwise ops such as `relu`).
extension CostModel {
  /// The backward FLOPs of `node` for the inputs marked in `needsGradient` (one flag per input).
  public static func backwardFLOPs(
    of node: Node, inputTypes: [TensorType], outputType: TensorType, needsGradient: [Bool]
  ) -> Int {
    let n = outputType.elementCount
    let perInput: [Int]
    let forward = { flops(of: node, inputTypes: inputTypes, outputType: outputType) }
    switch node.op.category {
    case .matrix where node.op == .linear:
      let rows = product(inputTypes[0].shape.dropLast())
      let products = product([2, rows, inputTypes[1].shape[0], inputTypes[1].shape[1]])
      perInput = [products, products, n]
    case .matrix where node.op == .matmul:
      let a = inputTypes[0].shape
      let products = product([2, n, a[a.count - 1]])
      perInput = [products, products]
    case .convolution:
      let w = inputTypes[1].shape
      let products = product([2, n, w[1], w[2], w[3]])
      perInput = [products, products, n]
    case .matrix, .unaryElementwise, .binaryElementwise, .selection, .pooling, .normalization, .reduction,
      .attention, .dataMovement, .conversion, .fusedElementwise, .quantized, .resampling:
      perInput = Array(repeating: forward(), count: inputTypes.count)
    }
    return sum(zip(perInput, needsGradient).map { $1 ? $0 : 0 })
  }
}

extension GraphAnalysis {
  /// The FLOPs of one training step's backward pass over `graph` (see
  /// ``CostModel/backwardFLOPs(of:inputTypes:outputType:needsGradient:)``), with the weights named
  /// in `trainable` as the parameters (all weights when nil).
  ///
  /// - Throws: ``GraphError`` if shape inference fails.
  public static func backwardFLOPs(of graph: Graph, trainable: Set<String>? = nil) throws(GraphError) -> Int {
    let types = try graph.valueTypes()
    var needsGradient = Set(graph.weights.keys.filter { trainable?.contains($0) ?? true })
    var total = 0
    for node in graph.nodes {
      let flags = node.inputs.map { needsGradient.contains($0) }
      guard flags.contains(true) else { continue }
      total = CostModel.sum([
        total,
        CostModel.backwardFLOPs(
          of: node, inputTypes: node.inputs.map { types[$0]! }, outputType: types[node.outputs[0]]!,
          needsGradient: flags),
      ])
      needsGradient.formUnion(node.outputs)
    }
    return total
  }
}
