import Foundation
import TTIR
import TTInterpreter
import XCTest

@testable import TTONNX

/// import(export(g)) computes what g computes, and every IR op exports.
final class RoundTripTests: XCTestCase {
  func testImportOfExportAgreesWithTheOriginal() throws {
    var exportedOps: Set<Op> = []
    for (name, graph) in ExportSamples.all {
      exportedOps.formUnion(graph.nodes.map(\.op))
      let bytes = try ONNXExporter.export(graph)
      let imported = try ONNXImporter().importModel(data: bytes, directory: nil, name: name)
      XCTAssertEqual(imported.inputs, graph.inputs, name)
      XCTAssertEqual(imported.outputs.map(\.type), graph.outputs.map(\.type), name)
      let inputs = ExportSamples.inputs(for: graph).mapValues(InterpreterTensor.init)
      let expected = try Interpreter(graph: graph).run(inputs)
      let actual = try Interpreter(graph: imported).run(inputs)
      for (original, reimported) in zip(graph.outputs, imported.outputs) {
        assertClose(
          actual[reimported.name]!.tensorData, expected[original.name]!.tensorData, tolerance: 1e-5,
          "\(name): \(original.name)")
      }
    }
    // fused_elementwise, quantized_linear and quantized_conv2d only appear after -O2 fusion or
    // --quantize, whose graphs the exporter refuses.
    XCTAssertEqual(
      exportedOps, Set(Op.allCases).subtracting([.fusedElementwise, .quantizedLinear, .quantizedConv2d]),
      "the samples cover every op")
  }

  func testWeightsKeepTheirNamesAndBytes() throws {
    let graph = ExportSamples.vision
    let imported = try ONNXImporter().importModel(
      data: ONNXExporter.export(graph), directory: nil, name: "vision")
    let csr = Set(graph.nodes.filter { $0.op == .sparseLinear }.flatMap { $0.inputs[1...3] })
    XCTAssertFalse(csr.isEmpty)
    for (name, data) in graph.weights where !csr.contains(name) {
      XCTAssertEqual(imported.weights[name], data, name)
    }
    XCTAssertTrue(imported.weights.keys.allSatisfy { !csr.contains($0) }, "CSR arrays are exported densified")
  }
}
