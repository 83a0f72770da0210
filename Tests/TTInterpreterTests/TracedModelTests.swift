import Foundation
import TTIR
import TTInterpreter
import TTPasses
import TinyTorch
import XCTest

/// Milestone-style models: trace → save → load → verify → interpret, compared with eager.
final class TracedModelTests: XCTestCase {
  private var directory: URL!

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("traced-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: directory)
  }

  /// Traces `model` on `example`, round-trips it through model.json + safetensors, runs it in
  /// the interpreter and compares with the eager forward pass. Returns the reloaded graph.
  @discardableResult
  private func assertInterpretedMatchesEager(
    _ model: Module, _ example: Tensor, name: String, file: StaticString = #filePath, line: UInt = #line
  ) throws -> Graph {
    let traced = try trace(model, example: example, name: name)
    let url = directory.appendingPathComponent("\(name).json")
    try ModelFile.save(traced, to: url)
    let graph = try ModelFile.load(from: url)
    XCTAssertEqual(graph, traced, "round trip", file: file, line: line)
    try graph.verify()
    model.eval()
    let expected = try withNoGrad { try model(example) }
    let outputs = try Interpreter(graph: graph).run([
      "x": InterpreterTensor(example.scalars, shape: example.shape)
    ])
    let result = try XCTUnwrap(outputs[graph.outputs[0].name], file: file, line: line)
    XCTAssertEqual(result.shape, expected.shape, file: file, line: line)
    assertClose(result.floats(), expected.scalars, name, file: file, line: line)
    return graph
  }

  func testPerceptron() throws {
    let model = Sequential([Linear(2, 1, seed: 1), Sigmoid()])
    try assertInterpretedMatchesEager(
      model, try Tensor(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1]), name: "perceptron")
  }

  func testXORMultilayerPerceptron() throws {
    let model = Sequential([Linear(2, 4, seed: 2), Tanh(), Linear(4, 1, seed: 3), Sigmoid()])
    try assertInterpretedMatchesEager(
      model, try Tensor(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1]), name: "xor")
  }

  func testDigitsMLP() throws {
    let model = Sequential([Linear(64, 128, seed: 4), ReLU(), Linear(128, 10, seed: 5), Softmax(axis: -1)])
    let graph = try assertInterpretedMatchesEager(
      model, Tensor.uniform([8, 64], seed: 6), name: "digits-mlp")
    XCTAssertEqual(graph.nodes.map(\.op), [.linear, .relu, .linear, .softmax])
  }

  func testLeNetStyleCNN() throws {
    let model = Sequential([
      Conv2d(1, 6, kernelSize: 3, padding: 1, seed: 7), ReLU(), MaxPool2d(2),
      Conv2d(6, 16, kernelSize: 3, seed: 8), ReLU(), Flatten(), Linear(16 * 2 * 2, 10, seed: 9),
    ])
    let graph = try assertInterpretedMatchesEager(
      model, Tensor.uniform([4, 1, 8, 8], seed: 10), name: "lenet")
    XCTAssertTrue(graph.nodes.contains { $0.op == .conv2d })
    XCTAssertTrue(graph.nodes.contains { $0.op == .maxPool2d })

    // The traced batch axis re-specializes: batch 1 through the interpreter equals eager.
    let single = Tensor.uniform([1, 1, 8, 8], seed: 11)
    let interpreter = try Interpreter(graph: SpecializeBatch(batchSize: 1).applied(to: graph))
    let result = try interpreter.run(["x": InterpreterTensor(single.scalars, shape: [1, 1, 8, 8])])
    assertClose(result["y"]!.floats(), try withNoGrad { try model(single) }.scalars, "batch 1")
  }

  func testSmallGPTForward() throws {
    let configuration = GPT.Configuration(
      vocabularySize: 11, dimension: 16, layerCount: 2, headCount: 2, maxSequenceLength: 8)
    let model = GPT(configuration, seed: 12)
    let ids = try Tensor(shape: [2, 6], scalars: [1, 5, 3, 9, 0, 2, 4, 4, 10, 7, 6, 8])
    let graph = try assertInterpretedMatchesEager(model, ids, name: "gpt")
    let ops = Set(graph.nodes.map(\.op))
    XCTAssertTrue(ops.isSuperset(of: [.gather, .layerNorm, .matmul, .softmax]), "\(ops)")
    XCTAssertEqual(graph.outputs[0].type, TensorType(.f32, [2, 6, 11]))
  }
}
