import Foundation
import XCTest

@testable import TinyTorch

/// Activation and elementwise values against reference numbers.
final class ActivationValueTests: XCTestCase {
  func testGeluReferenceValues() {
    let x = Tensor([-2, -1, 0, 1, 2])
    // PyTorch: gelu(x) and gelu(x, approximate="tanh").
    assertValues(x.gelu(), [5], [-0.0455003, -0.1586553, 0, 0.8413447, 1.9544997], accuracy: 2e-6)
    assertValues(
      x.gelu(approximation: .tanh), [5], [-0.0454023, -0.1588080, 0, 0.8411920, 1.9545977],
      accuracy: 2e-6)
  }

  func testOtherActivations() {
    let x = Tensor([-2, -0.5, 0, 0.5, 2])
    assertValues(x.relu(), [5], [0, 0, 0, 0.5, 2])
    assertValues(x.leakyRelu(slope: 0.1), [5], [-0.2, -0.05, 0, 0.5, 2])
    assertValues(x.sigmoid(), [5], [0.1192029, 0.3775407, 0.5, 0.6224593, 0.8807971])
    assertValues(x.tanh(), [5], [-0.9640276, -0.4621172, 0, 0.4621172, 0.9640276])
    // PyTorch: torch.erf(x).
    assertValues(x.erf(), [5], [-0.9953223, -0.5204999, 0, 0.5204999, 0.9953223])
    assertValues(x.clamp(min: -1, max: 0.25), [5], [-1, -0.5, 0, 0.25, 0.25])
    assertValues(x.abs(), [5], [2, 0.5, 0, 0.5, 2])
  }

  func testExpLogSqrt() {
    let x = Tensor([0.25, 1, 4])
    assertValues(x.sqrt(), [3], [0.5, 1, 2])
    assertValues(x.log(), [3], [log(0.25), 0, log(4)])
    assertValues(x.log().exp(), [3], [0.25, 1, 4])
  }

  func testSoftmaxRowsSumToOne() throws {
    let p = try Tensor.uniform([4, 7], low: -5, high: 5, seed: 1).softmax(axis: 0)
    assertValues(try p.sum(axis: 0), [7], [Float](repeating: 1, count: 7), accuracy: 1e-6)
  }

  func testLayerNormValues() throws {
    let x = Tensor([[1, 2, 3, 4], [2, 2, 2, 2]])
    let gamma = Tensor([1, 1, 2, 2])
    let beta = Tensor([0, 0, 0, 1])
    let s = Float(1.25).squareRoot()
    assertValues(
      try x[0].layerNorm(gamma: gamma, beta: beta, eps: 0), [4], [-1.5 / s, -0.5 / s, 1 / s, 3 / s + 1],
      accuracy: 1e-5)
    // A constant row normalizes to 0 thanks to eps, leaving beta.
    assertValues(try x[1].layerNorm(gamma: gamma, beta: beta), [4], [0, 0, 0, 1])
  }
}
