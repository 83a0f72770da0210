import XCTest

@testable import TinyTorch

/// softmax and logSoftmax over every axis, negative axes included.
final class SoftmaxGradientTests: XCTestCase {
  func testSoftmaxOverEveryAxis() {
    let x = TestTensors.uniform([2, 3, 4], seed: 1, low: -2, high: 2)
    for axis in [0, 1, 2, -1, -2] {
      assertGradientsMatch([x], "axis \(axis)") { try $0[0].softmax(axis: axis) }
    }
  }

  func testLogSoftmaxOverEveryAxis() {
    let x = TestTensors.uniform([3, 2, 4], seed: 2, low: -2, high: 2)
    for axis in [0, 1, 2, -1, -3] {
      assertGradientsMatch([x], "axis \(axis)") { try $0[0].logSoftmax(axis: axis) }
    }
  }

  func testSoftmaxOfAVectorAndModules() {
    let x = TestTensors.uniform([6], seed: 3, low: -2, high: 2)
    assertGradientsMatch([x]) { try $0[0].softmax() }
    assertGradientsMatch([x]) { try LogSoftmax()(Softmax(axis: 0)($0[0])) }
  }
}
