import Foundation
import XCTest

@testable import TTIR

/// Every way `ModelFile.load` can reject a file, each with a one-line message naming the file.
final class ModelFileLoadErrorTests: XCTestCase {
  private var directory: URL!

  override func setUpWithError() throws {
    directory = try temporaryDirectory(for: self)
  }

  /// Writes `text` as model.json and returns its URL.
  private func write(_ text: String, name: String = "model.json") throws -> URL {
    let url = directory.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url
  }

  /// A model with input x: f32[1, 4], the given nodes and outputs, and no weights.
  private func model(nodes: String, outputs: String = "[]", extra: String = "") -> String {
    """
    {"format": "ttc-model", "version": 1, "name": "m",
     "inputs": [{"name": "x", "dtype": "f32", "shape": [1, 4]}],
     "outputs": \(outputs), "nodes": \(nodes), "weights": {"inline": {}}\(extra)}
    """
  }

  private func assertLoadFails(_ text: String, _ fragments: String..., line: UInt = #line) throws {
    let url = try write(text)
    do {
      _ = try ModelFile.load(from: url)
      XCTFail("loaded", line: line)
    } catch {
      let message = error.description
      XCTAssertTrue(message.hasPrefix(url.path + ": "), message, line: line)
      XCTAssertFalse(message.contains("\n"), message, line: line)
      for fragment in fragments {
        XCTAssertTrue(message.contains(fragment), "'\(message)' lacks '\(fragment)'", line: line)
      }
    }
  }

