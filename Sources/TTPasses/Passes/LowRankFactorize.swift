import TTIR

/// Low-rank factorization of `linear` weights by truncated SVD: `linear(x, W, b)` with `W [in,
/// out]` becomes `linear(linear(x, A), B, b)` with `A [in, r]` and `B [r, out]`
/// (``TTIR/LowRankFactors``), `r` the smallest rank keeping `energy` of `‖W‖_F²`. A layer is
/// rewritten only when the factors hold fewer values than `W` (`r · (in + out) < in · out`),
/// which also makes it cheaper to compute. Changes numerics: the dropped part has
/// `‖W − A·B‖_F² ≤ (1 − energy)‖W‖_F²`. The bias and any epilogue stay on the second product.
public struct LowRankFactorize: Pass {
  public static let name = "low-rank"
  public static let purpose =
    "Factors each linear weight into two thinner ones by truncated SVD (rank from an energy threshold) when that saves bytes."

  /// The fraction of each weight's squared Frobenius norm to keep, in `(0, 1]`.
  public var energy: Double

  /// A pass keeping `energy` of every weight.
  public init(energy: Double) { self.energy = energy }

  public var options: String { "energy=\(energy)" }

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    if let problem = LowRankFactors.problem(with: energy) {
      throw GraphError(graph: graph.name, "low-rank: \(problem)")
    }
    var editor = try GraphEditor(graph)
    // A weight read by several layers is factored once; nil marks one that is left alone.
    var factored: [String: (first: String, second: String)?] = [:]
    for id in editor.nodeIDs where editor[id].op == .linear {
      let node = editor[id]
      let weightName = node.inputs[1]
      if factored[weightName] == nil {
        factored[weightName] = factor(weightName, in: &editor, context: &context)
      }
      guard let names = factored[weightName] ?? nil else { continue }
      let fresh = editor.freshNames(merging: ["\(node.name).low_rank"], value: "\(node.outputs[0]).low_rank")
      let first = Node(
        name: fresh.node, op: .linear, inputs: [node.inputs[0], names.first], outputs: [fresh.value])
      try editor.insert(first, before: id)
      var inputs = node.inputs
      inputs[0] = fresh.value
      inputs[1] = names.second
      editor.setInputs(of: id, to: inputs)
      if !editor.isUsed(weightName) { editor.removeWeight(weightName) }
      context.count("linear → two linears")
    }
    guard factored.values.contains(where: { $0 != nil }) else { return false }
    graph = editor.graph
    return true
  }

  /// Adds the factors of weight `name` and returns their names, or nil when it is not an f32
  /// matrix or factoring would not save bytes.
  private func factor(_ name: String, in editor: inout GraphEditor, context: inout PassContext)
    -> (first: String, second: String)?
  {
    guard let weight = editor.constant(name), weight.dtype == .f32, weight.shape.count == 2,
      weight.type.elementCount > 0
    else { return nil }
    let (inFeatures, outFeatures) = (weight.shape[0], weight.shape[1])
    let factors = LowRankFactors(
      weight: weight.floats(), inFeatures: inFeatures, outFeatures: outFeatures, energy: energy)
    guard factors.savesBytes else {
      context.count("weights kept (no saving)")
      return nil
    }
    context.count("rank kept (sum)", by: factors.rank)
    context.count("full rank (sum)", by: min(inFeatures, outFeatures))
    return (
      editor.addWeight(
        TensorData(factors.first, shape: [inFeatures, factors.rank]), named: "\(name).low_rank_a"),
      editor.addWeight(
        TensorData(factors.second, shape: [factors.rank, outFeatures]), named: "\(name).low_rank_b")
    )
  }
}
