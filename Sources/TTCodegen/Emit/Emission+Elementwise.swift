import TTIR

extension Emission {
  func unary() throws(CodegenError) -> [String] {
    let dtype = context.inputTypes[0].dtype
    return flatLoop(Self.unaryExpression(node, CSyntax.load("\(inputs[0])[i]", dtype), dtype))
  }

  /// The C expression of unary elementwise `node` applied to `x` (in the compute type of `dtype`).
  static func unaryExpression(_ node: Node, _ x: String, _ dtype: DType) -> String {
    let zero = CSyntax.literal(0, dtype)
    // −x of an integer wraps (−MIN is MIN), computed on unsigned values as C leaves it undefined.
    let compute = CSyntax.computeType(dtype)
    let negated = dtype.isFloatingPoint ? "-\(x)" : "(\(compute))(0u - (u\(compute))\(x))"
    let value: String
    switch node.op {
    case .neg: value = negated
    case .exp: value = "tt_expf(\(x))"
    case .log: value = "logf(\(x))"
    case .sqrt: value = "sqrtf(\(x))"
    case .abs: value = "(\(x) < \(zero) ? \(negated) : \(x))"
    case .relu: value = "(\(x) > \(zero) ? \(x) : \(zero))"
    case .sigmoid: value = "tt_sigmoidf(\(x))"
    case .tanh: value = "tt_tanhf(\(x))"
    case .erf: value = "erff(\(x))"
    case .gelu: value = node.string("approximate") == "tanh" ? "tt_gelu_tanh(\(x))" : "tt_gelu_erf(\(x))"
    case .leakyRelu:
      value = "(\(x) > 0.0f ? \(x) : \(CSyntax.float(node.float("alpha") ?? 0.01)) * \(x))"
    default:  // clamp
      var clamped = x
      if let low = node.float("min") {
        let literal = CSyntax.literal(low, dtype)
        clamped = "(\(clamped) < \(literal) ? \(literal) : \(clamped))"
      }
      if let high = node.float("max") {
        let literal = CSyntax.literal(high, dtype)
        clamped = "(\(clamped) > \(literal) ? \(literal) : \(clamped))"
      }
      value = clamped
    }
    return value
  }

  /// `where`: one loop nest with a broadcast load per input.
  func select() -> [String] {
    let variables = CSyntax.variables(outShape.count)
    let operands = context.inputTypes.indices.map { side in
      let type = context.inputTypes[side]
      let strides = CSyntax.broadcastStrides(type.shape, to: outShape)
      return CSyntax.load("\(inputs[side])[\(CSyntax.index(strides, variables: variables))]", type.dtype)
    }
    let target = "\(output)[\(CSyntax.index(CSyntax.strides(outShape), variables: variables))]"
    let value = "(\(operands[0]) != 0 ? \(operands[1]) : \(operands[2]))"
    return CSyntax.loopNest(outShape, body: ["\(target) = \(CSyntax.store(value, outType));"])
  }

  /// The C expression of binary elementwise `node` on `a` and `b` (in the compute type of `dtype`).
  /// Integer add, sub and mul wrap around (two's complement) as docs/IR.md says; computing them
  /// on unsigned values keeps C from treating overflow as undefined. MIN / −1 wraps to MIN.
  static func binaryExpression(_ node: Node, _ a: String, _ b: String, _ dtype: DType) -> String {
    let compute = CSyntax.computeType(dtype)
    let unsigned = "u" + compute
    func wrapping(_ a: String, _ operation: String, _ b: String) -> String {
      dtype.isFloatingPoint
        ? "\(a) \(operation) \(b)" : "(\(compute))((\(unsigned))\(a) \(operation) (\(unsigned))\(b))"
    }
    return switch node.op {
    case .add: wrapping(a, "+", b)
    case .sub: wrapping(a, "-", b)
    case .mul: wrapping(a, "*", b)
    case .div:
      dtype.isFloatingPoint ? "\(a) / \(b)" : "(\(b) == -1 ? \(wrapping("0", "-", a)) : \(a) / \(b))"
    case .pow:
      dtype.isFloatingPoint
        ? "powf(\(a), \(b))"
        : "(\(compute))tt_pow_int(\(a), \(b), \(CSyntax.integerBounds(dtype).low), \(CSyntax.integerBounds(dtype).high))"
    // A NaN operand gives NaN (docs/IR.md): `a` when it wins or is NaN (`a != a`), else `b`.
    case .maximum:
      dtype.isFloatingPoint ? "(\(a) > \(b) || \(a) != \(a) ? \(a) : \(b))" : "(\(a) > \(b) ? \(a) : \(b))"
    case .minimum:
      dtype.isFloatingPoint ? "(\(a) < \(b) || \(a) != \(a) ? \(a) : \(b))" : "(\(a) < \(b) ? \(a) : \(b))"
    case .equal: "(\(a) == \(b) ? 1.0f : 0.0f)"
    case .less: "(\(a) < \(b) ? 1.0f : 0.0f)"
    case .mod:
      // The remainder is taken once (`tt_mod_*`: MIN mod −1 is 0 for integers); fmod = false moves
      // it to the divisor's sign.
      (dtype.isFloatingPoint ? "tt_mod_f32" : "tt_mod_int")
        + "(\(a), \(b), \(node.bool("fmod") == true ? 0 : 1))"
    default: "(\(a) > \(b) ? 1.0f : 0.0f)"  // greater
    }
  }

