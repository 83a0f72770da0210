import XCTest

@testable import TinyTorch

/// layerNorm with respect to x, gamma and beta.
final class LayerNormGradientTests: XCTestCase {
  func testAffineLayerNorm() {
    for shape in [[3, 5], [2, 2, 4], [6]] {
      let width = shape.last!
      let x = TestTensors.uniform(shape, seed: 1, low: -2, high: 2)
      let gamma = TestTensors.uniform([width], seed: 2, low: 0.5, high: 1.5)
      let beta = TestTensors.uniform([width], seed: 3)
      assertGradientsMatch([x, gamma, beta], "\(shape)") { try $0[0].layerNorm(gamma: $0[1], beta: $0[2]) }
    }
  }

  func testLayerNormWithoutAffineOrWithGammaOnly() {
    let x = TestTensors.uniform([3, 4], seed: 4, low: -2, high: 2)
    let gamma = TestTensors.uniform([4], seed: 5, low: 0.5, high: 1.5)
    assertGradientsMatch([x]) { try $0[0].layerNorm() }
    assertGradientsMatch([x, gamma]) { try $0[0].layerNorm(gamma: $0[1]) }
  }

  func testBetaOnly() {
    let x = TestTensors.uniform([3, 4], seed: 6, low: -2, high: 2)
    let beta = TestTensors.uniform([4], seed: 7)
    assertGradientsMatch([x, beta]) { try $0[0].layerNorm(beta: $0[1]) }
  }
}
