import TTIR

/// Fuses chains of elementwise ops into `fused_elementwise` nodes.
///
/// An elementwise node (unary, binary or already fused) absorbs the elementwise node that
/// produces one of its inputs when nothing else reads that value and both have the same shape
/// (so no element is computed twice); repeated to a fixed point, a chain becomes one node that
/// reads each input once and writes one output. One-element `f32` weights become program
/// constants. Only `f32` nodes fuse (the op's C and interpreter kernels are `f32`).
public struct FuseElementwise: Pass {
  public static let name = "fuse-elementwise"
  public static let purpose =
    "Fuses chains of elementwise ops (unary, binary with broadcast, scalar constants) into one fused_elementwise node."

  /// The pass.
  public init() {}

  static let rules = Op.elementwiseRoots.map { op in
    RewriteRule("fuse-elementwise", root: op) { id, editor in try fuse(id, &editor) }
  }

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    try PatternRewriter(Self.rules).fuse(&graph, context: &context)
  }

  /// Merges into node `id` the first elementwise producer it can absorb.
  static func fuse(_ id: NodeID, _ editor: inout GraphEditor) throws -> Bool {
    let node = editor[id]
    guard let computation = node.elementwiseComputation, editor.isFloat32(id) else { return false }
    let outputType = editor.type(of: node.outputs[0])
    for value in node.inputs where editor.isPrivate(value, to: id) && editor.type(of: value) == outputType {
      let producerID = editor.producer(of: value)!
      let producer = editor[producerID]
      guard let inner = producer.elementwiseComputation, editor.isFloat32(producerID) else { continue }
      let rank = outputType?.rank ?? 0
      var assembler = ProgramAssembler()
      let result = assembler.append(inner, reading: producer.inputs, outputRank: rank, in: editor)
      assembler.bind(value, to: result)
      _ = assembler.append(computation, reading: node.inputs, outputRank: rank, in: editor)
      guard let program = assembler.program else { continue }
      let names = editor.freshNames(merging: [producer.name, node.name], value: node.outputs[0])
      let fused = Node(
        name: names.node, op: .fusedElementwise, inputs: assembler.inputs, outputs: [names.value],
        attributes: ["program": .string(program.description)])
      if try editor.replace(id, with: fused) { return true }
    }
    return false
  }
}
