import TTIR

/// Fuses elementwise work after a `matmul`, `linear` or `conv2d` into the op's `epilogue`.
///
/// An elementwise node (unary, binary or fused) whose input is a product that nothing else
/// reads, of the same shape as its output, becomes part of that product's epilogue: bias,
/// activation and residual additions run on the product right after it is computed instead of
/// in a separate pass over memory. Other operands become epilogue inputs; one-element `f32`
/// weights become constants.
public struct FuseEpilogue: Pass {
  public static let name = "fuse-epilogue"
  public static let purpose =
    "Fuses activations, residual additions and other elementwise work into the epilogue of matmul/linear/conv2d."

  /// The pass.
  public init() {}

  static let rules = Op.elementwiseRoots.map { op in
    RewriteRule("fuse-epilogue", root: op) { id, editor in try fuse(id, &editor) }
  }

  public func run(_ graph: inout Graph, context: inout PassContext) throws -> Bool {
    try PatternRewriter(Self.rules).fuse(&graph, context: &context)
  }

  /// Moves node `id` into the epilogue of the product it reads, if it can.
  static func fuse(_ id: NodeID, _ editor: inout GraphEditor) throws -> Bool {
    let node = editor[id]
    guard let computation = node.elementwiseComputation, editor.isFloat32(id) else { return false }
    let outputType = editor.type(of: node.outputs[0])
    for value in node.inputs where editor.isPrivate(value, to: id) && editor.type(of: value) == outputType {
      let productID = editor.producer(of: value)!
      let product = editor[productID]
      guard product.op.acceptsEpilogue, editor.type(of: value)?.dtype == .f32 else { continue }
      let existing: ElementwiseProgram?
      do { existing = try product.epilogue() } catch { continue }
      let rank = outputType?.rank ?? 0
      var assembler = ProgramAssembler(reserving: [value])
      var result = ElementwiseProgram.Operand.input(0)
      if let existing {
        let extras = Array(product.inputs.suffix(product.epilogueInputCount))
        result = assembler.append(existing, reading: [value] + extras, outputRank: rank, in: editor)
      }
      assembler.bind(value, to: result)
      _ = assembler.append(computation, reading: node.inputs, outputRank: rank, in: editor)
      guard let program = assembler.program else { continue }
      var attributes = product.attributes
      attributes["epilogue"] = .string(program.description)
      attributes["epilogue_inputs"] = .int(assembler.inputs.count - 1)
      let names = editor.freshNames(merging: [product.name, node.name], value: node.outputs[0])
      let fused = Node(
        name: names.node, op: product.op, inputs: Array(product.ownInputs) + assembler.inputs.dropFirst(),
        outputs: [names.value], attributes: attributes)
      if try editor.replace(id, with: fused) { return true }
    }
    return false
  }
}
