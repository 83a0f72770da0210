import XCTest

@testable import TinyTorch

/// Reduction values and shapes, and argmax tie-breaking.
final class ReductionValueTests: XCTestCase {
  let x = try! Tensor(shape: [2, 3, 2], scalars: [1, 5, 2, 7, 3, 0, 4, 4, 6, -1, 8, 2])

  func testSumMeanMaxMin() throws {
    assertValues(x.sum(), [], [41])
    assertValues(try x.sum(axis: 1), [2, 2], [6, 12, 18, 5])
    assertValues(try x.sum(axes: [0, 2], keepDims: true), [1, 3, 1], [14, 14, 13])
    assertValues(try x.mean(axis: -1), [2, 3], [3, 4.5, 1.5, 4, 2.5, 5])
    assertValues(x.mean(), [], [41.0 / 12])
    assertValues(try x.max(axis: 1), [2, 2], [3, 7, 8, 4])
    assertValues(try x.min(axes: [1, 2]), [2], [0, -1])
    assertValues(try x.max(axes: nil, keepDims: true), [1, 1, 1], [8])
    assertValues(try x.min(axes: [-3], keepDims: false), [3, 2], [1, 4, 2, -1, 3, 0])
  }

  func testArgmaxTakesTheFirstOfTies() throws {
    let t = Tensor([[1, 4, 4, 2], [9, 9, 0, 9]])
    assertValues(try t.argmax(), [2], [1, 0])
    assertValues(try t.argmax(axis: 0, keepDims: true), [1, 4], [1, 1, 0, 1])
    assertValues(try x.argmax(axis: 1), [2, 2], [2, 1, 2, 0])
  }

  func testReductionsOfAScalarAndEmptyAxes() throws {
    assertValues(Tensor(3).sum(), [], [3])
    let empty = try Tensor(shape: [2, 0, 3], scalars: [])
    assertValues(try empty.sum(axis: 1), [2, 3], [0, 0, 0, 0, 0, 0])
    assertValues(try empty.sum(axes: [1, 2], keepDims: true), [2, 1, 1], [0, 0])
    assertValues(try empty.sum(axis: 0), [0, 3], [])
  }
}
