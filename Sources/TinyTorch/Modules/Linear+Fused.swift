import TTKernels

/// Whether eager code may take an inference path that fuses several operations into one kernel
/// call: nothing is recorded (gradient tracking off, no trace), so no one sees the operations it
/// skips. Paths that fuse keep the composed operations for the recording case, so gradients and
/// traced graphs are those of the composed operations.
enum InferenceFusion {
  static var isAllowed: Bool { !GradMode.isEnabled && Tracer.current == nil }
}

/// An activation a linear layer can apply to its output as the GEMM stores it.
enum LinearActivation {
  /// ``Tensor/gelu(approximation:)``.
  case gelu(Tensor.GELUApproximation)

  /// The kernel library's form of the activation (the function the eager op applies too).
  var kernelActivation: Gemm.Activation {
    switch self {
    case .gelu(let approximation): approximation == .none ? .geluErf : .geluTanh
    }
  }

  /// The activation as an eager operation.
  func apply(to x: Tensor) -> Tensor {
    switch self {
    case .gelu(let approximation): x.gelu(approximation: approximation)
    }
  }
}

extension Tensor {
  /// `activation(self·W + b + residual)`: ``linear(weight:bias:)``, then `residual + ·` (when
  /// given), then the activation (when given).
  ///
  /// When ``InferenceFusion/isAllowed`` and `residual` has the output's shape, the GEMM adds the
  /// residual and applies the activation as it stores the product (one kernel call, no
  /// intermediate tensors); the sums may round differently from the composed operations (the
  /// kernel adds the bias and residual before a later K slice). Otherwise the operations run one by
  /// one (recording gradients and traces as usual).
  func linear(
    weight: Tensor, bias: Tensor?, residual: Tensor?, activation: LinearActivation?
  ) throws -> Tensor {
    let outShape = try linearOutputShape(weight: weight, bias: bias)
    guard InferenceFusion.isAllowed, residual == nil || residual!.shape == outShape else {
      return try linear(weight: weight, bias: bias).adding(residual, thenApplying: activation)
    }
    let out = linearValues(
      weight: weight, bias: bias, residual: residual, activation: activation?.kernelActivation ?? .none)
    return Tensor(uncheckedShape: outShape, scalars: out)
  }
}

extension Tensor {
  /// `activation(residual + self)` with eager operations (each step optional): the composed form
  /// of a fused linear's epilogue, used where the fused path is not taken.
  fileprivate func adding(_ residual: Tensor?, thenApplying activation: LinearActivation?) throws -> Tensor {
    var y = self
    if let residual { y = try residual + y }
    return activation?.apply(to: y) ?? y
  }
}

extension Linear {
  /// `activation(input·W + b + residual)`: the layer, a residual sum and an activation, called as
  /// the layer (observed like ``Module/callAsFunction(_:)``), in one GEMM when
  /// ``InferenceFusion/isAllowed`` (see ``Tensor/linear(weight:bias:residual:activation:)``).
  /// A layer with quantized evaluation weights (or one being calibrated) computes its own output
  /// and then adds and activates it with eager operations.
  func callAsFunction(
    _ input: Tensor, adding residual: Tensor?, activation: LinearActivation? = nil
  ) throws -> Tensor {
    try observedCall {
      guard evaluationWeights == nil, inputObserver == nil else {
        return try forward(input).adding(residual, thenApplying: activation)
      }
      return try input.linear(weight: weight, bias: bias, residual: residual, activation: activation)
    }
  }
}
