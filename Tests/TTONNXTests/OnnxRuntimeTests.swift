import Foundation
import TTCodegen
import TTIR
import TTInterpreter
import TTLoader
import TTPasses
import XCTest

@testable import TTONNX

/// Models built with `onnx.helper` import, compile, and agree with onnxruntime; graphs exported
/// by TinyTorch run in onnxruntime and agree with the interpreter.
final class OnnxRuntimeTests: XCTestCase {
  private var folder: URL!

  override func setUpWithError() throws {
    folder = try temporaryFolder()
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: folder)
  }

  func testHelperModelsAgreeWithOnnxRuntimeInBothEngines() throws {
    try ReferencePython.runScript("make_helper_models.py", [folder.path])
    for name in ["mlp", "lenet", "transformer_block", "cnn_bn", "torch_encoder", "uint8_quantized"] {
      let case_ = folder.appendingPathComponent(name)
      let input = try ONNXTensorFile.read(case_.appendingPathComponent("input_0.pb"))
      let expected = try ONNXTensorFile.read(case_.appendingPathComponent("ort_output_0.pb"))
      let graph = try ONNXImporter(options: .init(batchSize: input.shape[0]))
        .importModel(from: case_.appendingPathComponent("model.onnx"))
      let interpreted = try Interpreter(graph: graph).run([graph.inputs[0].name: InterpreterTensor(input)])
      assertClose(
        interpreted[graph.outputs[0].name]!.tensorData, expected, "\(name) interpreter vs onnxruntime")
      // The CNN and the transformers are compiled at -O2 (batch-norm folding, fusion), the others
      // as imported.
      let optimized = ["cnn_bn", "torch_encoder", "transformer_block"].contains(name)
      let pipeline = try Pipeline.level(.O2, options: PassOptions(evaluator: Interpreter.evaluate))
      let compiledGraph = optimized ? try PassManager(pipeline: pipeline).run(graph).graph : graph
      let artifact = try ModelCompiler.compile(
        compiledGraph, options: CompileOptions(cacheDirectory: folder.appendingPathComponent("cache").path))
      let compiled = try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash).run([input])
      assertClose(compiled[0], expected, "\(name) compiled\(optimized ? " at -O2" : "") vs onnxruntime")
      if name == "cnn_bn" {
        XCTAssertFalse(
          compiledGraph.nodes.contains { $0.op == .batchNorm }, "-O2 folds batch norm into the convolutions")
      }
      if name == "torch_encoder" {
        // Shape and mask arithmetic folds at import; the scale's sqrt of a constant at -O2.
        let shapeOps: Set<Op> = [.gather, .concat, .where, .cast, .greater]
        XCTAssertEqual(graph.nodes.filter { shapeOps.contains($0.op) }.map(\.description), [])
        XCTAssertEqual(
          compiledGraph.nodes.filter { shapeOps.contains($0.op) || $0.op == .sqrt }.map(\.description), [])
      }
      if name == "transformer_block" {
        XCTAssertFalse(
          graph.nodes.contains { $0.op == .gather || $0.op == .concat }, "shape arithmetic folded")
        XCTAssertTrue(graph.nodes.contains { $0.op == .erf })
        // -O2 fuses the attention (MatMul/Div/Add/Softmax/MatMul) and the erf GELU, which lands
        // in the epilogue of the first feed-forward product.
        XCTAssertEqual(compiledGraph.nodes.filter { $0.op == .scaledDotProductAttention }.count, 1)
        XCTAssertEqual(
          compiledGraph.nodes.filter { [.softmax, .erf, .matmul].contains($0.op) }.map(\.description), [])
        XCTAssertEqual(
          compiledGraph.nodes.filter { $0.string("epilogue")?.contains("gelu") ?? false }.count, 1,
          "the GELU is fused into the first feed-forward linear")
      }
      if name == "uint8_quantized" {
        // UINT8 weights dequantized per axis fold into the product's constant weight.
        XCTAssertEqual(graph.nodes.filter { $0.op == .linear }.count, 1)
        XCTAssertEqual(graph.nodes.filter { $0.op == .quantizeLinear }.count, 6, "1 + 4 channels + 1")
      }
    }
  }

  func testExportedGraphsRunInOnnxRuntime() throws {
    _ = try ReferencePython.require()
    for (name, graph) in ExportSamples.all {
      let case_ = folder.appendingPathComponent(name)
      try FileManager.default.createDirectory(at: case_, withIntermediateDirectories: true)
      let model = case_.appendingPathComponent("model.onnx")
      try ONNXExporter.export(graph).write(to: model)
      let inputs = ExportSamples.inputs(for: graph)
      for (index, info) in graph.inputs.enumerated() {
        try ONNXTensorFile.encode(inputs[info.name]!, name: info.name)
          .write(to: case_.appendingPathComponent("input_\(index).pb"))
      }
      try ReferencePython.runScript("run_onnxruntime.py", [model.path, case_.path])
      let outputs = try Interpreter(graph: graph).run(inputs.mapValues(InterpreterTensor.init))
      for (index, info) in graph.outputs.enumerated() {
        let reference = try ONNXTensorFile.read(case_.appendingPathComponent("ort_output_\(index).pb"))
        assertClose(
          outputs[info.name]!.tensorData, reference, "\(name) output \(info.name): interpreter vs onnxruntime"
        )
      }
    }
  }
}
