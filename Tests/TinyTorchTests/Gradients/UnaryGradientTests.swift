import XCTest

@testable import TinyTorch

/// Elementwise functions: exp, log, sqrt, abs, clamp.
final class UnaryGradientTests: XCTestCase {
  func testExp() {
    assertGradientsMatch([TestTensors.uniform([2, 3, 2], seed: 1, low: -2, high: 2)]) { $0[0].exp() }
  }

  func testLog() {
    assertGradientsMatch([TestTensors.uniform([4, 3], seed: 2, low: 0.3, high: 3)]) { $0[0].log() }
  }

  func testSqrt() {
    assertGradientsMatch([TestTensors.uniform([5, 2], seed: 3, low: 0.3, high: 3)]) { $0[0].sqrt() }
  }

  func testAbs() {
    assertGradientsMatch([TestTensors.awayFromZero([3, 4], seed: 4)]) { $0[0].abs() }
  }

  func testClamp() {
    // Values sit on a grid 0.1 apart, at least 0.025 (> ε) from every bound used below.
    let x = TestTensors.distinct([4, 5], seed: 5, gap: 0.05, offset: 0.025)
    assertGradientsMatch([x], "both bounds") { $0[0].clamp(min: -0.5, max: 0.5) }
    assertGradientsMatch([x], "lower bound only") { $0[0].clamp(min: -0.3) }
    assertGradientsMatch([x], "upper bound only") { $0[0].clamp(max: 0.2) }
  }
}
