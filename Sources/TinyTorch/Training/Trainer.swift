import Foundation

/// Runs the usual training loop: for each batch, zero the gradients, forward, loss, backward,
/// optional gradient clipping, optimizer step; with learning-rate schedules (per epoch, or a
/// ``LearningRateScheduler`` stepped per batch or per epoch), evaluation, a per-batch progress
/// line on terminals, epoch reports and exact checkpoints.
///
/// The data order of epoch `e` comes from the loader's seed and `e` (see
/// ``DataLoader/order(epoch:)``), and the learning rate from the schedule and `e`, so
/// restoring ``stateDict()`` (model, optimizer and epoch) into fresh objects resumes a run
/// bit for bit.
///
/// ```swift
/// let trainer = Trainer(model: mlp, optimizer: Adam(mlp.parameters()), loss: Loss.crossEntropy)
/// trainer.onEpochEnd = { print($0) }
/// try trainer.fit(trainLoader, epochs: 20, validation: testLoader)
/// ```
public final class Trainer {
  /// The model being trained.
  public let model: Module
  /// Its optimizer.
  public let optimizer: Optimizer
  /// Maps `(output, target)` to a scalar loss.
  public let loss: (Tensor, Tensor) throws -> Tensor
  /// How accuracy is measured; nil to report loss only.
  public var accuracy: AccuracyMetric?
  /// Sets the optimizer's learning rate at the start of each epoch, when present.
  public var schedule: (any LearningRateSchedule)?
  /// Stepped after every batch or every epoch (its ``LearningRateScheduler/interval``), when
  /// present; its step count is part of ``stateDict()``.
  public var scheduler: LearningRateScheduler?
  /// Where the per-batch progress line of epochs longer than 2 s goes (see ``ProgressLine``:
  /// shown on a terminal only); nil for none.
  public var progressOutput: ProgressLine.Output? = .standardError
  /// The maximum global gradient norm, when gradients are clipped.
  public var gradientClipNorm: Float?
  /// Called after each epoch of ``fit(_:epochs:validation:)`` (e.g. `{ print($0) }`).
  public var onEpochEnd: ((EpochReport) -> Void)?
  /// The number of epochs completed; the next epoch's index.
  public private(set) var epoch = 0

  /// Creates a trainer. Batches are `[input, target, …]`: the model sees field 0 and the loss
  /// compares its output with field 1.
  public init(
    model: Module, optimizer: Optimizer, loss: @escaping (Tensor, Tensor) throws -> Tensor,
    accuracy: AccuracyMetric? = .argmax, schedule: (any LearningRateSchedule)? = nil,
    gradientClipNorm: Float? = nil
  ) {
    self.model = model
    self.optimizer = optimizer
    self.loss = loss
    self.accuracy = accuracy
    self.schedule = schedule
    self.gradientClipNorm = gradientClipNorm
  }

  /// Trains for `epochs` more epochs, evaluating on `validation` after each when given.
  @discardableResult
  public func fit(_ loader: DataLoader, epochs: Int, validation: DataLoader? = nil) throws -> [EpochReport] {
    var reports: [EpochReport] = []
    for _ in 0..<epochs {
      var report = try trainEpoch(loader)
      if let validation { report.validation = try evaluate(validation) }
      onEpochEnd?(report)
      reports.append(report)
    }
    return reports
  }

