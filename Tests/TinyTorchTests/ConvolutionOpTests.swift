import XCTest

@testable import TinyTorch

final class ConvolutionOpTests: XCTestCase {
  func testForwardMatchesHandComputedValues() throws {
    // 1×1×3×3 input 1…9, 2×2 kernel [[1, 0], [0, -1]]: y = x[i][j] − x[i+1][j+1] = −4 everywhere.
    let x = try Tensor(shape: [1, 1, 3, 3], scalars: (1...9).map(Float.init))
    let w = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 0, 0, -1])
    let y = try x.conv2d(weight: w, bias: Tensor([0.5]))
    XCTAssertEqual(y.shape, [1, 1, 2, 2])
    XCTAssertEqual(y.scalars, [-3.5, -3.5, -3.5, -3.5])
    // Zero padding 1 with a 1×1 kernel: a border of zeros (plus bias) around 2·x.
    let padded = try x.conv2d(weight: Tensor(shape: [1, 1, 1, 1], scalars: [2]), padding: 1)
    XCTAssertEqual(padded.shape, [1, 1, 5, 5])
    XCTAssertEqual(Array(padded.scalars[0..<5]), [0, 0, 0, 0, 0])
    XCTAssertEqual(Array(padded.scalars[6..<9]), [2, 4, 6])
  }

  func testGradientsWithBias() throws {
    let x = Tensor.randn([2, 3, 5, 4], seed: 1, requiresGrad: true)
    let w = Tensor.randn([4, 3, 3, 2], seed: 2, requiresGrad: true)
    let b = Tensor.randn([4], seed: 3, requiresGrad: true)
    assertGradientsMatch([x, w, b]) { _ in try x.conv2d(weight: w, bias: b) }
  }

  func testGradientsWithStrideAndPadding() throws {
    let x = Tensor.randn([2, 2, 6, 5], seed: 4, requiresGrad: true)
    let w = Tensor.randn([3, 2, 3, 3], seed: 5, requiresGrad: true)
    let b = Tensor.randn([3], seed: 6, requiresGrad: true)
    assertGradientsMatch([x, w, b]) { _ in
      try x.conv2d(weight: w, bias: b, stride: Size2D(2, 1), padding: Size2D(1, 2))
    }
  }

  func testGradientsWithDilation() throws {
    let x = Tensor.randn([1, 2, 7, 7], seed: 7, requiresGrad: true)
    let w = Tensor.randn([2, 2, 3, 2], seed: 8, requiresGrad: true)
    assertGradientsMatch([x, w]) { _ in
      try x.conv2d(weight: w, stride: 2, padding: 1, dilation: Size2D(2, 3))
    }
  }

  func testGradientsWithGroups() throws {
    let x = Tensor.randn([2, 4, 5, 5], seed: 9, requiresGrad: true)
    let w = Tensor.randn([6, 2, 3, 3], seed: 10, requiresGrad: true)
    let b = Tensor.randn([6], seed: 11, requiresGrad: true)
    assertGradientsMatch([x, w, b]) { _ in
      try x.conv2d(weight: w, bias: b, padding: 1, groups: 2)
    }
    // Depthwise: one filter per channel.
    let depthwise = Tensor.randn([4, 1, 3, 3], seed: 12, requiresGrad: true)
    assertGradientsMatch([x, depthwise]) { _ in
      try x.conv2d(weight: depthwise, stride: 2, groups: 4)
    }
  }

  func testGroupsAreIndependent() throws {
    // With two groups, output channel 0 must not depend on input channel 1.
    let x = Tensor.randn([1, 2, 4, 4], seed: 13, requiresGrad: true)
    let w = Tensor.randn([2, 1, 3, 3], seed: 14, requiresGrad: true)
    let y = try x.conv2d(weight: w, groups: 2)
    try y.slice(axis: 1, start: 0, end: 1).sum().backward()
    let grad = x.grad!.scalars
    XCTAssertTrue(grad[16..<32].allSatisfy { $0 == 0 })
    XCTAssertTrue(grad[0..<16].contains { $0 != 0 })
  }

  func testOnlyRequestedGradientsAreComputed() throws {
    let x = Tensor.randn([1, 1, 4, 4], seed: 15)
    let w = Tensor.randn([2, 1, 2, 2], seed: 16, requiresGrad: true)
    try x.conv2d(weight: w).sum().backward()
    XCTAssertNil(x.grad)
    // d/dw Σ y = Σ over windows of the input values under each tap.
    let xs = x.scalars
    let expected = (0..<4).map { tap -> Float in
      let (ky, kx) = (tap / 2, tap % 2)
      var s: Float = 0
      for i in 0..<3 { for j in 0..<3 { s += xs[(i + ky) * 4 + j + kx] } }
      return s
    }
    XCTAssertEqual(w.grad!.scalars.count, 8)
    for tap in 0..<4 {
      XCTAssertEqual(w.grad!.scalars[tap], expected[tap], accuracy: 1e-5)
      XCTAssertEqual(w.grad!.scalars[4 + tap], expected[tap], accuracy: 1e-5)
    }
  }

  func testTracedNameAndAttributes() throws {
    let tracer = Tracer()
    let x = Tensor.randn([1, 4, 6, 6], seed: 17)
    let w = Tensor.randn([2, 2, 3, 3], seed: 18)
    let b = Tensor.zeros([2])
    _ = try Tracer.$current.withValue(tracer) {
      try x.conv2d(weight: w, bias: b, stride: Size2D(2, 1), padding: 1, dilation: 2, groups: 2)
    }
    let record = try XCTUnwrap(tracer.records.last)
    XCTAssertEqual(record.op.name, "conv2d")
    XCTAssertEqual(
      record.op.attributes,
      ["stride": .ints([2, 1]), "padding": .ints([1, 1]), "dilation": .ints([2, 2]), "groups": .int(2)])
    XCTAssertEqual(record.inputs.count, 3)
    XCTAssertTrue(record.inputs[1] === w)
  }
}
