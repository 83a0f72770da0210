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
    // -O2 turns each block's attention into one causal node.
    let optimized = try PassManager(pipeline: .level(.O2)).run(graph).graph
    let attention = optimized.nodes.filter { $0.op == .scaledDotProductAttention }
    XCTAssertEqual(attention.count, 2)
    XCTAssertTrue(attention.allSatisfy { $0.bool("causal") == true && $0.inputs.count == 3 })
    XCTAssertFalse(optimized.nodes.contains { $0.op == .softmax })
    // …that reads its two heads in place: no reshape, transpose or slice copies are left.
    XCTAssertTrue(attention.allSatisfy { $0.int("heads") == 2 })
    XCTAssertFalse(optimized.nodes.contains { [.transpose, .slice, .reshape].contains($0.op) })
  }

  /// The attention-2017 reverser's shape: bidirectional encoder blocks over embeddings.
  final class Encoder: Module {
    let tokens = Embedding(vocabularySize: 11, dimension: 16, std: 0.1, seed: 1)
    let positions = PositionalEmbedding(maxLength: 6, dimension: 16, std: 0.1, seed: 2)
    let blocks: [TransformerBlock]
    let head = Linear(16, 11, seed: 3)

    override init() {
      blocks = (0..<2).map { i in
        try! TransformerBlock(dimension: 16, headCount: 4, hiddenDimension: 32, seed: 10 + UInt64(i))
      }
      super.init()
    }

    override func forward(_ ids: Tensor) throws -> Tensor {
      var x = try positions(tokens(ids))
      for block in blocks { x = try block(x) }
      return try head(x)
    }
  }

  func testEncoderLikeTheReverser() throws {
    let model = Encoder()
    let tokens = try Tensor.tokenIDs([[1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1], [0, 10, 0, 10, 0, 10]])
    let graph = try exportAndReload(model, example: tokens, name: "encoder", in: directory)
    try assertEagerInterpretedAndCompiledAgree(model, input: tokens, graph: graph, cache: cache)
  }

  /// Traced at batch 6 = its sequence length (as the exported reverser: 8 and 8), the encoder's
  /// q/k/v split bakes the batch size into slices and reshapes of moved axes; `specialize-batch`
  /// rescales exactly those, so the graph runs at other batch sizes like the eager model.
  func testEncoderLikeTheReverserReSpecializesToOtherBatches() throws {
    let model = Encoder()
    let rows: [[Int]] = (0..<9).map { row in (0..<6).map { (row * 7 + $0 * 3) % 11 } }
    let graph = try exportAndReload(
      model, example: try Tensor.tokenIDs(Array(rows[..<6])), name: "encoder", in: directory)
    XCTAssertTrue(graph.nodes.contains { $0.op == .slice && $0.ints("ends")?.dropFirst().first == 6 })
    for batch in [1, 9] {
      let tokens = try Tensor.tokenIDs(Array(rows[..<batch]))
      let specialized = try SpecializeBatch(batchSize: batch).applied(to: graph)
      XCTAssertEqual(specialized.outputs[0].type.shape, [batch, 6, 11])
      try assertEagerInterpretedAndCompiledAgree(model, input: tokens, graph: specialized, cache: cache)
    }
  }
}
