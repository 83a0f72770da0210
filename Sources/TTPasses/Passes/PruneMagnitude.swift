import TTIR

/// Unstructured magnitude pruning of exported weights: zeroes the `sparsity` fraction of the
/// values of the `linear` and `conv2d` weights with the smallest magnitude, each weight ranked on
/// its own (scope `layer`) or all of them together (scope `global`, like eager
/// `Pruning.globalMagnitude`; ``TTIR/PruningRanking``). Shapes do not change; `sparsify` then
/// stores sparse `linear` weights in CSR form.
public struct PruneMagnitude: Pass {
  public static let name = "prune-magnitude"
  public static let purpose =
    "Zeroes the smallest-magnitude fraction (sparsity) of every linear and conv2d weight."

  /// The fraction of the values to zero (of each weight, or of all of them), in `[0, 1)`.
  public var sparsity: Double
  /// Whether each weight is ranked on its own or all together.
  public var scope: PruningScope

  /// A pass pruning the weights to `sparsity`, each on its own (`.layer`) or together (`.global`).
  public init(sparsity: Double, scope: PruningScope = .layer) {
    self.sparsity = sparsity
    self.scope = scope
  }

  public var options: String { "sparsity=\(sparsity),scope=\(scope.rawValue)" }

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    if let problem = PruningRanking.problem(with: sparsity, named: "sparsity") {
      throw GraphError(graph: graph.name, "prune-magnitude: \(problem)")
    }
    // The f32 weights of linear and conv2d layers, each once, in node order.
    var names: [String] = []
    var seen: Set<String> = []
    for node in graph.nodes where node.op == .linear || node.op == .conv2d {
      let name = node.inputs[1]
      if graph.weights[name]?.dtype == .f32, seen.insert(name).inserted { names.append(name) }
    }
    let values = names.map { graph.weights[$0]!.floats() }
    let magnitudes = values.map { $0.map(abs) }
    let pruned: [[Int]]
    switch scope {
    case .layer:
      pruned = magnitudes.map {
        PruningRanking.smallest(PruningRanking.prunedCount(sparsity, of: $0.count), of: $0)
      }
    case .global:
      let count = PruningRanking.prunedCount(sparsity, of: magnitudes.reduce(0) { $0 + $1.count })
      pruned = PruningRanking.smallest(count, acrossGroups: magnitudes)
    }
    var changed = false
    for (index, name) in names.enumerated() {
      var weight = values[index]
      let zeroed = pruned[index].filter { weight[$0] != 0 }.count
      guard zeroed > 0 else { continue }
      for position in pruned[index] { weight[position] = 0 }
      graph.weights[name] = TensorData(weight, shape: graph.weights[name]!.shape)
      context.count("weights pruned")
      context.count("values zeroed", by: zeroed)
      changed = true
    }
    return changed
  }
}
