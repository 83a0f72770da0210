import TTIR

/// Fuses chains of elementwise ops into `fused_elementwise` nodes.
///
/// An elementwise node (unary, binary or already fused) absorbs the elementwise node that
/// produces one of its inputs when nothing else reads that value and both have the same shape
/// (so no element is computed twice); repeated to a fixed point, a chain becomes one node that
/// reads each input once and writes one output. One-element `f32` weights become program
/// constants. Only `f32` nodes fuse (the op's C and interpreter kernels are `f32`).
public struct FuseElementwise: ProducerFusion {
  public static let name = "fuse-elementwise"
  public static let purpose =
    "Fuses chains of elementwise ops (unary, binary with broadcast, scalar constants) into one fused_elementwise node."

  /// The pass.
  public init() {}

  static func merge(
    _ node: Node, computation: ElementwiseProgram, reading value: String, from producer: Node, rank: Int,
    in editor: GraphEditor, names: (node: String, value: String)
  ) -> Node? {
    guard let inner = producer.elementwiseComputation, editor.isFloat32(producer) else { return nil }
    var assembler = ProgramAssembler()
    let result = assembler.append(inner, reading: producer.inputs, outputRank: rank, in: editor)
    assembler.bind(value, to: result)
    _ = assembler.append(computation, reading: node.inputs, outputRank: rank, in: editor)
    guard let program = assembler.program else { return nil }
    return Node(
      name: names.node, op: .fusedElementwise, inputs: assembler.inputs, outputs: [names.value],
      attributes: ["program": .string(program.description)])
  }
}
