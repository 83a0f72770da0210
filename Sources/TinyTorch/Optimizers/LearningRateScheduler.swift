/// A learning-rate schedule bound to an optimizer, stepped once per epoch or once per batch
/// (like `torch.optim.lr_scheduler`).
///
/// Creating the scheduler sets the optimizer's rate for step 0; each ``step()`` advances one
/// step and sets the rate for it. A ``Trainer`` with a ``Trainer/scheduler`` steps it at the
/// right moments and stores its step count in checkpoints.
///
/// ```swift
/// let optimizer = AdamW(model.parameters(), learningRate: 3e-4)
/// let scheduler = LearningRateScheduler(
///   optimizer, LinearWarmup(warmupSteps: 100, then: ConstantSchedule(3e-4)), interval: .batch)
/// for batch in loader {
///   …                                  // forward, backward, optimizer.step()
///   scheduler.step()
/// }
/// ```
public final class LearningRateScheduler {
  /// When the schedule advances.
  public enum Interval: Sendable {
    /// After every epoch.
    case epoch
    /// After every batch (optimizer step).
    case batch
  }

  /// The optimizer whose ``Optimizer/learningRate`` this scheduler sets.
  public let optimizer: Optimizer
  /// The rates, as a function of ``stepCount``.
  public let schedule: any LearningRateSchedule
  /// Whether ``step()`` is meant to be called per epoch or per batch.
  public let interval: Interval
  /// The number of ``step()`` calls so far: the index of the current rate.
  public private(set) var stepCount: Int

  /// Binds `schedule` to `optimizer` and sets the rate of step `stepCount` (0 for a fresh run).
  public init(
    _ optimizer: Optimizer, _ schedule: any LearningRateSchedule, interval: Interval = .epoch,
    stepCount: Int = 0
  ) {
    self.optimizer = optimizer
    self.schedule = schedule
    self.interval = interval
    self.stepCount = stepCount
    optimizer.learningRate = schedule.learningRate(epoch: stepCount)
  }

  /// The rate of the current step.
  public var learningRate: Float { schedule.learningRate(epoch: stepCount) }

  /// Advances one step and sets the optimizer's rate for it.
  public func step() {
    stepCount += 1
    optimizer.learningRate = learningRate
  }

  /// Advances when `moment` is this scheduler's ``interval`` (what a training loop calls after
  /// each batch and after each epoch).
  public func step(after moment: Interval) {
    if moment == interval { step() }
  }

  /// Restores the step count of a checkpoint and sets the optimizer's rate for it.
  public func resume(atStep step: Int) throws {
    try ArgumentCheck.require(step >= 0, "LearningRateScheduler: step \(step) must be ≥ 0")
    stepCount = step
    optimizer.learningRate = learningRate
  }
}
