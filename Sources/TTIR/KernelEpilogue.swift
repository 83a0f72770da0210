/// The epilogue of a `linear` or `conv2d` in the form the kernel library applies while each
/// output tile is still in registers (`tt_epilogue` of `tt_sgemm`, `tt_conv2d`): an optional
/// residual addition, then an optional activation.
///
/// Both engines read it from ``Node/kernelEpilogue(inputTypes:outputType:)``, so the interpreter
/// and compiled code fuse the same programs; any other epilogue program runs as an elementwise
/// loop after the product.
public struct KernelEpilogue: Hashable, Sendable {
  /// An activation the kernels apply themselves.
  public enum Activation: Hashable, Sendable {
    case relu, sigmoid, tanh, geluTanh, geluErf
  }

  /// Whether the node's last input (`x1`, of the output's exact shape) is added to the product.
  public var addsResidual: Bool
  /// Applied after the residual, if any.
  public var activation: Activation?

  /// An epilogue.
  public init(addsResidual: Bool, activation: Activation?) {
    self.addsResidual = addsResidual
    self.activation = activation
  }
}

extension Node {
  /// The node's `epilogue` as a ``KernelEpilogue``: for a `linear` or `conv2d` whose program is
  /// an activation, a residual addition (`add x0 x1` in either order, `x1` of the output's exact
  /// shape), or the addition then the activation. `nil` when the node has no epilogue or its
  /// program has another form.
  ///
  /// - Parameters:
  ///   - inputTypes: the types of the node's inputs (epilogue inputs included).
  ///   - outputType: the type of its output.
  public func kernelEpilogue(inputTypes: [TensorType], outputType: TensorType) -> KernelEpilogue? {
    guard op == .linear || op == .conv2d, let program = try? epilogue() else { return nil }
    var epilogue = KernelEpilogue(addsResidual: false, activation: nil)
    var result = ElementwiseProgram.Operand.input(0)
    for (index, instruction) in program.instructions.enumerated() {
      if instruction.op == .add, !epilogue.addsResidual, epilogue.activation == nil,
        epilogueInputCount == 1, Set(instruction.operands) == [result, .input(1)],
        inputTypes.last?.shape == outputType.shape
      {
        epilogue.addsResidual = true
      } else if let activation = Self.kernelActivation(instruction), epilogue.activation == nil,
        instruction.operands == [result]
      {
        epilogue.activation = activation
      } else {
        return nil
      }
      result = .result(index)
    }
    return epilogue
  }

  /// The kernel activation of a unary instruction, if the kernels have it.
  private static func kernelActivation(_ instruction: ElementwiseProgram.Instruction)
    -> KernelEpilogue.Activation?
  {
    switch instruction.op {
    case .relu: .relu
    case .sigmoid: .sigmoid
    case .tanh: .tanh
    case .gelu: instruction.node.string("approximate") == "tanh" ? .geluTanh : .geluErf
    default: nil
    }
  }
}
