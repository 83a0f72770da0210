import Foundation
import MilestoneSupport
import TTCodegen
import TTIR
import TTInterpreter
import TTPasses
import TinyTorch
import XCTest

/// The exact pipeline on every milestone model: interpreter outputs within 1e-6 · max(1, |b|)
/// of the unoptimized graph, compiled within the usual 1e-4, running the pipeline again changes
/// nothing, and two runs emit the same C bytes.
final class OptimizedMilestoneTests: XCTestCase {
  var directory = URL(fileURLWithPath: "/")
  override func setUpWithError() throws { directory = try makeTemporaryDirectory() }
  override func tearDown() { removeDirectory(directory) }

  /// A small CNN with batch norm, so `fold-batch-norm` has work on a traced graph.
  final class NormalizedCNN: Module {
    let conv: Conv2d
    let norm = BatchNorm2d(4)
    let fc = Linear(4 * 4 * 4, 10, seed: 3)
    init(_ conv: Conv2d) {
      self.conv = conv
      super.init()
    }
    override func forward(_ x: Tensor) throws -> Tensor {
      try fc(MaxPool2d(2)(norm(conv(x)).relu()).flattened())
    }
  }

  func models() throws -> [(name: String, model: Module, input: Tensor)] {
    let cnn = NormalizedCNN(Conv2d(1, 4, kernelSize: 3, padding: 1, seed: 2))
    // Running statistics that are not the identity.
    cnn.train()
    for seed in 0..<3 { _ = try cnn(Tensor.uniform([4, 1, 8, 8], low: 0, high: 1, seed: UInt64(10 + seed))) }
    let gpt = GPT(
      GPT.Configuration(vocabularySize: 23, dimension: 16, layerCount: 2, headCount: 2, maxSequenceLength: 8),
      seed: 7)
    return [
      ("perceptron", Perceptron(), try Tensor(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1])),
      (
        "xor", Sequential(XORNet(hiddenUnits: 4, seed: 1969), Sigmoid()),
        Tensor.uniform([4, 2], low: 0, high: 1, seed: 1)
      ),
      ("digits-mlp", DigitMLP(seed: 1), Tensor.uniform([3, 64], low: 0, high: 1, seed: 2)),
      ("lenet", LeNet(seed: 1), Tensor.uniform([2, 1, 8, 8], low: 0, high: 1, seed: 4)),
      ("bn-cnn", cnn, Tensor.uniform([2, 1, 8, 8], low: 0, high: 1, seed: 5)),
      ("gpt", gpt, try Tensor.tokenIDs([[3, 1, 4, 1, 5, 9, 2, 6], [2, 7, 1, 8, 2, 8, 1, 8]])),
    ]
  }

  func testExactPipelineKeepsEveryMilestonesOutputs() throws {
    let options = PassOptions(evaluator: Interpreter.evaluate)
    for (name, model, input) in try models() {
      model.eval()
      let graph = try exportAndReload(model, example: input, name: name, in: directory)
      let optimized = try PassManager(pipeline: .level(.O1, options: options)).run(graph).graph
      let feed = ["x": InterpreterTensor(input.scalars, shape: input.shape)]
      let expected = try Interpreter(graph: graph).run(feed)["y"]!.floats()
      let interpreted = try Interpreter(graph: optimized).run(feed)["y"]!.floats()
      assertClose(interpreted, expected, "\(name): -O1 vs -O0 in the interpreter", tolerance: 1e-6)
      let compiled = try compileAndLoad(optimized, cache: directory.appendingPathComponent("cache"))
        .run([input.scalars])[0]
      assertClose(
        compiled, expected, "\(name): compiled -O1 vs interpreted -O0", tolerance: Tolerance.compiled)

      let again = try PassManager(pipeline: .level(.O1, options: options)).run(optimized)
      XCTAssertEqual(again.graph, optimized, "\(name): a second run changes nothing")
      let fresh = try PassManager(pipeline: .level(.O1, options: options)).run(graph).graph
      XCTAssertEqual(
        try CEmitter.emit(fresh, graphHash: fresh.contentHash).source.text,
        try CEmitter.emit(optimized, graphHash: optimized.contentHash).source.text, "\(name): same C bytes")
      XCTAssertLessThanOrEqual(optimized.nodes.count, graph.nodes.count, name)
    }
  }
}
