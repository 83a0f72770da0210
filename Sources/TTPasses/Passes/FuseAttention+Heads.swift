import TTIR

extension FuseAttention {
  /// Folds the head split and merge around an attention node into its `heads` attribute.
  ///
  /// Multi-head attention as traced or imported reshapes a projection `[..., S, H·D]` into
  /// `[..., S, H, D]` and transposes it to `[..., H, S, D]` (for a packed q/k/v projection,
  /// `[..., S, 3, H, D]` transposed and sliced), runs attention, then transposes the result back
  /// and merges it into `[..., Sq, H·Dv]`. Each of these copies the data. When every operand is
  /// such a strided view of a `[..., S, N]` value, the attention reads the heads in place
  /// (`heads: H`): an operand that is a column window of a `linear`'s output becomes a `linear`
  /// of the window's weight columns (exact: the same dot products), so nothing is copied. The
  /// output side must be the transpose and merge back, read by nothing else.
  static let headsRule = RewriteRule("fold-attention-heads", root: .scaledDotProductAttention) { id, editor in
    try foldHeads(id, &editor)
  }

  static func foldHeads(_ id: NodeID, _ editor: inout GraphEditor) throws -> Bool {
    let attention = editor[id]
    guard attention.attributes["heads"] == nil, editor.isFloat32(id),
      let outputType = editor.type(of: attention.outputs[0]), outputType.rank >= 3,
      let merged = headMerge(of: id, editor)
    else { return false }
    let rank = outputType.rank
    let batch = Array(outputType.shape.prefix(rank - 3))
    let heads = outputType.shape[rank - 3]
    // Every operand a head split of a [batch..., S, N] value, with the output's batch and heads.
    var windows: [(source: String, column: Int, width: Int)] = []
    for operand in attention.inputs.prefix(3) {
      guard let shape = editor.type(of: operand)?.shape, shape.count == rank,
        Array(shape.prefix(rank - 3)) == batch,
        shape[rank - 3] == heads, let window = headWindow(operand, shape: shape, editor)
      else { return false }
      windows.append(window)
    }
    // Nothing may read a windowed source but the views leading to this attention, or splitting
    // its `linear` would compute it twice.
    for window in windows where editor.type(of: window.source)?.shape.last != window.width {
      guard splittableLinear(window.source, editor) != nil, onlyFeeds(id, from: window.source, editor) else {
        return false
      }
    }

    var operands: [String] = []
    for (index, window) in windows.enumerated() {
      operands.append(try packedOperand(window, role: ["q", "k", "v"][index], before: id, &editor))
    }
    var attributes = attention.attributes
    attributes["heads"] = .int(heads)
    let names = editor.freshNames(merging: [attention.name], value: editor[merged].outputs[0])
    let packed = Node(
      name: names.node, op: .scaledDotProductAttention, inputs: operands + attention.inputs.dropFirst(3),
      outputs: [names.value], attributes: attributes)
    guard try editor.replace(merged, with: packed) else {
      throw RewriteError("attention '\(attention.name)' with packed heads has another output type")
    }
    return true
  }

  /// The node merging the heads of attention `id`'s output `[..., H, Sq, Dv]` back into
  /// `[..., Sq, H·Dv]` (a transpose of the head and position axes, then a reshape), when it is
  /// the output's only reader through that transpose.
  static func headMerge(of id: NodeID, _ editor: GraphEditor) -> NodeID? {
    let output = editor[id].outputs[0]
    guard let shape = editor.type(of: output)?.shape, !editor.isGraphOutput(output),
      editor.consumers(of: output).count == 1, let transposeID = editor.consumers(of: output).first,
      editor[transposeID].op == .transpose
    else { return nil }
    let rank = shape.count
    var swap = Array(0..<rank)
    swap.swapAt(rank - 3, rank - 2)
    let moved = editor[transposeID].outputs[0]
    guard editor[transposeID].ints("perm")?.map({ $0 < 0 ? $0 + rank : $0 }) == swap,
      !editor.isGraphOutput(moved),
      editor.consumers(of: moved).count == 1, let mergeID = editor.consumers(of: moved).first,
      [.reshape, .flatten].contains(editor[mergeID].op),
      editor.type(of: editor[mergeID].outputs[0])?.shape
        == Array(shape.prefix(rank - 3)) + [shape[rank - 2], shape[rank - 3] * shape[rank - 1]]
    else { return nil }
    return mergeID
  }

