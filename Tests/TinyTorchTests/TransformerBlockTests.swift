import XCTest

@testable import TinyTorch

final class TransformerBlockTests: XCTestCase {
  func testFiniteDifferences() throws {
    let block = TransformerBlock(dimension: 8, headCount: 2, hiddenDimension: 12, isCausal: true, seed: 3)
    let x = Tensor.randn([2, 3, 8], seed: 4, requiresGrad: true)
    assertGradientsMatch([x] + block.parameters()) { _ in
      try block(x)
    }
  }

  func testFeedForwardFiniteDifferences() throws {
    let ff = FeedForward(dimension: 4, hiddenDimension: 6, seed: 1)
    let x = Tensor.randn([3, 4], seed: 2, requiresGrad: true)
    assertGradientsMatch([x] + ff.parameters()) { _ in try ff(x) }
  }

  func testParameterNamesAndDropoutOnlyInTraining() throws {
    let block = TransformerBlock(dimension: 8, headCount: 2, dropout: 0.5, seed: 1)
    XCTAssertEqual(
      block.namedParameters().map { $0.0 },
      [
        "attentionNorm.weight", "attentionNorm.bias", "attention.inputProjection.weight",
        "attention.inputProjection.bias", "attention.outputProjection.weight",
        "attention.outputProjection.bias",
        "feedForwardNorm.weight", "feedForwardNorm.bias", "feedForward.expand.weight",
        "feedForward.expand.bias",
        "feedForward.contract.weight", "feedForward.contract.bias",
      ])
    let x = Tensor.randn([1, 4, 8], seed: 2)
    block.eval()
    XCTAssertEqual(try block(x).scalars, try block(x).scalars)
    block.train()
    XCTAssertNotEqual(try block(x).scalars, try block(x).scalars)
  }
}
