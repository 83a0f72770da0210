import TTIR

extension Emission {
  func unary() throws(CodegenError) -> [String] {
    let dtype = context.inputTypes[0].dtype
    let x = CSyntax.load("\(inputs[0])[i]", dtype)
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
    case .gelu: value = node.string("approximate") == "tanh" ? "tt_gelu_tanh(\(x))" : "tt_gelu_erf(\(x))"
    case .leakyRelu:
      value = "(\(x) >= 0.0f ? \(x) : \(CSyntax.float(node.float("alpha") ?? 0.01)) * \(x))"
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
    return flatLoop(value)
  }

  func binary() throws(CodegenError) -> [String] {
    let dtype = context.inputTypes[0].dtype
    let compute = CSyntax.computeType(dtype)
    // Integer add, sub and mul wrap around (two's complement) as docs/IR.md says; computing them
    // on unsigned values keeps C from treating overflow as undefined. MIN / −1 wraps to MIN.
    let unsigned = "u" + compute
    func wrapping(_ a: String, _ operation: String, _ b: String) -> String {
      dtype.isFloatingPoint
        ? "\(a) \(operation) \(b)" : "(\(compute))((\(unsigned))\(a) \(operation) (\(unsigned))\(b))"
    }
    func combine(_ a: String, _ b: String) -> String {
      switch node.op {
      case .add: wrapping(a, "+", b)
      case .sub: wrapping(a, "-", b)
      case .mul: wrapping(a, "*", b)
      case .div:
        dtype.isFloatingPoint ? "\(a) / \(b)" : "(\(b) == -1 ? \(wrapping("0", "-", a)) : \(a) / \(b))"
      case .pow: dtype.isFloatingPoint ? "powf(\(a), \(b))" : "(\(compute))pow((double)\(a), (double)\(b))"
      case .maximum: "(\(a) > \(b) ? \(a) : \(b))"
      case .minimum: "(\(a) < \(b) ? \(a) : \(b))"
      case .equal: "(\(a) == \(b) ? 1.0f : 0.0f)"
      case .less: "(\(a) < \(b) ? 1.0f : 0.0f)"
      default: "(\(a) > \(b) ? 1.0f : 0.0f)"  // greater
      }
    }
    // An integer division by zero is a run-time error (the status of tt_run), not a crash.
    let divisorCheck =
      node.op == .div && !dtype.isFloatingPoint && count > 0
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
}
