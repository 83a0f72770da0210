import Foundation
import TTCodegen
import TTIR
import TTInterpreter
import TTLoader
import TTPasses
import XCTest

@testable import TTONNX

/// A transformer encoder exported from PyTorch by `torch.onnx.export`, with both exporters
/// (`Fixtures/torch`, written by `Python/make_torch_models.py`): the TorchScript exporter's
/// `Shape`/`Gather`/`Mod`/`Slice` arithmetic folds at import, the dynamo exporter's weights come
/// from external data; both run in the interpreter and compiled at `-O2`, within 1e-4 of
/// onnxruntime, with each layer's attention fused at `-O2` though the exporters scale q and k
/// separately.
final class TorchExportTests: XCTestCase {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/torch")

  func testTorchExportedEncodersAgreeWithOnnxRuntimeInBothEngines() throws {
    let cache = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: cache) }
    for name in ["encoder_torchscript", "encoder_dynamo"] {
      let folder = Self.fixtures.appendingPathComponent(name)
      let input = try ONNXTensorFile.read(folder.appendingPathComponent("input_0.pb"))
      let expected = try ONNXTensorFile.read(folder.appendingPathComponent("output_0.pb"))
      let graph = try ONNXImporter().importModel(from: folder.appendingPathComponent("model.onnx"))
      XCTAssertEqual(graph.inputs.map(\.type), [TensorType(.f32, [2, 7, 32])], name)
      let shapeOps: Set<Op> = [.cast, .concat, .slice, .mod]
      XCTAssertEqual(
        graph.nodes.filter { shapeOps.contains($0.op) }.map(\.description), [], "\(name): folded")
      let interpreted = try Interpreter(graph: graph).run([graph.inputs[0].name: InterpreterTensor(input)])
      assertClose(
        interpreted[graph.outputs[0].name]!.tensorData, expected, "\(name): interpreter vs onnxruntime")
      let pipeline = try Pipeline.level(.O2, options: PassOptions(evaluator: Interpreter.evaluate))
      let optimized = try PassManager(pipeline: pipeline).run(graph).graph
      // The exporter scales q and k by √scale each; -O2 still fuses each layer's attention.
      XCTAssertEqual(optimized.nodes.filter { $0.op == .scaledDotProductAttention }.count, 2, name)
      XCTAssertEqual(optimized.nodes.filter { [.softmax, .matmul].contains($0.op) }.map(\.name), [], name)
      let unfused = interpreted[graph.outputs[0].name]!.tensorData
      let fused = try Interpreter(graph: optimized).run([graph.inputs[0].name: InterpreterTensor(input)])
      assertClose(
        fused[graph.outputs[0].name]!.tensorData, unfused, tolerance: Tolerance.interpreter,
        "\(name): interpreter at -O2 vs -O0")
      let artifact = try ModelCompiler.compile(optimized, options: CompileOptions(cacheDirectory: cache.path))
      let compiled = try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash).run([input])
      assertClose(compiled[0], expected, "\(name): compiled at -O2 vs onnxruntime")
      assertClose(compiled[0], unfused, "\(name): compiled at -O2 vs the interpreter at -O0")
    }
  }
}
