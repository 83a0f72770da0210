import Foundation
import TTIR
import XCTest

/// Bad input to `ttc`: one `error:` line on stderr naming the file (and node or input), a
/// non-zero exit, no stack trace, and nothing written to the output path.
final class CommandLineErrorTests: CommandLineTestCase {
  override func setUpWithError() throws {
    try super.setUpWithError()
    try writeNumpy(values(64, seed: 1), shape: [1, 64], to: "x.npy")
  }

  /// Runs `ttc run model --input x.npy --output y.npy` and checks the failure contract.
  private func assertRunFails(
    _ expected: String, model: String = "model.json", input: String = "x.npy",
    file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let result = try ttc(["run", model, "--input", input, "--output", "y.npy"], in: directory)
    XCTAssertNotEqual(result.status, 0, "exit status", file: file, line: line)
    XCTAssertEqual(result.stdout, "", file: file, line: line)
    let lines = result.stderr.split(separator: "\n")
    XCTAssertEqual(lines.count, 1, "one line: \(result.stderr)", file: file, line: line)
    XCTAssertTrue(result.stderr.hasPrefix("error: "), result.stderr, file: file, line: line)
    XCTAssertTrue(
      result.stderr.contains(expected), "\(result.stderr) lacks \(expected)", file: file, line: line)
    XCTAssertFalse(exists("y.npy"), "nothing written", file: file, line: line)
  }

  /// A model.json with one input `x: f32[1, 64]`, `nodes` as given, and output `y`.
  private func writeModel(
    nodes: String, outputs: String = #"[{"name": "y", "dtype": "f32", "shape": [1, 64]}]"#,
    version: Int = 1
  ) throws {
    try write(
      """
      {"format": "ttc-model", "version": \(version), "name": "m",
       "inputs": [{"name": "x", "dtype": "f32", "shape": [1, 64]}],
       "outputs": \(outputs), "nodes": \(nodes), "weights": {"inline": {}}}
      """, to: "model.json")
  }

  func testMalformedModelFiles() throws {
    try write("hello", to: "model.json")
    try assertRunFails("error: model.json: not a model file")
    try write("[1, 2]", to: "model.json")
    try assertRunFails("error: model.json: not a model file: the document is")
    try writeModel(nodes: "[]", version: 7)
    try assertRunFails("error: model.json: unsupported version 7")
    try assertRunFails("error: missing.json: cannot read file", model: "missing.json")
  }

