import XCTest

@testable import TinyTorch

/// Binary arithmetic (+ − × ÷ **, maximum, minimum) and negation, with broadcasting.
final class ArithmeticGradientTests: XCTestCase {
  /// Shape pairs that broadcast in every direction, including rank expansion and scalars.
  static let shapePairs: [([Int], [Int])] = [
    ([2, 3], [2, 3]), ([2, 3], [3]), ([3], [2, 3]), ([2, 1, 4], [3, 1]), ([1, 3], [2, 1]),
    ([2, 3], []), ([], [2, 3]), ([2, 1, 3], [1, 2, 1]),
  ]

  func check(
    _ name: String, a low: Float = -1, b bLow: Float = -1, _ op: (Tensor, Tensor) throws -> Tensor,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    for (i, (sa, sb)) in Self.shapePairs.enumerated() {
      let a = TestTensors.uniform(sa, seed: UInt64(2 * i), low: low, high: low + 2)
      let b = TestTensors.uniform(sb, seed: UInt64(2 * i + 1), low: bLow, high: bLow + 2)
      assertGradientsMatch([a, b], "\(name) \(sa) ⊕ \(sb)", file: file, line: line) {
        try op($0[0], $0[1])
      }
    }
  }

  func testRandomBroadcastShapes() {
    var shapes = RandomShapes(seed: 2024)
    for i in 0..<20 {
      let (sa, sb) = shapes.broadcastPair()
      let a = TestTensors.uniform(sa, seed: UInt64(100 + i), low: 0.5, high: 2)
      let b = TestTensors.uniform(sb, seed: UInt64(200 + i), low: 0.5, high: 2)
      assertGradientsMatch([a, b], "\(sa) ⊕ \(sb)") { x in
        let (a, b) = (x[0], x[1])
        return try (a + b) * (a - b) / b + a ** b
      }
    }
  }

  func testAdd() { check("add") { try $0 + $1 } }
  func testSub() { check("sub") { try $0 - $1 } }
  func testMul() { check("mul") { try $0 * $1 } }
  func testDiv() { check("div", b: 0.5) { try $0 / $1 } }
  func testPowBothOperands() { check("pow", a: 0.5, b: -1) { try $0 ** $1 } }

  func testPowWithScalarExponents() {
    for p: Float in [2, 3, 0.5, -1.5] {
      let x = TestTensors.uniform([3, 2], seed: 5, low: 0.5, high: 2)
      assertGradientsMatch([x], "x ** \(p)") { $0[0] ** p }
    }
  }

  func testScalarOperandsOnBothSides() {
    let x = TestTensors.uniform([2, 3], seed: 7, low: 0.5, high: 2)
    assertGradientsMatch([x]) { x in
      let t = x[0]
      return try ((2 + t) * (t - 1) + (3 - t) / (t * 4) + 5 / t - t / 2) * (1.5 * t)
    }
  }

  func testNeg() {
    assertGradientsMatch([TestTensors.uniform([3, 4], seed: 8)]) { -$0[0] }
  }

  func testMaximumAndMinimum() {
    // Interleaved distinct values: no ties within a finite-difference step.
    for (i, (sa, sb)) in Self.shapePairs.enumerated() {
      let a = TestTensors.distinct(sa, seed: UInt64(i), offset: 0.025)
      let b = TestTensors.distinct(sb, seed: UInt64(i + 50))
      assertGradientsMatch([a, b], "maximum \(sa) \(sb)") { try $0[0].maximum($0[1]) }
      assertGradientsMatch([a, b], "minimum \(sa) \(sb)") { try $0[0].minimum($0[1]) }
    }
  }

  func testOperandUsedTwice() {
    let x = TestTensors.uniform([3], seed: 9)
    assertGradientsMatch([x]) { try $0[0] * $0[0] + $0[0] / ($0[0] * $0[0] + 2) }
  }

  // Gradients of `**` where the textbook formulas meet 0·∞.

  func testPowZeroExponentHasZeroGradientEvenAtZero() throws {
    let x = Tensor([0, 1, 2], requiresGrad: true)
    try (x ** 0).sum().backward()
    XCTAssertEqual(x.grad!.scalars, [0, 0, 0])
  }

  func testPowExponentGradientAtBaseZero() throws {
    let p = Tensor([2, 3], requiresGrad: true)
    try (Tensor([0, 2]) ** p).sum().backward()
    assertValues(p.grad!, [2], [0, 8 * Float(log(2.0))])
  }
}