  func testValidMinimalModelLoads() throws {
    let url = try write(
      model(nodes: #"[{"name": "r", "op": "relu", "inputs": ["x"], "outputs": ["y"]}]"#))
    XCTAssertEqual(try ModelFile.load(from: url).nodes.count, 1)
  }

  func testMissingFile() {
    let url = directory.appendingPathComponent("absent.json")
    assertThrows("\(url.path): cannot read file") { _ = try ModelFile.load(from: url) }
  }

  func testNotJSON() throws {
    try assertLoadFails(
      "<model/>", "not a model file: invalid JSON at line 1, column 1: unexpected character '<'")
  }

  func testWrongShape() throws {
    try assertLoadFails("[1, 2]", "not a model file: the document is an array, not an object")
    try assertLoadFails(
      #"{"format": "ttc-model", "version": 1, "name": "m", "inputs": {}}"#,
      "inputs must be an array, got an object")
    try assertLoadFails(
      model(nodes: #"[{"name": "r", "op": "relu", "inputs": "x", "outputs": ["y"]}]"#),
      "node 'r'.inputs must be an array")
    try assertLoadFails(
      model(nodes: "[]", extra: #", "producer": "me""#), "the model has unknown key \"producer\"")
    try assertLoadFails(
      model(
        nodes:
          #"[{"name": "r", "op": "relu", "inputs": ["x"], "outputs": ["y"], "attributes": {}}]"#),
      "node 'r' has unknown key \"attributes\" (allowed: name, op, inputs, outputs, attrs)")
    try assertLoadFails(
      model(nodes: "[]").replacingOccurrences(of: #""shape": [1, 4]"#, with: #""shape": ["N", 4]"#),
      "inputs[0].shape must contain only integers")
    try assertLoadFails(
      model(nodes: "[]").replacingOccurrences(of: #""dtype": "f32""#, with: #""dtype": "float""#),
      "inputs[0].dtype \"float\" is not one of f32, f16, i8, i32, i64")
  }

  func testWrongFormat() throws {
    try assertLoadFails(
      model(nodes: "[]").replacingOccurrences(of: "ttc-model", with: "onnx"),
      "format is \"onnx\", expected \"ttc-model\"")
    try assertLoadFails(#"{"version": 1}"#, "not a model file: missing \"format\": \"ttc-model\"")
  }

  func testUnsupportedVersion() throws {
    try assertLoadFails(
      model(nodes: "[]").replacingOccurrences(of: #""version": 1"#, with: #""version": 2"#),
      "unsupported version 2 (this build reads version 1)")
  }

  func testUnknownOp() throws {
    try assertLoadFails(
      model(nodes: #"[{"name": "s", "op": "swish", "inputs": ["x"], "outputs": ["y"]}]"#),
      "node 's': unknown op 'swish' (supported ops: neg, exp, log,", "scaled_dot_product_attention",
      "dequantize_linear, sparse_linear, fused_elementwise, quantized_linear, mod, resize, quantized_conv2d)")
  }

  func testMissingAttribute() throws {
    try assertLoadFails(
      model(nodes: #"[{"name": "flat", "op": "reshape", "inputs": ["x"], "outputs": ["y"]}]"#),
      "node 'flat' (reshape): missing required attribute 'shape' (ints)")
  }

  func testAttributeOfWrongKind() throws {
    try assertLoadFails(
      model(
        nodes:
          #"[{"name": "sm", "op": "softmax", "inputs": ["x"], "outputs": ["y"], "attrs": {"axis": 1.5}}]"#
      ),
      "node 'sm' (softmax): attribute 'axis' must be int, got 1.5")
  }

  func testDanglingInput() throws {
    try assertLoadFails(
      model(nodes: #"[{"name": "r", "op": "relu", "inputs": ["h"], "outputs": ["y"]}]"#),
      "node 'r' (relu): input 'h' is not defined")
  }

  func testDuplicateOutputName() throws {
    try assertLoadFails(
      model(
        nodes: """
          [{"name": "a", "op": "relu", "inputs": ["x"], "outputs": ["y"]},
           {"name": "b", "op": "neg", "inputs": ["x"], "outputs": ["y"]}]
          """),
      "node 'b' (neg): output 'y' is already defined by node 'a'")
  }

  func testCycle() throws {
    try assertLoadFails(
      model(
        nodes: """
          [{"name": "a", "op": "relu", "inputs": ["v"], "outputs": ["u"]},
           {"name": "b", "op": "relu", "inputs": ["u"], "outputs": ["v"]}]
          """),
      "node 'a' (relu): cycle: a → b → a")
  }

  func testShapeMismatchBetweenNodes() throws {
    try assertLoadFails(
      model(
        nodes: """
          [{"name": "t", "op": "transpose", "inputs": ["x"], "outputs": ["xt"], "attrs": {"perm": [1, 0]}},
           {"name": "fc2", "op": "matmul", "inputs": ["x", "x"], "outputs": ["y"]}]
          """),
      "node 'fc2' (matmul): inner dimensions 4 and 1 differ")
  }

  func testDeclaredOutputTypeMismatch() throws {
    try assertLoadFails(
      model(
        nodes: #"[{"name": "r", "op": "relu", "inputs": ["x"], "outputs": ["y"]}]"#,
        outputs: #"[{"name": "y", "dtype": "f32", "shape": [4]}]"#),
      "graph 'm': output 'y' is declared f32[4] but computed as f32[1, 4]")
  }

  func testInlineWeightErrors() throws {
    let base = model(nodes: "[]")
    try assertLoadFails(
      base.replacingOccurrences(
        of: #"{"inline": {}}"#,
        with: #"{"inline": {"w": {"dtype": "f32", "shape": [2], "data": "AAAAPw=="}}}"#),
      "weights.inline['w']: f32[2] needs 8 bytes but 4 were given")
    try assertLoadFails(
      base.replacingOccurrences(
        of: #"{"inline": {}}"#,
        with: #"{"inline": {"w": {"dtype": "f32", "shape": [1], "data": "%%%"}}}"#),
      "weights.inline['w'].data is not valid base64")
    try assertLoadFails(
      base.replacingOccurrences(of: #", "weights": {"inline": {}}"#, with: ""),
      "missing \"weights\"")
    try assertLoadFails(
      base.replacingOccurrences(
        of: #"{"inline": {}}"#, with: #"{"file": "/etc/passwd", "tensors": []}"#),
      "weights.file \"/etc/passwd\" must be a path relative to the model file")
  }

  // MARK: External weights

  /// Saves the MLP (schema-validated in ModelFileTests) and returns the model URL; the
  /// weights are next to it.
  private func savedMLP() throws -> URL {
    let url = directory.appendingPathComponent("mlp.json")
    try ModelFile.save(try makeMLP(), to: url)
    return url
  }

  private func assertLoadFails(_ url: URL, _ fragments: String..., line: UInt = #line) {
    do {
      _ = try ModelFile.load(from: url)
      XCTFail("loaded", line: line)
    } catch {
      XCTAssertTrue(error.description.hasPrefix(url.path + ": "), error.description, line: line)
      for fragment in fragments {
        XCTAssertTrue(
          error.description.contains(fragment), "'\(error)' lacks '\(fragment)'", line: line)
      }
    }
  }

  func testWeightsFileMissing() throws {
    let url = try savedMLP()
    try FileManager.default.removeItem(at: ModelFile.weightsURL(for: url))
    assertLoadFails(
      url, "weights: safetensors '\(ModelFile.weightsURL(for: url).path)': cannot read file")
  }

  func testWeightsFileTruncated() throws {
    let url = try savedMLP()
    let weights = ModelFile.weightsURL(for: url)
    let data = try Data(contentsOf: weights)
    try data.prefix(data.count - 10).write(to: weights)
    assertLoadFails(url, "weights: safetensors '\(weights.path)':", "exceed", "(truncated?)")
    try data.prefix(40).write(to: weights)
    assertLoadFails(url, "header length", "exceeds the 32 bytes after it")
  }

  func testWeightOfWrongShape() throws {
    let url = try savedMLP()
    var tensors = try SafeTensors(contentsOf: ModelFile.weightsURL(for: url)).tensors
    tensors["fc2.bias"] = TensorData([Float](repeating: 0, count: 12), shape: [12])
    try SafeTensors(tensors: tensors).write(to: ModelFile.weightsURL(for: url))
    assertLoadFails(
      url,
      "weight 'fc2.bias' in \(ModelFile.weightsURL(for: url).path) is f32[12], expected f32[10]")
  }

  func testWeightOfWrongDType() throws {
    let url = try savedMLP()
    var tensors = try SafeTensors(contentsOf: ModelFile.weightsURL(for: url)).tensors
    tensors["fc1.bias"] = TensorData(halves: [Float](repeating: 0, count: 128), shape: [128])
    try SafeTensors(tensors: tensors).write(to: ModelFile.weightsURL(for: url))
    assertLoadFails(url, "weight 'fc1.bias'", "is f16[128], expected f32[128]")
  }

  func testWeightMissingFromFile() throws {
    let url = try savedMLP()
    var tensors = try SafeTensors(contentsOf: ModelFile.weightsURL(for: url)).tensors
    tensors["fc1.weight"] = nil
    try SafeTensors(tensors: tensors).write(to: ModelFile.weightsURL(for: url))
    assertLoadFails(
      url, "weight 'fc1.weight' is missing from \(ModelFile.weightsURL(for: url).path)")
  }

  func testDeclaredWeightTypeInconsistentWithGraph() throws {
    // The file and the declaration agree, but the graph cannot use a [64, 100] weight.
    let url = try savedMLP()
    var tensors = try SafeTensors(contentsOf: ModelFile.weightsURL(for: url)).tensors
    tensors["fc1.weight"] = TensorData([Float](repeating: 0, count: 6400), shape: [64, 100])
    try SafeTensors(tensors: tensors).write(to: ModelFile.weightsURL(for: url))
    let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
      .replacingOccurrences(
        of: #"{"name": "fc1.weight", "dtype": "f32", "shape": [64, 128]}"#,
        with: #"{"name": "fc1.weight", "dtype": "f32", "shape": [64, 100]}"#)
    try Data(text.utf8).write(to: url)
    assertLoadFails(url, "node 'fc1' (linear): bias must have shape [100] ([out]), got f32[128]")
  }
}

extension ModelFileLoadErrorTests {
  func testAttributeWithUnsupportedJSONValue() throws {
    try assertLoadFails(
      model(
        nodes:
          #"[{"name": "r", "op": "relu", "inputs": ["x"], "outputs": ["y"], "attrs": {"mode": null}}]"#
      ),
      "node 'r' (relu): attribute 'mode' has unsupported JSON value null")
    try assertLoadFails(
      model(
        nodes:
          #"[{"name": "r", "op": "relu", "inputs": ["x"], "outputs": ["y"], "attrs": {"mode": 1}}]"#
      ),
      "node 'r' (relu): unknown attribute 'mode' (it takes none)")
  }
}