  func binary() throws(CodegenError) -> [String] {
    let dtype = context.inputTypes[0].dtype
    func combine(_ a: String, _ b: String) -> String { Self.binaryExpression(node, a, b, dtype) }
    // An integer division by zero is a run-time error (the status of tt_run), not a crash.
    let divisorCheck =
      (node.op == .div || node.op == .mod) && !dtype.isFloatingPoint && count > 0
      ? [
        "for (int64_t i = 0; i < \(context.inputTypes[1].elementCount); i++) if (\(inputs[1])[i] == 0) return TT_ERR_DIVISION_BY_ZERO;"
      ]
      : []
    return try divisorCheck + elementLoops(combine)
  }

  /// The loops computing `combine(a, b)` for every output element, flat when no input needs
  /// broadcasting strides.
  private func elementLoops(_ combine: (String, String) -> String) throws(CodegenError) -> [String] {
    let dtype = context.inputTypes[0].dtype
    let shapes = context.inputTypes.map(\.shape)
    let counts = context.inputTypes.map(\.elementCount)
    if shapes.allSatisfy({ $0 == outShape }) || counts.allSatisfy({ $0 == count || $0 == 1 }) {
      // Same shapes, or one side a single element: one flat, vectorizable loop.
      let operands = (0..<2).map { side in
        CSyntax.load("\(inputs[side])[\(counts[side] == 1 ? "0" : "i")]", dtype)
      }
      return flatLoop(combine(operands[0], operands[1]))
    }
    let variables = CSyntax.variables(outShape.count)
    let operands = (0..<2).map { side in
      let strides = CSyntax.broadcastStrides(shapes[side], to: outShape)
      return CSyntax.load("\(inputs[side])[\(CSyntax.index(strides, variables: variables))]", dtype)
    }
    let target = "\(output)[\(CSyntax.index(CSyntax.strides(outShape), variables: variables))]"
    return CSyntax.loopNest(
      outShape, body: ["\(target) = \(CSyntax.store(combine(operands[0], operands[1]), outType));"])
  }

  /// `fused_elementwise`: one loop nest evaluating the program per element.
  func fusedElementwise() throws(CodegenError) -> [String] {
    try context.requireF32()
    let program: ElementwiseProgram
    do { program = try node.program() } catch { throw .unsupported("\(error)") }
    return Self.programLoop(
      program, operands: Array(zip(inputs, context.inputTypes.map(\.shape))), output: output, shape: outShape)
  }

  /// The epilogue of a `matmul`, `linear` or `conv2d`, applied in place to the product in
  /// `output` (statements to run right after the product); empty without one, or when the
  /// product's GEMM applies it in registers (``gemmEpilogue``).
  func epilogue() throws(CodegenError) -> [String] {
    let program: ElementwiseProgram?
    do { program = try node.epilogue() } catch { throw .unsupported("\(error)") }
    guard let program, gemmEpilogue == nil else { return [] }  // nil: tt_sgemm applied it
    let extra = node.epilogueInputCount
    let operands =
      [(output, outShape)]
      + Array(zip(inputs.suffix(extra), context.inputTypes.suffix(extra).map(\.shape)))
    return Self.programLoop(program, operands: operands, output: output, shape: outShape)
  }

  /// A loop nest over a ``TTIR/BroadcastLoop`` that evaluates `program` on `operands` (C
  /// pointer and shape) into the contiguous `output` of `shape`: one `float` temporary per
  /// instruction, written with the same expressions as the unfused nodes.
  static func programLoop(
    _ program: ElementwiseProgram, operands: [(pointer: String, shape: [Int])], output: String, shape: [Int]
  ) -> [String] {
    let loop = BroadcastLoop(output: shape, operands: operands.map(\.shape))
    let variables = CSyntax.variables(loop.shape.count)
    var body: [String] = []
    for (index, instruction) in program.instructions.enumerated() {
      let arguments = instruction.operands.map { operand in
        switch operand {
        case .input(let o):
          "\(operands[o].pointer)[\(CSyntax.index(loop.strides[o], variables: variables))]"
        case .result(let r): "t\(r)"
        case .constant(let value): CSyntax.float(Double(value))
        }
      }
      let node = instruction.node
      let value =
        node.op.category == .unaryElementwise
        ? unaryExpression(node, arguments[0], .f32)
        : binaryExpression(node, arguments[0], arguments[1], .f32)
      body.append("float t\(index) = \(value);")
    }
    let target = CSyntax.index(CSyntax.strides(loop.shape), variables: variables)
    body.append("\(output)[\(target)] = t\(program.instructions.count - 1);")
    return CSyntax.loopNest(loop.shape, body: body)
  }
}
