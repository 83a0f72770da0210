import Foundation
import TTIR
import XCTest

/// `ttc export --onnx` and `ttc import`: a round trip through files, and bad input that writes
/// nothing.
final class ONNXCommandTests: CommandLineTestCase {
  func testExportThenImportGivesTheSameGraphAndOutputs() throws {
    let graph = try saveDigitsMLP(softmax: true)
    let exported = try ttc(["export", "mlp.json", "--onnx", "-o", "mlp.onnx"], in: directory)
    XCTAssertEqual(exported.status, 0, exported.stderr)
    XCTAssertTrue(exported.stdout.contains("mlp.onnx (ONNX opset"), exported.stdout)
    let imported = try ttc(["import", "mlp.onnx", "-o", "back.json"], in: directory)
    XCTAssertEqual(imported.status, 0, imported.stderr)
    XCTAssertTrue(exists("back.safetensors"))
    let back = try ModelFile.load(from: url("back.json"))
    XCTAssertEqual(back.weights, graph.weights)
    XCTAssertEqual(back.nodes.map(\.op), graph.nodes.map(\.op))

    try writeNumpy(values(64, seed: 5), shape: [1, 64], to: "x.npy")
    for model in ["mlp.json", "back.json"] {
      let run = try ttc(["run", model, "--input", "x.npy", "--output", "\(model).npy"], in: directory)
      XCTAssertEqual(run.status, 0, run.stderr)
    }
    XCTAssertEqual(try Data(contentsOf: url("mlp.json.npy")), try Data(contentsOf: url("back.json.npy")))
  }

  func testBadONNXFilesFailWithOneLineAndWriteNothing() throws {
    try saveDigitsMLP()
    XCTAssertEqual(try ttc(["export", "mlp.json", "--onnx", "-o", "mlp.onnx"], in: directory).status, 0)
    let bytes = try Data(contentsOf: url("mlp.onnx"))
    try bytes.prefix(bytes.count / 2).write(to: url("cut.onnx"))
    try write("not a model", to: "text.onnx")
    for (file, message) in [
      ("cut.onnx", "cut.onnx: not an ONNX model"), ("text.onnx", "text.onnx: not an ONNX model"),
    ] {
      let result = try ttc(["import", file, "-o", "out.json"], in: directory)
      XCTAssertNotEqual(result.status, 0)
      XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
      XCTAssertTrue(result.stderr.hasPrefix("error: ") && result.stderr.contains(message), result.stderr)
      XCTAssertFalse(exists("out.json"))
      XCTAssertFalse(exists("out.safetensors"))
    }
  }

  func testCommandsRefuseToOverwriteTheirInput() throws {
    try saveDigitsMLP()
    let exportOverInput = try ttc(["export", "mlp.json", "--onnx", "-o", "mlp.safetensors"], in: directory)
    XCTAssertNotEqual(exportOverInput.status, 0)
    XCTAssertTrue(exportOverInput.stderr.contains("refusing to overwrite the input"), exportOverInput.stderr)
    XCTAssertEqual(try ttc(["export", "mlp.json", "--onnx", "-o", "m.onnx"], in: directory).status, 0)
    let before = try Data(contentsOf: url("m.onnx"))
    // m.json's weights would go to m.safetensors; the ONNX file itself is m.onnx: -o m.onnx clashes.
    let importOverInput = try ttc(["import", "m.onnx", "-o", "m.onnx"], in: directory)
    XCTAssertNotEqual(importOverInput.status, 0)
    XCTAssertTrue(importOverInput.stderr.contains("refusing to overwrite the input"), importOverInput.stderr)
    XCTAssertEqual(try Data(contentsOf: url("m.onnx")), before)
  }

  func testInputShapesMustAgreeWithTheModel() throws {
    try saveDigitsMLP(batch: 4)
    XCTAssertEqual(try ttc(["export", "mlp.json", "--onnx", "-o", "mlp.onnx"], in: directory).status, 0)
    let imported = try ttc(["import", "mlp.onnx", "-o", "b.json", "--input-shape", "x=4,64"], in: directory)
    XCTAssertEqual(imported.status, 0, imported.stderr)
    let wrong = try ttc(["import", "mlp.onnx", "-o", "c.json", "--input-shape", "x=4,63"], in: directory)
    XCTAssertTrue(wrong.stderr.contains("input 'x': dimension 1 is 64 in the model, 63 given"), wrong.stderr)
    XCTAssertFalse(exists("c.json"))
  }

  func testImportWithoutOutputDoesNotReplaceAnExistingModel() throws {
    try saveDigitsMLP("m.json")
    XCTAssertEqual(try ttc(["export", "m.json", "--onnx", "-o", "m.onnx"], in: directory).status, 0)
    let before = try Data(contentsOf: url("m.json"))
    let refused = try ttc(["import", "m.onnx"], in: directory)
    XCTAssertEqual(refused.status, 1)
    XCTAssertEqual(
      refused.stderr,
      "error: \(url("m.json").path) already exists; pass -o \(url("m.json").path) to replace it, or -o another path\n"
    )
    XCTAssertEqual(try Data(contentsOf: url("m.json")), before)
    // Asked for by name, it is replaced.
    let replaced = try ttc(["import", "m.onnx", "-o", "m.json"], in: directory)
    XCTAssertEqual(replaced.status, 0, replaced.stderr)
    // The weights file alone is protected too.
    try FileManager.default.removeItem(at: url("m.json"))
    XCTAssertEqual(try ttc(["import", "m.onnx"], in: directory).status, 1)
    try FileManager.default.removeItem(at: url("m.safetensors"))
    XCTAssertEqual(try ttc(["import", "m.onnx"], in: directory).status, 0)
    XCTAssertTrue(exists("m.json") && exists("m.safetensors"))
  }
}
