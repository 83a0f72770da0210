import XCTest

@testable import TinyTorch

/// concat, stack, slice, subscripts, gather and rows.
final class IndexingGradientTests: XCTestCase {
  func testConcatAlongEveryAxis() {
    for axis in [0, 1, 2, -1] {
      var sa = [2, 3, 2]
      var sb = [2, 3, 2]
      let ax = axis < 0 ? axis + 3 : axis
      sa[ax] = 1
      sb[ax] = 3
      let a = TestTensors.uniform(sa, seed: 1)
      let b = TestTensors.uniform(sb, seed: 2)
      let c = TestTensors.uniform([2, 3, 2], seed: 3)
      assertGradientsMatch([a, b, c], "axis \(axis)") { try Tensor.concat($0, axis: axis) }
    }
  }

  func testConcatWithAnInputThatNeedsNoGrad() {
    let a = TestTensors.uniform([2, 2], seed: 4)
    let constant = TestTensors.uniform([1, 2], seed: 5, requiresGrad: false)
    assertGradientsMatch([a]) { try Tensor.concat([constant, $0[0], constant]) }
  }

  func testStack() {
    let a = TestTensors.uniform([2, 3], seed: 6)
    let b = TestTensors.uniform([2, 3], seed: 7)
    for axis in [0, 1, 2, -1] {
      assertGradientsMatch([a, b], "axis \(axis)") { try Tensor.stack($0, axis: axis) }
    }
  }

  func testSliceWithStepsAndNegativeBounds() {
    let x = TestTensors.uniform([5, 7], seed: 8)
    let cases: [(axis: Int, start: Int, end: Int?, step: Int)] = [
      (0, 1, 4, 1), (1, 0, nil, 2), (1, -5, -1, 2), (0, -2, nil, 1), (-1, 1, 100, 3), (0, -100, 2, 1),
    ]
    for c in cases {
      assertGradientsMatch([x], "\(c)") {
        try $0[0].slice(axis: c.axis, start: c.start, end: c.end, step: c.step)
      }
    }
    assertGradientsMatch([x], "multi-axis") {
      try $0[0].slice(starts: [-4, 1], ends: [5, -1], steps: [2, 3])
    }
  }

  func testOverlappingSlicesAccumulate() {
    let x = TestTensors.uniform([6], seed: 9)
    assertGradientsMatch([x]) { try $0[0].slice(axis: 0, start: 0, end: 4) * $0[0].slice(axis: 0, start: 2) }
  }

  func testSubscripts() {
    let x = TestTensors.uniform([4, 3], seed: 10)
    assertGradientsMatch([x]) { try $0[0][1] }
    assertGradientsMatch([x]) { try $0[0][-1] }
    assertGradientsMatch([x]) { try $0[0][1..<3] }
    assertGradientsMatch([x]) { try $0[0][2][0] * $0[0][0..<1] }
  }

  func testGatherWithRepeatedIndicesScatterAdds() {
    let x = TestTensors.uniform([4, 3, 2], seed: 11)
    let repeated = Tensor([2, 0, 2, 2, 3])
    assertGradientsMatch([x], "axis 0") { try $0[0].gather(axis: 0, indices: repeated) }
    let matrix = try! Tensor(shape: [2, 2], scalars: [1, 1, 0, 2])
    assertGradientsMatch([x], "axis 1, 2-D indices") { try $0[0].gather(axis: 1, indices: matrix) }
    assertGradientsMatch([x], "axis -1") { try $0[0].gather(axis: -1, indices: Tensor([1, 1, 1])) }
    assertGradientsMatch([x], "rows") { try $0[0].rows([3, 3, 1]) }
  }

  func testGatherScatterAddValues() throws {
    let table = Tensor([[1, 2], [3, 4], [5, 6]], requiresGrad: true)
    try table.rows([2, 0, 2]).sum().backward()
    XCTAssertEqual(table.grad!.scalars, [1, 1, 0, 0, 2, 2])
  }
}
