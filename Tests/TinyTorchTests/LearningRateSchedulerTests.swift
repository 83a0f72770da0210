import XCTest

@testable import TinyTorch

final class LearningRateSchedulerTests: XCTestCase {
  func testLinearWarmupRisesThenFollowsTheBaseSchedule() {
    let schedule = LinearWarmup(
      warmupSteps: 4, then: StepSchedule(initialLearningRate: 1, stepSize: 2, gamma: 0.5))
    let rates = (0..<9).map { schedule.learningRate(epoch: $0) }
    XCTAssertEqual(rates, [0, 0.25, 0.5, 0.75, 1, 1, 0.5, 0.5, 0.25])
    let fromHalf = LinearWarmup(warmupSteps: 2, startFactor: 0.5, then: ConstantSchedule(2))
    XCTAssertEqual((0..<3).map { fromHalf.learningRate(epoch: $0) }, [1, 1.5, 2])
    XCTAssertEqual(LinearWarmup(warmupSteps: 0, then: ConstantSchedule(3)).learningRate(epoch: 0), 3)
  }

  func testSchedulerSetsTheOptimizersRateAtEachStep() {
    let optimizer = SGD([Tensor.zeros([1], requiresGrad: true)], learningRate: 99)
    let scheduler = LearningRateScheduler(
      optimizer, LinearWarmup(warmupSteps: 2, then: ConstantSchedule(0.1)))
    XCTAssertEqual(optimizer.learningRate, 0)
    scheduler.step()
    XCTAssertEqual(optimizer.learningRate, 0.05)
    scheduler.step(after: .batch)  // an epoch scheduler ignores batch ends
    XCTAssertEqual(scheduler.stepCount, 1)
    scheduler.step(after: .epoch)
    XCTAssertEqual(optimizer.learningRate, 0.1)
  }

  /// 40 examples in batches of 8: 5 optimizer steps per epoch.
  func makeTrainer(interval: LearningRateScheduler.Interval) throws -> (Trainer, DataLoader) {
    let x = Tensor.uniform([40, 3], seed: 1)
    let y = Tensor((0..<40).map { Float($0 % 2) })
    let model = Sequential(Linear(3, 4, seed: 2), ReLU(), Linear(4, 2, seed: 3))
    let optimizer = SGD(model.parameters(), learningRate: 0.1)
    let trainer = Trainer(model: model, optimizer: optimizer, loss: Loss.crossEntropy)
    trainer.scheduler = LearningRateScheduler(
      optimizer, LinearWarmup(warmupSteps: 6, then: CosineSchedule(maxLearningRate: 0.1, totalEpochs: 10)),
      interval: interval)
    trainer.progressOutput = nil
    return (trainer, try DataLoader(TensorDataset(x, y), batchSize: 8, shuffle: true, seed: 4))
  }

  func testTrainerStepsAPerBatchSchedulerAfterEveryBatch() throws {
    let (trainer, loader) = try makeTrainer(interval: .batch)
    let reports = try trainer.fit(loader, epochs: 2)
    XCTAssertEqual(trainer.scheduler?.stepCount, 10)
    // The report shows the rate of the epoch's last batch: steps 4 and 9.
    XCTAssertEqual(reports[0].learningRate, 0.1 * 4 / 6, accuracy: 1e-7)
    XCTAssertEqual(
      reports[1].learningRate, CosineSchedule(maxLearningRate: 0.1, totalEpochs: 10).learningRate(epoch: 3))
    let (perEpoch, _) = try makeTrainer(interval: .epoch)
    try perEpoch.fit(loader, epochs: 2)
    XCTAssertEqual(perEpoch.scheduler?.stepCount, 2)
  }

  func testCheckpointsResumeAPerBatchSchedulerExactly() throws {
    let (straight, loader) = try makeTrainer(interval: .batch)
    try straight.fit(loader, epochs: 3)
    let (first, _) = try makeTrainer(interval: .batch)
    try first.fit(loader, epochs: 1)
    let checkpoint = first.stateDict()
    XCTAssertTrue(checkpoint.contains { $0.name == "trainer.scheduler_step" })
    let (resumed, _) = try makeTrainer(interval: .batch)
    try resumed.loadStateDict(checkpoint)
    XCTAssertEqual(resumed.scheduler?.stepCount, 5)
    try resumed.fit(loader, epochs: 2)
    XCTAssertEqual(resumed.optimizer.learningRate, straight.optimizer.learningRate)
    for ((name, a), (_, b)) in zip(straight.model.namedParameters(), resumed.model.namedParameters()) {
      XCTAssertEqual(a.scalars, b.scalars, name)
    }
    let (noScheduler, _) = try makeTrainer(interval: .batch)
    noScheduler.scheduler = nil
    assertThrowsTensorError(["unexpected entry 'trainer.scheduler_step'"]) {
      try noScheduler.loadStateDict(checkpoint)
    }
  }
}
