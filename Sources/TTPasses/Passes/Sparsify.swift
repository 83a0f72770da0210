import TTIR

/// Stores sparse `linear` weights sparse: every `linear` whose weight is at least `threshold`
/// zeros becomes a `sparse_linear`, which the interpreter and the C backend run with a sparse ×
/// dense kernel. Exact (the same products, summed in another order). A layer computing fewer than
/// `slicedBelowRows` rows (e.g. batch 1) stores the weight in the sliced layout
/// (``TTIR/SlicedSparseMatrix``: 16 outputs per register step, their inputs picked by register
/// permutes), more rows in CSR (``TTIR/CSRMatrix``: 16 rows per register step).
public struct Sparsify: Pass {
  public static let name = "sparsify"
  public static let purpose =
    "Turns each linear whose weight is at least threshold zeros into sparse_linear (sliced weights below 8 rows, else CSR)."

  /// The fraction of zeros from which a weight is stored sparse, in `[0, 1]` (default 0.8: below
  /// that the dense kernel is as fast).
  public var threshold: Double

  /// Layers with fewer rows than this use the sliced layout (0: CSR always). The default is 8 on
  /// x86-64, where the AVX-512 and AVX2 kernels pick a step's inputs with register permutes (2.8×
  /// and 1.1× faster than CSR at batch 1 on the 90% sparse 784-512-512-10 MLP), and 0 elsewhere
  /// (the portable kernel gathers lane by lane, slower than CSR).
  public var slicedBelowRows: Int

  /// The default of ``slicedBelowRows``.
  public static var defaultSlicedBelowRows: Int {
    #if arch(x86_64)
      8
    #else
      0
    #endif
  }

  /// A pass converting weights with at least `threshold` zeros.
  public init(threshold: Double = 0.8, slicedBelowRows: Int = Sparsify.defaultSlicedBelowRows) {
    self.threshold = threshold
    self.slicedBelowRows = slicedBelowRows
  }

  public var options: String { "threshold=\(threshold),sliced_below_rows=\(slicedBelowRows)" }

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
      let base = node.inputs[1]
      let (inFeatures, outFeatures) = (weight.shape[0], weight.shape[1])
      let rows = editor.type(of: node.inputs[0]).map(\.rowCount) ?? 0
      let sparseInputs: [String]
      var attributes: [String: AttributeValue] = [:]
      if rows < slicedBelowRows {
        let sliced = SlicedSparseMatrix(
          linearWeight: values, inFeatures: inFeatures, outFeatures: outFeatures)
        sparseInputs = [
          editor.addWeight(TensorData(sliced.values, shape: [sliced.values.count]), named: "\(base).values"),
          editor.addWeight(
            TensorData(int8s: sliced.columns, shape: [sliced.columns.count]), named: "\(base).columns"),
          editor.addWeight(
            TensorData(int32s: sliced.steps, shape: [sliced.steps.count]), named: "\(base).steps"),
        ]
        attributes = ["layout": "sliced", "out": .int(outFeatures)]
      } else {
        let csr = CSRMatrix(transposing: values, rows: inFeatures, columns: outFeatures)
        sparseInputs = [
          editor.addWeight(TensorData(csr.values, shape: [csr.values.count]), named: "\(base).values"),
          editor.addWeight(
            TensorData(int32s: csr.columns, shape: [csr.columns.count]), named: "\(base).columns"),
          editor.addWeight(
            TensorData(int32s: csr.rowPointers, shape: [csr.rowPointers.count]), named: "\(base).row_pointers"
          ),
        ]
      }
      let sparse = Node(
        name: node.name, op: .sparseLinear,
        inputs: [node.inputs[0]] + sparseInputs + node.inputs.dropFirst(2),
        outputs: node.outputs, attributes: attributes)
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
