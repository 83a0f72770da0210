import Foundation
import TTIR
import TTInterpreter
import TinyTorch
import XCTest

/// The transformer models traced into the IR and interpreted give the eager logits.
final class TracedTransformerTests: XCTestCase {
  func testGPTTraceRunsInTheInterpreter() throws {
    let gpt = GPT(
      .init(
        vocabularySize: 13, dimension: 16, layerCount: 2, headCount: 4, maxSequenceLength: 8, dropout: 0.1),
      seed: 3)
    let ids = try Tensor.tokenIDs([[1, 5, 2, 7, 3], [4, 4, 0, 12, 9]])
    let graph = try trace(gpt, example: ids, name: "gpt")
    try graph.verify()
    gpt.eval()
    let expected = try withNoGrad { try gpt(ids) }
    let outputs = try Interpreter(graph: graph).run(["x": InterpreterTensor(ids.scalars, shape: ids.shape)])
    let result = try XCTUnwrap(outputs[graph.outputs[0].name])
    XCTAssertEqual(result.shape, [2, 5, 13])
    for (a, b) in zip(result.floats(), expected.scalars) { XCTAssertEqual(a, b, accuracy: 1e-4) }
  }

  func testBertTraceRunsInTheInterpreter() throws {
    let bert = BertModel(
      BertConfiguration(
        vocabularySize: 30, hiddenSize: 8, layerCount: 2, headCount: 2, intermediateSize: 16, maxPositions: 12
      ),
      seed: 4)
    let ids = try Tensor.tokenIDs([[2, 7, 9, 11, 3, 5], [2, 20, 21, 22, 23, 3]])
    let graph = try trace(bert, example: ids, name: "bert")
    try graph.verify()
    bert.eval()
    let expected = try withNoGrad { try bert(ids) }
    let outputs = try Interpreter(graph: graph).run(["x": InterpreterTensor(ids.scalars, shape: ids.shape)])
    let result = try XCTUnwrap(outputs[graph.outputs[0].name])
    XCTAssertEqual(result.shape, [2, 6, 8])
    for (a, b) in zip(result.floats(), expected.scalars) {
      XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b)))
    }
  }
}
