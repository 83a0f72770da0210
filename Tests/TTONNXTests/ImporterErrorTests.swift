import Foundation
import TTIR
import XCTest

@testable import TTONNX

/// Bad ONNX input: one clear line naming what and where.
final class ImporterErrorTests: XCTestCase {
  private func relu() -> ONNXModelBuilder {
    var model = ONNXModelBuilder()
    model.input("x", [2, 3])
    model.node("Relu", ["x"], ["y"], name: "act")
    model.output("y")
    return model
  }

  func testNonONNXAndTruncatedFiles() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let text = folder.appendingPathComponent("notes.onnx")
    try Data("hello, this is not a model\n".utf8).write(to: text)
    assertFails("notes.onnx: not an ONNX model") { _ = try ONNXImporter().importModel(from: text) }

    let bytes = relu().data
    let truncated = folder.appendingPathComponent("cut.onnx")
    try bytes.prefix(bytes.count - 7).write(to: truncated)
    assertFails("cut.onnx: not an ONNX model") { _ = try ONNXImporter().importModel(from: truncated) }
    assertFails("missing.onnx: cannot read file") {
      _ = try ONNXImporter().importModel(from: folder.appendingPathComponent("missing.onnx"))
    }
  }

  /// Runs `body` with a fresh temporary folder, removed afterwards.
  private func withFolder(_ body: (URL) throws -> Void) throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try body(folder)
  }

  func testUnknownDomainAndOldOpset() throws {
    var model = relu()
    model.domains = ["com.microsoft": 1]
    model.node("FusedGemm", ["y"], ["z"], name: "fused", domain: "com.microsoft")
    assertFails("node 'fused' (FusedGemm): domain 'com.microsoft' is not supported") {
      _ = try model.importGraph()
    }
    try withFolder { try assertImportCommandFails(model, in: $0, "domain 'com.microsoft' is not supported") }
    var old = relu()
    old.opset = 9
    assertFails("opset 9 is older than the oldest supported, 11") { _ = try old.importGraph() }
  }

  func testUnsupportedOpNamesNodeOpsetAndSupportedOps() {
    var model = relu()
    model.node("Hardmax", ["y"], ["z"], name: "hm")
    assertFails("node 'hm' (Hardmax, opset 17): op Hardmax is not supported; supported ops: Abs, Add,") {
      _ = try model.importGraph()
    }
  }

  func testUnsupportedAttributeAndValue() {
    var model = ONNXModelBuilder()
    model.input("x", [1, 1, 4, 4])
    model.node(
      "MaxPool", ["x"], ["y"], name: "pool",
      attributes: [Attribute.ints("kernel_shape", [2, 2]), Attribute.int("storage_order", 1)])
    model.output("y")
    assertFails("node 'pool' (MaxPool, opset 17): storage_order = 1 is not supported") {
      _ = try model.importGraph()
    }
    var other = relu()
    other.graph.node[0].attribute = [Attribute.float("alpha", 2)]
    assertFails("node 'act' (Relu, opset 17): attribute 'alpha' is not supported") {
      _ = try other.importGraph()
    }
  }

  func testCycleAndDanglingNames() throws {
    var cycle = ONNXModelBuilder()
    cycle.input("x", [2])
    cycle.node("Add", ["x", "b"], ["a"], name: "first")
    cycle.node("Relu", ["a"], ["b"], name: "second")
    cycle.output("b")
    assertFails("(Add): the graph has a cycle through this node") { _ = try cycle.importGraph() }
    try withFolder { try assertImportCommandFails(cycle, in: $0, "the graph has a cycle through this node") }

    var dangling = relu()
    dangling.node("Add", ["y", "ghost"], ["z"], name: "sum")
    assertFails("node 'sum' (Add): input 'ghost' is not defined by any node, graph input or initializer") {
      _ = try dangling.importGraph()
    }
    try withFolder { try assertImportCommandFails(dangling, in: $0, "input 'ghost' is not defined") }
    var missingOutput = relu()
    missingOutput.output("nowhere")
    assertFails("graph output 'nowhere' is not produced") { _ = try missingOutput.importGraph() }
  }

  func testDynamicDimensionsNeedBindings() throws {
    var model = ONNXModelBuilder()
    model.input("x", [nil, 3])
    model.node("Relu", ["x"], ["y"])
    model.output("y")
    assertFails("input 'x': dimension 0 ('N') is dynamic; bind it with --batch N or --input-shape x=") {
      _ = try model.importGraph()
    }
    try withFolder { try assertImportCommandFails(model, in: $0, "dimension 0 ('N') is dynamic") }
    XCTAssertEqual(try model.importGraph(.init(batchSize: 5)).inputs[0].type.shape, [5, 3])
    XCTAssertEqual(try model.importGraph(.init(inputShapes: ["x": [7, 3]])).inputs[0].type.shape, [7, 3])
    assertFails("input 'x': dimension 1 is 3 in the model, 4 given") {
      _ = try model.importGraph(.init(inputShapes: ["x": [7, 4]]))
    }
  }

  func testExternalDataMustStayInsideTheModelFolder() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var weight = Onnx_TensorProto()
    weight.name = "w"
    weight.dataType = ONNXDataType.float
    weight.dims = [3]
    weight.dataLocation = .external
    var location = Onnx_StringStringEntryProto()
    location.key = "location"
    location.value = "../../etc/passwd"
    weight.externalData = [location]
    var model = relu()
    model.graph.initializer = [weight]
    model.node("Add", ["y", "w"], ["z"])
    let url = folder.appendingPathComponent("m.onnx")
    try model.data.write(to: url)
    assertFails("tensor 'w': external data path '../../etc/passwd' leaves the model's folder") {
      _ = try ONNXImporter().importModel(from: url)
    }
    try assertImportCommandFails(
      model, in: folder, "external data path '../../etc/passwd' leaves the model's folder")

    // Inside the folder it is read, from the given offset.
    var bytes = Data([0xFF, 0xFF])
    for value: Float in [1.5, -2, 4] {
      withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }
    try bytes.write(to: folder.appendingPathComponent("weights.bin"))
    var offset = Onnx_StringStringEntryProto()
    offset.key = "offset"
    offset.value = "2"
    location.value = "weights.bin"
    model.graph.initializer[0].externalData = [location, offset]
    try model.data.write(to: url)
    let graph = try ONNXImporter().importModel(from: url)
    XCTAssertEqual(graph.weights["w"]?.floats(), [1.5, -2, 4], "\(graph.nodes) \(graph.weights)")
  }

  func testConstantInputsNeededForShapesAreNamed() throws {
    var model = ONNXModelBuilder()
    model.input("x", [2, 3])
    model.input("shape", [2], type: ONNXDataType.int64)
    model.node("Reshape", ["x", "shape"], ["y"], name: "r")
    model.output("y")
    do {
      _ = try model.importGraph()
      XCTFail("expected an error")
    } catch let error as ONNXError {
      XCTAssertEqual(error.inputNeedingConstant, "shape")
      XCTAssertTrue(error.description.contains("input 'shape' (shape) must be a constant"), error.description)
    }
    let graph = try model.importGraph(
      .init(constantInputs: ["shape": TensorData(int64s: [3, 2], shape: [2])]))
    XCTAssertEqual(graph.outputs[0].type.shape, [3, 2])
    XCTAssertEqual(graph.inputs.map(\.name), ["x"])
  }

  /// Sizes and counts in a hostile file are refused before any arithmetic overflows or any
  /// large allocation (found or suggested by the `onnx` fuzz target).
  func testHostileSizesAndCountsAreRefused() {
    func model(_ op: String, _ inputs: [(String, TensorData)], attributes: [Onnx_AttributeProto] = [])
      -> ONNXModelBuilder
    {
      var model = ONNXModelBuilder()
      model.input("x", [2, 3])
      for (name, data) in inputs { model.initializer(name, data) }
      model.node(op, ["x"] + inputs.map(\.0), ["y"], name: "n", attributes: attributes)
      model.output("y")
      return model
    }
    let huge = Int64(1) << 40
    assertFails("node 'n' (Reshape, opset 17): cannot reshape [2, 3] to [\(huge), \(huge), -1]") {
      _ = try model("Reshape", [("s", TensorData(int64s: [huge, huge, -1], shape: [3]))]).importGraph()
    }
    assertFails(
      "(Expand, opset 17): the expanded tensor of shape [1073741824, 2, 3] is larger than the 67108864"
    ) {
      _ = try model("Expand", [("s", TensorData(int64s: [1 << 30, 1, 1], shape: [3]))]).importGraph()
    }
    assertFails("(Tile, opset 17): repeats [1, 100000] make more than 65536 copies") {
      _ = try model("Tile", [("r", TensorData(int64s: [1, 100_000], shape: [2]))]).importGraph()
    }
    assertFails("(Resize, opset 17): scale 3e+38 makes axis 1 too long") {
      _ = try model(
        "Resize", [("roi", TensorData([], shape: [0])), ("scales", TensorData([1, 3e38], shape: [2]))]
      ).importGraph()
    }
    var filled = ONNXModelBuilder()
    filled.initializer("s", TensorData(int64s: [1 << 20, 1 << 20], shape: [2]))
    filled.node("ConstantOfShape", ["s"], ["y"], name: "n")
    filled.output("y")
    assertFails("(ConstantOfShape, opset 17): the output of shape [1048576, 1048576] is larger than") {
      _ = try filled.importGraph()
    }
    var split = model("Split", [])
    split.graph.node[0].output = []
    assertFails("node 'n' (Split, opset 17): has no outputs") { _ = try split.importGraph() }
  }
}
