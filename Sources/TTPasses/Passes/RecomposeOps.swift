import TTIR

/// Rewrites softmax, layer norm, GELU and linear layers written out of small ops (as ONNX exporters
/// and hand-written models spell them) into the single ops `softmax`, `layer_norm`, `gelu` and
/// `linear`.
///
/// The forms (operands of `add`/`mul` in either order, products nested in any way, a division by
/// a constant read as a multiplication by its inverse; constants within 1e-5 relative of the
/// exact ones):
/// - softmax: `exp(x − reduce_max(x)) / reduce_sum(exp(…))` over one axis (both reductions with
///   `keepdims`), or `exp(x) / reduce_sum(exp(x))`;
/// - layer norm over the last axis: `d = x − reduce_mean(x)`, `d / sqrt(reduce_mean(d²) + eps)`
///   (`d²` as `pow(d, 2)` or `d · d`), then optionally `· gamma` and `+ beta` (`[C]` weights;
///   `beta` only after `gamma`);
/// - GELU: `0.5 · x · (1 + erf(x / √2))` (`approximate: none`) and
///   `0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))` (`approximate: tanh`; `x³` as
///   `pow(x, 3)` or `x · x · x`);
/// - linear: `matmul(x, w)` with `w` an `f32[in, out]` constant and `x` of rank 2 or more, or a
///   `linear` without bias, optionally `+ b` (`b` an `f32[out]` constant; importers write
///   `MatMul` + `Add` so): as `linear(x, w, b)`, the product takes the bias, residual and
///   activation epilogues of the GEMM kernels (the same arithmetic in the same order).
///
/// Every intermediate must be read only inside the pattern and have `x`'s type where the single
/// op's output has it. The single ops are numerically stable where the small ops are not, and
/// differ there: a softmax whose `exp(x)` overflows, or whose row is all `−∞` (NaN before, the
/// IR's zeros after).
public struct RecomposeOps: Pass {
  public static let name = "recompose-ops"
  public static let purpose =
    "Rewrites softmax, layer norm, GELU and x·W + b written out of small ops (as ONNX imports have them) into softmax, layer_norm, gelu and linear."

  /// The pass.
  public init() {}

