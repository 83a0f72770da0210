import XCTest

@testable import TinyTorch

final class MultiHeadAttentionTests: XCTestCase {
  func testFusedAndSeparateProjectionsAgree() throws {
    let fused = MultiHeadAttention(dimension: 8, headCount: 2, seed: 1)
    let separate = MultiHeadAttention(dimension: 8, headCount: 2, fusedProjection: false, seed: 2)
    // Copy the fused columns [q | k | v] into the separate layers.
    let w = fused.inputProjection!.weight
    let b = fused.inputProjection!.bias!
    for (i, layer) in [separate.queryProjection!, separate.keyProjection!, separate.valueProjection!]
      .enumerated()
    {
      try layer.weight.assign(w.slice(axis: 1, start: 8 * i, end: 8 * (i + 1)))
      try layer.bias!.assign(b.slice(axis: 0, start: 8 * i, end: 8 * (i + 1)))
    }
    try separate.outputProjection.weight.assign(fused.outputProjection.weight)
    try separate.outputProjection.bias!.assign(fused.outputProjection.bias!)
    let x = Tensor.randn([2, 5, 8], seed: 3)
    let a = try fused.forward(x, mask: nil, isCausal: true)
    let c = try separate.forward(x, mask: nil, isCausal: true)
    XCTAssertEqual(a.shape, [2, 5, 8])
    for (u, v) in zip(a.scalars, c.scalars) { XCTAssertEqual(u, v, accuracy: 1e-5) }
  }

  func testCausalOutputIgnoresFutureTokens() throws {
    let mha = MultiHeadAttention(dimension: 8, headCount: 4, seed: 1)
    let x = Tensor.randn([1, 6, 8], seed: 2)
    let y = Tensor(
      uncheckedShape: x.shape, scalars: Array(x.scalars[0..<24]) + Tensor.randn([24], seed: 9).scalars)
    let a = try mha.forward(x, mask: nil, isCausal: true)
    let b = try mha.forward(y, mask: nil, isCausal: true)
    for i in 0..<24 { XCTAssertEqual(a.scalars[i], b.scalars[i], accuracy: 1e-6) }
    XCTAssertNotEqual(a.scalars[40], b.scalars[40])
  }

  func testFiniteDifferencesWithPaddingMask() throws {
    for fused in [true, false] {
      let mha = MultiHeadAttention(dimension: 6, headCount: 2, fusedProjection: fused, seed: 5)
      let x = Tensor.randn([2, 4, 6], seed: 6, requiresGrad: true)
      let mask = try AttentionMask.padding(validLengths: [4, 2], length: 4)
      assertGradientsMatch([x] + mha.parameters()) { _ in
        try mha.forward(x, mask: mask, isCausal: true)
      }
    }
  }

  func testBadInputThrows() throws {
    XCTAssertThrowsError(try MultiHeadAttention.validate(dimension: 10, headCount: 3))
    let mha = MultiHeadAttention(dimension: 8, headCount: 2, seed: 1)
    XCTAssertThrowsError(try mha(Tensor.zeros([2, 3, 6])))
    XCTAssertThrowsError(try mha(Tensor.zeros([3, 8])))
    XCTAssertThrowsError(try mha.forward(Tensor.zeros([2, 3, 8]), mask: Tensor.ones([3, 3, 3])))
    XCTAssertThrowsError(try mha.forward(Tensor.zeros([2, 3, 8]), mask: Tensor.ones([2, 1, 1, 4])))
  }
}
