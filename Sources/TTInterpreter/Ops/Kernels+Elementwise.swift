import TTIR
import TTKernels

extension Kernels {
  /// `neg` … `clamp` with ``TTKernels/Elementwise/unary(_:_:_:count:)``.
  static func unary(_ step: Step, _ x: InterpreterTensor) -> InterpreterTensor {
    let function = unaryFunction(step.node)
    let count = step.outputType.elementCount
    return compute(step.outputType, [x]) { inputs, out in
      Elementwise.unary(function, inputs[0], out, count: count)
    }
  }

  /// `where` (``TTKernels/Elementwise/select(_:_:_:_:_:_:_:_:)``).
  static func select(_ step: Step, _ arguments: [InterpreterTensor]) -> InterpreterTensor {
    compute(step.outputType, arguments) { inputs, out in
      Elementwise.select(
        inputs[0], arguments[0].shape, inputs[1], arguments[1].shape, inputs[2], arguments[2].shape,
        out, step.outputType.shape)
    }
  }

  /// The kernel function of a unary elementwise node (`neg` … `clamp`) with its attributes.
  static func unaryFunction(_ node: Node) -> UnaryOp {
    switch node.op {
    case .neg: .neg
    case .exp: .exp
    case .log: .log
    case .sqrt: .sqrt
    case .abs: .abs
    case .relu: .relu
    case .sigmoid: .sigmoid
    case .tanh: .tanh
    case .erf: .erf
    case .gelu: node.string("approximate") == "tanh" ? .geluTanh : .geluErf
    case .leakyRelu: .leakyRelu(slope: Float(node.float("alpha") ?? 0.01))
    default:  // clamp
      .clamp(
        min: node.float("min").map(Float.init) ?? -.infinity,
        max: node.float("max").map(Float.init) ?? .infinity)
    }
  }

  /// The kernel function of a binary elementwise node (`add` … `greater`, `mod`).
  static func binaryFunction(_ node: Node) -> BinaryOp {
    node.op == .mod
      ? (node.bool("fmod") == true ? .fmod : .mod)
      : BinaryOp(rawValue: node.op.rawValue)!  // the other binary ops share their names
  }

  /// `add` … `greater`, `mod` with NumPy broadcasting (``TTKernels/Elementwise/binary(_:_:_:_:_:_:_:)``).
  static func binary(_ step: Step, _ a: InterpreterTensor, _ b: InterpreterTensor)
    -> InterpreterTensor
  {
    let function = binaryFunction(step.node)
    return compute(step.outputType, [a, b]) { inputs, out in
      Elementwise.binary(
        function, inputs[0], a.shape, inputs[1], b.shape, out, step.outputType.shape)
    }
  }
}
