import TTIR

extension NameAllocator {
  /// An allocator with every name of `graph` taken (inputs, weights, nodes and their outputs),
  /// for the nodes and weights a quantization pass adds.
  init(takingNamesOf graph: Graph) {
    self.init(
      reserving: graph.inputs.map(\.name) + graph.weights.keys
        + graph.nodes.flatMap { [$0.name] + $0.outputs })
  }
}
