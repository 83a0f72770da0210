import Foundation
import TTIR
import XCTest

@testable import TinyTorch

final class BertModelTests: XCTestCase {
  /// A small random BERT with all-MiniLM-L6-v2's structure.
  static let small = BertConfiguration(
    vocabularySize: 40, hiddenSize: 8, layerCount: 2, headCount: 2, intermediateSize: 12, maxPositions: 10)

  func embed(_ model: BertModel, _ ids: [[Int]], _ mask: [[Int]]) throws -> Tensor {
    let maskTensor = try Tensor.tokenIDs(mask)
    return try meanPooled(model(ids: Tensor.tokenIDs(ids), attentionMask: maskTensor), mask: maskTensor)
      .l2Normalized()
  }

  func testHuggingFaceNamesAndShapes() {
    let names = BertModel(Self.small, seed: 1).pytorchStateDict()
    XCTAssertEqual(names.count, 5 + 1 + 16 * 2 + 2)
    XCTAssertEqual(names["embeddings.word_embeddings.weight"]?.shape, [40, 8])
    XCTAssertEqual(names["embeddings.position_ids"]?.shape, [1, 10])
    XCTAssertEqual(names["encoder.layer.1.attention.self.query.weight"]?.shape, [8, 8])
    XCTAssertEqual(names["encoder.layer.0.attention.output.LayerNorm.bias"]?.shape, [8])
    XCTAssertEqual(names["encoder.layer.0.intermediate.dense.weight"]?.shape, [12, 8])
    XCTAssertEqual(names["encoder.layer.0.output.dense.weight"]?.shape, [8, 12])
    XCTAssertEqual(names["pooler.dense.bias"]?.shape, [8])
  }

  func testPaddingDoesNotChangeAnEmbedding() throws {
    let model = BertModel(Self.small, seed: 2)
    model.eval()
    let alone = try embed(model, [[2, 5, 7, 3]], [[1, 1, 1, 1]])
    let padded = try embed(
      model, [[2, 5, 7, 3, 0, 0], [2, 9, 9, 9, 9, 3]], [[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]])
    assertValues(alone, [1, 8], Array(padded.scalars[0..<8]), accuracy: 1e-5)
    let norm = (try (alone * alone).sum().itemValue()).squareRoot()
    XCTAssertEqual(norm, 1, accuracy: 1e-5)
  }

  /// A checkpoint of a task model that nests the encoder under `bert.` (as `BertForMaskedLM`
  /// saves it) loads into `BertModel` through its declared prefix; the head is unexpected.
  func testACheckpointNestingTheModelUnderItsPrefixLoads() throws {
    let source = BertModel(Self.small, seed: 4)
    var nested: [String: TensorData] = [:]
    for (name, data) in source.pytorchStateDict() { nested["bert." + name] = data }
    nested["cls.predictions.bias"] = TensorData([Float](repeating: 0, count: 40), shape: [40])
    let model = BertModel(Self.small, seed: 5)
    assertThrowsTensorError(["unexpected tensor 'cls.predictions.bias'"]) {
      try model.loadPyTorchStateDict(nested)
    }
    let report = try model.loadPyTorchStateDict(nested, strict: false)
    XCTAssertEqual(report.keyPrefix, "bert.")
    XCTAssertEqual(report.unexpectedKeys, ["cls.predictions.bias"])
    XCTAssertEqual(report.missingKeys, [])
    XCTAssertTrue(report.description.contains("loaded from the names under 'bert.'"), report.description)
    XCTAssertEqual(model.pytorchStateDict(), source.pytorchStateDict())
    // Names without the prefix are the model's own.
    XCTAssertNil(try BertModel(Self.small, seed: 6).loadPyTorchStateDict(source.pytorchStateDict()).keyPrefix)
  }

