import Foundation
import MilestoneSupport
import TTIR
import TTPasses
import TinyTorch
import XCTest

/// Every milestone-style model traced from TinyTorch modules → model.json → compiled → matches
/// the interpreter and eager execution.
final class MilestoneModelTests: XCTestCase {
  var directory = URL(fileURLWithPath: "/")
  override func setUpWithError() throws { directory = try makeTemporaryDirectory() }
  override func tearDown() { removeDirectory(directory) }
  var cache: URL { directory.appendingPathComponent("cache") }

  func testPerceptron() throws {
    let model = Perceptron()
    let input = try Tensor(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1])
    let graph = try exportAndReload(model, example: input, name: "perceptron", in: directory)
    XCTAssertEqual(graph.nodes.map(\.op), [.linear, .sigmoid])
    try assertEagerInterpretedAndCompiledAgree(model, input: input, graph: graph, cache: cache)
  }

  func testXORNetwork() throws {
    let model = Sequential(XORNet(hiddenUnits: 4, seed: 1969), Sigmoid())
    let input = try Tensor(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1])
    let graph = try exportAndReload(model, example: input, name: "xor", in: directory)
    try assertEagerInterpretedAndCompiledAgree(model, input: input, graph: graph, cache: cache)
  }

  func testDigitsMLPAtTracedAndRespecializedBatch() throws {
    let model = DigitMLP(seed: 1)
    let graph = try exportAndReload(model, example: Tensor.zeros([1, 64]), name: "digits-mlp", in: directory)
    try assertEagerInterpretedAndCompiledAgree(
      model, input: Tensor.uniform([1, 64], low: 0, high: 1, seed: 2), graph: graph, cache: cache)
    try assertEagerInterpretedAndCompiledAgree(
      model, input: Tensor.uniform([16, 64], low: 0, high: 1, seed: 3),
      graph: SpecializeBatch(batchSize: 16).applied(to: graph),
      cache: cache)
  }

  func testLeNetCNN() throws {
    let model = LeNet(seed: 1)
    let graph = try exportAndReload(model, example: Tensor.zeros([1, 1, 8, 8]), name: "lenet", in: directory)
    XCTAssertTrue(graph.nodes.contains { $0.op == .conv2d } && graph.nodes.contains { $0.op == .maxPool2d })
    try assertEagerInterpretedAndCompiledAgree(
      model, input: Tensor.uniform([3, 1, 8, 8], low: 0, high: 1, seed: 4),
      graph: SpecializeBatch(batchSize: 3).applied(to: graph),
      cache: cache)
  }

  func testSmallGPTForwardAtFixedLength() throws {
    let configuration = GPT.Configuration(
      vocabularySize: 23, dimension: 16, layerCount: 2, headCount: 2, maxSequenceLength: 8)
    let model = GPT(configuration, seed: 7)
    let tokens = try Tensor.tokenIDs([[3, 1, 4, 1, 5, 9, 2, 6], [2, 7, 1, 8, 2, 8, 1, 8]])
    let graph = try exportAndReload(model, example: tokens, name: "gpt", in: directory)
    XCTAssertTrue(graph.nodes.contains { $0.op == .scaledDotProductAttention || $0.op == .softmax })
    try assertEagerInterpretedAndCompiledAgree(model, input: tokens, graph: graph, cache: cache)
  }
}
