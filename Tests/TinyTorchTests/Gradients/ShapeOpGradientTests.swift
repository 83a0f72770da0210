import XCTest

@testable import TinyTorch

/// reshaped, permuted, transposed, squeezed, unsqueezed, flattened. Each is followed by a
/// position-dependent function (the checker's random weights) so that a wrong layout shows.
final class ShapeOpGradientTests: XCTestCase {
  let x = TestTensors.uniform([2, 3, 4], seed: 1)

  func testReshaped() {
    for target in [[6, 4], [4, -1], [-1], [2, 2, 6], [24, 1]] {
      assertGradientsMatch([x], "\(target)") { try $0[0].reshaped(target) }
    }
  }

  func testPermuted() {
    for perm in [[0, 1, 2], [2, 0, 1], [1, 2, 0], [2, 1, 0], [-1, 0, 1]] {
      assertGradientsMatch([x], "\(perm)") { try $0[0].permuted(perm) }
    }
  }

  func testTransposed() {
    assertGradientsMatch([x]) { try $0[0].transposed() }
    assertGradientsMatch([x]) { try $0[0].transposed(0, 2) }
    assertGradientsMatch([x]) { try $0[0].transposed(-3, 1) }
  }

  func testSqueezedAndUnsqueezed() {
    let y = TestTensors.uniform([3, 1, 2, 1], seed: 2)
    assertGradientsMatch([y]) { try $0[0].squeezed() }
    assertGradientsMatch([y]) { try $0[0].squeezed(axis: 1) }
    assertGradientsMatch([y]) { try $0[0].squeezed(axis: -1) }
    for axis in [0, 2, 4, -1, -5] {
      assertGradientsMatch([y], "unsqueeze \(axis)") { try $0[0].unsqueezed(axis: axis) }
    }
  }

  func testFlattened() {
    for start in [0, 1, 2, -1] {
      assertGradientsMatch([x], "start \(start)") { try $0[0].flattened(startAxis: start) }
    }
    assertGradientsMatch([x]) { try Flatten()($0[0]) }
  }

  func testComposedLayoutChanges() {
    assertGradientsMatch([x]) { x in
      try x[0].permuted([1, 0, 2]).reshaped([3, 8]).transposed().unsqueezed(axis: 0).flattened()
    }
  }
}
