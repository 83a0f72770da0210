import Foundation

/// In-place parameter updates of the standard optimizers, on raw buffers of `count` values.
///
/// Each function follows PyTorch's published update rule for one step; `weightDecay` is the
/// L2 penalty added to the gradient (`g + λ·p`) unless stated otherwise.
public enum OptimizerUpdate {
  /// SGD with optional momentum and Nesterov momentum:
  /// `g ← ∇ + λp`; with momentum `b ← μb + g` and `g ← g + μb` (Nesterov) or `g ← b`;
  /// then `p ← p − lr·g`. `momentumBuffer` is ignored when `momentum` is 0.
  public static func sgd(
    _ p: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
    momentumBuffer: UnsafeMutablePointer<Float>, count: Int,
    learningRate: Float, momentum: Float, nesterov: Bool, weightDecay: Float
  ) {
    for i in 0..<count {
      var g = gradient[i] + weightDecay * p[i]
      if momentum != 0 {
        let b = momentum * momentumBuffer[i] + g
        momentumBuffer[i] = b
        g = nesterov ? g + momentum * b : b
      }
      p[i] -= learningRate * g
    }
  }

  /// Adam (Kingma & Ba) at step `step` (1-based), with bias correction:
  /// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
  /// `p ← p − lr·(m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)`.
  ///
  /// `weightDecay` is added to the gradient (L2, as in `torch.optim.Adam`);
  /// `decoupledWeightDecay` first shrinks the parameter, `p ← p·(1 − lr·λ)` (AdamW).
  public static func adam(
    _ p: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
    firstMoment m: UnsafeMutablePointer<Float>, secondMoment v: UnsafeMutablePointer<Float>,
    count: Int, step: Int, learningRate: Float, beta1: Float, beta2: Float, epsilon: Float,
    weightDecay: Float, decoupledWeightDecay: Float
  ) {
    let correction1 = 1 - Foundation.pow(Double(beta1), Double(step))
    let correction2 = 1 - Foundation.pow(Double(beta2), Double(step))
    let stepSize = Float(Double(learningRate) / correction1)
    let rootCorrection2 = Float(correction2.squareRoot())
    let shrink = 1 - learningRate * decoupledWeightDecay
    let (oneMinusBeta1, oneMinusBeta2) = (1 - beta1, 1 - beta2)
    for i in 0..<count {
      let g = gradient[i] + weightDecay * p[i]
      let mi = beta1 * m[i] + oneMinusBeta1 * g
      let vi = beta2 * v[i] + oneMinusBeta2 * g * g
      m[i] = mi
      v[i] = vi
      p[i] = p[i] * shrink - stepSize * mi / (vi.squareRoot() / rootCorrection2 + epsilon)
    }
  }

  /// RMSprop (Hinton), as in `torch.optim.RMSprop` without centering:
  /// `v ← αv + (1−α)g²`; with momentum `b ← μb + g/(√v + ε)`, `p ← p − lr·b`,
  /// otherwise `p ← p − lr·g/(√v + ε)`. `momentumBuffer` is ignored when `momentum` is 0.
  public static func rmsprop(
    _ p: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
    squareAverage v: UnsafeMutablePointer<Float>, momentumBuffer: UnsafeMutablePointer<Float>,
    count: Int, learningRate: Float, alpha: Float, epsilon: Float, momentum: Float,
    weightDecay: Float
  ) {
    for i in 0..<count {
      let g = gradient[i] + weightDecay * p[i]
      let vi = alpha * v[i] + (1 - alpha) * g * g
      v[i] = vi
      let update = g / (vi.squareRoot() + epsilon)
      if momentum != 0 {
        let b = momentum * momentumBuffer[i] + update
        momentumBuffer[i] = b
        p[i] -= learningRate * b
      } else {
        p[i] -= learningRate * update
      }
    }
  }

  /// Multiplies `count` values by `factor` in place (gradient clipping).
  public static func scale(_ x: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
    for i in 0..<count { x[i] *= factor }
  }

  /// The sum of squares of `count` values, accumulated in double precision.
  public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
    var total: Double = 0
    for i in 0..<count { total += Double(x[i]) * Double(x[i]) }
    return total
  }
}
