import Foundation
import TTCodegen
import TTIR
import TTInterpreter
import TTLoader
import TTPasses
import XCTest

@testable import TTONNX

/// `-O2` on transformer blocks imported from ONNX (`make_helper_models.py`: a pre-LayerNorm block
/// with the erf GELU written out, and an encoder layer whose causal mask and scale come from shape
/// arithmetic): the attention, GELU and linear layers are fused, and the result still agrees with
/// onnxruntime in the interpreter and compiled.
final class ImportedTransformerFusionTests: XCTestCase {
  private var folder: URL!

  override func setUpWithError() throws { folder = try temporaryFolder() }
  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

  func testImportedTransformerBlocksFuseAtO2AndAgreeWithOnnxRuntime() throws {
    try ReferencePython.runScript("make_helper_models.py", [folder.path])
    for name in ["transformer_block", "torch_encoder"] {
      let case_ = folder.appendingPathComponent(name)
      let input = try ONNXTensorFile.read(case_.appendingPathComponent("input_0.pb"))
      let expected = try ONNXTensorFile.read(case_.appendingPathComponent("ort_output_0.pb"))
      let graph = try ONNXImporter(options: .init(batchSize: input.shape[0]))
        .importModel(from: case_.appendingPathComponent("model.onnx"))
      let pipeline = try Pipeline.level(.O2, options: PassOptions(evaluator: Interpreter.evaluate))
      let optimized = try PassManager(pipeline: pipeline).run(graph).graph

      // One attention node reading its two heads in place; no written-out attention, GELU or
      // products of weights left; every projection a linear with its bias (and residual,
      // activation) in the GEMM epilogue.
      let count = { (op: Op) in optimized.nodes.filter { $0.op == op }.count }
      XCTAssertEqual(count(.scaledDotProductAttention), 1, "\(name):\n\(optimized.listing)")
      XCTAssertEqual(optimized.nodes.first { $0.op == .scaledDotProductAttention }?.int("heads"), 2, name)
      let writtenOut: Set<Op> = [.softmax, .erf, .transpose, .div, .matmul, .add, .mul]
      XCTAssertEqual(optimized.nodes.filter { writtenOut.contains($0.op) }.map(\.description), [], name)
      let products = graph.nodes.filter { $0.op == .matmul || $0.op == .linear }.count
      let projections = products - 2  // q·kᵀ and p·v are the attention
      XCTAssertEqual(count(.linear), projections, "\(name):\n\(optimized.listing)")
      let biases = optimized.nodes.filter { $0.op == .linear && $0.ownInputs.count == 3 }.count
      XCTAssertEqual(
        biases, name == "transformer_block" ? 2 : 1, "\(name): the bias additions are linear biases")
      let inputTypes = try ShapeInference.valueTypes(of: optimized)
      let epilogues = optimized.nodes.compactMap { node in
        node.kernelEpilogue(
          inputTypes: node.inputs.map { inputTypes[$0]! }, outputType: inputTypes[node.outputs[0]]!)
      }
      XCTAssertEqual(epilogues.filter(\.addsResidual).count, 2, "\(name): both residual additions fused")
      XCTAssertEqual(
        epilogues.compactMap(\.activation), [name == "torch_encoder" ? .relu : .geluErf], "\(name)")

      let interpreted = try Interpreter(graph: optimized).run([graph.inputs[0].name: InterpreterTensor(input)]
      )
      assertClose(
        interpreted[graph.outputs[0].name]!.tensorData, expected, "\(name) -O2 interpreter vs onnxruntime")
      let artifact = try ModelCompiler.compile(
        optimized, options: CompileOptions(cacheDirectory: folder.appendingPathComponent("cache").path))
      let compiled = try CompiledModel(path: artifact.libraryPath, expecting: artifact.graphHash).run([input])
      assertClose(compiled[0], expected, "\(name) -O2 compiled vs onnxruntime")
    }
  }
}
