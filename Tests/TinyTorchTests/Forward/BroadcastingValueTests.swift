import XCTest

@testable import TinyTorch

/// NumPy broadcasting of binary ops: tensor ⊕ tensor, tensor ⊕ scalar on both sides, rank expansion.
final class BroadcastingValueTests: XCTestCase {
  let m = Tensor([[1, 2, 3], [4, 5, 6]])  // [2, 3]

  func testRowAndColumnVectors() throws {
    assertValues(try m + Tensor([10, 20, 30]), [2, 3], [11, 22, 33, 14, 25, 36])
    assertValues(try m * Tensor([[2], [-1]]), [2, 3], [2, 4, 6, -4, -5, -6])
    assertValues(try Tensor([[1], [2]]) - Tensor([[10, 20, 30]]), [2, 3], [-9, -19, -29, -8, -18, -28])
  }

  func testRankExpansion() throws {
    let cube = try Tensor(shape: [2, 1, 3], scalars: [1, 2, 3, 4, 5, 6])
    let column = Tensor([[10], [20]])  // [2, 1] → aligned to the last two axes
    assertValues(try cube + column, [2, 2, 3], [11, 12, 13, 21, 22, 23, 14, 15, 16, 24, 25, 26])
    assertValues(try Tensor(5) + m, [2, 3], [6, 7, 8, 9, 10, 11])
  }

  func testScalarsOnBothSides() {
    assertValues(m + 1, [2, 3], [2, 3, 4, 5, 6, 7])
    assertValues(1 + m, [2, 3], [2, 3, 4, 5, 6, 7])
    assertValues(m - 1, [2, 3], [0, 1, 2, 3, 4, 5])
    assertValues(10 - m, [2, 3], [9, 8, 7, 6, 5, 4])
    assertValues(m * 2, [2, 3], [2, 4, 6, 8, 10, 12])
    assertValues(2 * m, [2, 3], [2, 4, 6, 8, 10, 12])
    assertValues(m / 2, [2, 3], [0.5, 1, 1.5, 2, 2.5, 3])
    assertValues(6 / m, [2, 3], [6, 3, 2, 1.5, 1.2, 1])
    assertValues(m ** 2, [2, 3], [1, 4, 9, 16, 25, 36])
    assertValues(-m, [2, 3], [-1, -2, -3, -4, -5, -6])
  }

  func testPowerBindsTighterThanMultiplication() {
    assertValues(2 * m ** 2, [2, 3], [2, 8, 18, 32, 50, 72])
  }

  func testMaximumMinimumAndComparisons() throws {
    let row = Tensor([2, 5, 0])
    assertValues(try m.maximum(row), [2, 3], [2, 5, 3, 4, 5, 6])
    assertValues(try m.minimum(row), [2, 3], [1, 2, 0, 2, 5, 0])
    assertValues(try m.eq(row), [2, 3], [0, 0, 0, 0, 1, 0])
    assertValues(try m.ne(row), [2, 3], [1, 1, 1, 1, 0, 1])
    assertValues(try m.lt(row), [2, 3], [1, 1, 0, 0, 0, 0])
    assertValues(try m.le(row), [2, 3], [1, 1, 0, 0, 1, 0])
    assertValues(try m.gt(row), [2, 3], [0, 0, 1, 1, 0, 1])
    assertValues(try m.ge(row), [2, 3], [0, 0, 1, 1, 1, 1])
    assertValues(m.gt(3), [2, 3], [0, 0, 0, 1, 1, 1])
  }

  func testEmptyBroadcast() throws {
    let empty = try Tensor(shape: [0, 3], scalars: [])
    assertValues(try empty + Tensor([1, 2, 3]), [0, 3], [])
  }
}
