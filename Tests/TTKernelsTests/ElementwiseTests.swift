import XCTest

@testable import TTKernels

/// Broadcasting binary kernels and their adjoint, reduceToShape, against index-based references.
final class ElementwiseTests: XCTestCase {
  static let shapePairs: [([Int], [Int])] = [
    ([2, 3], [2, 3]), ([2, 3], [3]), ([3], [2, 3]), ([2, 1, 4], [3, 1]), ([1, 3], [2, 1]),
    ([2, 3], []), ([], [2, 3]), ([2, 1, 3], [1, 2, 1]), ([4, 1], [1]), ([1], [5]), ([], []),
    ([2, 3, 1, 5], [3, 4, 1]),
  ]

  func testBinaryBroadcastingMatchesTheReference() {
    var random = TestRandom(seed: 1)
    for (sa, sb) in Self.shapePairs {
      let outShape = ShapeMath.broadcast(sa, sb)!
      let signed = random.values(ShapeMath.count(sa))
      let b = random.values(ShapeMath.count(sb)).map { $0 + 2 }  // keep divisors away from 0
      for op in BinaryOp.allCases {
        let a = op == .pow ? signed.map { Swift.abs($0) } : signed  // real powers only
        var out = [Float](repeating: .nan, count: ShapeMath.count(outShape))
        Elementwise.binary(op, a, sa, b, sb, &out, outShape)
        let expected = Indexing.all(outShape).map {
          op.apply(a[Indexing.offset($0, in: sa)], b[Indexing.offset($0, in: sb)])
        }
        assertClose(out, expected, "\(op) \(sa) \(sb)")
      }
    }
  }

  func testBroadcastShapes() {
    XCTAssertEqual(ShapeMath.broadcast([2, 1, 4], [3, 1]), [2, 3, 4])
    XCTAssertEqual(ShapeMath.broadcast([], [5]), [5])
    XCTAssertEqual(ShapeMath.broadcast([0, 1], [1, 3]), [0, 3])
    XCTAssertNil(ShapeMath.broadcast([2, 3], [3, 2]))
    XCTAssertNil(ShapeMath.broadcast([2], [3]))
  }

  func testReduceToShapeIsTheAdjointOfBroadcasting() {
    var random = TestRandom(seed: 2)
    for (target, from) in [
      ([3], [2, 3]), ([2, 1], [2, 3]), ([], [2, 3]), ([1, 3, 1], [2, 3, 4]), ([4], [3, 2, 4]),
      ([2, 3], [2, 3]), ([1], [5]), ([3, 1], [2, 3, 4]),
    ] as [([Int], [Int])] {
      let g = random.values(ShapeMath.count(from))
      var out = [Float](repeating: .nan, count: ShapeMath.count(target))
      Elementwise.reduceToShape(g, from: from, &out, to: target)
      var expected = [Float](repeating: 0, count: ShapeMath.count(target))
      for (flat, index) in Indexing.all(from).enumerated() {
        expected[Indexing.offset(index, in: target)] += g[flat]
      }
      assertClose(out, expected, "\(from) → \(target)")
    }
  }

  func testUnaryKernelsAgreeWithApply() {
    let x: [Float] = [-3, -0.5, 0, 0.25, 2]
    let ops: [UnaryOp] = [
      .neg, .exp, .abs, .square, .relu, .sigmoid, .tanh, .geluErf, .geluTanh,
      .leakyRelu(slope: 0.1), .clamp(min: -1, max: 1), .mulScalar(3), .addScalar(-1),
    ]
    for op in ops {
      var out = [Float](repeating: .nan, count: x.count)
      Elementwise.unary(op, x, &out, count: x.count)
      assertClose(out, x.map(op.apply), "\(op)")
    }
  }

  func testStableSigmoid() {
    XCTAssertEqual(Activation.sigmoid(100), 1)
    XCTAssertLessThan(Activation.sigmoid(-100), 1e-30)
    XCTAssertGreaterThanOrEqual(Activation.sigmoid(-100), 0)
    XCTAssertLessThan(Activation.sigmoid(-1000), 1e-38)  // e^x saturates at e^88.7
    XCTAssertEqual(Activation.sigmoid(0), 0.5)
  }
}
