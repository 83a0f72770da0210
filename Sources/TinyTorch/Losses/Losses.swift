import Foundation
import TTKernels

/// Loss functions. Each returns a scalar tensor (the mean over the batch) and is differentiable.
public enum Loss {
  /// Mean squared error over all elements.
  public static func mse(_ prediction: Tensor, _ target: Tensor) throws -> Tensor {
    guard prediction.shape == target.shape else {
      throw TensorError.shapeMismatch(op: "mse", prediction.shape, target.shape)
    }
    let diff = try prediction - target
    return try (diff * diff).mean()
  }

  /// Binary cross-entropy on probabilities in (0, 1); inputs are clamped to `[eps, 1 - eps]`
  /// so that a confident wrong answer gives a large but finite loss.
  public static func binaryCrossEntropy(
    _ probabilities: Tensor, _ target: Tensor, eps: Float = 1e-7
  ) throws -> Tensor {
    guard probabilities.shape == target.shape else {
      throw TensorError.shapeMismatch(op: "binary_cross_entropy", probabilities.shape, target.shape)
    }
    let p = probabilities.clamp(min: eps, max: 1 - eps)
    let terms = try target * p.log() + (1 - target) * (1 - p).log()
    return -terms.mean()
  }

  /// Binary cross-entropy on logits, fused with the sigmoid and stable for any logit:
  /// `max(z, 0) − z·y + log(1 + e^(−|z|))`.
  public static func binaryCrossEntropyWithLogits(_ logits: Tensor, _ target: Tensor) throws -> Tensor {
    guard logits.shape == target.shape else {
      throw TensorError.shapeMismatch(op: "binary_cross_entropy_with_logits", logits.shape, target.shape)
    }
    let n = Float(max(logits.count, 1))
    var total: Double = 0
    for (z, y) in zip(logits.scalars, target.scalars) {
      total += Double(max(z, 0) - z * y + Foundation.log1p(Foundation.exp(-Swift.abs(z))))
    }
    return Tensor.result(
      [Float(total) / n], shape: [], op: TracedOp("binary_cross_entropy_with_logits"),
      inputs: [logits, target]
    ) { g in
      // ∂/∂z = sigmoid(z) − y;  ∂/∂y = −z.
      let scale = g.item / n
      let dz = zip(logits.scalars, target.scalars).map { (Activation.sigmoid($0) - $1) * scale }
      let dy = target.requiresGrad ? logits.scalars.map { -$0 * scale } : nil
      return [
        Tensor(uncheckedShape: logits.shape, scalars: dz),
        dy.map { Tensor(uncheckedShape: target.shape, scalars: $0) },
      ]
    }
  }

  /// Cross-entropy of logits `[N, C]` against integer class targets `[N]` (as whole-number floats
  /// or `[Int]`), via a fused log-sum-exp: stable for any logit magnitude.
  ///
  /// One fused operation (the same value as `nll(logits.logSoftmax(axis: -1), targets)`): the
  /// backward pass is `(softmax(logits) − onehot(targets))·g/N` directly.
  public static func crossEntropy(_ logits: Tensor, _ targets: Tensor) throws -> Tensor {
    let picked = try classIndices(of: targets, for: logits, role: "logits")
    let (rows, classes) = (logits.shape[0], logits.shape[1])
    var probabilities = [Float](repeating: 0, count: logits.count)
    var total: Double = 0
    if classes > 0 {
      logits.scalars.withUnsafeBufferPointer { x in
        probabilities.withUnsafeMutableBufferPointer { p in
          picked.withUnsafeBufferPointer { t in
            total = TTKernels.Softmax.crossEntropy(
              x.baseAddress!, rows: rows, classes: classes, targets: t.baseAddress!,
              probabilities: p.baseAddress!)
          }
        }
      }
    }
    let n = Float(max(rows, 1))
    return Tensor.result(
      [Float(total) / n], shape: [], op: TracedOp("cross_entropy"), inputs: [logits, targets]
    ) { g in
      let scale = g.item / n
      var d = probabilities.map { $0 * scale }
      for i in 0..<rows { d[i * classes + picked[i]] -= scale }
      return [Tensor(uncheckedShape: logits.shape, scalars: d), nil]
    }
  }

  /// Checks that `targets` `[N]` holds class indices for the rows of `scores` `[N, C]` and
  /// returns them. Errors are named `nll`, the loss both cross-entropy and NLL compute.
  static func classIndices(of targets: Tensor, for scores: Tensor, role: String) throws -> [Int] {
    guard scores.rank == 2, targets.rank == 1, targets.shape[0] == scores.shape[0] else {
      throw TensorError.invalidArgument(
        "nll: expected \(role) [N, C] and targets [N], got \(scores.shape) and \(targets.shape)")
    }
    let classes = scores.shape[1]
    var picked = [Int](repeating: 0, count: targets.count)
    for (i, t) in targets.scalars.enumerated() {
      guard t == t.rounded(), t >= 0, Int(t) < classes else {
        throw TensorError.invalidArgument(
          "nll: target \(t) at row \(i) is not a class index in 0..<\(classes)")
      }
      picked[i] = Int(t)
    }
    return picked
  }

  /// Cross-entropy with targets given as class indices.
  public static func crossEntropy(_ logits: Tensor, _ targets: [Int]) throws -> Tensor {
    try crossEntropy(logits, Tensor(targets.map(Float.init)))
  }

  /// Negative log-likelihood of log-probabilities `[N, C]` at integer targets `[N]`, averaged.
  public static func nll(_ logProbabilities: Tensor, _ targets: Tensor) throws -> Tensor {
    let lp = logProbabilities
    let picked = try classIndices(of: targets, for: lp, role: "log-probabilities")
    let (rows, classes) = (lp.shape[0], lp.shape[1])
    var total: Double = 0
    for i in 0..<rows { total += Double(lp.scalars[i * classes + picked[i]]) }
    let n = Float(max(rows, 1))
    return Tensor.result(
      [-Float(total) / n], shape: [], op: TracedOp("nll_loss"), inputs: [lp, targets]
    ) { g in
      var d = [Float](repeating: 0, count: lp.count)
      for i in 0..<rows { d[i * classes + picked[i]] = -g.item / n }
      return [Tensor(uncheckedShape: lp.shape, scalars: d), nil]
    }
  }
}
