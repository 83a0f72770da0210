import TTIR

extension Pass {
  /// `graph` rewritten by this pass alone, verified: a one-pass ``PassManager`` run.
  ///
  /// - Throws: ``PassError`` naming the pass (and the node, for an invalid result).
  public func applied(to graph: Graph, options: PassOptions = PassOptions()) throws(PassError) -> Graph {
    try PassManager(pipeline: Pipeline(name: "custom", passes: [self], options: options)).run(graph).graph
  }
}
