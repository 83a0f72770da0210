import TTIR

/// Unstructured magnitude pruning of exported weights: zeroes the `sparsity` fraction of the
/// values of every `linear` and `conv2d` weight with the smallest magnitude, each weight ranked on
/// its own (``TTIR/PruningRanking``). Shapes do not change; `sparsify` then stores sparse
/// `linear` weights in CSR form.
public struct PruneMagnitude: Pass {
  public static let name = "prune-magnitude"
  public static let purpose =
    "Zeroes the smallest-magnitude fraction (sparsity) of every linear and conv2d weight."

  /// The fraction of each weight's values to zero, in `[0, 1)`.
  public var sparsity: Double

  /// A pass pruning each weight to `sparsity`.
  public init(sparsity: Double) { self.sparsity = sparsity }

  public var options: String { "sparsity=\(sparsity)" }

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    if let problem = PruningRanking.problem(with: sparsity, named: "sparsity") {
      throw GraphError(graph: graph.name, "prune-magnitude: \(problem)")
    }
    var changed = false
    var seen: Set<String> = []
    for node in graph.nodes where node.op == .linear || node.op == .conv2d {
      let name = node.inputs[1]
      guard seen.insert(name).inserted, let weight = graph.weights[name], weight.dtype == .f32 else {
        continue
      }
      var values = weight.floats()
      let pruned = PruningRanking.smallest(
        PruningRanking.prunedCount(sparsity, of: values.count), of: values.map(abs))
      let zeroed = pruned.filter { values[$0] != 0 }.count
      guard zeroed > 0 else { continue }
      for index in pruned { values[index] = 0 }
      graph.weights[name] = TensorData(values, shape: weight.shape)
      context.count("weights pruned")
      context.count("values zeroed", by: zeroed)
      changed = true
    }
    return changed
  }
}
