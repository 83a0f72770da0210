import TTIR

/// Fuses elementwise work after a `matmul`, `linear` or `conv2d` into the op's `epilogue`.
///
/// An elementwise node (unary, binary or fused) whose input is a product that nothing else
/// reads, of the same shape as its output, becomes part of that product's epilogue: bias,
/// activation and residual additions run on the product right after it is computed instead of
/// in a separate pass over memory. Other operands become epilogue inputs; one-element `f32`
/// weights become constants.
public struct FuseEpilogue: ProducerFusion {
  public static let name = "fuse-epilogue"
  public static let purpose =
    "Fuses activations, residual additions and other elementwise work into the epilogue of matmul/linear/conv2d."

  /// The pass.
  public init() {}

  static func merge(
    _ node: Node, computation: ElementwiseProgram, reading value: String, from product: Node, rank: Int,
    in editor: GraphEditor, names: (node: String, value: String)
  ) -> Node? {
    guard product.op.acceptsEpilogue, editor.type(of: value)?.dtype == .f32 else { return nil }
    let existing: ElementwiseProgram?
    do { existing = try product.epilogue() } catch { return nil }
    var assembler = ProgramAssembler(reserving: [value])
    var result = ElementwiseProgram.Operand.input(0)
    if let existing {
      let extras = Array(product.inputs.suffix(product.epilogueInputCount))
      result = assembler.append(existing, reading: [value] + extras, outputRank: rank, in: editor)
    }
    assembler.bind(value, to: result)
    _ = assembler.append(computation, reading: node.inputs, outputRank: rank, in: editor)
    guard let program = assembler.program else { return nil }
    var attributes = product.attributes
    attributes["epilogue"] = .string(program.description)
    attributes["epilogue_inputs"] = .int(assembler.inputs.count - 1)
    return Node(
      name: names.node, op: product.op, inputs: Array(product.ownInputs) + assembler.inputs.dropFirst(),
      outputs: [names.value], attributes: attributes)
  }
}
