import XCTest

@testable import TinyTorch

final class TrainerTests: XCTestCase {
  /// Three Gaussian blobs in 2-D, 40 examples each, labels 0..<3.
  func makeBlobs(seed: UInt64) throws -> TensorDataset {
    var generator = RandomGenerator(seed: seed)
    let centers: [[Float]] = [[2, 0], [-2, 1], [0, -2]]
    var x: [Float] = []
    var y: [Float] = []
    for i in 0..<120 {
      let c = i % 3
      x += [centers[c][0] + 0.5 * generator.nextNormal(), centers[c][1] + 0.5 * generator.nextNormal()]
      y.append(Float(c))
    }
    return try TensorDataset(Tensor(shape: [120, 2], scalars: x), Tensor(y))
  }

  final class MLP: Module {
    let fc1: Linear
    let fc2: Linear
    init(seed: UInt64) {
      fc1 = Linear(2, 16, seed: seed)
      fc2 = Linear(16, 3, seed: seed + 1)
      super.init()
    }
    override func forward(_ x: Tensor) throws -> Tensor { try fc2(fc1(x).relu()) }
  }

  func makeTrainer(seed: UInt64) -> Trainer {
    let model = MLP(seed: seed)
    return Trainer(
      model: model, optimizer: Adam(model.parameters(), learningRate: 0.02), loss: Loss.crossEntropy,
      schedule: CosineSchedule(maxLearningRate: 0.02, minLearningRate: 0.002, totalEpochs: 4),
      gradientClipNorm: 5)
  }

  func testFitLearnsAndReportsEachEpoch() throws {
    let trainer = makeTrainer(seed: 1)
    let loader = try DataLoader(makeBlobs(seed: 0), batchSize: 16, shuffle: true, seed: 3)
    let validation = try DataLoader(makeBlobs(seed: 9), batchSize: 50)
    var printed: [String] = []
    trainer.onEpochEnd = { printed.append($0.description) }
    let reports = try trainer.fit(loader, epochs: 4, validation: validation)
    XCTAssertEqual(reports.map(\.epoch), [0, 1, 2, 3])
    XCTAssertEqual(printed.count, 4)
    XCTAssertTrue(printed[0].hasPrefix("epoch 1: train loss "), printed[0])
    XCTAssertTrue(printed[0].contains("samples/s"), printed[0])
    XCTAssertEqual(reports[0].training.examples, 120)
    XCTAssertEqual(reports[0].learningRate, 0.02)
    XCTAssertEqual(Double(reports[2].learningRate), 0.011, accuracy: 1e-6)  // cos schedule, e = 2
    XCTAssertLessThan(reports[3].training.loss, reports[0].training.loss)
    XCTAssertGreaterThan(reports[3].validation!.accuracy!, 0.95)
    XCTAssertEqual(trainer.epoch, 4)
    XCTAssertTrue(trainer.model.isTraining)
  }

  func testEvaluateMatchesAHandComputation() throws {
    let trainer = makeTrainer(seed: 4)
    let data = try makeBlobs(seed: 5)
    let result = try trainer.evaluate(DataLoader(data, batchSize: 7))
    let output = try trainer.model(data.tensors[0])
    let expectedLoss = try Loss.crossEntropy(output, data.tensors[1]).item
    let predicted = try output.argmax(axis: -1)
    let expectedAccuracy =
      Float(zip(predicted.scalars, data.tensors[1].scalars).filter { $0 == $1 }.count) / 120
    XCTAssertEqual(result.loss, expectedLoss, accuracy: 1e-5)
    XCTAssertEqual(result.accuracy, expectedAccuracy)
    XCTAssertEqual(result.examples, 120)
  }

  func testResumingFromAStateDictIsBitIdentical() throws {
    let data = try makeBlobs(seed: 0)
    func loader() throws -> DataLoader { try DataLoader(data, batchSize: 16, shuffle: true, seed: 3) }

    let straight = makeTrainer(seed: 1)
    try straight.fit(loader(), epochs: 4)

    let first = makeTrainer(seed: 1)
    try first.fit(loader(), epochs: 2)
    let checkpoint = first.stateDict()

    let resumed = makeTrainer(seed: 77)  // different initial weights, overwritten by the load
    try resumed.loadStateDict(checkpoint)
    XCTAssertEqual(resumed.epoch, 2)
    XCTAssertEqual(resumed.optimizer.stepCount, 16)
    try resumed.fit(loader(), epochs: 2)

    for ((name, a), (_, b)) in zip(straight.model.namedParameters(), resumed.model.namedParameters()) {
      XCTAssertEqual(a.scalars, b.scalars, name)
    }
    XCTAssertEqual(
      straight.optimizer.stateDict().map(\.tensor.scalars),
      resumed.optimizer.stateDict().map(\.tensor.scalars))
  }

  func testLoadStateDictRejectsBadCheckpointsWithoutChangingAnything() throws {
    let trainer = makeTrainer(seed: 1)
    let before = trainer.model.stateDict().map(\.tensor.scalars)
    var state = makeTrainer(seed: 2).stateDict()
    state.removeAll { $0.name == "optimizer.1.exp_avg" }
    XCTAssertThrowsError(try trainer.loadStateDict(state)) { error in
      XCTAssertTrue("\(error)".contains("missing entry '1.exp_avg'"), "\(error)")
    }
    XCTAssertEqual(trainer.model.stateDict().map(\.tensor.scalars), before)
    XCTAssertThrowsError(
      try trainer.loadStateDict(makeTrainer(seed: 2).stateDict().filter { $0.name != "trainer.epoch" }))
  }

  func testThresholdAccuracy() throws {
    let correct = try AccuracyMetric.threshold(0.5).correctCount(
      Tensor([[0.9], [0.2], [0.6]]), Tensor([[1], [1], [0]]))
    XCTAssertEqual(correct, 1)
    XCTAssertThrowsError(try AccuracyMetric.argmax.correctCount(Tensor([[0.9, 0.1]]), Tensor([1, 0])))
  }
}
