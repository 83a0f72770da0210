import Foundation
import XCTest

@testable import TinyTorch

final class EmbeddingTests: XCTestCase {
  func testLookupReturnsRowsWithExtraAxis() throws {
    let e = Embedding(vocabularySize: 5, dimension: 3, seed: 1)
    let out = try e([[4, 0], [2, 4]])
    XCTAssertEqual(out.shape, [2, 2, 3])
    XCTAssertEqual(Array(out.scalars[0..<3]), Array(e.weight.scalars[12..<15]))
    XCTAssertEqual(Array(out.scalars[6..<9]), Array(e.weight.scalars[6..<9]))
  }

  func testGradientScatterAddsRepeatedIDs() throws {
    let e = Embedding(vocabularySize: 4, dimension: 2, seed: 1)
    try e([[1, 3, 1]]).sum().backward()
    XCTAssertEqual(e.weight.grad!.scalars, [0, 0, 2, 2, 0, 0, 1, 1])
  }

  func testFiniteDifferencesThroughEmbeddingAndPositions() throws {
    let e = Embedding(vocabularySize: 6, dimension: 4, seed: 2)
    let pos = PositionalEmbedding(maxLength: 5, dimension: 4, std: 0.5, seed: 3)
    let ids = try Tensor.tokenIDs([[0, 5, 5], [2, 1, 0]])
    assertGradientsMatch([e.weight, pos.weight]) { _ in
      try pos(e(ids)).tanh()
    }
  }

  func testOutOfVocabularyIDsThrow() {
    let e = Embedding(vocabularySize: 4, dimension: 2, seed: 1)
    XCTAssertThrowsError(try e([[1, 4]])) { error in
      XCTAssertEqual(error as? TensorError, .indexOutOfRange(op: "embedding token id", index: 4, bound: 4))
    }
    XCTAssertThrowsError(try e([[-1]]))
    XCTAssertThrowsError(try e(Tensor([0.5])))
    XCTAssertThrowsError(try Tensor.tokenIDs([[1, 2], [3]]))
  }

  func testSequenceLongerThanPositionalTableThrows() throws {
    let learned = PositionalEmbedding(maxLength: 4, dimension: 2, seed: 1)
    let sinusoidal = SinusoidalPositionalEncoding(maxLength: 4, dimension: 2)
    XCTAssertNoThrow(try learned(Tensor.zeros([1, 4, 2])))
    XCTAssertThrowsError(try learned(Tensor.zeros([1, 5, 2])))
    XCTAssertThrowsError(try learned.forward(Tensor.zeros([1, 2, 2]), offset: 3))
    XCTAssertThrowsError(try sinusoidal(Tensor.zeros([5, 2])))
    XCTAssertThrowsError(try sinusoidal(Tensor.zeros([2, 3])))  // wrong width
  }

  func testSinusoidalTableValues() throws {
    let table = Tensor.sinusoidalPositions(length: 3, dimension: 5)
    XCTAssertEqual(table.shape, [3, 5])
    // Position 0: sin 0 = 0, cos 0 = 1.
    XCTAssertEqual(Array(table.scalars[0..<5]), [0, 1, 0, 1, 0])
    let p = Float(2)
    let row = Array(table.scalars[10..<15])
    let expected: [Float] = [
      sin(p), cos(p), sin(p / pow(10_000, 2.0 / 5)), cos(p / pow(10_000, 2.0 / 5)),
      sin(p / pow(10_000, 4.0 / 5)),
    ]
    for (a, b) in zip(row, expected) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    let module = SinusoidalPositionalEncoding(maxLength: 3, dimension: 5)
    XCTAssertTrue(module.parameters().isEmpty)
    let out = try module.forward(Tensor.zeros([2, 5]), offset: 1)
    XCTAssertEqual(out.scalars, Array(table.scalars[5..<15]))
  }
}
