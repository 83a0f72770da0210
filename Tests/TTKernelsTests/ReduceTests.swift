import XCTest

@testable import TTKernels

/// Reductions along one axis, argmax ties and NaN propagation.
final class ReduceTests: XCTestCase {
  let x: [Float] = [1, 5, 2, 7, 3, 0, 4, 4, 6, -1, 8, 2]  // shape [2, 3, 2]

  func reduce(_ op: ReduceOp, axis: Int, _ values: [Float]? = nil) -> [Float] {
    let shape = [2, 3, 2]
    let (outer, _, inner) = ShapeMath.split(shape, axis: axis)
    var out = [Float](repeating: .nan, count: outer * inner)
    Reduce.reduce(op, values ?? x, shape: shape, axis: axis, &out)
    return out
  }

  func testEveryOpAndAxis() {
    XCTAssertEqual(reduce(.sum, axis: 0), [5, 9, 8, 6, 11, 2])
    XCTAssertEqual(reduce(.sum, axis: 1), [6, 12, 18, 5])
    XCTAssertEqual(reduce(.sum, axis: 2), [6, 9, 3, 8, 5, 10])
    assertClose(reduce(.mean, axis: 1), [2, 4, 6, 5.0 / 3])
    XCTAssertEqual(reduce(.max, axis: 1), [3, 7, 8, 4])
    XCTAssertEqual(reduce(.min, axis: 0), [1, 4, 2, -1, 3, 0])
    XCTAssertEqual(reduce(.max, axis: 2), [5, 7, 3, 4, 6, 8])
  }

  func testMaxAndMinPropagateNaN() {
    var values = x
    values[2] = .nan
    XCTAssertTrue(reduce(.max, axis: 1, values)[0].isNaN)
    XCTAssertTrue(reduce(.min, axis: 1, values)[0].isNaN)
    values = x
    values[0] = .nan  // NaN first, then larger values
    XCTAssertTrue(reduce(.max, axis: 1, values)[0].isNaN)
  }

  func testArgmaxTakesTheFirstOfTies() {
    let values: [Float] = [1, 4, 4, 2, 9, 9, 9, 0]
    var out = [Int](repeating: -1, count: 2)
    Reduce.argmax(values, shape: [2, 4], axis: 1, &out)
    XCTAssertEqual(out, [1, 0])
    var columns = [Int](repeating: -1, count: 4)
    Reduce.argmax(values, shape: [2, 4], axis: 0, &columns)
    XCTAssertEqual(columns, [1, 1, 1, 0])
  }

  func testTotalIsAccurate() {
    let values = [Float](repeating: 0.1, count: 100_000)
    XCTAssertEqual(Reduce.total(values, count: values.count), 10_000, accuracy: 1e-2)
  }
}
