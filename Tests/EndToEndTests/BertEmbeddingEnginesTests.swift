import Foundation
import TTCodegen
import TTIR
import TTInterpreter
import TTPasses
import TinyTorch
import XCTest

/// Sentence embeddings traced with the attention mask as a graph input: the interpreter and the
/// compiled library give eager's embeddings on padded batches other than the traced example.
final class BertEmbeddingEnginesTests: XCTestCase {
  var directory = URL(fileURLWithPath: "/")
  override func setUpWithError() throws { directory = try makeTemporaryDirectory() }
  override func tearDown() { removeDirectory(directory) }

  /// The eager embeddings and those of `graph` interpreted and compiled, at `-O0` and `-O2`,
  /// on `ids` and `mask`; asserts that they agree within the engines' tolerances.
  func assertEnginesAgree(
    _ model: BertModel, graph: Graph, ids: Tensor, mask: Tensor, file: StaticString = #filePath,
    line: UInt = #line
  ) throws -> [Float] {
    let eager = try withNoGrad { try model.sentenceEmbeddings(ids: ids, attentionMask: mask) }.scalars
    let feed = [
      "ids": InterpreterTensor(ids.scalars, shape: ids.shape),
      "attention_mask": InterpreterTensor(mask.scalars, shape: mask.shape),
    ]
    let optimized = try PassManager(
      pipeline: .level(.O2, options: PassOptions(evaluator: Interpreter.evaluate))
    )
    .run(graph).graph
    XCTAssertTrue(optimized.nodes.contains { $0.op == .scaledDotProductAttention }, file: file, line: line)
    for (level, levelGraph) in [("-O0", graph), ("-O2", optimized)] {
      let interpreted = try Interpreter(graph: levelGraph).run(feed)["embeddings"]!.floats()
      assertClose(
        interpreted, eager, "\(level) interpreter vs eager", tolerance: Tolerance.interpreter, file: file,
        line: line)
      let compiled = try compileAndLoad(levelGraph, cache: directory).run([ids.scalars, mask.scalars])[0]
      assertClose(
        compiled, interpreted, "\(level) compiled vs interpreter", tolerance: Tolerance.compiled, file: file,
        line: line)
    }
    return eager
  }

  func testPaddedBatchesAgreeInEveryEngine() throws {
    let model = BertModel(
      BertConfiguration(
        vocabularySize: 40, hiddenSize: 8, layerCount: 2, headCount: 2, intermediateSize: 12, maxPositions: 10
      ),
      seed: 5)
    model.eval()
    let example = try Tensor.tokenIDs([[2, 5, 7, 3, 0, 0], [2, 9, 9, 9, 9, 3], [2, 3, 0, 0, 0, 0]])
    let exampleMask = try Tensor.tokenIDs([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1], [1, 1, 0, 0, 0, 0]])
    let url = directory.appendingPathComponent("bert.json")
    try ModelFile.save(model.traceSentenceEmbeddings(ids: example, attentionMask: exampleMask), to: url)
    let graph = try ModelFile.load(from: url)
    XCTAssertEqual(graph.inputs.map(\.name), ["ids", "attention_mask"])
    XCTAssertEqual(graph.outputs.map(\.name), ["embeddings"])

    // Another padding pattern than the traced example's: the mask is an input, not a constant.
    let ids = try Tensor.tokenIDs([[2, 11, 12, 13, 3, 0], [2, 30, 3, 0, 0, 0], [2, 5, 7, 3, 0, 0]])
    let mask = try Tensor.tokenIDs([[1, 1, 1, 1, 1, 0], [1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 0, 0]])
    let padded = try assertEnginesAgree(model, graph: graph, ids: ids, mask: mask)
    // Padding does not change an embedding: row 2 equals the sentence embedded alone.
    let alone = try withNoGrad {
      try model.sentenceEmbeddings(ids: Tensor.tokenIDs([[2, 5, 7, 3]]), attentionMask: Tensor.ones([1, 4]))
    }
    assertClose(Array(padded[16..<24]), alone.scalars, "padded vs alone", tolerance: Tolerance.interpreter)
  }

  /// all-MiniLM-L6-v2 traced with a mask input, where the model folder is present
  /// (`TINYTORCH_MINILM_DIR="$(./scripts/fetch-minilm.sh)"`): the engines agree on a padded batch
  /// of the committed reference sentences, and eager matches the reference embeddings.
  func testMiniLMEnginesAgreeOnAPaddedBatch() throws {
    guard let path = ProcessInfo.processInfo.environment["TINYTORCH_MINILM_DIR"] else {
      throw XCTSkip("TINYTORCH_MINILM_DIR is not set (scripts/fetch-minilm.sh fetches the model)")
    }
    struct Reference: Decodable {
      struct Sentence: Decodable {
        let text: String
        let embedding: [Float]
      }
      let sentences: [Sentence]
    }
    let folder = URL(fileURLWithPath: path)
    let referenceURL = repositoryRoot.appendingPathComponent(
      "Tests/TinyTorchTests/Fixtures/bert/minilm-embeddings.json")
    let sentences = Array(
      try JSONDecoder().decode(Reference.self, from: Data(contentsOf: referenceURL)).sentences.prefix(4))
    let tokenizer = try WordPieceTokenizer(
      vocabularyFile: folder.appendingPathComponent("vocab.txt"), maxLength: 32)
    let model = BertModel(try BertConfiguration(contentsOf: folder.appendingPathComponent("config.json")))
    try model.loadPyTorchStateDict(from: folder)
    model.eval()
    let batch = tokenizer.encodeBatch(sentences.map(\.text), paddingTo: 32)
    XCTAssertTrue(batch.attentionMask.joined().contains(0), "the batch has padding")
    let (ids, mask) = (try batch.idTensor(), try batch.maskTensor())
    let graph = try model.traceSentenceEmbeddings(ids: ids, attentionMask: mask, name: "minilm")
    let eager = try assertEnginesAgree(model, graph: graph, ids: ids, mask: mask)
    assertClose(eager, sentences.flatMap(\.embedding), "eager vs reference", tolerance: Tolerance.compiled)
  }
}
