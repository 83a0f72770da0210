import Foundation

/// A learning rate as a pure function of a step index (0-based): the epoch for schedules
/// applied once per epoch, the batch for schedules applied per batch (see
/// ``LearningRateScheduler``). A resumed run recomputes the rate from the index alone.
public protocol LearningRateSchedule: Sendable {
  /// The learning rate to use throughout step (or epoch) `epoch`.
  func learningRate(epoch: Int) -> Float
}

/// The same rate at every step (a base for ``LinearWarmup``).
public struct ConstantSchedule: LearningRateSchedule {
  /// The rate.
  public let learningRate: Float

  /// A schedule that always answers `learningRate`.
  public init(_ learningRate: Float) { self.learningRate = learningRate }

  public func learningRate(epoch: Int) -> Float { learningRate }
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

  /// A `stepSize` that is not positive is a programming error: the program stops with a
  /// message naming it.
  public init(initialLearningRate: Float, stepSize: Int, gamma: Float = 0.1) {
    ArgumentCheck.orStop { try StepSchedule.validate(stepSize: stepSize) }
    self.initialLearningRate = initialLearningRate
    self.stepSize = stepSize
    self.gamma = gamma
  }

  /// Throws unless `stepSize` is positive.
  static func validate(stepSize: Int) throws {
    try ArgumentCheck.require(stepSize > 0, "StepSchedule(stepSize: \(stepSize)): stepSize must be positive")
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

  /// A `totalEpochs` that is not positive is a programming error: the program stops with a
  /// message naming it.
  public init(maxLearningRate: Float, minLearningRate: Float = 0, totalEpochs: Int) {
    ArgumentCheck.orStop { try CosineSchedule.validate(totalEpochs: totalEpochs) }
    self.maxLearningRate = maxLearningRate
    self.minLearningRate = minLearningRate
    self.totalEpochs = totalEpochs
  }

  /// Throws unless `totalEpochs` is positive.
  static func validate(totalEpochs: Int) throws {
    try ArgumentCheck.require(
      totalEpochs > 0, "CosineSchedule(totalEpochs: \(totalEpochs)): totalEpochs must be positive")
  }

  public func learningRate(epoch: Int) -> Float {
    if epoch >= totalEpochs { return minLearningRate }
    let progress = Double(max(epoch, 0)) / Double(totalEpochs)
    let factor = (1 + Foundation.cos(Double.pi * progress)) / 2
    return minLearningRate + (maxLearningRate - minLearningRate) * Float(factor)
  }
}

/// Linear warm-up in front of another schedule, as used to train transformers: during the first
/// `warmupSteps` steps the rate rises linearly from `startFactor·r₀` towards `r₀ =
/// base.learningRate(epoch: 0)` (step `s` gets `r₀·(startFactor + (1 − startFactor)·s/warmupSteps)`),
/// after which step `warmupSteps + k` gets `base.learningRate(epoch: k)`.
///
/// ```swift
/// let schedule = LinearWarmup(
///   warmupSteps: 100, then: CosineSchedule(maxLearningRate: 3e-4, totalEpochs: 900))
/// ```
public struct LinearWarmup: LearningRateSchedule {
  /// The number of warm-up steps.
  public let warmupSteps: Int
  /// The fraction of the base rate used at step 0.
  public let startFactor: Float
  /// The schedule that follows the warm-up.
  public let base: any LearningRateSchedule

  /// A negative `warmupSteps` or a `startFactor` outside `[0, 1]` is a programming error: the
  /// program stops with a message naming it.
  public init(warmupSteps: Int, startFactor: Float = 0, then base: any LearningRateSchedule) {
    ArgumentCheck.orStop { try LinearWarmup.validate(warmupSteps: warmupSteps, startFactor: startFactor) }
    self.warmupSteps = warmupSteps
    self.startFactor = startFactor
    self.base = base
  }

  /// Throws unless `warmupSteps ≥ 0` and `startFactor` lies in `[0, 1]`.
  static func validate(warmupSteps: Int, startFactor: Float) throws {
    try ArgumentCheck.require(
      warmupSteps >= 0 && (0...1).contains(startFactor),
      "LinearWarmup(warmupSteps: \(warmupSteps), startFactor: \(startFactor)): "
        + "warmupSteps must be ≥ 0 and startFactor in [0, 1]")
  }

  public func learningRate(epoch: Int) -> Float {
    guard epoch < warmupSteps else { return base.learningRate(epoch: epoch - warmupSteps) }
    let fraction = Float(max(epoch, 0)) / Float(warmupSteps)
    return base.learningRate(epoch: 0) * (startFactor + (1 - startFactor) * fraction)
  }
}
