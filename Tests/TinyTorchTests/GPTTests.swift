import XCTest

@testable import TinyTorch

final class GPTTests: XCTestCase {
  func small(tie: Bool = false, layers: Int = 2, maxLength: Int = 8) throws -> GPT {
    GPT(
      .init(
        vocabularySize: 11, dimension: 8, layerCount: layers, headCount: 2, maxSequenceLength: maxLength,
        feedForwardMultiplier: 2, tieWeights: tie), seed: 7)
  }

  func testLogitsShapeAndCausality() throws {
    let gpt = try small()
    let a = try gpt(Tensor.tokenIDs([[1, 2, 3, 4], [5, 6, 7, 8]]))
    XCTAssertEqual(a.shape, [2, 4, 11])
    let b = try gpt(Tensor.tokenIDs([[1, 2, 3, 9], [5, 6, 7, 8]]))
    XCTAssertEqual(Array(a.scalars[0..<33]), Array(b.scalars[0..<33]))  // first three positions
    XCTAssertNotEqual(Array(a.scalars[33..<44]), Array(b.scalars[33..<44]))
  }

  func testFiniteDifferences() throws {
    for tie in [false, true] {
      let gpt = try small(tie: tie, layers: tie ? 1 : 2)
      let ids = try Tensor.tokenIDs([[1, 2, 3], [4, 4, 0]])
      let targets = try Tensor.tokenIDs([[2, 3, 4], [4, 0, 10]])
      assertGradientsMatch(gpt.parameters()) { _ in
        try gpt.loss(inputs: ids, targets: targets)
      }
    }
  }

  func testWeightTyingSharesTheEmbeddingTable() throws {
    let tied = try small(tie: true)
    let untied = try small()
    XCTAssertNil(tied.head)
    XCTAssertEqual(untied.parameterCount - tied.parameterCount, 8 * 11)
    XCTAssertFalse(tied.namedParameters().contains { $0.0.hasPrefix("head") })
  }

  func testLearnsToCopyAFixedSequence() throws {
    let gpt = try small()
    let sequence = [1, 5, 2, 7, 3, 9, 4, 8]
    let inputs = try Tensor.tokenIDs([Array(sequence.dropLast())])
    let targets = try Tensor.tokenIDs([Array(sequence.dropFirst())])
    let initial = try gpt.loss(inputs: inputs, targets: targets).item
    for _ in 0..<60 {
      gpt.zeroGrad()
      try gpt.loss(inputs: inputs, targets: targets).backward()
      for p in gpt.parameters() {
        p.updateScalars { v in for i in v.indices { v[i] -= 0.3 * p.grad!.scalars[i] } }
      }
    }
    let final = try gpt.loss(inputs: inputs, targets: targets).item
    XCTAssertLessThan(final, initial * 0.2)
    XCTAssertEqual(try gpt.generate(prompt: [1], maxNewTokens: 6, temperature: 0), Array(sequence[1...6]))
  }

  func testBadInputThrows() throws {
    let gpt = try small()
    XCTAssertThrowsError(try gpt(Tensor.tokenIDs([[1, 11]])))  // id outside vocabulary
    XCTAssertThrowsError(try gpt(Tensor.tokenIDs([Array(repeating: 1, count: 9)])))  // longer than table
    XCTAssertThrowsError(try gpt(Tensor([1, 2])))  // not [batch, length]
    XCTAssertThrowsError(
      try GPT.Configuration(
        vocabularySize: 5, dimension: 6, layerCount: 1, headCount: 4, maxSequenceLength: 4
      ).validate())
    XCTAssertThrowsError(try gpt.generate(prompt: [], maxNewTokens: 3))
    XCTAssertThrowsError(try gpt.generate(prompt: [12], maxNewTokens: 3))
    XCTAssertThrowsError(try gpt.generate(prompt: [1], maxNewTokens: 3, temperature: -1))
    XCTAssertThrowsError(try gpt.generate(prompt: [1], maxNewTokens: 3, topK: 0))
  }
}
