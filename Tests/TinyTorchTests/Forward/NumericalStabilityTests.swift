import Foundation
import XCTest

@testable import TinyTorch

/// Extreme inputs must give finite, correct values and gradients.
final class NumericalStabilityTests: XCTestCase {
  func testSoftmaxWithHugeInputs() throws {
    let x = Tensor([[1e4, -1e4, 1e4], [-1e4, -1e4, -1e4]], requiresGrad: true)
    let p = try x.softmax()
    assertValues(p, [2, 3], [0.5, 0, 0.5, 1.0 / 3, 1.0 / 3, 1.0 / 3], accuracy: 1e-6)
    try (p * Tensor([[1, 2, 3], [4, 5, 6]])).sum().backward()
    XCTAssertTrue(x.grad!.scalars.allSatisfy(\.isFinite))
  }

  func testLogSoftmaxOfHugeLogits() throws {
    let x = Tensor([1e4, 0, -1e4], requiresGrad: true)
    let lp = try x.logSoftmax()
    assertValues(lp, [3], [0, -1e4, -2e4], accuracy: 1e-3)
    try lp.backward(seed: Tensor([1, 1, 1]))
    assertValues(x.grad!, [3], [-2, 1, 1], accuracy: 1e-6)
    assertValues(try Tensor([3e38, 3e38]).logSoftmax(), [2], [-log(2), -log(2)], accuracy: 1e-6)
  }

  func testSigmoidAtLargeMagnitudes() throws {
    let x = Tensor([100, -100, 1000, -1000], requiresGrad: true)
    let y = x.sigmoid()
    XCTAssertTrue(y.scalars.allSatisfy(\.isFinite))
    XCTAssertEqual(y.scalars[0], 1)
    XCTAssertEqual(y.scalars[1], 0, accuracy: 1e-30)
    try y.sum().backward()
    XCTAssertTrue(x.grad!.scalars.allSatisfy { $0.isFinite && $0 >= 0 })
  }

  func testBinaryCrossEntropyWithLogitsAtLargeLogits() throws {
    let z = Tensor([100, -100, 100, -100], requiresGrad: true)
    let y = Tensor([1, 0, 0, 1])
    let loss = try Loss.binaryCrossEntropyWithLogits(z, y)
    XCTAssertEqual(loss.item, 50, accuracy: 1e-4)  // (0 + 0 + 100 + 100) / 4
    try loss.backward()
    assertValues(z.grad!, [4], [0, 0, 0.25, -0.25], accuracy: 1e-6)
  }

  func testBinaryCrossEntropyOfSaturatedProbabilitiesIsFinite() throws {
    let p = Tensor([1, 0], requiresGrad: true)
    let loss = try Loss.binaryCrossEntropy(p, Tensor([0, 1]))
    XCTAssertTrue(loss.item.isFinite)
    XCTAssertGreaterThan(loss.item, 10)
    assertValues(
      try Loss.binaryCrossEntropy(Tensor([0.8, 0.3]), Tensor([1, 0])), [],
      [-(log(0.8) + log(0.7)) / 2], accuracy: 1e-6)
  }

  func testCrossEntropyEqualsManualLogSumExp() throws {
    let logits = Tensor([[2, -1, 0.5], [1e4, 0, -3], [0.1, 0.2, 0.3]])
    let targets = [2, 0, 1]
    var expected: Double = 0
    for (row, t) in targets.enumerated() {
      let z = (0..<3).map { Double(logits.scalars[row * 3 + $0]) }
      let m = z.max()!
      let lse = m + log(z.map { exp($0 - m) }.reduce(0, +))
      expected += lse - z[t]
    }
    expected /= 3
    XCTAssertEqual(Double(try Loss.crossEntropy(logits, targets).item), expected, accuracy: 1e-5)
    XCTAssertEqual(
      try Loss.nll(logits.logSoftmax(), Tensor([2, 0, 1])).item,
      Float(expected), accuracy: 1e-5)
  }

  func testMSEValue() throws {
    XCTAssertEqual(try Loss.mse(Tensor([1, 2, 3]), Tensor([1, 0, 0])).item, 13.0 / 3, accuracy: 1e-6)
  }
}
