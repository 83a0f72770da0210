import TTIR

/// Stores sparse `linear` weights sparse: every `linear` whose weight is at least `threshold`
/// zeros becomes a `sparse_linear` reading the weight's CSR form (``TTIR/CSRMatrix``), which the
/// interpreter and the C backend run with a sparse × dense kernel. Exact (the same products,
/// summed in another order).
public struct Sparsify: Pass {
  public static let name = "sparsify"
  public static let purpose =
    "Turns each linear whose weight is at least threshold zeros into sparse_linear (CSR weights)."

  /// The fraction of zeros from which a weight is stored sparse, in `[0, 1]` (default 0.8: below
  /// that the dense kernel is as fast).
  public var threshold: Double

  /// A pass converting weights with at least `threshold` zeros.
  public init(threshold: Double = 0.8) { self.threshold = threshold }

  public var options: String { "threshold=\(threshold)" }

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    guard threshold >= 0, threshold <= 1 else {
      throw GraphError(graph: graph.name, "sparsify: threshold \(threshold) is outside [0, 1]")
    }
    var editor = try GraphEditor(graph)
    var changed = false
    for id in editor.nodeIDs where editor[id].op == .linear {
      let node = editor[id]
      guard let weight = editor.constant(node.inputs[1]), weight.dtype == .f32, weight.type.elementCount > 0
      else {
        continue
      }
      let values = weight.floats()
      let zeros = values.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
      guard Double(zeros) >= threshold * Double(values.count) else { continue }
      let csr = CSRMatrix(transposing: values, rows: weight.shape[0], columns: weight.shape[1])
      let base = node.inputs[1]
      let csrInputs = [
        editor.addWeight(TensorData(csr.values, shape: [csr.values.count]), named: "\(base).values"),
        editor.addWeight(
          TensorData(int32s: csr.columns, shape: [csr.columns.count]), named: "\(base).columns"),
        editor.addWeight(
          TensorData(int32s: csr.rowPointers, shape: [csr.rowPointers.count]), named: "\(base).row_pointers"),
      ]
      let sparse = Node(
        name: node.name, op: .sparseLinear, inputs: [node.inputs[0]] + csrInputs + node.inputs.dropFirst(2),
        outputs: node.outputs)
      try editor.insert(sparse, before: id)  // takes over the output before the old node goes
      editor.remove(id)
      if !editor.isUsed(base) { editor.removeWeight(base) }
      context.count("linear → sparse_linear")
      changed = true
    }
    guard changed else { return false }
    graph = editor.graph
    return true
  }
}
