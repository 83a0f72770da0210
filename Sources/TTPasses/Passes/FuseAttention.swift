import TTIR

/// Rewrites attention written out of small ops into one `scaled_dot_product_attention` node.
///
/// The pattern is the one the tracer records for eager attention (and importers produce):
/// `matmul(softmax(matmul(q·c, kᵀ·c′) + mask, axis: −1), v)`, where the scales `c`, `c′` are
/// optional multiplications or divisions by one-element constants, on `q`, on `kᵀ` or on the
/// scores (they multiply into the node's `scale`), and the additive mask is optional; `kᵀ` may be
/// a transpose that permutes more axes than the last two (then k is transposed first) or any
/// other value (then k is kᵀ with its last two axes swapped). The scores and weights must be read by nothing else. A mask
/// that is a constant holding exactly the causal pattern (0 where `j ≤ i + Sk − Sq`, −∞
/// elsewhere) becomes `causal: true` instead of an input. Scores are then never written to
/// memory. Then the head split and merge around an attention node fold into its `heads`
/// attribute (see ``headsRule``).
public struct FuseAttention: Pass {
  public static let name = "fuse-attention"
  public static let purpose =
    "Rewrites matmul(softmax(q·kᵀ·scale + mask), v) into scaled_dot_product_attention (a causal mask constant becomes causal) that reads and writes heads in place."

  /// The pass.
  public init() {}

