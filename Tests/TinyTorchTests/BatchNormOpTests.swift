import XCTest

@testable import TinyTorch

final class BatchNormOpTests: XCTestCase {
  func parameters(_ channels: Int) -> (Tensor, Tensor, Tensor, Tensor) {
    (
      Tensor.randn([channels], mean: 1, std: 0.5, seed: 21, requiresGrad: true),
      Tensor.randn([channels], seed: 22, requiresGrad: true),
      Tensor.randn([channels], seed: 23), Tensor.uniform([channels], low: 0.5, high: 2, seed: 24)
    )
  }

  func testTrainingModeGradientsFlowThroughBatchStatistics() throws {
    let x = Tensor.randn([3, 2, 3, 2], mean: 0.5, std: 2, seed: 1, requiresGrad: true)
    let (gamma, beta, mean, variance) = parameters(2)
    assertGradientsMatch([x, gamma, beta]) { _ in
      try x.batchNorm(scale: gamma, bias: beta, runningMean: mean, runningVar: variance, training: true)
    }
  }

  func testTrainingModeGradientsForTwoDimensionalInput() throws {
    let x = Tensor.randn([5, 3], seed: 2, requiresGrad: true)
    let (gamma, beta, mean, variance) = parameters(3)
    assertGradientsMatch([x, gamma, beta]) { _ in
      try x.batchNorm(scale: gamma, bias: beta, runningMean: mean, runningVar: variance, training: true)
    }
  }

  func testInferenceModeGradients() throws {
    let x = Tensor.randn([2, 3, 2, 2], seed: 3, requiresGrad: true)
    let (gamma, beta, mean, variance) = parameters(3)
    assertGradientsMatch([x, gamma, beta]) { _ in
      try x.batchNorm(scale: gamma, bias: beta, runningMean: mean, runningVar: variance)
    }
  }

  func testTrainingNormalizesAndUpdatesRunningStatistics() throws {
    // Channel 0 holds 1…4, channel 1 holds 10, 20, 30, 40 (batch 2, spatial 2).
    let x = try Tensor(shape: [2, 2, 2], scalars: [1, 2, 10, 20, 3, 4, 30, 40])
    let mean = Tensor.zeros([2])
    let variance = Tensor.ones([2])
    let y = try x.batchNorm(
      scale: Tensor.ones([2]), bias: Tensor.zeros([2]), runningMean: mean, runningVar: variance,
      training: true, momentum: 0.5, eps: 0)
    // Batch mean 2.5 and biased variance 1.25 for channel 0.
    XCTAssertEqual(y.scalars[0], -1.5 / Float(1.25).squareRoot(), accuracy: 1e-5)
    XCTAssertEqual(y.sum().item, 0, accuracy: 1e-4)
    XCTAssertEqual(mean.scalars[0], 0.5 * 2.5, accuracy: 1e-6)
    XCTAssertEqual(mean.scalars[1], 0.5 * 25, accuracy: 1e-5)
    // Running variance uses the unbiased estimate: 1.25 · 4/3.
    XCTAssertEqual(variance.scalars[0], 0.5 + 0.5 * 1.25 * 4 / 3, accuracy: 1e-5)
  }

  func testInferenceUsesRunningStatisticsAndTracesBatchNorm() throws {
    let x = try Tensor(shape: [1, 2, 1, 1], scalars: [3, 3])
    let mean = Tensor([1, 2])
    let variance = Tensor([4, 0.25])
    let tracer = Tracer()
    let y = try Tracer.$current.withValue(tracer) {
      try x.batchNorm(
        scale: Tensor([2, 1]), bias: Tensor([0, 1]), runningMean: mean, runningVar: variance, eps: 0)
    }
    XCTAssertEqual(y.scalars, [2, 3])
    XCTAssertEqual(mean.scalars, [1, 2])  // unchanged in inference
    let record = try XCTUnwrap(tracer.records.last)
    XCTAssertEqual(record.op.name, "batch_norm")
    XCTAssertEqual(record.op.attributes, ["eps": .float(0)])
    XCTAssertEqual(record.inputs.count, 5)
    XCTAssertTrue(record.inputs[3] === mean && record.inputs[4] === variance)
  }
}
