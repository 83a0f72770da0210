import Foundation
import SwiftProtobuf
import TTIR
import XCTest

@testable import TTONNX

/// Builds small ONNX models in Swift for tests.
struct ONNXModelBuilder {
  var graph = Onnx_GraphProto()
  var opset: Int64
  var domains: [String: Int64] = [:]

  init(opset: Int64 = 17) { self.opset = opset }

  /// A graph input; `nil` dimensions are dynamic (named `N`).
  mutating func input(_ name: String, _ shape: [Int?], type: Int32 = ONNXDataType.float) {
    graph.input.append(valueInfo(name, shape, type))
  }

  mutating func output(_ name: String) {
    graph.output.append(valueInfo(name, [], ONNXDataType.float, shapeless: true))
  }

  mutating func initializer(_ name: String, _ data: TensorData) {
    graph.initializer.append(Onnx_TensorProto(data, name: name))
  }

  mutating func node(
    _ opType: String, _ inputs: [String], _ outputs: [String], name: String = "", domain: String = "",
    attributes: [Onnx_AttributeProto] = []
  ) {
    var node = Onnx_NodeProto()
    node.opType = opType
    node.input = inputs
    node.output = outputs
    node.name = name
    node.domain = domain
    node.attribute = attributes
    graph.node.append(node)
  }

  var model: Onnx_ModelProto {
    var model = Onnx_ModelProto()
    model.irVersion = 8
    var entry = Onnx_OperatorSetIdProto()
    entry.version = opset
    model.opsetImport = [entry]
    for (domain, version) in domains {
      var other = Onnx_OperatorSetIdProto()
      other.domain = domain
      other.version = version
      model.opsetImport.append(other)
    }
    model.graph = graph
    return model
  }

  var data: Data { try! model.serializedData() }

  func importGraph(_ options: ONNXImporter.Options = .init()) throws -> Graph {
    try ONNXImporter(options: options).importModel(data: data, directory: nil, name: "test")
  }

  private func valueInfo(_ name: String, _ shape: [Int?], _ type: Int32, shapeless: Bool = false)
    -> Onnx_ValueInfoProto
  {
    var tensor = Onnx_TypeProto.Tensor()
    tensor.elemType = type
    if !shapeless {
      tensor.shape.dim = shape.map { extent in
        var dim = Onnx_TensorShapeProto.Dimension()
        if let extent { dim.dimValue = Int64(extent) } else { dim.dimParam = "N" }
        return dim
      }
    }
    var info = Onnx_ValueInfoProto()
    info.name = name
    info.type.tensorType = tensor
    return info
  }
}

/// Asserts that `body` throws an error whose description contains `fragment`.
func assertFails(
  _ fragment: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
) {
  do {
    try body()
    XCTFail("expected an error containing '\(fragment)'", file: file, line: line)
  } catch {
    XCTAssertTrue(
      "\(error)".contains(fragment), "'\(error)' does not contain '\(fragment)'", file: file, line: line)
    XCTAssertFalse("\(error)".contains("\n"), "one line: \(error)", file: file, line: line)
  }
}

/// Writes `model` as `bad.onnx` into `folder` and runs `ttc import bad.onnx -o out.json` there:
/// it must fail with one `error:` line containing `fragment`, and leave the folder's files as
/// they were (nothing written). Fails when `ttc` is not built.
func assertImportCommandFails(
  _ model: ONNXModelBuilder, in folder: URL, _ fragment: String, file: StaticString = #filePath,
  line: UInt = #line
) throws {
  let executable = try XCTUnwrap(ttcExecutable(), "build the ttc product first", file: file, line: line)
  try model.data.write(to: folder.appendingPathComponent("bad.onnx"))
  let before = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
  let result = try runProcess(executable, ["import", "bad.onnx", "-o", "out.json"], in: folder)
  XCTAssertNotEqual(result.status, 0, file: file, line: line)
  XCTAssertTrue(
    result.stderr.hasPrefix("error: ") && result.stderr.contains(fragment),
    "'\(result.stderr)' does not contain '\(fragment)'", file: file, line: line)
  XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr, file: file, line: line)
  XCTAssertEqual(
    try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), before, "nothing written",
    file: file, line: line)
}

/// A fresh temporary folder, removed by the caller.
func temporaryFolder() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("ttc-onnx-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Python with `onnx` and `onnxruntime`, the reference these tests compare against:
/// `$TTC_ONNX_PYTHON`, else the venv of `scripts/onnx-conformance.sh`-style setups
/// (`/tmp/ttc-onnx-venv`, `.venv-onnx`), else `python3`. Tests skip when none has both.
enum ReferencePython {
  static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
    "Python")

  static let executable: String? = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let candidates = [
      ProcessInfo.processInfo.environment["TTC_ONNX_PYTHON"], "/tmp/ttc-onnx-venv/bin/python",
      root.appendingPathComponent(".venv-onnx/bin/python").path, "python3",
    ].compactMap { $0 }
    return candidates.first { (try? run($0, ["-c", "import onnx, onnxruntime"]))?.status == 0 }
  }()

  /// Skips the test when no reference Python is installed.
  static func require() throws -> String {
    guard let executable else { throw XCTSkip("python with onnx and onnxruntime is not installed") }
    return executable
  }

  /// Runs `script` (in Tests/TTONNXTests/Python) with `arguments`; fails with its output.
  static func runScript(_ script: String, _ arguments: [String]) throws {
    let result = try run(try require(), [scripts.appendingPathComponent(script).path] + arguments)
    guard result.status == 0 else { throw ONNXError("\(script) failed: \(result.output)") }
  }

  private static func run(_ executable: String, _ arguments: [String]) throws -> ProcessResult {
    try runProgram(executable, arguments)
  }

}

/// ``assertClose(_:_:_:tolerance:file:line:)`` for tensors: same shape, then the values.
func assertClose(
  _ actual: TensorData, _ expected: TensorData, tolerance: Float = Tolerance.compiled, _ message: String,
  file: StaticString = #filePath, line: UInt = #line
) {
  XCTAssertEqual(actual.shape, expected.shape, message, file: file, line: line)
  assertClose(actual.floats(), expected.floats(), message, tolerance: tolerance, file: file, line: line)
}
