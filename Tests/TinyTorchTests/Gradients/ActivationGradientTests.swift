import XCTest

@testable import TinyTorch

/// relu, leakyRelu, sigmoid, tanh and both GELU forms.
final class ActivationGradientTests: XCTestCase {
  func testRelu() {
    assertGradientsMatch([TestTensors.awayFromZero([3, 5], seed: 1)]) { $0[0].relu() }
  }

  func testLeakyRelu() {
    for slope: Float in [0.01, 0.2] {
      assertGradientsMatch([TestTensors.awayFromZero([3, 5], seed: 2)], "slope \(slope)") {
        $0[0].leakyRelu(slope: slope)
      }
    }
  }

  func testSigmoid() {
    assertGradientsMatch([TestTensors.uniform([4, 4], seed: 3, low: -4, high: 4)]) { $0[0].sigmoid() }
  }

  func testTanh() {
    assertGradientsMatch([TestTensors.uniform([4, 4], seed: 4, low: -3, high: 3)]) { $0[0].tanh() }
  }

  func testErf() {
    assertGradientsMatch([TestTensors.uniform([4, 4], seed: 6, low: -2.5, high: 2.5)]) { $0[0].erf() }
  }

  func testGeluBothForms() {
    let x = TestTensors.uniform([4, 5], seed: 5, low: -4, high: 4)
    assertGradientsMatch([x], "erf") { $0[0].gelu() }
    assertGradientsMatch([x], "tanh") { $0[0].gelu(approximation: .tanh) }
  }

  func testModulesMatchTheirFunctions() throws {
    let x = TestTensors.awayFromZero([2, 3], seed: 6)
    assertGradientsMatch([x]) { x in
      let modules: [Module] = [LeakyReLU(slope: 0.1), Tanh(), GELU(approximation: .tanh), Sigmoid(), ReLU()]
      return try Sequential(modules)(x[0])
    }
    XCTAssertEqual(try GELU()(x).scalars, x.gelu().scalars)
  }
}