  static let rule = RewriteRule("fuse-attention", root: .matmul) { id, editor in try fuse(id, &editor) }

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    try PatternRewriter([Self.rule, Self.headsRule]).fuse(&graph, context: &context)
  }

  /// Matches the attention pattern ending at the matmul `id` and replaces it.
  static func fuse(_ id: NodeID, _ editor: inout GraphEditor) throws -> Bool {
    let output = editor[id]
    guard isPlainMatmul(output), editor.isFloat32(id) else { return false }
    let (weights, v) = (output.inputs[0], output.inputs[1])
    guard let softmaxID = editor.producer(of: weights), editor.isPrivate(weights, to: id) else {
      return false
    }
    let softmax = editor[softmaxID]
    guard softmax.op == .softmax, let rank = editor.type(of: weights)?.rank,
      ShapeInference.normalizedAxis(softmax.int("axis") ?? -1, rank: rank) == rank - 1
    else { return false }

    // softmax input: scores, or scores + mask.
    var scores = softmax.inputs[0]
    var reader = softmaxID
    var mask: String?
    if let addID = editor.producer(of: scores), editor[addID].op == .add, editor.isPrivate(scores, to: reader)
    {
      let add = editor[addID]
      let sides = add.inputs.indices.filter { side in
        editor.isPrivate(add.inputs[side], to: addID) && scoreProduct(add.inputs[side], editor) != nil
      }
      guard let side = sides.first, editor.type(of: add.inputs[side]) == editor.type(of: scores) else {
        return false
      }
      mask = add.inputs[1 - side]
      (scores, reader) = (add.inputs[side], addID)
    }
    guard editor.isPrivate(scores, to: reader), let (product, scoresScale) = scoreProduct(scores, editor)
    else {
      return false
    }

    // The product q·kᵀ, with optional scales on q and on kᵀ (exporters scale both sides by
    // √scale): every scale folds into the attention's.
    let qk = editor[product]
    var (q, keyT, scale) = (qk.inputs[0], qk.inputs[1], scoresScale)
    if let (source, factor) = scaled(q, editor) { (q, scale) = (source, scale * factor) }
    if let (source, factor) = scaled(keyT, editor) { (keyT, scale) = (source, scale * factor) }
    guard [q, keyT, v].allSatisfy({ (editor.type(of: $0)?.rank ?? 0) >= 2 }),
      let k = try key(transposedAs: keyT, before: id, &editor)
    else { return false }

    var attributes: [String: AttributeValue] = ["scale": .float(Double(scale))]
    var inputs = [q, k, v]
    if let mask {
      if isCausalMask(mask, scores: editor.type(of: scores)!, editor) {
        attributes["causal"] = true
      } else {
        inputs.append(mask)
      }
    }
    let scope = output.name.lastIndex(of: "/").map { String(output.name[...$0]) } ?? ""
    let names = editor.freshNames(merging: [scope + "attention"], value: output.outputs[0])
    let attention = Node(
      name: names.node, op: .scaledDotProductAttention, inputs: inputs, outputs: [names.value],
      attributes: attributes)
    return try editor.replace(id, with: attention)
  }

  /// The key `k` whose last two axes transposed are `keyT`. When `keyT` is `transpose(x, perm)`,
  /// k is x transposed by `perm` with its last two entries swapped: x itself for the plain kᵀ,
  /// else a new transpose (when `simplify` merged a head split with kᵀ; the heads rule then folds
  /// that transpose into the attention node). Any other `keyT` (a reshape after the transpose, as
  /// the dynamo exporter writes a head split of kᵀ) gets a transpose of its last two axes.
  static func key(transposedAs keyT: String, before id: NodeID, _ editor: inout GraphEditor) throws -> String?
  {
    guard let rank = editor.type(of: keyT)?.rank else { return nil }
    var (source, perm) = (keyT, Array(0..<rank))
    if let transposeID = editor.producer(of: keyT), editor[transposeID].op == .transpose {
      guard let inner = editor[transposeID].ints("perm")?.map({ $0 < 0 ? $0 + rank : $0 }),
        inner.count == rank
      else { return nil }
      (source, perm) = (editor[transposeID].inputs[0], inner)
    }
    perm.swapAt(rank - 2, rank - 1)
    if perm == Array(0..<rank) { return source }
    var (nodeNames, valueNames) = (editor.nodeNames, editor.valueNames)
    let scope = editor.producer(of: keyT).map { editor[$0].name } ?? keyT
    let transpose = Node(
      name: nodeNames.fresh(scope + ".key"), op: .transpose, inputs: [source],
      outputs: [valueNames.fresh(source + ".key")], attributes: ["perm": .ints(perm)])
    try editor.insert(transpose, before: id)
    return transpose.outputs[0]
  }

  /// A matmul with no epilogue.
  static func isPlainMatmul(_ node: Node) -> Bool {
    node.op == .matmul && node.inputs.count == 2 && node.attributes["epilogue"] == nil
  }

  /// The matmul that computes `scores`, directly or scaled by a constant, with that scale.
  static func scoreProduct(_ scores: String, _ editor: GraphEditor) -> (NodeID, Float)? {
    var (value, scale): (String, Float) = (scores, 1)
    if let (source, factor) = scaled(scores, editor), let id = editor.producer(of: scores),
      editor.consumers(of: source) == [id], !editor.isGraphOutput(source)
    {
      (value, scale) = (source, factor)
    }
    guard let id = editor.producer(of: value), isPlainMatmul(editor[id]), editor.isFloat32(id) else {
      return nil
    }
    return (id, scale)
  }

  /// `(x, c)` when `value` is `x · c`, `c · x` or `x / c` for a one-element `f32` constant `c`
  /// (as `1/c` for a division), and the product has `x`'s type.
  static func scaled(_ value: String, _ editor: GraphEditor) -> (String, Float)? {
    guard let id = editor.producer(of: value) else { return nil }
    let node = editor[id]
    guard node.op == .mul || node.op == .div else { return nil }
    func constant(_ name: String) -> Float? {
      guard let data = editor.constant(name), data.type.dtype == .f32, data.type.elementCount == 1 else {
        return nil
      }
      return data.floats()[0]
    }
    for side in node.op == .mul ? [1, 0] : [1] {
      guard let c = constant(node.inputs[side]) else { continue }
      let x = node.inputs[1 - side]
      guard editor.type(of: x) == editor.type(of: value) else { continue }
      return (x, node.op == .mul ? c : 1 / c)
    }
    return nil
  }

  /// Whether `mask` is an `f32` constant of shape `[1, …, 1, Sq, Sk]` holding 0 exactly where the
  /// causal rule keeps a score (`j ≤ i + Sk − Sq`) and −∞ elsewhere.
  static func isCausalMask(_ mask: String, scores: TensorType, _ editor: GraphEditor) -> Bool {
    guard let data = editor.constant(mask), data.type.dtype == .f32, scores.rank >= 2 else { return false }
    let (sq, sk) = (scores.shape[scores.rank - 2], scores.shape[scores.rank - 1])
    let shape = data.type.shape
    guard shape.count >= 2, shape.suffix(2) == [sq, sk], shape.dropLast(2).allSatisfy({ $0 == 1 }) else {
      return false
    }
    let values = data.floats()
    for i in 0..<sq {
      for j in 0..<sk where values[i * sk + j] != (j <= i + sk - sq ? 0 : -.infinity) { return false }
    }
    return true
  }
}
