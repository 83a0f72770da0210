import TTIR

/// Assembles one ``TTIR/ElementwiseProgram`` out of several elementwise nodes, for the fusion
/// passes: each node's computation is appended with its inputs mapped to program inputs
/// (deduplicated), to results of earlier appended nodes, or to constants (one-element `f32`
/// weights that cannot change the broadcast shape).
struct ProgramAssembler {
  /// The instructions so far.
  private(set) var instructions: [ElementwiseProgram.Instruction] = []
  /// The value each program input `xN` reads.
  private(set) var inputs: [String] = []
  /// Values that already have an operand (results of appended nodes, reserved inputs).
  private var operands: [String: ElementwiseProgram.Operand] = [:]

  /// An assembler whose first inputs are `reserved` (an epilogue's product is `x0`).
  init(reserving reserved: [String] = []) {
    for value in reserved { _ = input(reserved: value) }
  }

  /// The program input reading `value`, added if new.
  private mutating func input(reserved value: String) -> ElementwiseProgram.Operand {
    if let operand = operands[value] { return operand }
    let operand = ElementwiseProgram.Operand.input(inputs.count)
    inputs.append(value)
    operands[value] = operand
    return operand
  }

  /// Makes `value` read as `operand` from now on (e.g. the product inside an epilogue).
  mutating func bind(_ value: String, to operand: ElementwiseProgram.Operand) { operands[value] = operand }

  /// Appends `program`, whose input `xN` reads `values[N]`; `outputRank` is the rank of the fused
  /// result (a one-element weight of at most that rank becomes a constant). Returns the operand
  /// of the program's result.
  mutating func append(
    _ program: ElementwiseProgram, reading values: [String], outputRank: Int, in editor: GraphEditor
  ) -> ElementwiseProgram.Operand {
    let mapped = values.map { value -> ElementwiseProgram.Operand in
      if let operand = operands[value] { return operand }
      if let data = editor.constant(value), data.type.dtype == .f32, data.type.elementCount == 1,
        data.type.rank <= outputRank
      {
        return .constant(data.floats()[0])
      }
      return input(reserved: value)
    }
    let base = instructions.count
    for instruction in program.instructions {
      let operands = instruction.operands.map { operand -> ElementwiseProgram.Operand in
        switch operand {
        case .input(let index): mapped[index]
        case .result(let index): .result(base + index)
        case .constant: operand
        }
      }
      instructions.append(.init(instruction.op, operands, attributes: instruction.attributes))
    }
    return .result(instructions.count - 1)
  }

  /// The assembled program, or nil when it is too long or invalid.
  var program: ElementwiseProgram? { try? ElementwiseProgram(instructions, inputCount: inputs.count) }
}

extension Op {
  /// The ops whose nodes have an ``Node/elementwiseComputation``: the roots the fusion passes'
  /// rules are indexed by.
  static let elementwiseRoots = allCases.filter { $0.isElementwise || $0 == .fusedElementwise }
}

extension Node {
  /// This node's computation as a program over its inputs, when it is elementwise (a unary or
  /// binary op, or `fused_elementwise`).
  var elementwiseComputation: ElementwiseProgram? {
    if op == .fusedElementwise { return try? program() }
    guard op.isElementwise else { return nil }
    let operands = inputs.indices.map { ElementwiseProgram.Operand.input($0) }
    return try? ElementwiseProgram([.init(op, operands, attributes: attributes)], inputCount: inputs.count)
  }
}

extension GraphEditor {
  /// Whether `value` is written by a node and read only by `reader` (not by the graph outputs),
  /// so the two nodes can become one.
  func isPrivate(_ value: String, to reader: NodeID) -> Bool {
    producer(of: value) != nil && !isGraphOutput(value) && consumers(of: value) == [reader]
  }

  /// Whether every input and output of node `id` is `f32`.
  func isFloat32(_ id: NodeID) -> Bool { isFloat32(self[id]) }

  /// Whether every input and output of `node` is `f32`.
  func isFloat32(_ node: Node) -> Bool {
    (node.inputs + node.outputs).allSatisfy { type(of: $0)?.dtype == .f32 }
  }

  /// Unused names for a node that replaces the nodes called `merged` (`fc1+act1`, or the last
  /// name alone when the joined one would exceed 64 characters) and for its output (from `value`).
  func freshNames(merging merged: [String], value: String) -> (node: String, value: String) {
    let joined = merged.joined(separator: "+")
    return (nodeNames.peek(joined.count <= 64 ? joined : merged.last ?? "fused"), valueNames.peek(value))
  }

  /// Inserts `node` before `id` and makes every reader of `id`'s output read `node`'s output
  /// instead, if `node` infers exactly that output's type; returns whether it did.
  mutating func replace(_ id: NodeID, with node: Node) throws -> Bool {
    let old = self[id].outputs[0]
    let inputTypes = node.inputs.compactMap { type(of: $0) }
    guard inputTypes.count == node.inputs.count,
      let inferred = try? ShapeInference.outputTypes(of: node, inputTypes: inputTypes),
      inferred == [type(of: old)]
    else { return false }
    try insert(node, before: id)
    guard replaceAllUses(of: old, with: node.outputs[0]) else {
      throw RewriteError("could not replace the uses of '\(old)'")
    }
    return true
  }
}

extension GraphEditor {
  /// Opens `graph` for a fusion pass and lets `rewrite` merge nodes in it; then removes the nodes
  /// and the weights the rewrites left unread (weights unread before stay, for
  /// `drop-unused-weights` to report) and counts the nodes merged away. Returns whether `rewrite`
  /// changed anything.
  static func fuse(
    _ graph: inout Graph, context: inout PassContext,
    _ rewrite: (inout GraphEditor, inout PassContext) throws -> Bool
  ) throws -> Bool {
    var editor = try GraphEditor(graph)
    let (nodesBefore, unreadBefore) = (
      editor.nodeCount, Set(editor.weights.keys.filter { !editor.isUsed($0) })
    )
    guard try rewrite(&editor, &context) else { return false }
    editor.removeDeadNodes()
    for name in editor.weights.keys.sorted() where !editor.isUsed(name) && !unreadBefore.contains(name) {
      editor.removeWeight(name)
    }
    context.nodesFused += nodesBefore - editor.nodeCount
    graph = editor.graph
    return true
  }
}

extension PatternRewriter {
  /// Applies the rules to `graph` for a fusion pass (``GraphEditor/fuse(_:context:_:)``).
  func fuse(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    try GraphEditor.fuse(&graph, context: &context) { editor, context in
      try apply(to: &editor, context: &context)
    }
  }
}
