import TTKernels

/// Stochastic gradient descent with optional (Nesterov) momentum and L2 weight decay, following
/// `torch.optim.SGD` (no dampening):
/// `g ← ∇ + λp`; `b ← μb + g`; `g ← g + μb` (Nesterov) or `b`; `p ← p − lr·g`.
public final class SGD: Optimizer {
  /// The momentum factor μ (0 disables momentum and its buffer stays zero).
  public let momentum: Float
  /// Whether to use Nesterov momentum.
  public let nesterov: Bool
  /// The L2 penalty λ added to the gradient.
  public let weightDecay: Float

  /// Creates the optimizer. State buffer: `"momentum_buffer"`.
  public init(
    _ parameters: [Tensor], learningRate: Float, momentum: Float = 0, nesterov: Bool = false,
    weightDecay: Float = 0
  ) {
    ArgumentCheck.orStop { try SGD.validate(momentum: momentum, nesterov: nesterov) }
    self.momentum = momentum
    self.nesterov = nesterov
    self.weightDecay = weightDecay
    super.init(parameters: parameters, learningRate: learningRate, bufferNames: ["momentum_buffer"])
  }

  /// Throws unless `momentum ≥ 0`, and `momentum > 0` with Nesterov momentum.
  public static func validate(momentum: Float, nesterov: Bool) throws {
    try ArgumentCheck.require(momentum >= 0, "SGD(momentum: \(momentum)): momentum must be ≥ 0")
    try ArgumentCheck.require(
      !nesterov || momentum > 0, "SGD(momentum: \(momentum), nesterov: true): Nesterov needs momentum > 0")
  }

  public override func update(
    _ values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    state: UnsafeMutableBufferPointer<Float>
  ) {
    OptimizerUpdate.sgd(
      values.baseAddress!, gradient: gradient.baseAddress!, momentumBuffer: state.baseAddress!,
      count: values.count, learningRate: learningRate, momentum: momentum, nesterov: nesterov,
      weightDecay: weightDecay)
  }
}