  /// Trains one epoch (index ``epoch``) over `loader` in that epoch's order.
  public func trainEpoch(_ loader: DataLoader) throws -> EpochReport {
    if let schedule { optimizer.learningRate = schedule.learningRate(epoch: epoch) }
    model.train()
    let start = DispatchTime.now()
    var totals = Totals()
    var batches = loader.makeIterator(epoch: epoch)
    var lastRate = optimizer.learningRate
    let progress = progressOutput.map {
      ProgressLine(label: "epoch \(epoch)", total: loader.count, output: $0)
    }
    defer { progress?.finish() }
    while let batch = try batches.nextBatch() {
      let (input, target) = try Trainer.split(batch)
      optimizer.zeroGrad()
      let output = try model(input)
      let value = try loss(output, target)
      try value.backward()
      if let gradientClipNorm { clipGradientNorm(optimizer.parameters, maxNorm: gradientClipNorm) }
      lastRate = optimizer.learningRate
      try optimizer.step()
      scheduler?.step(after: .batch)
      try totals.add(value, output, target, accuracy)
      progress?.update(completed: totals.batches, loss: value.item)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    let report = EpochReport(
      epoch: epoch, learningRate: lastRate, training: totals.evaluation(accuracy),
      seconds: seconds)
    epoch += 1
    scheduler?.step(after: .epoch)
    return report
  }

  /// The model's mean loss (and accuracy) on `loader`, in evaluation mode without gradients.
  /// The model's training/evaluation mode is restored afterwards.
  public func evaluate(_ loader: DataLoader) throws -> Evaluation {
    var totals = Totals()
    try model.withEvaluationMode {
      try withNoGrad {
        var batches = loader.makeIterator(epoch: 0)
        while let batch = try batches.nextBatch() {
          let (input, target) = try Trainer.split(batch)
          let output = try model(input)
          try totals.add(loss(output, target), output, target, accuracy)
        }
      }
    }
    return totals.evaluation(accuracy)
  }

  /// Everything needed to resume: `"model.<name>"` entries, `"optimizer.<name>"` entries,
  /// `"trainer.epoch"` and, with a ``scheduler``, `"trainer.scheduler_step"`.
  public func stateDict() -> StateDict {
    model.stateDict().map { (name: "model." + $0.name, tensor: $0.tensor) }
      + optimizer.stateDict().map { (name: "optimizer." + $0.name, tensor: $0.tensor) }
      + [(name: "trainer.epoch", tensor: Tensor(Float(epoch)))]
      + (scheduler.map { [(name: "trainer.scheduler_step", tensor: Tensor(Float($0.stepCount)))] } ?? [])
  }

  /// Restores a ``stateDict()``. Throws, naming the entry, when anything is missing, misshapen
  /// or unknown; nothing is modified unless every part loads.
  public func loadStateDict(_ state: StateDict) throws {
    var modelState: StateDict = []
    var optimizerState: StateDict = []
    var epochValue: Float? = nil
    var schedulerStep: Float? = nil
    for (name, tensor) in state {
      if name.hasPrefix("model.") {
        modelState.append((name: String(name.dropFirst(6)), tensor: tensor))
      } else if name.hasPrefix("optimizer.") {
        optimizerState.append((name: String(name.dropFirst(10)), tensor: tensor))
      } else if name == "trainer.epoch", tensor.count == 1 {
        epochValue = tensor.item
      } else if name == "trainer.scheduler_step", tensor.count == 1, scheduler != nil {
        schedulerStep = tensor.item
      } else {
        throw TensorError.invalidArgument("checkpoint: unexpected entry '\(name)' with shape \(tensor.shape)")
      }
    }
    guard let epochValue, epochValue >= 0, epochValue == epochValue.rounded() else {
      throw TensorError.invalidArgument("checkpoint: missing or invalid 'trainer.epoch'")
    }
    if scheduler != nil {
      guard let schedulerStep, schedulerStep >= 0, schedulerStep == schedulerStep.rounded() else {
        throw TensorError.invalidArgument(
          "checkpoint: missing or invalid 'trainer.scheduler_step' (the trainer has a scheduler)")
      }
    }
    // Validate both parts before changing either.
    let modelBackup = model.stateDict()
    try model.loadStateDict(modelState)
    do {
      try optimizer.loadStateDict(optimizerState)
    } catch {
      try model.loadStateDict(modelBackup)
      throw error
    }
    epoch = Int(epochValue)
    if let scheduler, let schedulerStep { try scheduler.resume(atStep: Int(schedulerStep)) }
  }

  static func split(_ batch: [Tensor]) throws -> (Tensor, Tensor) {
    guard batch.count >= 2 else {
      throw TensorError.invalidArgument(
        "Trainer: batches need an input and a target field, got \(batch.count)")
    }
    return (batch[0], batch[1])
  }

  /// Running sums over an epoch.
  struct Totals {
    var lossSum: Double = 0
    var correct = 0
    var examples = 0
    var batches = 0

    mutating func add(_ loss: Tensor, _ output: Tensor, _ target: Tensor, _ metric: AccuracyMetric?) throws {
      let n = output.rank == 0 ? 1 : output.shape[0]
      lossSum += Double(loss.item) * Double(n)
      examples += n
      batches += 1
      if let metric { correct += try metric.correctCount(output, target) }
    }

    func evaluation(_ metric: AccuracyMetric?) -> Evaluation {
      let n = Double(Swift.max(examples, 1))
      return Evaluation(
        loss: Float(lossSum / n), accuracy: metric.map { _ in Float(Double(correct) / n) },
        examples: examples)
    }
  }
}
