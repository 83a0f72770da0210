import XCTest

@testable import TinyTorch

/// conv2d, pooling and batch norm, every element checked (ConvolutionOpTests, PoolingOpTests and
/// BatchNormOpTests cover values and sampled gradients).
final class SpatialGradientTests: XCTestCase {
  func testConvolutionWithStridePaddingDilationAndGroups() {
    let x = TestTensors.uniform([2, 4, 5, 6], seed: 1)
    let w = TestTensors.uniform([6, 2, 3, 2], seed: 2)
    let b = TestTensors.uniform([6], seed: 3)
    assertGradientsMatch([x, w, b]) {
      try $0[0].conv2d(
        weight: $0[1], bias: $0[2], stride: Size2D(2, 1), padding: Size2D(1, 2), dilation: Size2D(1, 2),
        groups: 2)
    }
  }

  func testPooling() {
    let x = TestTensors.distinct([2, 3, 5, 6], seed: 4)  // no ties within a window
    assertGradientsMatch([x], "max") {
      try $0[0].maxPool2d(kernel: Size2D(2, 3), stride: Size2D(1, 2), padding: 1)
    }
    assertGradientsMatch([x], "avg, exclude pad") {
      try $0[0].avgPool2d(kernel: 3, stride: 2, padding: 1, countIncludePad: false)
    }
    assertGradientsMatch([x], "avg") { try $0[0].avgPool2d(kernel: 2) }
  }

  func testBatchNormInTrainingAndEvaluation() {
    let x = TestTensors.uniform([2, 3, 5, 6], seed: 5, low: -2, high: 2)
    let gamma = TestTensors.uniform([3], seed: 6, low: 0.5, high: 1.5)
    let beta = TestTensors.uniform([3], seed: 7)
    assertGradientsMatch([x, gamma, beta], "training") {
      try $0[0].batchNorm(
        scale: $0[1], bias: $0[2], runningMean: Tensor.zeros([3]), runningVar: Tensor.ones([3]),
        training: true)
    }
    assertGradientsMatch([x, gamma, beta], "evaluation") {
      try $0[0].batchNorm(
        scale: $0[1], bias: $0[2], runningMean: Tensor([0.1, 0.2, -0.3]), runningVar: Tensor([0.5, 1, 2]))
    }
  }
}
