import TTKernels

/// Adam (Kingma & Ba, 2015) with bias correction, following `torch.optim.Adam`:
/// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `p ← p − lr·m̂ / (√v̂ + ε)` with
/// `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`. `weightDecay` is an L2 term added to the gradient.
public class Adam: Optimizer {
  /// Decay rate of the first moment estimate.
  public let beta1: Float
  /// Decay rate of the second moment estimate.
  public let beta2: Float
  /// Added to the denominator for numerical stability.
  public let epsilon: Float
  /// The weight decay λ (L2 in the gradient for Adam, decoupled for ``AdamW``).
  public let weightDecay: Float

  /// Creates the optimizer. State buffers: `"exp_avg"` (m) and `"exp_avg_sq"` (v).
  public init(
    _ parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
    epsilon: Float = 1e-8, weightDecay: Float = 0
  ) {
    ArgumentCheck.orStop { try Adam.validate(beta1: beta1, beta2: beta2, epsilon: epsilon) }
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    super.init(
      parameters: parameters, learningRate: learningRate, bufferNames: ["exp_avg", "exp_avg_sq"])
  }

  /// Throws unless both betas lie in `[0, 1)` and `epsilon ≥ 0` (as `torch.optim.Adam` checks).
  public static func validate(beta1: Float, beta2: Float, epsilon: Float) throws {
    try ArgumentCheck.require(
      (0..<1).contains(beta1) && (0..<1).contains(beta2),
      "Adam(beta1: \(beta1), beta2: \(beta2)): both betas must be in [0, 1)")
    try ArgumentCheck.require(epsilon >= 0, "Adam(epsilon: \(epsilon)): epsilon must be ≥ 0")
  }

  /// The bias corrections of the step being taken, computed once per step.
  private var corrections: (step: Int, values: (Double, Double)) = (0, (0, 0))

  /// Whether weight decay is decoupled from the gradient (AdamW) rather than added to it.
  var decouplesWeightDecay: Bool { false }

  public override func update(
    _ values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    state: UnsafeMutableBufferPointer<Float>
  ) {
    let decoupled = decouplesWeightDecay
    if corrections.step != stepCount {
      let values = OptimizerUpdate.adamBiasCorrections(beta1: beta1, beta2: beta2, step: stepCount)
      corrections = (stepCount, values)
    }
    OptimizerUpdate.adam(
      values.baseAddress!, gradient: gradient.baseAddress!, firstMoment: state.baseAddress!,
      secondMoment: state.baseAddress! + values.count, count: values.count,
      biasCorrections: corrections.values, learningRate: learningRate, beta1: beta1, beta2: beta2,
      epsilon: epsilon, weightDecay: decoupled ? 0 : weightDecay,
      decoupledWeightDecay: decoupled ? weightDecay : 0)
  }
}

/// Adam with decoupled weight decay (Loshchilov & Hutter, 2019), following `torch.optim.AdamW`:
/// each step first shrinks the parameter, `p ← p·(1 − lr·λ)`, then applies the Adam update to
/// the unmodified gradient.
public final class AdamW: Adam {
  /// Creates the optimizer (default weight decay 0.01, as in PyTorch).
  public override init(
    _ parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
    epsilon: Float = 1e-8, weightDecay: Float = 0.01
  ) {
    super.init(
      parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
      weightDecay: weightDecay)
  }

  override var decouplesWeightDecay: Bool { true }
}
