import XCTest

@testable import TTKernels

/// Permutation, strided slicing and its adjoint, concatenation, gather and scatter-add.
final class LayoutTests: XCTestCase {
  func testPermuteMatchesTheReference() {
    let shape = [2, 3, 4]
    let x = (0..<24).map(Float.init)
    for permutation in [[0, 1, 2], [2, 0, 1], [1, 2, 0], [2, 1, 0], [0, 2, 1], [1, 0, 2]] {
      var out = [Float](repeating: .nan, count: 24)
      Layout.permute(x, shape: shape, permutation: permutation, &out)
      let outShape = permutation.map { shape[$0] }
      let expected = Indexing.all(outShape).map { index -> Float in
        var source = [Int](repeating: 0, count: 3)
        for (i, p) in permutation.enumerated() { source[p] = index[i] }
        return x[Indexing.offset(source, in: shape)]
      }
      XCTAssertEqual(out, expected, "\(permutation)")
    }
  }

  func testSliceAndItsAdjoint() {
    let x = (0..<20).map(Float.init)  // [4, 5]
    var out = [Float](repeating: .nan, count: 4)
    Layout.slice(x, shape: [4, 5], start: [1, 0], step: [2, 3], outShape: [2, 2], &out)
    XCTAssertEqual(out, [5, 8, 15, 18])
    var back = [Float](repeating: 0, count: 20)
    Layout.sliceBackward(
      [1, 2, 3, 4], shape: [4, 5], start: [1, 0], step: [2, 3], outShape: [2, 2], &back)
    var expected = [Float](repeating: 0, count: 20)
    expected[5] = 1
    expected[8] = 2
    expected[15] = 3
    expected[18] = 4
    XCTAssertEqual(back, expected)
  }

  func testConcatAlongAnInnerAxis() {
    let a: [Float] = [1, 2, 3, 4]  // [2, 2]
    let b: [Float] = [5, 6, 7, 8, 9, 10]  // [2, 3]
    var out = [Float](repeating: .nan, count: 10)
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        Layout.concat([(pa.baseAddress!, [2, 2]), (pb.baseAddress!, [2, 3])], axis: 1, &out)
      }
    }
    XCTAssertEqual(out, [1, 2, 5, 6, 7, 3, 4, 8, 9, 10])
  }

  func testGatherAndScatterAddWithRepeatedIndices() {
    let x = (0..<12).map(Float.init)  // [2, 3, 2]
    var out = [Float](repeating: .nan, count: 12)
    Layout.gather(x, shape: [2, 3, 2], axis: 1, indices: [2, 2, 0], &out)
    XCTAssertEqual(out, [4, 5, 4, 5, 0, 1, 10, 11, 10, 11, 6, 7])
    var back = [Float](repeating: 0, count: 12)
    Layout.scatterAdd(
      [Float](repeating: 1, count: 12), shape: [2, 3, 2], axis: 1, indices: [2, 2, 0], &back)
    XCTAssertEqual(back, [1, 1, 0, 0, 2, 2, 1, 1, 0, 0, 2, 2])
  }
}
