import TTIR

/// Fuses chains of elementwise ops into `fused_elementwise` nodes.
///
/// An elementwise node (unary, binary or already fused) absorbs the elementwise node that
/// produces one of its inputs when nothing else reads that value and both have the same shape
/// (so no element is computed twice). Absorbing is transitive, so a chain (or a tree) becomes
/// one node that reads each input once and writes one output, up to
/// ``TTIR/ElementwiseProgram/maxInstructions`` instructions. One-element `f32` weights become
/// program constants. Only `f32` nodes fuse (the op's C and interpreter kernels are `f32`).
///
/// The work is linear in the graph: every node's program is read once, each group is collected
/// from its last node backwards through the use-def index and assembled once, in graph order.
public struct FuseElementwise: Pass {
  public static let name = "fuse-elementwise"
  public static let purpose =
    "Fuses chains of elementwise ops (unary, binary with broadcast, scalar constants) into one fused_elementwise node."

  /// The pass.
  public init() {}

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    try GraphEditor.fuse(&graph, context: &context) { editor, context in
      var fusion = ElementwiseFusion(editor)
      var changed = false
      // Last nodes first: a group's last node is its root, and every node it absorbs comes
      // earlier, so a node not taken by a later group starts its own.
      for root in editor.nodeIDs.reversed()
      where fusion.computations[root] != nil && !fusion.taken.contains(root) {
        let members = fusion.group(endingAt: root, in: editor)
        guard members.count > 1, try fusion.replace(members, in: &editor) else { continue }
        context.count(Self.name, by: members.count - 1)
        changed = true
      }
      return changed
    }
  }
}

/// The state of one run of ``FuseElementwise``.
private struct ElementwiseFusion {
  /// Each `f32` elementwise node's computation, read once.
  let computations: [NodeID: ElementwiseProgram]
  /// Nodes already placed in a group.
  var taken: Set<NodeID> = []

  init(_ editor: GraphEditor) {
    var computations: [NodeID: ElementwiseProgram] = [:]
    for id in editor.nodeIDs where editor.isFloat32(id) {
      if let computation = editor[id].elementwiseComputation { computations[id] = computation }
    }
    self.computations = computations
  }

  /// The nodes fused into `root`, in graph order, `root` last: every elementwise producer whose
  /// output has `root`'s type and is read only by members (not by the graph outputs), while the
  /// instructions fit in one program. Each member's inputs are counted once, so a value joins
  /// when its last reader has joined: linear in the group's size.
  mutating func group(endingAt root: NodeID, in editor: GraphEditor) -> [NodeID] {
    taken.insert(root)
    let outputType = editor.type(of: editor[root].outputs[0])
    var members = [root]
    var instructionCount = computations[root]!.instructions.count
    var readersInGroup: [String: Int] = [:]
    var pending = [root]
    while let member = pending.popLast() {
      let inputs = editor[member].inputs
      for (index, value) in inputs.enumerated() where !inputs[..<index].contains(value) {
        readersInGroup[value, default: 0] += 1
        guard let producer = editor.producer(of: value), !taken.contains(producer),
          let computation = computations[producer],
          readersInGroup[value] == editor.consumers(of: value).count, !editor.isGraphOutput(value),
          editor.type(of: value) == outputType,
          instructionCount + computation.instructions.count <= ElementwiseProgram.maxInstructions
        else { continue }
        taken.insert(producer)
        instructionCount += computation.instructions.count
        members.append(producer)
        pending.append(producer)
      }
    }
    // Slots follow graph order: members are nodes of the graph the editor was opened on.
    return members.sorted()
  }

  /// Replaces the group `members` (in graph order) by one `fused_elementwise` node; returns
  /// whether it did (not when the program would be invalid or infer another type).
  func replace(_ members: [NodeID], in editor: inout GraphEditor) throws -> Bool {
    let root = members.last!
    let rank = editor.type(of: editor[root].outputs[0])?.rank ?? 0
    var assembler = ProgramAssembler()
    for member in members {
      let node = editor[member]
      let result = assembler.append(computations[member]!, reading: node.inputs, outputRank: rank, in: editor)
      assembler.bind(node.outputs[0], to: result)
    }
    guard let program = assembler.program else { return false }
    let names = editor.freshNames(merging: members.map { editor[$0].name }, value: editor[root].outputs[0])
    let fused = Node(
      name: names.node, op: .fusedElementwise, inputs: assembler.inputs, outputs: [names.value],
      attributes: ["program": .string(program.description)])
    return try editor.replace(root, with: fused)
  }
}
