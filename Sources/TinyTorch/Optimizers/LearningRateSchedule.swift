import Foundation

/// A learning rate as a pure function of the epoch (0-based), so a resumed run recomputes it
/// from the epoch alone and needs no schedule state in the checkpoint.
public protocol LearningRateSchedule: Sendable {
  /// The learning rate to use throughout `epoch`.
  func learningRate(epoch: Int) -> Float
}

/// Multiplies the initial rate by `gamma` every `stepSize` epochs: `lr₀·γ^⌊e/stepSize⌋`
/// (like `torch.optim.lr_scheduler.StepLR`).
public struct StepSchedule: LearningRateSchedule {
  /// The rate of the first `stepSize` epochs.
  public let initialLearningRate: Float
  /// How many epochs each rate lasts.
  public let stepSize: Int
  /// The factor applied at each boundary.
  public let gamma: Float

  /// - Precondition: `stepSize > 0`.
  public init(initialLearningRate: Float, stepSize: Int, gamma: Float = 0.1) {
    precondition(stepSize > 0, "StepSchedule stepSize must be positive")
    self.initialLearningRate = initialLearningRate
    self.stepSize = stepSize
    self.gamma = gamma
  }

  public func learningRate(epoch: Int) -> Float {
    initialLearningRate * Foundation.pow(gamma, Float(max(epoch, 0) / stepSize))
  }
}

/// Cosine annealing from `maxLearningRate` at epoch 0 to `minLearningRate` at `totalEpochs`
/// (and after): `min + (max − min)·(1 + cos(π·e/T))/2`.
public struct CosineSchedule: LearningRateSchedule {
  /// The rate at epoch 0.
  public let maxLearningRate: Float
  /// The rate from epoch `totalEpochs` on.
  public let minLearningRate: Float
  /// The length T of the annealing.
  public let totalEpochs: Int

  /// - Precondition: `totalEpochs > 0`.
  public init(maxLearningRate: Float, minLearningRate: Float = 0, totalEpochs: Int) {
    precondition(totalEpochs > 0, "CosineSchedule totalEpochs must be positive")
    self.maxLearningRate = maxLearningRate
    self.minLearningRate = minLearningRate
    self.totalEpochs = totalEpochs
  }

  public func learningRate(epoch: Int) -> Float {
    if epoch >= totalEpochs { return minLearningRate }
    let progress = Double(max(epoch, 0)) / Double(totalEpochs)
    let factor = (1 + Foundation.cos(Double.pi * progress)) / 2
    return minLearningRate + (maxLearningRate - minLearningRate) * Float(factor)
  }
}
