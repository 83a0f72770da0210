import XCTest

@testable import TTKernels

/// MatMul.batched: broadcast batch axes and transposes, each batch checked against a naive loop.
final class MatMulTests: XCTestCase {
  func testOutputShapes() {
    XCTAssertEqual(MatMul.outputShape([2, 3], [3, 4]), [2, 4])
    XCTAssertEqual(MatMul.outputShape([5, 1, 2, 3], [4, 3, 7]), [5, 4, 2, 7])
    XCTAssertNil(MatMul.outputShape([2, 3], [4, 5]))
    XCTAssertNil(MatMul.outputShape([2, 2, 3], [3, 3, 4]))
    XCTAssertNil(MatMul.outputShape([3], [3, 4]))
  }

  func testBroadcastBatchesAndTransposes() {
    var random = TestRandom(seed: 3)
    let cases: [([Int], [Int])] = [
      ([2, 3, 5], [5, 17]), ([5, 4], [3, 4, 6]), ([2, 1, 5, 3], [4, 3, 2]),
    ]
    for (sa, sb) in cases {
      for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
        // Store the operands so that op(A) and op(B) have the logical shapes sa and sb.
        var storedA = sa
        var storedB = sb
        if ta { storedA.swapAt(sa.count - 1, sa.count - 2) }
        if tb { storedB.swapAt(sb.count - 1, sb.count - 2) }
        let a = random.values(ShapeMath.count(sa))
        let b = random.values(ShapeMath.count(sb))
        let outShape = MatMul.outputShape(sa, sb)!
        var out = [Float](repeating: .nan, count: ShapeMath.count(outShape))
        MatMul.batched(a, storedA, transposeA: ta, b, storedB, transposeB: tb, &out)

        let (m, k, n) = (sa[sa.count - 2], sa[sa.count - 1], sb[sb.count - 1])
        var expected: [Float] = []
        for index in Indexing.all(Array(outShape.dropLast(2))) {
          let baseA = Indexing.offset(index, in: Array(sa.dropLast(2))) * m * k
          let baseB = Indexing.offset(index, in: Array(sb.dropLast(2))) * k * n
          for i in 0..<m {
            for j in 0..<n {
              var s: Float = 0
              for p in 0..<k {
                let x = ta ? a[baseA + p * m + i] : a[baseA + i * k + p]
                let y = tb ? b[baseB + j * k + p] : b[baseB + p * n + j]
                s += x * y
              }
              expected.append(s)
            }
          }
        }
        assertClose(out, expected, absolute: 1e-5, "\(sa) @ \(sb) tA \(ta) tB \(tb)")
      }
    }
  }
}
