import XCTest

@testable import TinyTorch

/// Every loss, with respect to its prediction (and its target where that is differentiable).
final class LossGradientTests: XCTestCase {
  func testMSE() {
    let p = TestTensors.uniform([4, 3], seed: 1)
    let t = TestTensors.uniform([4, 3], seed: 2)
    assertGradientsMatch([p, t]) { try Loss.mse($0[0], $0[1]) }
  }

  func testBinaryCrossEntropy() {
    let p = TestTensors.uniform([5, 2], seed: 3, low: 0.1, high: 0.9)
    let t = TestTensors.uniform([5, 2], seed: 4, low: 0, high: 1)
    assertGradientsMatch([p, t]) { try Loss.binaryCrossEntropy($0[0], $0[1]) }
  }

  func testBinaryCrossEntropyWithLogits() {
    let z = TestTensors.uniform([6, 2], seed: 5, low: -4, high: 4)
    let t = TestTensors.uniform([6, 2], seed: 6, low: 0, high: 1)
    assertGradientsMatch([z, t]) { try Loss.binaryCrossEntropyWithLogits($0[0], $0[1]) }
  }

  func testCrossEntropy() {
    let logits = TestTensors.uniform([5, 4], seed: 7, low: -3, high: 3)
    let targets = TestTensors.indices(5, bound: 4, seed: 8)
    assertGradientsMatch([logits]) { try Loss.crossEntropy($0[0], targets) }
    assertGradientsMatch([logits]) { try Loss.crossEntropy($0[0], [3, 0, 0, 1, 2]) }
  }

  func testNLL() {
    let scores = TestTensors.uniform([4, 3], seed: 9, low: -3, high: 0)
    let targets = Tensor([2, 2, 0, 1])
    assertGradientsMatch([scores]) { try Loss.nll($0[0], targets) }
  }
}
