import XCTest

@testable import TinyTorch

final class SpatialModuleTests: XCTestCase {
  func testConv2dShapesParametersAndKaimingBound() throws {
    let conv = Conv2d(3, 8, kernelSize: Size2D(3, 5), stride: 2, padding: Size2D(1, 2), seed: 0)
    XCTAssertEqual(conv.weight.shape, [8, 3, 3, 5])
    XCTAssertEqual(conv.namedParameters().map(\.0), ["weight", "bias"])
    let bound = (6 / Float(3 * 3 * 5)).squareRoot()
    XCTAssertTrue(conv.weight.scalars.allSatisfy { abs($0) <= bound })
    XCTAssertGreaterThan(conv.weight.scalars.map(abs).max()!, bound * 0.9)
    let y = try conv(Tensor.randn([2, 3, 9, 10], seed: 1))
    XCTAssertEqual(y.shape, [2, 8, 5, 5])
    let grouped = Conv2d(4, 6, kernelSize: 1, groups: 2, bias: false, seed: 0)
    XCTAssertEqual(grouped.weight.shape, [6, 2, 1, 1])
    XCTAssertNil(grouped.bias)
    XCTAssertEqual(grouped.inChannels, 4)
  }

  func testSameSeedGivesSameWeights() throws {
    let a = Conv2d(2, 3, kernelSize: 3, seed: 5)
    let b = Conv2d(2, 3, kernelSize: 3, seed: 5)
    XCTAssertEqual(a.weight.scalars, b.weight.scalars)
  }

  func testPoolingModules() throws {
    let x = Tensor.randn([2, 3, 8, 8], seed: 2)
    XCTAssertEqual(try MaxPool2d(2)(x).shape, [2, 3, 4, 4])
    XCTAssertEqual(try MaxPool2d(3, stride: 1, padding: 1)(x).shape, [2, 3, 8, 8])
    XCTAssertEqual(try AvgPool2d(Size2D(2, 4))(x).shape, [2, 3, 4, 2])
    XCTAssertEqual(try AvgPool2d(2)(x).scalars, try x.avgPool2d(kernel: 2).scalars)
  }

  func testBatchNorm2dBuffersTrainAndEval() throws {
    let bn = BatchNorm2d(3, momentum: 0.1)
    XCTAssertEqual(bn.namedParameters().map(\.0), ["weight", "bias"])
    XCTAssertEqual(bn.stateDict().map(\.name), ["weight", "bias", "runningMean", "runningVar"])
    let x = Tensor.randn([4, 3, 5, 5], mean: 3, std: 2, seed: 3)
    let y = try bn(x)
    // Training: each channel of the output has mean ≈ 0 and variance ≈ 1.
    let channelMean = try y.mean(axes: [0, 2, 3])
    XCTAssertTrue(channelMean.scalars.allSatisfy { abs($0) < 1e-4 })
    let channelVar = try (y * y).mean(axes: [0, 2, 3])
    XCTAssertTrue(channelVar.scalars.allSatisfy { abs($0 - 1) < 1e-3 })
    XCTAssertTrue(bn.runningMean.scalars.allSatisfy { abs($0 - 0.3) < 0.1 })
    XCTAssertTrue(bn.runningVar.scalars.allSatisfy { $0 > 1 })
    // Evaluation: running statistics, no further update.
    bn.eval()
    let before = bn.runningMean.scalars
    let z = try bn(x)
    XCTAssertEqual(bn.runningMean.scalars, before)
    XCTAssertFalse(zip(y.scalars, z.scalars).allSatisfy { abs($0 - $1) < 1e-3 })
    // The buffers round-trip through the state dict.
    let copy = BatchNorm2d(3)
    try copy.loadStateDict(bn.stateDict())
    XCTAssertEqual(copy.runningVar.scalars, bn.runningVar.scalars)
  }

  func testSmallCNNLearnsToSeparateTwoPatterns() throws {
    // Vertical vs horizontal bars on 6×6 images.
    var images: [Float] = []
    var labels: [Float] = []
    for i in 0..<16 {
      let vertical = i % 2 == 0
      let position = (i / 2) % 6
      for r in 0..<6 { for c in 0..<6 { images.append((vertical ? c : r) == position ? 1 : 0) } }
      labels.append(vertical ? 0 : 1)
    }
    let x = try Tensor(shape: [16, 1, 6, 6], scalars: images)
    let y = Tensor(labels)
    let model = Sequential(
      Conv2d(1, 4, kernelSize: 3, padding: 1, seed: 1), BatchNorm2d(4), ReLU(), MaxPool2d(2),
      Flatten(), Linear(36, 2, seed: 2))
    var lastLoss: Float = .infinity
    for _ in 0..<60 {
      model.zeroGrad()
      let loss = try Loss.crossEntropy(model(x), y)
      try loss.backward()
      for p in model.parameters() {
        p.updateScalars { v in for i in v.indices { v[i] -= 0.1 * p.grad!.scalars[i] } }
      }
      lastLoss = loss.item
    }
    XCTAssertLessThan(lastLoss, 0.05)
    model.eval()
    let predictions = try model(x).argmax(axis: 1)
    XCTAssertEqual(predictions.scalars, labels)
  }
}