  /// `operand` (`[batch..., H, S, D]`) as columns `column ..< column + H·D` of a
  /// `[batch..., S, N]` value, head `h` being columns `column + h·D ..< column + (h+1)·D`.
  static func headWindow(_ operand: String, shape: [Int], _ editor: GraphEditor)
    -> (source: String, column: Int, width: Int)?
  {
    guard let view = editor.stridedView(of: operand), view.source != operand,
      let source = editor.type(of: view.source)?.shape, source.count == shape.count - 1
    else { return nil }
    let rank = shape.count
    let (heads, positions, size) = (shape[rank - 3], shape[rank - 2], shape[rank - 1])
    let width = source[rank - 2]
    let rows = StridedView.rowMajorStrides(source)
    // Axes of length 1 may have any stride.
    let expected = Array(rows.prefix(rank - 3)) + [size, width, 1]
    guard Array(source.prefix(rank - 2)) == Array(shape.prefix(rank - 3)) + [positions],
      zip(zip(view.strides, expected), shape).allSatisfy({ $0.0 == $0.1 || $1 == 1 }),
      view.offset >= 0, view.offset + heads * size <= width
    else { return nil }
    return (view.source, view.offset, heads * size)
  }

  /// The weight and optional bias of the `linear` writing `value`, when both are `f32` weights
  /// and it has no epilogue.
  static func splittableLinear(_ value: String, _ editor: GraphEditor) -> (
    weight: TensorData, bias: TensorData?
  )? {
    guard let id = editor.producer(of: value), editor[id].op == .linear,
      editor[id].attributes["epilogue"] == nil,
      editor[id].epilogueInputCount == 0, let weight = editor.constant(editor[id].inputs[1]),
      weight.type.dtype == .f32, weight.type.rank == 2
    else { return nil }
    let inputs = editor[id].ownInputs
    if inputs.count < 3 { return (weight, nil) }
    guard let bias = editor.constant(inputs[2]), bias.type.dtype == .f32 else { return nil }
    return (weight, bias)
  }

  /// Whether every reader of `source`, looking through data-movement ops (at most 64 nodes), is
  /// node `target`.
  static func onlyFeeds(_ target: NodeID, from source: String, _ editor: GraphEditor) -> Bool {
    var pending = [source]
    var seen = 0
    while let value = pending.popLast() {
      guard !editor.isGraphOutput(value) else { return false }
      for reader in editor.consumers(of: value) where reader != target {
        seen += 1
        guard seen <= 64, [.reshape, .flatten, .transpose, .slice].contains(editor[reader].op) else {
          return false
        }
        pending.append(editor[reader].outputs[0])
      }
    }
    return true
  }

  /// The `[batch..., S, H·D]` value for a window: the source itself when the window is all of
  /// it, else a new `linear` computing only the window's columns (inserted before `id`).
  static func packedOperand(
    _ window: (source: String, column: Int, width: Int), role: String, before id: NodeID,
    _ editor: inout GraphEditor
  ) throws -> String {
    guard editor.type(of: window.source)?.shape.last != window.width else { return window.source }
    let linearID = editor.producer(of: window.source)!
    let linear = editor[linearID]
    let (weight, bias) = splittableLinear(window.source, editor)!
    let (k, n) = (weight.type.shape[0], weight.type.shape[1])
    let columns = window.column..<window.column + window.width
    let values = weight.floats()
    let sliced = (0..<k).flatMap { row in values[row * n + columns.lowerBound..<row * n + columns.upperBound]
    }
    var inputs = [
      linear.inputs[0],
      editor.addWeight(TensorData(sliced, shape: [k, window.width]), named: "\(linear.inputs[1]).\(role)"),
    ]
    if let bias {
      let part = Array(bias.floats()[columns])
      inputs.append(
        editor.addWeight(TensorData(part, shape: [window.width]), named: "\(linear.inputs[2]).\(role)"))
    }
    var (nodeNames, valueNames) = (editor.nodeNames, editor.valueNames)
    let node = Node(
      name: nodeNames.fresh("\(linear.name).\(role)"), op: .linear, inputs: inputs,
      outputs: [valueNames.fresh("\(window.source).\(role)")])
    try editor.insert(node, before: id)
    return node.outputs[0]
  }
}
