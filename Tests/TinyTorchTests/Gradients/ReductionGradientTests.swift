import XCTest

@testable import TinyTorch

/// sum, mean, max and min over single axes, axis sets and everything, with and without keepDims.
final class ReductionGradientTests: XCTestCase {
  static let axisSets: [[Int]?] = [nil, [0], [1], [2], [-1], [0, 2], [1, 2], [0, 1, 2]]

  func check(_ name: String, _ op: (Tensor, [Int]?, Bool) throws -> Tensor) {
    let x = TestTensors.distinct([2, 3, 4], seed: 1)
    for axes in Self.axisSets {
      for keepDims in [false, true] {
        assertGradientsMatch([x], "\(name) axes \(String(describing: axes)) keepDims \(keepDims)") {
          try op($0[0], axes, keepDims)
        }
      }
    }
  }

  func testRandomShapesAndAxes() {
    var shapes = RandomShapes(seed: 77)
    for i in 0..<24 {
      let shape = shapes.shape(maxRank: 4)
      let axes = shapes.axes(rank: shape.count)
      let keepDims = shapes.bool()
      let x = TestTensors.distinct(shape, seed: UInt64(i))
      let context = "\(shape) axes \(String(describing: axes)) keepDims \(keepDims)"
      assertGradientsMatch([x], context) { x in
        let t = x[0]
        return try t.sum(axes: axes, keepDims: keepDims) * 0.5 + t.mean(axes: axes, keepDims: keepDims)
          + t.max(axes: axes, keepDims: keepDims) - t.min(axes: axes, keepDims: keepDims)
      }
    }
  }

  func testSum() { check("sum") { try $0.sum(axes: $1, keepDims: $2) } }
  func testMean() { check("mean") { try $0.mean(axes: $1, keepDims: $2) } }
  func testMax() { check("max") { try $0.max(axes: $1, keepDims: $2) } }
  func testMin() { check("min") { try $0.min(axes: $1, keepDims: $2) } }

  func testSingleAxisAndWholeTensorForms() {
    let x = TestTensors.distinct([3, 4], seed: 2)
    assertGradientsMatch([x]) { $0[0].sum() }
    assertGradientsMatch([x]) { $0[0].mean() }
    assertGradientsMatch([x]) { try $0[0].sum(axis: 1) }
    assertGradientsMatch([x]) { try $0[0].mean(axis: -2, keepDims: true) }
    assertGradientsMatch([x]) { try $0[0].max(axis: 0) }
    assertGradientsMatch([x]) { try $0[0].min(axis: 1, keepDims: true) }
  }

  func testTiedMaximaShareTheGradient() throws {
    let x = Tensor([[1, 3, 3], [2, 0, 2]], requiresGrad: true)
    try x.max(axis: 1).sum().backward()
    XCTAssertEqual(x.grad!.scalars, [0, 0.5, 0.5, 0.5, 0, 0.5])
  }
}
