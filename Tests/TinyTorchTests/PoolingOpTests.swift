import XCTest

@testable import TinyTorch

final class PoolingOpTests: XCTestCase {
  func testMaxPoolGradients() throws {
    let x = TestTensors.distinct([2, 3, 6, 6], seed: 1)
    assertGradientsMatch([x]) { _ in try x.maxPool2d(kernel: 2) }
  }

  func testMaxPoolOverlappingWindowsAndPaddingGradients() throws {
    let x = TestTensors.distinct([1, 2, 7, 6], seed: 2)
    assertGradientsMatch([x]) { _ in try x.maxPool2d(kernel: 3, stride: 2, padding: 1) }
    assertGradientsMatch([x]) { _ in try x.maxPool2d(kernel: Size2D(2, 3), stride: 1) }
  }

  func testMaxPoolTieSendsGradientToFirstMaximum() throws {
    let x = Tensor.ones([1, 1, 2, 2], requiresGrad: true)
    try x.maxPool2d(kernel: 2).sum().backward()
    XCTAssertEqual(x.grad!.scalars, [1, 0, 0, 0])
  }

  func testAvgPoolGradients() throws {
    let x = Tensor.randn([2, 2, 6, 5], seed: 3, requiresGrad: true)
    assertGradientsMatch([x]) { _ in try x.avgPool2d(kernel: 2) }
    assertGradientsMatch([x]) { _ in try x.avgPool2d(kernel: 3, stride: 1, padding: 1) }
    assertGradientsMatch([x]) { _ in
      try x.avgPool2d(kernel: 3, stride: 2, padding: 1, countIncludePad: false)
    }
  }

  func testAvgPoolValuesAndCountIncludePad() throws {
    let x = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
    XCTAssertEqual(try x.avgPool2d(kernel: 2).scalars, [2.5])
    // Corner window covers one real value and three padded zeros.
    XCTAssertEqual(try x.avgPool2d(kernel: 2, stride: 1, padding: 1).scalars[0], 0.25)
    XCTAssertEqual(try x.avgPool2d(kernel: 2, stride: 1, padding: 1, countIncludePad: false).scalars[0], 1)
  }

  func testTracedNamesAndAttributes() throws {
    let tracer = Tracer()
    let x = Tensor.randn([1, 1, 6, 6], seed: 4)
    _ = try Tracer.$current.withValue(tracer) {
      _ = try x.maxPool2d(kernel: 3, stride: 2, padding: 1)
      _ = try x.avgPool2d(kernel: Size2D(2, 3))
      return try x.avgPool2d(kernel: 2, countIncludePad: false)
    }
    let records = tracer.records
    XCTAssertEqual(records.map(\.op.name), ["max_pool2d", "avg_pool2d", "avg_pool2d"])
    XCTAssertEqual(
      records[0].op.attributes,
      ["kernel": .ints([3, 3]), "stride": .ints([2, 2]), "padding": .ints([1, 1])])
    XCTAssertEqual(
      records[1].op.attributes,
      ["kernel": .ints([2, 3]), "stride": .ints([2, 3]), "padding": .ints([0, 0])])
    XCTAssertEqual(records[2].op.attributes["count_include_pad"], .bool(false))
  }
}
