import XCTest

@testable import TinyTorch

final class SpatialBadInputTests: XCTestCase {
  func testConv2dRejectsWrongRankAndChannelCount() throws {
    let conv = Conv2d(3, 4, kernelSize: 3)
    assertThrows("expected input of shape [batch, 3, height, width], got [3, 8, 8]") {
      try conv(Tensor.zeros([3, 8, 8]))
    }
    assertThrows("got [1, 2, 8, 8]") { try conv(Tensor.zeros([1, 2, 8, 8])) }
    let w = Tensor.zeros([4, 3, 3, 3])
    assertThrows("input must have shape [batch, channels, height, width]") {
      try Tensor.zeros([3, 8, 8]).conv2d(weight: w)
    }
    assertThrows("expects 3 input channels") { try Tensor.zeros([1, 2, 8, 8]).conv2d(weight: w) }
    assertThrows("conv2d bias") { try Tensor.zeros([1, 3, 8, 8]).conv2d(weight: w, bias: Tensor.zeros([3])) }
    assertThrows("weight must have shape") {
      try Tensor.zeros([1, 3, 8, 8]).conv2d(weight: Tensor.zeros([4, 3]))
    }
  }

  func testKernelLargerThanPaddedInput() throws {
    assertThrows("larger than the padded input [4, 4]") {
      try Tensor.zeros([1, 1, 2, 2]).conv2d(weight: Tensor.zeros([1, 1, 5, 5]), padding: 1)
    }
    assertThrows("dilated extent [5, 5]") {
      try Tensor.zeros([1, 1, 4, 4]).conv2d(weight: Tensor.zeros([1, 1, 3, 3]), dilation: 2)
    }
    assertThrows("larger than the padded input") { try Tensor.zeros([1, 1, 2, 2]).maxPool2d(kernel: 3) }
    assertThrows("larger than the padded input") { try MaxPool2d(2)(Tensor.zeros([1, 1, 1, 5])) }
  }

  func testGroupsMustDivideChannels() throws {
    assertThrows("groups 2 must divide both the input channels 3") {
      try Conv2d.validate(3, 4, kernelSize: 1, groups: 2)
    }
    assertThrows("output channels 5") { try Conv2d.validate(4, 5, kernelSize: 1, groups: 2) }
    assertThrows("groups 2 must divide") {
      try Tensor.zeros([1, 3, 4, 4]).conv2d(weight: Tensor.zeros([4, 1, 1, 1]), groups: 2)
    }
  }

  func testInvalidSizes() throws {
    assertThrows("must be positive") { try Conv2d.validate(1, 1, kernelSize: 0) }
    assertThrows("stride [0, 1] must be positive") {
      try Tensor.zeros([1, 1, 4, 4]).conv2d(weight: Tensor.zeros([1, 1, 2, 2]), stride: Size2D(0, 1))
    }
    assertThrows("padding [2, 2] must be at most half of kernel [3, 3]") {
      try Tensor.zeros([1, 1, 8, 8]).avgPool2d(kernel: 3, padding: 2)
    }
    assertThrows("max_pool2d: input must have shape") { try Tensor.zeros([8, 8]).maxPool2d(kernel: 2) }
  }

  func testBatchNormRejectsBadShapes() throws {
    let bn = BatchNorm2d(3)
    assertThrows("BatchNorm2d(3): expected input of shape [batch, 3, height, width], got [2, 4, 5, 5]") {
      try bn(Tensor.zeros([2, 4, 5, 5]))
    }
    assertThrows("more than one value per channel") { try bn(Tensor.zeros([1, 3, 1, 1])) }
    assertThrows("running_var must have shape [3]") {
      try Tensor.zeros([2, 3]).batchNorm(
        scale: Tensor.ones([3]), bias: Tensor.zeros([3]), runningMean: Tensor.zeros([3]),
        runningVar: Tensor.ones([2]))
    }
  }
}
