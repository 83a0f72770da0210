import XCTest

@testable import TinyTorch

/// matmul and linear against naive loops, on sizes that cross the GEMM tile boundaries.
final class MatMulValueTests: XCTestCase {
  /// Naive `[m, k] @ [k, n]` in Double.
  func naive(_ a: Tensor, _ b: Tensor) -> [Float] {
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
    var out = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n {
        var s: Double = 0
        for p in 0..<k { s += Double(a.scalars[i * k + p]) * Double(b.scalars[p * n + j]) }
        out[i * n + j] = Float(s)
      }
    }
    return out
  }

  func testOddSizes() throws {
    for (m, k, n) in [(1, 1, 1), (3, 17, 15), (17, 3, 33), (16, 16, 16), (33, 64, 17), (100, 15, 3)] {
      let a = Tensor.uniform([m, k], low: -1, high: 1, seed: UInt64(m))
      let b = Tensor.uniform([k, n], low: -1, high: 1, seed: UInt64(n + 1000))
      assertValues(try a.matmul(b), [m, n], naive(a, b), accuracy: 1e-4)
    }
  }

  func testBatchedAndBroadcast() throws {
    let a = Tensor.uniform([2, 3, 5], seed: 1)
    let b = Tensor.uniform([5, 4], seed: 2)
    let product = try a.matmul(b)
    XCTAssertEqual(product.shape, [2, 3, 4])
    for i in 0..<2 {
      assertValues(try product[i], [3, 4], naive(try a[i], b), accuracy: 1e-5)
    }
    let c = Tensor.uniform([3, 1, 2, 5], seed: 3)
    let d = Tensor.uniform([4, 5, 2], seed: 4)
    let batched = try c.matmul(d)
    XCTAssertEqual(batched.shape, [3, 4, 2, 2])
    assertValues(try batched[2][1], [2, 2], naive(try c[2][0], try d[1]), accuracy: 1e-5)
  }

  func testOneDimensionalOperands() throws {
    let v = Tensor([1, 2, 3])
    let m = Tensor([[1, 0], [0, 1], [1, 1]])
    assertValues(try v.matmul(m), [2], [4, 5])
    assertValues(try m.transposed().matmul(v), [2], [4, 5])
    assertValues(try v.matmul(v), [], [14])
    let batch = try Tensor(shape: [2, 3, 2], scalars: (0..<12).map(Float.init))
    assertValues(try v.matmul(batch), [2, 2], [16, 22, 52, 58])
  }

  func testLinearEqualsMatmulPlusBias() throws {
    let x = Tensor.uniform([2, 3, 17], seed: 5)
    let w = Tensor.uniform([17, 5], seed: 6)
    let b = Tensor.uniform([5], seed: 7)
    let expected = try x.matmul(w) + b
    assertValues(try x.linear(weight: w, bias: b), [2, 3, 5], expected.scalars, accuracy: 1e-5)
    assertValues(try x.linear(weight: w), [2, 3, 5], try x.matmul(w).scalars, accuracy: 1e-5)
    let vector = try Tensor([1, 2]).linear(weight: Tensor([[1, 2], [3, 4]]), bias: Tensor([1, 1]))
    assertValues(vector, [2], [8, 11])
  }
}
