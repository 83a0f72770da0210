import XCTest

@testable import TinyTorch

/// Attention and embeddings, composed from the checked primitives; every element checked.
final class AttentionGradientTests: XCTestCase {
  let q = TestTensors.uniform([2, 3, 4, 5], seed: 1)
  let k = TestTensors.uniform([2, 3, 4, 5], seed: 2)
  let v = TestTensors.uniform([2, 3, 4, 2], seed: 3)

  func testCausalAttention() {
    assertGradientsMatch([q, k, v]) {
      try scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2], isCausal: true)
    }
  }

  func testMaskedAttentionWithAFullyMaskedRow() throws {
    let mask = try Tensor(shape: [4, 4], scalars: [1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0])
    assertGradientsMatch([q, k, v]) {
      try scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2], mask: mask)
    }
  }

  func testMultiHeadAttention() throws {
    let attention = MultiHeadAttention(dimension: 8, headCount: 2, seed: 1)
    let x = TestTensors.uniform([2, 3, 8], seed: 4)
    assertGradientsMatch([x] + attention.parameters()) { try attention($0[0]) }
  }

  func testEmbeddingWithRepeatedIds() {
    let embedding = Embedding(vocabularySize: 5, dimension: 3, seed: 1)
    assertGradientsMatch([embedding.weight]) { _ in try embedding([[1, 1, 4], [0, 1, 2]]) }
  }
}
