import TTIR

/// Batch normalization of NCHW inputs over the batch and spatial axes, per channel, like
/// PyTorch's `nn.BatchNorm2d`.
///
/// In training mode each batch is normalized with its own statistics, which also update the
/// running statistics (`running = (1 − momentum)·running + momentum·batch`); in evaluation mode
/// the running statistics are used. `runningMean` and `runningVar` are buffers: they appear in
/// the state dict but are not trainable parameters.
public final class BatchNorm2d: Module {
  /// Per-channel scale γ, initially ones.
  public let weight: Tensor
  /// Per-channel shift β, initially zeros.
  public let bias: Tensor
  /// Running mean, initially zeros.
  public let runningMean: Tensor
  /// Running (unbiased) variance, initially ones.
  public let runningVar: Tensor
  /// Weight of the newest batch in the running statistics.
  public let momentum: Float
  /// Added to the variance for numerical stability.
  public let eps: Float

  /// The number of channels.
  public var numFeatures: Int { weight.count }

  /// A layer for `numFeatures` channels with γ = 1, β = 0, running mean 0 and variance 1.
  public init(_ numFeatures: Int, eps: Float = 1e-5, momentum: Float = 0.1) {
    ArgumentCheck.orStop { try BatchNorm2d.validate(numFeatures: numFeatures) }
    weight = Tensor.ones([numFeatures], requiresGrad: true)
    bias = Tensor.zeros([numFeatures], requiresGrad: true)
    runningMean = Tensor.zeros([numFeatures])
    runningVar = Tensor.ones([numFeatures])
    self.momentum = momentum
    self.eps = eps
    super.init()
  }

  /// Throws unless `numFeatures` is positive.
  static func validate(numFeatures: Int) throws {
    try ArgumentCheck.require(
      numFeatures > 0, "BatchNorm2d(\(numFeatures)): the number of channels must be positive")
  }

  /// PyTorch's buffer names, and its `num_batches_tracked` counter (accepted and ignored when
  /// loading, written as 0 when saving: this layer always uses `momentum`).
  public override var pytorchConvention: PyTorchConvention {
    PyTorchConvention(
      names: ["runningMean": "running_mean", "runningVar": "running_var"],
      extraBuffers: ["num_batches_tracked": TensorData(int64s: [0], shape: [])])
  }

  public override var settingsDescription: String {
    "\(numFeatures), eps: \(eps), momentum: \(momentum)"
  }

  /// Normalizes `input` of shape `[batch, numFeatures, height, width]`.
  public override func forward(_ input: Tensor) throws -> Tensor {
    guard input.rank == 4, input.shape[1] == numFeatures else {
      throw TensorError.invalidArgument(
        "BatchNorm2d(\(numFeatures)): expected input of shape [batch, \(numFeatures), height, width], "
          + "got \(input.shape)")
    }
    return try input.batchNorm(
      scale: weight, bias: bias, runningMean: runningMean, runningVar: runningVar, training: isTraining,
      momentum: momentum, eps: eps)
  }
}