  static let rules = [
    RewriteRule("recompose-softmax", root: .div) { id, editor in try softmax(id, &editor) },
    RewriteRule("recompose-layer-norm", root: .div) { id, editor in try layerNorm(id, &editor) },
    RewriteRule("recompose-gelu", root: .mul) { id, editor in try gelu(id, &editor) },
    RewriteRule("recompose-linear", root: .matmul) { id, editor in try linear(id, &editor) },
    RewriteRule("recompose-linear-bias", root: .linear) { id, editor in try linear(id, &editor) },
  ]

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    try PatternRewriter(Self.rules).fuse(&graph, context: &context)
  }

  // MARK: Softmax

  /// `div(exp(t), reduce_sum(exp(t)))` with `t = x − reduce_max(x)` or `t = x`.
  static func softmax(_ id: NodeID, _ editor: inout GraphEditor) throws -> Bool {
    var match = Match(root: id)
    let div = editor[id]
    guard let sumID = match.producer(of: div.inputs[1], .reduceSum, in: editor),
      let rank = editor.type(of: div.inputs[0])?.rank,
      let axis = singleAxis(of: sumID, rank: rank, editor), editor[sumID].inputs[0] == div.inputs[0],
      let expID = match.producer(of: div.inputs[0], .exp, in: editor)
    else { return false }
    var x = editor[expID].inputs[0]
    if let subID = match.producer(of: x, .sub, in: editor),
      let maxID = match.producer(of: editor[subID].inputs[1], .reduceMax, in: editor),
      editor[maxID].inputs[0] == editor[subID].inputs[0], singleAxis(of: maxID, rank: rank, editor) == axis
    {
      x = editor[subID].inputs[0]
    }
    return try match.replace(
      with: .softmax, inputs: [x], attributes: ["axis": .int(axis)], name: "softmax", in: &editor)
  }

  // MARK: Layer norm

  /// `(x − mean) / sqrt(mean((x − mean)²) + eps)` over the last axis, then `· gamma`, `+ beta`.
  static func layerNorm(_ id: NodeID, _ editor: inout GraphEditor) throws -> Bool {
    var match = Match(root: id)
    let div = editor[id]
    let d = div.inputs[0]
    guard let rank = editor.type(of: d)?.rank, let subID = match.producer(of: d, .sub, in: editor),
      let meanID = match.producer(of: editor[subID].inputs[1], .reduceMean, in: editor),
      editor[meanID].inputs[0] == editor[subID].inputs[0],
      singleAxis(of: meanID, rank: rank, editor) == rank - 1,
      let sqrtID = match.producer(of: div.inputs[1], .sqrt, in: editor),
      let addID = match.producer(of: editor[sqrtID].inputs[0], .add, in: editor)
    else { return false }
    let x = editor[subID].inputs[0]
    let add = editor[addID]
    guard let side = add.inputs.indices.first(where: { scalar(add.inputs[1 - $0], editor) != nil }),
      let eps = scalar(add.inputs[1 - side], editor), eps >= 0,
      let varianceID = match.producer(of: add.inputs[side], .reduceMean, in: editor),
      singleAxis(of: varianceID, rank: rank, editor) == rank - 1,
      let squareID = match.producer(of: editor[varianceID].inputs[0], .pow, .mul, in: editor)
    else { return false }
    let square = editor[squareID]
    let isSquare =
      square.op == .mul
      ? square.inputs == [d, d] : square.inputs[0] == d && scalar(square.inputs[1], editor) == 2
    guard isSquare, let channels = editor.type(of: x)?.shape.last else { return false }

    // The optional affine part: · gamma, then + beta, each a [C] f32 weight.
    var inputs = [x]
    for op in [Op.mul, .add] {
      guard let weight = match.extend(op, channels: channels, in: editor) else { break }
      inputs.append(weight)
    }
    return try match.replace(
      with: .layerNorm, inputs: inputs, attributes: ["eps": .float(Double(eps))], name: "layer_norm",
      in: &editor)
  }

  // MARK: GELU

  /// `0.5 · x · (1 + erf(x / √2))` or `0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))`.
  static func gelu(_ id: NodeID, _ editor: inout GraphEditor) throws -> Bool {
    var match = Match(root: id)
    let (half, factors) = match.factors(of: editor[id].outputs[0], in: editor)
    guard close(half, 0.5), factors.count == 2 else { return false }
    for (x, t) in [(factors[0], factors[1]), (factors[1], factors[0])] {
      var attempt = match
      guard let addID = attempt.producer(of: t, .add, in: editor) else { continue }
      let add = editor[addID]
      guard let side = add.inputs.indices.first(where: { scalar(add.inputs[$0], editor) == 1 }),
        let curveID = attempt.producer(of: add.inputs[1 - side], .erf, .tanh, in: editor)
      else { continue }
      let (c, argument) = attempt.factors(of: editor[curveID].inputs[0], in: editor)
      if editor[curveID].op == .erf {
        guard close(c, 1 / Float(2).squareRoot()), argument == [x] else { continue }
        return try attempt.replace(with: .gelu, inputs: [x], attributes: [:], name: "gelu", in: &editor)
      }
      guard close(c, (2 / Float.pi).squareRoot()), argument.count == 1,
        let sumID = attempt.producer(of: argument[0], .add, in: editor), editor[sumID].inputs.contains(x)
      else { continue }
      let sum = editor[sumID]
      let other = sum.inputs[0] == x ? sum.inputs[1] : sum.inputs[0]
      var (k, cube) = attempt.factors(of: other, in: editor)
      if cube.count == 1, let powID = attempt.producer(of: cube[0], .pow, in: editor),
        editor[powID].inputs[0] == x,
        scalar(editor[powID].inputs[1], editor) == 3
      {
        cube = [x, x, x]
      }
      guard close(k, 0.044715), cube == [x, x, x] else { continue }
      return try attempt.replace(
        with: .gelu, inputs: [x], attributes: ["approximate": "tanh"], name: "gelu", in: &editor)
    }
    return false
  }

  // MARK: Matching

  /// Whether `value` is within 1e-5 relative of `expected`.
  static func close(_ value: Float, _ expected: Float) -> Bool {
    abs(value - expected) <= 1e-5 * abs(expected)
  }

  /// The number a one-element `f32` weight holds.
  static func scalar(_ value: String, _ editor: GraphEditor) -> Float? {
    guard let data = editor.constant(value), data.type.dtype == .f32, data.type.elementCount == 1 else {
      return nil
    }
    return data.floats()[0]
  }

  /// The nodes a pattern covers so far, from its root (the node whose output the single op
  /// replaces) back towards its inputs.
  struct Match {
    var root: NodeID
    var nodes: Set<NodeID>

    init(root: NodeID) {
      self.root = root
      nodes = [root]
    }

    /// The node writing `value` when its op is one of `ops`; it joins the match.
    mutating func producer(of value: String, _ ops: Op..., in editor: GraphEditor) -> NodeID? {
      guard let id = editor.producer(of: value), ops.contains(editor[id].op), !editor.isGraphOutput(value)
      else { return nil }
      nodes.insert(id)
      return id
    }

    /// The constant factor and the other factors (in order) of `value`, looking through the
    /// products and divisions by constants inside the pattern; the nodes looked through join it.
    mutating func factors(of value: String, in editor: GraphEditor) -> (Float, [String]) {
      if let c = RecomposeOps.scalar(value, editor) { return (c, []) }
      guard let id = editor.producer(of: value), id == root || !editor.isGraphOutput(value) else {
        return (1, [value])
      }
      let node = editor[id]
      switch node.op {
      case .mul:
        nodes.insert(id)
        let (a, left) = factors(of: node.inputs[0], in: editor)
        let (b, right) = factors(of: node.inputs[1], in: editor)
        return (a * b, left + right)
      case .div:
        guard let c = RecomposeOps.scalar(node.inputs[1], editor) else { return (1, [value]) }
        nodes.insert(id)
        let (a, rest) = factors(of: node.inputs[0], in: editor)
        return (a / c, rest)
      default:
        return (1, [value])
      }
    }

    /// Extends the match past its root with `op(root's output, weight)` (either order) when that
    /// is the root output's only reader and the weight is an `f32[channels]` constant; returns
    /// the weight.
    mutating func extend(_ op: Op, channels: Int, in editor: GraphEditor) -> String? {
      let output = editor[root].outputs[0]
      guard !editor.isGraphOutput(output), editor.consumers(of: output).count == 1,
        let next = editor.consumers(of: output).first, editor[next].op == op
      else { return nil }
      let inputs = editor[next].inputs
      guard let weight = inputs.first(where: { $0 != output }), inputs.contains(output),
        let data = editor.constant(weight), data.type == TensorType(.f32, [channels])
      else { return nil }
      root = next
      nodes.insert(next)
      return weight
    }

    /// Replaces the root by one `op` node when every matched value is read only inside the match
    /// and the new node has the root's type.
    func replace(
      with op: Op, inputs: [String], attributes: [String: AttributeValue], name: String,
      in editor: inout GraphEditor
    ) throws -> Bool {
      for id in nodes where id != root {
        let output = editor[id].outputs[0]
        guard !editor.isGraphOutput(output), editor.consumers(of: output).allSatisfy(nodes.contains) else {
          return false
        }
      }
      let rootNode = editor[root]
      guard inputs.allSatisfy({ editor.type(of: $0)?.dtype == .f32 }), editor.isFloat32(rootNode) else {
        return false
      }
      let scope = rootNode.name.lastIndex(of: "/").map { String(rootNode.name[...$0]) } ?? ""
      let names = editor.freshNames(merging: [scope + name], value: rootNode.outputs[0])
      let node = Node(
        name: names.node, op: op, inputs: inputs, outputs: [names.value], attributes: attributes)
      return try editor.replace(root, with: node)
    }
  }

  // MARK: Linear

  /// `matmul(x, w)` with `w` an `f32[in, out]` constant, or a `linear` without bias or epilogue,
  /// with the addition of an `f32[out]` constant bias after it when nothing else reads the product
  /// (a `matmul` becomes a `linear` without it too).
  static func linear(_ id: NodeID, _ editor: inout GraphEditor) throws -> Bool {
    let product = editor[id]
    let isMatmul = FuseAttention.isPlainMatmul(product)
    guard isMatmul || (product.op == .linear && product.inputs.count == 2 && product.attributes.isEmpty),
      editor.isFloat32(id), let weight = editor.constant(product.inputs[1])?.type, weight.rank == 2,
      let x = editor.type(of: product.inputs[0]), x.rank >= 2
    else { return false }
    let output = product.outputs[0]
    var (inputs, replaced, merged) = (product.inputs, id, [product.name])
    if editor.consumers(of: output).count == 1, !editor.isGraphOutput(output),
      let addID = editor.consumers(of: output).first, editor[addID].op == .add,
      let bias = editor[addID].inputs.first(where: { $0 != output }),
      editor.constant(bias)?.type == TensorType(.f32, [weight.shape[1]])
    {
      (inputs, replaced, merged) = (inputs + [bias], addID, merged + [editor[addID].name])
    } else if !isMatmul {
      return false
    }
    let names = editor.freshNames(merging: merged, value: editor[replaced].outputs[0])
    return try editor.replace(
      replaced, with: Node(name: names.node, op: .linear, inputs: inputs, outputs: [names.value]))
  }

  /// The one axis (non-negative) the reduction `id` reduces, with `keepdims`.
  static func singleAxis(of id: NodeID, rank: Int, _ editor: GraphEditor) -> Int? {
    let node = editor[id]
    guard node.bool("keepdims") == true, let axes = node.ints("axes"), axes.count == 1 else { return nil }
    return ShapeInference.normalizedAxis(axes[0], rank: rank)
  }
}
