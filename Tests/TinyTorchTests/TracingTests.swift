import Foundation
import TTIR
import XCTest

@testable import TinyTorch

final class TracingTests: XCTestCase {
  final class MLP: Module {
    let fc1 = Linear(64, 128, seed: 1)
    let fc2 = Linear(128, 10, seed: 2)
    let dropout = Dropout(0.5, seed: 3)
    override func forward(_ x: Tensor) throws -> Tensor { try fc2(dropout(fc1(x).relu())).softmax(axis: -1) }
  }

  func testMLPTraceNamesNodesAndWeightsByModulePath() throws {
    let model = MLP()
    let graph = try trace(model, example: Tensor.randn([4, 64], seed: 0), name: "digits-mlp")
    XCTAssertEqual(graph.nodes.map(\.name), ["fc1/linear", "relu", "fc2/linear", "softmax"])
    XCTAssertEqual(graph.nodes.map(\.op), [.linear, .relu, .linear, .softmax])
    XCTAssertEqual(Set(graph.weights.keys), ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"])
    XCTAssertEqual(graph.weights["fc1.weight"]?.floats(), model.fc1.weight.scalars)
    XCTAssertEqual(graph.inputs.map(\.name), ["x"])
    XCTAssertEqual(graph.outputs.first?.name, "y")
    XCTAssertEqual(graph.outputs.first?.type, TensorType(.f32, [4, 10]))
    XCTAssertTrue(model.isTraining, "trace restores training mode")
  }

  func testScalarOperandsBecomeConstantsAndDeadCodeIsDropped() throws {
    let w = Tensor.randn([3, 3], seed: 4, requiresGrad: true)
    let graph = try trace(name: "f", inputs: [("x", Tensor.randn([2, 3], seed: 5))], outputNames: ["out"]) {
      xs in
      _ = xs[0].exp()  // unused: not in the graph
      return [try xs[0].matmul(w) * 2]
    }
    XCTAssertEqual(graph.nodes.map(\.op), [.matmul, .mul])
    XCTAssertEqual(graph.weights.count, 2)
    XCTAssertEqual(graph.weights["const.1"]?.floats(), [2])
  }

  func testReshapeKeepsTheBatchAxisSymbolic() throws {
    let graph = try trace(name: "f", inputs: [("x", Tensor.randn([2, 3, 4], seed: 6))], outputNames: ["y"]) {
      xs in
      [try xs[0].flattened()]
    }
    XCTAssertEqual(graph.nodes.first?.ints("shape"), [0, 12])
  }

  func testEagerOnlyOperationsAreRejectedWithAClearError() throws {
    let x = Tensor.randn([2, 3], seed: 7)
    XCTAssertThrowsError(
      try trace(name: "loss", inputs: [("x", x)], outputNames: ["loss"]) { xs in
        [try Loss.crossEntropy(xs[0], [0, 1])]
      }
    ) { error in
      XCTAssertTrue("\(error)".contains("cross_entropy"), "\(error)")
    }
  }

  func testOutputThatIsAnInputIsRejected() throws {
    XCTAssertThrowsError(
      try trace(name: "id", inputs: [("x", Tensor.randn([2], seed: 8))], outputNames: ["y"]) { xs in [xs[0]] }
    )
  }

  func testCNNAndGPTTraceToVerifiedGraphsThatRoundTripThroughModelFiles() throws {
    let cnn = Sequential(
      Conv2d(1, 8, kernelSize: 3, padding: 1, seed: 1), ReLU(), MaxPool2d(2), Flatten(),
      Linear(8 * 4 * 4, 10, seed: 2))
    let cnnGraph = try trace(cnn, example: Tensor.randn([2, 1, 8, 8], seed: 3), name: "cnn")
    XCTAssertEqual(cnnGraph.nodes.map(\.op), [.conv2d, .relu, .maxPool2d, .reshape, .linear])
    XCTAssertEqual(cnnGraph.nodes.first?.name, "layers.0/conv2d")

    let gpt = GPT(
      GPT.Configuration(vocabularySize: 20, dimension: 16, layerCount: 2, headCount: 2, maxSequenceLength: 8),
      seed: 4)
    let ids = try Tensor((0..<8).map { Float($0 % 20) }).unsqueezed(axis: 0)
    let gptGraph = try trace(gpt, example: ids, name: "gpt")
    XCTAssertTrue(gptGraph.nodes.contains { $0.op == .gather })
    XCTAssertTrue(gptGraph.nodes.contains { $0.op == .layerNorm })

    for graph in [cnnGraph, gptGraph] {
      let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: dir) }
      let url = dir.appendingPathComponent("model.json")
      try ModelFile.save(graph, to: url)
      let loaded = try ModelFile.load(from: url)
      XCTAssertEqual(loaded.nodes, graph.nodes)
      XCTAssertEqual(loaded.weights, graph.weights)
    }
  }
}
