import XCTest

@testable import TinyTorch

/// matmul (2-D, batched, broadcast batch axes, 1-D operands) and the fused linear layer.
final class MatrixProductGradientTests: XCTestCase {
  func testMatmulShapes() {
    let cases: [([Int], [Int])] = [
      ([3, 4], [4, 5]),  // plain
      ([1, 1], [1, 1]),
      ([2, 3, 4], [2, 4, 2]),  // batched
      ([2, 3, 4], [4, 2]),  // broadcast right batch
      ([3, 4], [2, 4, 2]),  // broadcast left batch
      ([2, 1, 3, 2], [3, 2, 4]),  // both batches broadcast
      ([4], [4, 3]),  // 1-D left
      ([3, 4], [4]),  // 1-D right
      ([2, 3, 4], [4]),  // batched with 1-D right
      ([4], [2, 4, 3]),  // 1-D left, batched right
      ([5], [5]),  // dot product
    ]
    for (i, (sa, sb)) in cases.enumerated() {
      let a = TestTensors.uniform(sa, seed: UInt64(2 * i))
      let b = TestTensors.uniform(sb, seed: UInt64(2 * i + 1))
      assertGradientsMatch([a, b], "\(sa) @ \(sb)") { try $0[0].matmul($0[1]) }
    }
  }

  func testRandomBatchShapes() {
    var shapes = RandomShapes(seed: 5)
    for i in 0..<12 {
      let (batchA, batchB) = shapes.broadcastPair(maxRank: 2)
      let (m, k, n) = (
        Int.random(in: 1...5, using: &shapes.generator),
        Int.random(in: 1...5, using: &shapes.generator), Int.random(in: 1...5, using: &shapes.generator)
      )
      let a = TestTensors.uniform(batchA + [m, k], seed: UInt64(40 + i))
      let b = TestTensors.uniform(batchB + [k, n], seed: UInt64(60 + i))
      assertGradientsMatch([a, b], "\(a.shape) @ \(b.shape)") { try $0[0].matmul($0[1]) }
    }
  }

  func testMatmulOddSizesCrossTheGemmTiles() {
    // 5 rows (one 4-row tile + 1), 17 columns (one 16-wide panel + 1).
    let a = TestTensors.uniform([5, 3], seed: 30)
    let b = TestTensors.uniform([3, 17], seed: 31)
    assertGradientsMatch([a, b]) { try $0[0].matmul($0[1]) }
  }

  func testLinearWithAndWithoutBias() {
    for (i, inputShape) in [[4, 3], [2, 3, 3], [3]].enumerated() {
      let x = TestTensors.uniform(inputShape, seed: UInt64(10 + i))
      let w = TestTensors.uniform([3, 5], seed: UInt64(20 + i))
      let b = TestTensors.uniform([5], seed: UInt64(30 + i))
      assertGradientsMatch([x, w, b], "bias, input \(inputShape)") {
        try $0[0].linear(weight: $0[1], bias: $0[2])
      }
      assertGradientsMatch([x, w], "no bias, input \(inputShape)") { try $0[0].linear(weight: $0[1]) }
    }
  }

  func testLinearModule() {
    let layer = Linear(3, 2, seed: 4)
    let x = TestTensors.uniform([2, 2, 3], seed: 5)
    assertGradientsMatch([x, layer.weight, layer.bias!]) { try layer($0[0]) }
  }
}
