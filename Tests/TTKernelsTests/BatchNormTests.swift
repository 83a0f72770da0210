import XCTest

@testable import TTKernels

final class BatchNormTests: XCTestCase {
  // x: [batch 2, channels 2, spatial 3]
  let x: [Float] = [1, 2, 3, 10, 20, 30, 5, 6, 7, -10, 0, 10]

  func testStatisticsArePerChannelOverBatchAndSpace() {
    var mean: [Float] = [0, 0]
    var variance: [Float] = [0, 0]
    BatchNorm.statistics(x, batch: 2, channels: 2, spatial: 3, mean: &mean, variance: &variance)
    XCTAssertEqual(mean[0], 4, accuracy: 1e-6)
    XCTAssertEqual(mean[1], 10, accuracy: 1e-6)
    // channel 0: values 1,2,3,5,6,7 → Σ(x-4)² = 9+4+1+1+4+9 = 28, biased variance 28/6.
    XCTAssertEqual(variance[0], 28 / 6, accuracy: 1e-5)
    XCTAssertEqual(variance[1], 1000 / 6, accuracy: 1e-3)
  }

  func testForwardAppliesStatisticsAndAffine() {
    var out = [Float](repeating: 0, count: 12)
    BatchNorm.forward(
      x, batch: 2, channels: 2, spatial: 3, scale: [2, 1], bias: [1, -1], mean: [4, 10],
      variance: [4, 100], eps: 0, &out)
    XCTAssertEqual(out[0], (1 - 4) / 2 * 2 + 1, accuracy: 1e-6)
    XCTAssertEqual(out[5], (30 - 10) / 10 - 1, accuracy: 1e-6)
    XCTAssertEqual(out[9], (-10 - 10) / 10 - 1, accuracy: 1e-6)
  }

  func testTrainingBackwardRemovesMeanAndScaleDirections() {
    // With batch statistics, the input gradient of each channel sums to zero and is orthogonal
    // to x̂ (the output is invariant to shifting or scaling a channel's inputs).
    var mean: [Float] = [0, 0]
    var variance: [Float] = [0, 0]
    BatchNorm.statistics(x, batch: 2, channels: 2, spatial: 3, mean: &mean, variance: &variance)
    let dy: [Float] = [0.3, -1, 2, 0.5, 0.1, -0.7, 1.5, 0.2, -0.4, 0.9, -2, 0.6]
    var dx = [Float](repeating: 0, count: 12)
    var dscale: [Float] = [0, 0]
    var dbias: [Float] = [0, 0]
    BatchNorm.backward(
      x, dy: dy, batch: 2, channels: 2, spatial: 3, scale: [1.5, -0.5], mean: mean,
      variance: variance, eps: 1e-5, batchStatistics: true, dx: &dx, dscale: &dscale, dbias: &dbias)
    for c in 0..<2 {
      let idx = [0, 1, 2, 6, 7, 8].map { $0 + 3 * c }
      XCTAssertEqual(idx.map { dx[$0] }.reduce(0, +), 0, accuracy: 1e-5)
      XCTAssertEqual(idx.map { dx[$0] * (x[$0] - mean[c]) }.reduce(0, +), 0, accuracy: 1e-4)
      XCTAssertEqual(dbias[c], idx.map { dy[$0] }.reduce(0, +), accuracy: 1e-6)
    }
  }

  func testInferenceBackwardIsScaledIdentity() {
    var dx = [Float](repeating: 0, count: 12)
    let dy = [Float](repeating: 1, count: 12)
    BatchNorm.backward(
      x, dy: dy, batch: 2, channels: 2, spatial: 3, scale: [2, 3], mean: [0, 0], variance: [4, 9],
      eps: 0, batchStatistics: false, dx: &dx, dscale: nil, dbias: nil)
    XCTAssertEqual(dx, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
  }
}