  func testUnknownOpListsTheSupportedOps() throws {
    try writeModel(nodes: #"[{"name": "s", "op": "swish", "inputs": ["x"], "outputs": ["y"]}]"#)
    try assertRunFails("error: model.json: node 's': unknown op 'swish' (supported ops: neg, exp,")
  }

  func testGraphErrorsNameTheNode() throws {
    try writeModel(nodes: #"[{"name": "t", "op": "transpose", "inputs": ["x"], "outputs": ["y"]}]"#)
    try assertRunFails("error: model.json: node 't' (transpose): missing required attribute 'perm'")

    try writeModel(nodes: #"[{"name": "r", "op": "relu", "inputs": ["nope"], "outputs": ["y"]}]"#)
    try assertRunFails("error: model.json: node 'r' (relu): input 'nope' is not defined")

    try writeModel(
      nodes: #"""
        [{"name": "a", "op": "relu", "inputs": ["x"], "outputs": ["y"]},
         {"name": "b", "op": "tanh", "inputs": ["x"], "outputs": ["y"]}]
        """#)
    try assertRunFails("error: model.json: node 'b' (tanh): output 'y' is already defined by node 'a'")

    try writeModel(
      nodes: #"""
        [{"name": "a", "op": "add", "inputs": ["x", "c"], "outputs": ["b"]},
         {"name": "c", "op": "relu", "inputs": ["b"], "outputs": ["c"]},
         {"name": "d", "op": "relu", "inputs": ["c"], "outputs": ["y"]}]
        """#)
    try assertRunFails("error: model.json: node 'a' (add): cycle: a → c → a")
  }

  func testControlBytesInNamesAreEscapedAndNulIsRefused() throws {
    // A name may hold terminal escapes and newlines; the error line shows them escaped.
    try writeModel(
      nodes: #"[{"name": "r\u001b[2J\nx", "op": "relu", "inputs": ["nope"], "outputs": ["y"]}]"#)
    try assertRunFails(#"error: model.json: node 'r\u{1B}[2J x' (relu): input 'nope' is not defined"#)
    try writeModel(nodes: #"[{"name": "r\u0000", "op": "relu", "inputs": ["x"], "outputs": ["y"]}]"#)
    try assertRunFails(#"error: model.json: graph 'm': name 'r\u{0}' contains a NUL byte"#)
  }

  func testHugeShapesAreOneLineFromInspectCompileAndRun() throws {
    // Two inputs at the 2^40-byte limit concatenated: the output is over it.
    let big =
      #"{"name": "a", "dtype": "i8", "shape": [1099511627776]}, {"name": "b", "dtype": "i8", "shape": [1099511627776]}"#
    try write(
      """
      {"format": "ttc-model", "version": 1, "name": "m", "inputs": [\(big)],
       "outputs": [{"name": "y", "dtype": "i8", "shape": [2199023255552]}],
       "nodes": [{"name": "c", "op": "concat", "inputs": ["a", "b"], "outputs": ["y"], "attrs": {"axis": 0}}],
       "weights": {"inline": {}}}
      """, to: "model.json")
    let expected = "error: model.json: node 'c' (concat): output i8[2199023255552] is larger than the limit"
    for arguments in [
      ["inspect", "model.json"], ["compile", "model.json", "-o", "m.so"], ["graph", "model.json"],
    ] {
      let result = try ttc(arguments, in: directory)
      XCTAssertEqual(result.status, 1, "\(arguments)")
      XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
      XCTAssertTrue(result.stderr.hasPrefix(expected), result.stderr)
    }
    try assertRunFails(expected)
  }

  func testWeightsOutsideTheFolderFoldersAndFIFOsAreClearRefusals() throws {
    func writeModel(weights file: String) throws {
      try write(
        """
        {"format": "ttc-model", "version": 1, "name": "m",
         "inputs": [{"name": "x", "dtype": "f32", "shape": [1, 64]}],
         "outputs": [{"name": "y", "dtype": "f32", "shape": [1, 64]}],
         "nodes": [{"name": "a", "op": "add", "inputs": ["x", "b"], "outputs": ["y"]}],
         "weights": {"file": "\(file)", "tensors": [{"name": "b", "dtype": "f32", "shape": [64]}]}}
        """, to: "model.json")
    }
    try writeModel(weights: "sub/../../secret.safetensors")
    try assertRunFails(#"weights.file "sub/../../secret.safetensors" leaves the model's folder"#)
    try FileManager.default.createDirectory(at: url("folder"), withIntermediateDirectories: false)
    try writeModel(weights: "folder")
    try assertRunFails("folder': is a folder, not a file")
    XCTAssertEqual(mkfifo(url("fifo").path, 0o600), 0)
    try writeModel(weights: "fifo")
    try assertRunFails("fifo': is not a regular file (a FIFO, socket or device)")
    try assertRunFails("error: fifo: is not a regular file", model: "fifo")
    try assertRunFails("error: folder: is a folder, not a file", model: "folder")
    try saveDigitsMLP("model.json")
    try assertRunFails("fifo: is not a regular file", input: "fifo")
  }

  func testShapeMismatchNamesTheNodeAndTheDimensions() throws {
    try write(
      """
      {"format": "ttc-model", "version": 1, "name": "m",
       "inputs": [{"name": "x", "dtype": "f32", "shape": [1, 128]},
                  {"name": "w", "dtype": "f32", "shape": [64, 10]}],
       "outputs": [{"name": "y", "dtype": "f32", "shape": [1, 10]}],
       "nodes": [{"name": "fc2", "op": "matmul", "inputs": ["x", "w"], "outputs": ["y"]}],
       "weights": {"inline": {}}}
      """, to: "model.json")
    try assertRunFails("error: model.json: node 'fc2' (matmul): inner dimensions 128 and 64 differ")
  }

  func testWeightsFileMissingTruncatedOrMismatched() throws {
    try saveDigitsMLP("model.json")
    let weights = url("model.safetensors")
    let original = try Data(contentsOf: weights)

    try Data(original.prefix(original.count - 100)).write(to: weights)
    try assertRunFails("error: model.json: weights: safetensors")

    try FileManager.default.removeItem(at: weights)
    try assertRunFails("error: model.json: weights: safetensors")

    var tensors = try SafeTensors(bytes: [UInt8](original)).tensors
    tensors["fc2.bias"] = TensorData(Array(repeating: 0, count: 11), shape: [11])
    try SafeTensors(tensors: tensors).write(to: weights)
    try assertRunFails("weight 'fc2.bias' in")
    try assertRunFails("is f32[11], expected f32[10]")

    tensors["fc2.bias"] = TensorData(int32s: Array(repeating: 0, count: 10), shape: [10])
    try SafeTensors(tensors: tensors).write(to: weights)
    try assertRunFails("is i32[10], expected f32[10]")
  }

  func testInputFilesOfTheWrongShapeOrDtype() throws {
    try saveDigitsMLP("model.json")
    try writeNumpy(values(32, seed: 2), shape: [1, 32], to: "short.npy")
    try assertRunFails(
      "error: short.npy: input 'x' expects shape [1, 64] (f32[1, 64]), got shape [1, 32]", input: "short.npy")
    try NumpyFile(shape: [1, 64], elements: .float64(Array(repeating: 0, count: 64))).write(
      to: url("f64.npy"))
    try assertRunFails(
      "error: f64.npy: input 'x' expects f32[1, 64] (a '<f4' array), got a '<f8'", input: "f64.npy")
    try write("not numpy", to: "bad.npy")
    try assertRunFails("bad.npy: not a .npy file", input: "bad.npy")
    try assertRunFails("absent.npy: cannot read file", input: "absent.npy")
  }

  func testUnknownInputNameAndUnwritableOutput() throws {
    try saveDigitsMLP("model.json")
    try assertRunFails("error: model.json: the model has no input 'z' (its inputs: x)", input: "z=x.npy")
    let result = try ttc(
      ["run", "model.json", "--input", "x.npy", "--output", "/proc/ttc-test/y.npy"], in: directory)
    XCTAssertNotEqual(result.status, 0)
    XCTAssertTrue(result.stderr.hasPrefix("error: /proc/ttc-test/y.npy: cannot write file"), result.stderr)
  }

  func testWeightsOutsideTheFolderAreReadWhenAskedFor() throws {
    try saveDigitsMLP("mlp.json")
    try FileManager.default.createDirectory(at: url("models"), withIntermediateDirectories: false)
    let text = try String(contentsOf: url("mlp.json"), encoding: .utf8)
      .replacingOccurrences(of: #""file": "mlp.safetensors""#, with: #""file": "../mlp.safetensors""#)
    try write(text, to: "models/mlp.json")
    let refused = try ttc(["inspect", "models/mlp.json"], in: directory)
    XCTAssertEqual(refused.status, 1)
    XCTAssertTrue(
      refused.stderr.contains("leaves the model's folder (\"..\" is not allowed unless asked for"),
      refused.stderr)
    for command in ["inspect", "graph"] {
      let allowed = try ttc([command, "models/mlp.json", "--allow-weights-outside-folder"], in: directory)
      XCTAssertEqual(allowed.status, 0, "\(command): \(allowed.stderr)")
    }
  }
}