  func testBadConfigurations() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("config.json")
    try Data(
      #"{"vocab_size": 10, "hidden_size": 6, "num_hidden_layers": 1, "num_attention_heads": 4, "intermediate_size": 8, "max_position_embeddings": 4}"#
        .utf8
    ).write(to: url)
    assertThrowsTensorError([url.path, "dimension 6 must be a positive multiple of headCount 4"]) {
      try BertConfiguration(contentsOf: url)
    }
    try Data(#"{"hidden_size": 6}"#.utf8).write(to: url)
    assertThrowsTensorError([url.path, "not a BERT config.json"]) { try BertConfiguration(contentsOf: url) }
  }

  /// The small random model against the NumPy BERT of Fixtures/bert/bert_reference.py, through a
  /// PyTorch-layout checkpoint (skipped without NumPy and safetensors).
  func testSmallModelMatchesTheNumPyReference() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let model = BertModel(Self.small, seed: 3)
    model.eval()
    let weights = directory.appendingPathComponent("model.safetensors")
    try model.savePyTorchStateDict(to: weights)
    let config = directory.appendingPathComponent("config.json")
    try Data(
      #"{"vocab_size": 40, "hidden_size": 8, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 12, "max_position_embeddings": 10, "layer_norm_eps": 1e-12}"#
        .utf8
    ).write(to: config)
    let ids = [[2, 5, 7, 11, 3, 0], [2, 30, 31, 32, 33, 3]]
    let mask = [[1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1]]
    let input = directory.appendingPathComponent("input.json")
    try JSONSerialization.data(withJSONObject: ["ids": ids, "mask": mask]).write(to: input)
    let script = try String(contentsOf: Fixtures.url("bert/bert_reference.py"), encoding: .utf8)
    let output = try PythonReference.run(script, arguments: ["embed", weights.path, config.path, input.path])
    let decoded = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: [[Double]]]
    let expected = decoded["embeddings"]!.flatMap { $0.map { Float($0) } }
    assertValues(try embed(model, ids, mask), [2, 8], expected, accuracy: 1e-5)
  }

  struct MiniLMReference: Decodable {
    struct Sentence: Decodable {
      let text: String
      let ids: [Int]
      let embedding: [Float]
    }
    let sentences: [Sentence]
  }

  /// all-MiniLM-L6-v2 end to end against the committed reference (Fixtures/bert), where the
  /// model folder is present (`TINYTORCH_MINILM_DIR="$(./scripts/fetch-minilm.sh)"`).
  func testMiniLMEmbeddingsMatchTheReference() throws {
    guard let path = ProcessInfo.processInfo.environment["TINYTORCH_MINILM_DIR"] else {
      throw XCTSkip("TINYTORCH_MINILM_DIR is not set (scripts/fetch-minilm.sh fetches the model)")
    }
    let folder = URL(fileURLWithPath: path)
    let reference = try JSONDecoder().decode(
      MiniLMReference.self, from: Data(contentsOf: Fixtures.url("bert/minilm-embeddings.json")))
    let tokenizer = try WordPieceTokenizer(
      vocabularyFile: folder.appendingPathComponent("vocab.txt"), maxLength: 128)
    let model = BertModel(try BertConfiguration(contentsOf: folder.appendingPathComponent("config.json")))
    let report = try model.loadPyTorchStateDict(from: folder)
    XCTAssertEqual(report, StateDictLoadReport())
    model.eval()
    let batch = tokenizer.encodeBatch(reference.sentences.map(\.text))
    XCTAssertEqual(batch.ids, reference.sentences.map(\.ids))
    let embeddings = try withNoGrad {
      try meanPooled(
        model(ids: batch.idTensor(), attentionMask: batch.maskTensor()), mask: batch.maskTensor()
      )
      .l2Normalized()
    }
    let expected = reference.sentences.flatMap(\.embedding)
    let maxError = zip(embeddings.scalars, expected).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThanOrEqual(maxError, 1e-4)
    print("all-MiniLM-L6-v2: max |Swift − reference| = \(maxError) over \(expected.count) values")
  }
}
