import TTKernels

/// RMSprop, following `torch.optim.RMSprop` (not centered):
/// `g ← ∇ + λp`, `v ← αv + (1−α)g²`; with momentum `b ← μb + g/(√v + ε)` and
/// `p ← p − lr·b`, otherwise `p ← p − lr·g/(√v + ε)`.
public final class RMSprop: Optimizer {
  /// Smoothing constant of the squared-gradient average.
  public let alpha: Float
  /// Added to the denominator for numerical stability.
  public let epsilon: Float
  /// The momentum factor μ (0 disables momentum).
  public let momentum: Float
  /// The L2 penalty λ added to the gradient.
  public let weightDecay: Float

  /// Creates the optimizer. State buffers: `"square_avg"` and `"momentum_buffer"`.
  public init(
    _ parameters: [Tensor], learningRate: Float = 1e-2, alpha: Float = 0.99, epsilon: Float = 1e-8,
    momentum: Float = 0, weightDecay: Float = 0
  ) {
    self.alpha = alpha
    self.epsilon = epsilon
    self.momentum = momentum
    self.weightDecay = weightDecay
    super.init(
      parameters: parameters, learningRate: learningRate,
      bufferNames: ["square_avg", "momentum_buffer"])
  }

  public override func update(
    _ values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    state: UnsafeMutableBufferPointer<Float>
  ) {
    OptimizerUpdate.rmsprop(
      values.baseAddress!, gradient: gradient.baseAddress!, squareAverage: state.baseAddress!,
      momentumBuffer: state.baseAddress! + values.count, count: values.count,
      learningRate: learningRate, alpha: alpha, epsilon: epsilon, momentum: momentum,
      weightDecay: weightDecay)
  }
}
