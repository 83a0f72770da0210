import TTKernels

extension Tensor {
  /// Batch normalization over axis 1 (channels) of a `[batch, channels, …]` input:
  /// `y = (x − mean) / √(var + eps) · scale + bias`, per channel.
  ///
  /// - Parameters:
  ///   - scale: the affine scale, shape `[channels]`.
  ///   - bias: the affine shift, shape `[channels]`.
  ///   - runningMean: the running mean, shape `[channels]`.
  ///   - runningVar: the running variance, shape `[channels]`.
  ///   - training: when false (inference), the running statistics normalize the input and the op
  ///     is traced as `batch_norm` with inputs `(x, scale, bias, running_mean, running_var)`.
  ///     When true, the batch's own mean and biased variance normalize it, the gradient flows
  ///     through them, and the running statistics are updated in place:
  ///     `running = (1 − momentum)·running + momentum·batch` (with the unbiased variance).
  ///     Training mode is traced as `batch_norm_training`, which has no inference form, so models
  ///     should be traced in evaluation mode.
  ///   - momentum: the weight of the batch's statistics in the running update (training only).
  ///   - eps: added to the variance for stability.
  /// - Throws: `TensorError.invalidArgument` for an input of rank < 2, parameters whose shape is
  ///   not `[channels]`, or a training batch with a single value per channel.
  public func batchNorm(
    scale: Tensor, bias: Tensor, runningMean: Tensor, runningVar: Tensor, training: Bool = false,
    momentum: Float = 0.1, eps: Float = 1e-5
  ) throws -> Tensor {
    guard rank >= 2 else {
      throw TensorError.invalidArgument(
        "batch_norm: input must have shape [batch, channels, …], got \(shape)")
    }
    let (batch, channels) = (shape[0], shape[1])
    let spatial = ShapeMath.count(Array(shape.dropFirst(2)))
    for (name, t) in [
      ("scale", scale), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVar),
    ]
    where t.shape != [channels] {
      throw TensorError.invalidArgument(
        "batch_norm: \(name) must have shape [\(channels)] for input \(shape), got \(t.shape)")
    }
    var mean = runningMean.scalars
    var variance = runningVar.scalars
    if training {
      let m = batch * spatial
      guard m > 1 else {
        throw TensorError.invalidArgument(
          "batch_norm: training needs more than one value per channel, input shape is \(shape)")
      }
      BatchNorm.statistics(
        scalars, batch: batch, channels: channels, spatial: spatial, mean: &mean, variance: &variance)
      let unbiased = Float(m) / Float(m - 1)
      for c in 0..<channels {
        runningMean.scalars[c] = (1 - momentum) * runningMean.scalars[c] + momentum * mean[c]
        runningVar.scalars[c] = (1 - momentum) * runningVar.scalars[c] + momentum * variance[c] * unbiased
      }
    }
    var out = [Float](repeating: 0, count: count)
    if !out.isEmpty {
      BatchNorm.forward(
        scalars, batch: batch, channels: channels, spatial: spatial, scale: scale.scalars, bias: bias.scalars,
        mean: mean, variance: variance, eps: eps, &out)
    }
    let x = self
    let traced =
      training
      ? TracedOp("batch_norm_training", ["eps": .float(Double(eps)), "momentum": .float(Double(momentum))])
      : TracedOp("batch_norm", ["eps": .float(Double(eps))])
    let inputs = training ? [x, scale, bias] : [x, scale, bias, runningMean, runningVar]
    return Tensor.result(out, shape: shape, op: traced, inputs: inputs) { g in
      var dx = [Float](repeating: 0, count: x.count)
      var dscale = [Float](repeating: 0, count: channels)
      var dbias = [Float](repeating: 0, count: channels)
      if !dx.isEmpty {
        BatchNorm.backward(
          x.scalars, dy: g.scalars, batch: batch, channels: channels, spatial: spatial, scale: scale.scalars,
          mean: mean, variance: variance, eps: eps, batchStatistics: training, dx: &dx, dscale: &dscale,
          dbias: &dbias)
      }
      let grads: [Tensor?] = [
        Tensor(uncheckedShape: x.shape, scalars: dx), Tensor(uncheckedShape: [channels], scalars: dscale),
        Tensor(uncheckedShape: [channels], scalars: dbias),
      ]
      return training ? grads : grads + [nil, nil]
    }
  }
}
